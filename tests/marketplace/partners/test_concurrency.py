"""Two staff members approving the same request at the same moment: it applies once."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.accounts import service as accounts
from marketplace.db import Database
from marketplace.errors import Conflict
from marketplace.partners import schemas, service
from partners.program import InvalidTransitionError
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.partners.conftest import confirm, request


def _approve(db: Database, staff_id: uuid.UUID, partner_id: uuid.UUID,
             request_id: uuid.UUID, start: threading.Barrier, outcomes: list[str]) -> None:
    principal = accounts.Principal(staff_id, f"staff-{staff_id}", None, None, is_staff=True)
    start.wait()
    try:
        with db.write() as session:
            service.approve_promotion(session, principal, partner_id, request_id,
                                      schemas.ApprovalCreate(reason="Race."), service.now())
            service.commit(session)
        outcomes.append("applied")
    except (InvalidTransitionError, Conflict):
        outcomes.append("refused")


@pytest.mark.postgres
def test_two_simultaneous_approvals_apply_once(client: TestClient, make_partner: Any,
                                               make_staff: Any, db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE; the race is PostgreSQL's")
    partner: PartnerHandle = make_partner()
    first, second = make_staff("sam"), make_staff("kim")
    confirm(client, first, partner)
    entry = request(client, partner).json()
    outcomes: list[str] = []
    start = threading.Barrier(2)
    threads = [threading.Thread(target=_approve, args=(db, who.id, partner.id,
                                                       uuid.UUID(entry["id"]), start, outcomes))
               for who in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["applied", "refused"]
    kinds = [c["kind"] for c in client.get(f"/v1/partners/{partner.id}/history",
                                           headers=first.bearer).json()]
    assert kinds == ["promotion_requested", "promotion_approved"]


@pytest.mark.postgres
def test_an_approval_waits_for_a_decision_in_progress(client: TestClient, make_partner: Any,
                                                      make_staff: Any, db: Database) -> None:
    """Hold the partner's lock in one transaction; the second approval waits, then sees it."""
    if db.is_sqlite:
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE; the race is PostgreSQL's")
    partner: PartnerHandle = make_partner()
    staff = make_staff()
    confirm(client, staff, partner)
    entry = request(client, partner).json()
    path = f"/v1/partners/{partner.id}/promotion-requests/{entry['id']}/approve"
    principal = accounts.Principal(staff.id, staff.name, None, None, is_staff=True)
    results: dict[str, int] = {}
    with db.write() as session:
        service.approve_promotion(session, principal, partner.id, uuid.UUID(entry["id"]),
                                  schemas.ApprovalCreate(reason="First."), service.now())
        waiting = threading.Thread(target=lambda: results.setdefault(
            "second", client.post(path, headers=staff.bearer,
                                  json={"reason": "Second."}).status_code))
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive()  # blocked on the partner's lock
        service.commit(session)
    waiting.join(timeout=30)
    assert results == {"second": 409}
    kinds = [c["kind"] for c in client.get(f"/v1/partners/{partner.id}/history",
                                           headers=staff.bearer).json()]
    assert kinds == ["promotion_requested", "promotion_approved"]
