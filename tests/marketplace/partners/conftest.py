"""Partner program fixtures: staff accounts, member tokens, and a certifiable partner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.accounts import service as accounts
from marketplace.accounts.models import ApiTokenCreate, PartnerCreate, TokenRole
from marketplace.db import Database
from tests.marketplace.conftest import PartnerHandle

CERTIFIED = ("technical-training", "sales-training", "certification-exam")


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
def staff(make_staff: Callable[..., PartnerHandle]) -> PartnerHandle:
    return make_staff()


@pytest.fixture
def member_of(db: Database) -> Callable[[PartnerHandle], PartnerHandle]:
    def make(partner: PartnerHandle) -> PartnerHandle:
        with db.write() as session:
            issued = accounts.issue_token(session, partner.id,
                                          ApiTokenCreate(role=TokenRole.MEMBER))
            session.commit()
        return PartnerHandle(partner.name, partner.id, issued.token, issued.id)

    return make


def confirm(client: TestClient, staff: PartnerHandle, partner: PartnerHandle,
            *requirements: str) -> None:
    for requirement in requirements or CERTIFIED:
        response = client.post(f"/v1/partners/{partner.id}/evidence", headers=staff.bearer,
                               json={"requirement_id": requirement, "note": "Checked."})
        assert response.status_code == 201, response.text


def request(client: TestClient, partner: PartnerHandle, **body: Any) -> Any:
    return client.post("/v1/partners/me/promotion-requests", headers=partner.bearer,
                       json={"reason": "We did the training.", **body})


def promote(client: TestClient, staff: PartnerHandle, partner: PartnerHandle) -> None:
    """Take ``partner`` to certified, through evidence, a request and an approval."""
    confirm(client, staff, partner)
    asked = request(client, partner)
    assert asked.status_code == 201, asked.text
    approved = client.post(f"/v1/partners/{partner.id}/promotion-requests/"
                           f"{asked.json()['id']}/approve", headers=staff.bearer,
                           json={"reason": "All three confirmed."})
    assert approved.status_code == 200, approved.text
