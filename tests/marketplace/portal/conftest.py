"""Portal fixtures: a browser-like client that signs in, reads CSRF tokens from forms, and
staff accounts."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from marketplace.accounts import service as accounts
from marketplace.accounts.models import ApiTokenCreate, PartnerCreate, TokenRole
from marketplace.db import Database
from tests.marketplace.conftest import PartnerHandle

CERTIFIED = ("technical-training", "sales-training", "certification-exam")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: httpx.Client, token: str, next_path: str = "/portal/") -> httpx.Response:
    """Sign in with an API token the way a browser does: get the form, post it back."""
    form = client.get("/portal/sign-in")
    return client.post("/portal/sign-in", data={
        "csrf_token": csrf_of(form.text), "method": "token", "token": token,
        "next": next_path}, follow_redirects=False)


def sign_in_password(client: httpx.Client, email: str, password: str) -> httpx.Response:
    form = client.get("/portal/sign-in")
    return client.post("/portal/sign-in", data={
        "csrf_token": csrf_of(form.text), "method": "password", "email": email,
        "password": password}, follow_redirects=False)


def post_form(client: httpx.Client, page: str, action: str,
              **fields: str) -> httpx.Response:
    """Open ``page``, take its CSRF token (and one-shot nonce), post ``fields`` to ``action``."""
    return client.post(action, data={**form_fields(client.get(page).text), **fields},
                       follow_redirects=False)


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields every form of a page carries: the CSRF token and any nonce."""
    fields = {"csrf_token": csrf_of(html)}
    nonce = re.search(r'name="nonce" value="([^"]+)"', html)
    if nonce:
        fields["nonce"] = nonce.group(1)
    return fields


def alerts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip()
            for text in re.findall(r'role="(?:alert|status)">(.*?)</p>', html, re.S)]


@pytest.fixture
def make_staff(db: Database) -> Callable[..., PartnerHandle]:
    def make(name: str = "sam") -> PartnerHandle:
        with db.write() as session:
            staff = accounts.create_staff(session, PartnerCreate(name=name,
                                                                 email=f"{name}@robeing.dev"))
            issued = accounts.issue_token(session, staff.id)
            handle = PartnerHandle(staff.name, staff.id, issued.token, issued.id)
            session.commit()
        return handle

    return make


@pytest.fixture
def member_of(db: Database) -> Callable[[PartnerHandle], PartnerHandle]:
    def make(partner: PartnerHandle) -> PartnerHandle:
        with db.write() as session:
            issued = accounts.issue_token(session, partner.id,
                                          ApiTokenCreate(role=TokenRole.MEMBER))
            session.commit()
        return PartnerHandle(partner.name, partner.id, issued.token, issued.id)

    return make


def confirm_certified(client: httpx.Client, staff: PartnerHandle,
                      partner: PartnerHandle) -> None:
    """Staff confirm the certified tier's evidence through the REST API."""
    for requirement in CERTIFIED:
        response = client.post(f"/v1/partners/{partner.id}/evidence", headers=staff.bearer,
                               json={"requirement_id": requirement, "note": "Checked."})
        assert response.status_code == 201, response.text
