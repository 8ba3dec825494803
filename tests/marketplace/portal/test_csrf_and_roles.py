"""Every form needs its session's CSRF token; staff pages are staff's; another partner's
things stay invisible."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.accounts.models import ApiToken
from marketplace.db import Database
from tests.marketplace.conftest import PartnerFactory, PartnerHandle
from tests.marketplace.portal.conftest import (
    alerts,
    confirm_certified,
    csrf_of,
    post_form,
    sign_in,
)


def _tokens(db: Database) -> int:
    with db.read() as session:
        return len(session.exec(select(ApiToken)).all())


def test_forms_without_the_csrf_token_do_nothing(client: TestClient,
                                                 make_partner: PartnerFactory,
                                                 db: Database) -> None:
    sign_in(client, make_partner("acme").token)
    before = _tokens(db)
    missing = client.post("/portal/tokens", data={"description": "x"})
    wrong = client.post("/portal/tokens", data={"description": "x", "csrf_token": "guess"})
    assert missing.status_code == wrong.status_code == 403
    assert missing.headers["content-type"] == "text/html; charset=utf-8"
    assert _tokens(db) == before


def test_a_csrf_token_belongs_to_its_session(app: object, client: TestClient,
                                             make_partner: PartnerFactory) -> None:
    sign_in(client, make_partner("acme").token)
    with TestClient(app) as other:  # type: ignore[arg-type]
        sign_in(other, make_partner("globex").token)
        theirs = csrf_of(other.get("/portal/tokens").text)
    response = client.post("/portal/tokens", data={"csrf_token": theirs})
    assert response.status_code == 403


def test_sign_in_needs_the_double_submit_cookie(client: TestClient,
                                                make_partner: PartnerFactory) -> None:
    partner = make_partner("acme")
    form = client.get("/portal/sign-in")
    token = csrf_of(form.text)
    client.cookies.clear()  # a cross-site form has the field but not our cookie
    response = client.post("/portal/sign-in", data={
        "csrf_token": token, "method": "token", "token": partner.token})
    assert response.status_code == 403


def test_staff_pages(client: TestClient, make_partner: PartnerFactory,
                     make_staff: Callable[..., PartnerHandle]) -> None:
    anonymous = client.get("/portal/staff/reviews", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/portal/sign-in")
    sign_in(client, make_partner("acme").token)
    assert client.get("/portal/staff/reviews").status_code == 403
    client.cookies.clear()
    sign_in(client, make_staff().token)
    assert client.get("/portal/staff/reviews").status_code == 200


def test_promotion_request_and_staff_approval(app: object, client: TestClient,
                                              make_partner: PartnerFactory,
                                              make_staff: Callable[..., PartnerHandle]) -> None:
    partner, staff = make_partner("acme"), make_staff()
    confirm_certified(client, staff, partner)
    sign_in(client, partner.token)
    page = client.get("/portal/program")
    assert 'id="current-tier">Registered<' in page.text
    asked = post_form(client, "/portal/program", "/portal/program/promotion",
                      to_tier="certified", reason="We did <b>the</b> training.")
    assert asked.status_code == 303
    again = post_form(client, "/portal/program", "/portal/program/promotion",
                      to_tier="certified", reason="Twice.")  # a double submit asks once
    assert again.status_code == 409
    assert 'id="pending-request"' in again.text
    with TestClient(app) as desk:  # type: ignore[arg-type]
        sign_in(desk, staff.token)
        queue = desk.get("/portal/staff/reviews")
        assert "We did &lt;b&gt;the&lt;/b&gt; training." in queue.text  # escaped
        action = queue.text.split('action="/portal/staff/reviews/')[1].split('"')[0]
        decided = desk.post(f"/portal/staff/reviews/{action}", follow_redirects=False, data={
            "csrf_token": csrf_of(queue.text), "decision": "approve", "reason": "All good."})
        assert decided.status_code == 303
        twice = desk.post(f"/portal/staff/reviews/{action}", data={
            "csrf_token": csrf_of(queue.text), "decision": "approve", "reason": "Again."})
        assert twice.status_code == 409
        assert "already been decided" in alerts(twice.text)[0]
    assert 'id="current-tier">Certified<' in client.get("/portal/program").text


def test_another_partners_skill_is_not_shown(client: TestClient,
                                             make_partner: PartnerFactory,
                                             upload_file: Callable[..., object],
                                             wheels: Callable[..., Path]) -> None:
    owner, other = make_partner("acme"), make_partner("globex")
    upload_file(owner, wheels("hello-skill"))
    sign_in(client, other.token)
    assert client.get("/portal/skills/hello-skill").status_code == 403
    assert client.get("/portal/skills/no-such-skill").status_code == 404
    yank = post_form(client, "/portal/dashboard", "/portal/skills/hello-skill/releases/1.0.0/yank",
                     yanked="1")
    assert yank.status_code == 403


def test_staff_have_no_partner_pages(client: TestClient,
                                     make_staff: Callable[..., PartnerHandle]) -> None:
    sign_in(client, make_staff().token)
    response = client.get("/portal/program")
    assert response.status_code == 403
    assert "Staff accounts are not partners" in response.text


def test_paid_skills_wait_for_the_certified_tier(app: object, client: TestClient,
                                                 make_partner: PartnerFactory,
                                                 make_staff: Callable[..., PartnerHandle],
                                                 wheels: Callable[..., Path]) -> None:
    """The path a new partner walks: a paid skill is refused at registered, and published
    after staff approve the promotion; the money page says what a sale earns."""
    partner, staff = make_partner("acme"), make_staff()
    sign_in(client, partner.token)
    paid = wheels("paid-skill", price='kind = "one_time"\namount = 4900\ncurrency = "USD"')

    def send() -> object:
        fields = {"csrf_token": csrf_of(client.get("/portal/upload").text)}
        return client.post("/portal/upload", data=fields,
                           files={"content": (paid.name, paid.read_bytes())})

    early = send()
    assert early.status_code == 403  # type: ignore[attr-defined]
    assert "certified" in alerts(early.text)[0]  # type: ignore[attr-defined]
    confirm_certified(client, staff, partner)
    post_form(client, "/portal/program", "/portal/program/promotion", to_tier="certified",
              reason="Trained and examined.")
    with TestClient(app) as desk:  # type: ignore[arg-type]
        sign_in(desk, staff.token)
        queue = desk.get("/portal/staff/reviews")
        action = queue.text.split('action="/portal/staff/reviews/')[1].split('"')[0]
        desk.post(f"/portal/staff/reviews/{action}", data={
            "csrf_token": csrf_of(queue.text), "decision": "approve", "reason": "Done."})
    later = send()
    assert later.status_code == 201  # type: ignore[attr-defined]
    assert "Paid" in client.get("/portal/dashboard").text
    assert "pays you $30.00" in client.get("/portal/money").text


def test_admins_set_the_partner_type_and_members_cannot(
        client: TestClient, make_partner: PartnerFactory,
        member_of: Callable[..., PartnerHandle]) -> None:
    partner = make_partner("acme")
    sign_in(client, partner.token)
    assert post_form(client, "/portal/account", "/portal/account/type",
                     partner_type="channel").status_code == 303
    assert client.get("/v1/partners/me", headers=partner.bearer).json()["partner_type"] == \
        "channel"
    odd = post_form(client, "/portal/account", "/portal/account/type", partner_type="gold")
    assert odd.status_code == 422
    client.cookies.clear()
    sign_in(client, member_of(partner).token)
    refused = post_form(client, "/portal/account", "/portal/account/type",
                        partner_type="technology")
    assert refused.status_code == 403
    assert client.get("/v1/partners/me", headers=partner.bearer).json()["partner_type"] == \
        "channel"


def test_a_held_skill_is_its_publishers_to_manage_and_nobody_elses(
        client: TestClient, make_partner: PartnerFactory,
        upload_file: Callable[..., object], wheels: Callable[..., Path]) -> None:
    """``t0asting`` is held for review (confusable with acme's ``toasting``): its own
    publisher opens and yanks it in the portal; another partner gets 404, as for no skill."""
    upload_file(make_partner("acme"), wheels("toasting"))
    rival, other = make_partner("rival"), make_partner("globex")
    upload_file(rival, wheels("t0asting"))
    sign_in(client, other.token)
    assert client.get("/portal/skills/t0asting").status_code == 404
    client.cookies.clear()
    sign_in(client, rival.token)
    assert client.get("/portal/skills/t0asting").status_code == 200
    yank = post_form(client, "/portal/skills/t0asting",
                     "/portal/skills/t0asting/releases/1.0.0/yank", yanked="1")
    assert yank.status_code == 303
    releases = client.get("/v1/skills/t0asting/releases",
                          headers={"Authorization": f"Bearer {rival.token}"}).json()
    assert [release["yanked"] for release in releases] == [True]
