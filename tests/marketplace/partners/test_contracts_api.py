"""Strategic contracts: staff sign, change and delete them; partners read their own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.db import Database
from marketplace.partners import service
from partners.program import RateSource
from tests.marketplace.conftest import PartnerHandle


def today() -> date:
    """Read at each use: a run that crosses midnight UTC must not post yesterday's date."""
    return datetime.now(UTC).date()


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"reference": "SC-2026-001", "partner_share_bps": 6500,
                            "platform_fee_bps": 3500,
                            "starts_on": (today() + timedelta(days=10)).isoformat(),
                            "ends_on": (today() + timedelta(days=375)).isoformat()}
    data.update(overrides)
    return data


def test_contract_crud(client: TestClient, make_partner: Any, staff: PartnerHandle) -> None:
    partner = make_partner()
    base = f"/v1/partners/{partner.id}/contracts"
    created = client.post(base, json=body(), headers=staff.bearer)
    assert created.status_code == 201, created.text
    contract = created.json()
    assert contract["partner_share_bps"] == 6500 and contract["platform_fee_bps"] == 3500
    assert contract["created_by"] == "staff:sam"
    assert [c["id"] for c in client.get(base, headers=partner.bearer).json()] == [contract["id"]]
    one = client.get(f"{base}/{contract['id']}", headers=partner.bearer)
    assert one.status_code == 200 and one.json()["reference"] == "SC-2026-001"
    changed = client.patch(f"{base}/{contract['id']}", headers=staff.bearer,
                           json={"partner_share_bps": 7000, "platform_fee_bps": 3000,
                                 "ends_on": (today() + timedelta(days=200)).isoformat()})
    assert changed.status_code == 200, changed.text
    assert changed.json()["partner_share_bps"] == 7000
    assert client.patch(f"{base}/{contract['id']}", headers=partner.bearer,
                        json={"partner_share_bps": 8500,
                              "platform_fee_bps": 1500}).status_code == 403
    assert client.delete(f"{base}/{contract['id']}", headers=partner.bearer).status_code == 403
    assert client.delete(f"{base}/{contract['id']}", headers=staff.bearer).status_code == 204
    assert client.get(f"{base}/{contract['id']}", headers=staff.bearer).status_code == 404


@pytest.mark.parametrize(("change", "status"), [
    ({"partner_share_bps": 9000, "platform_fee_bps": 1000}, 422),  # above the bounds
    ({"partner_share_bps": 3000, "platform_fee_bps": 7000}, 422),  # below gold
    ({"partner_share_bps": 6500, "platform_fee_bps": 3000}, 422),  # sides do not add up
    ({"starts_on": (today() - timedelta(days=1)).isoformat()}, 422),  # retroactive
    ({"ends_on": (today() + timedelta(days=5)).isoformat()}, 422),  # ends before it starts
    ({"partner_id": "00000000-0000-0000-0000-000000000000"}, 422),
])
def test_bad_contracts_are_refused(client: TestClient, make_partner: Any, staff: PartnerHandle,
                                   change: dict[str, Any], status: int) -> None:
    partner = make_partner()
    base = f"/v1/partners/{partner.id}/contracts"
    response = client.post(base, json=body(**change), headers=staff.bearer)
    assert response.status_code == status, response.text
    assert client.get(base, headers=staff.bearer).json() == []


def test_overlapping_and_duplicate_contracts_conflict(client: TestClient, make_partner: Any,
                                                      staff: PartnerHandle) -> None:
    partner = make_partner()
    base = f"/v1/partners/{partner.id}/contracts"
    assert client.post(base, json=body(), headers=staff.bearer).status_code == 201
    assert client.post(base, json=body(reference="SC-2"), headers=staff.bearer).status_code == 409
    other = make_partner("other")
    assert client.post(f"/v1/partners/{other.id}/contracts", json=body(),
                       headers=staff.bearer).status_code == 409  # reference is unique
    assert len(client.get(base, headers=staff.bearer).json()) == 1


def test_a_running_contract_keeps_its_rate(client: TestClient, make_partner: Any,
                                           staff: PartnerHandle) -> None:
    partner = make_partner()
    base = f"/v1/partners/{partner.id}/contracts"
    running = client.post(base, json=body(starts_on=today().isoformat()), headers=staff.bearer)
    assert running.status_code == 201
    path = f"{base}/{running.json()['id']}"
    assert client.patch(path, headers=staff.bearer, json={
        "partner_share_bps": 8000, "platform_fee_bps": 2000}).status_code == 409
    assert client.patch(path, headers=staff.bearer, json={
        "ends_on": (today() - timedelta(days=1)).isoformat()}).status_code == 422
    assert client.delete(path, headers=staff.bearer).status_code == 409
    ended = client.patch(path, headers=staff.bearer, json={"ends_on": today().isoformat()})
    assert ended.status_code == 200 and ended.json()["partner_share_bps"] == 6500


def test_other_partners_contracts_are_not_found(client: TestClient, make_partner: Any,
                                                staff: PartnerHandle) -> None:
    alice, bob = make_partner("alice"), make_partner("bob")
    made = client.post(f"/v1/partners/{bob.id}/contracts", json=body(), headers=staff.bearer)
    contract_id = made.json()["id"]
    assert client.get(f"/v1/partners/{bob.id}/contracts/{contract_id}",
                      headers=alice.bearer).status_code == 404
    assert client.get(f"/v1/partners/{alice.id}/contracts/{contract_id}",
                      headers=alice.bearer).status_code == 404
    assert client.get(f"/v1/partners/{alice.id}/contracts/{contract_id}",
                      headers=staff.bearer).status_code == 404


def test_sales_use_the_contract_only_while_strategic(client: TestClient, make_partner: Any,
                                                     staff: PartnerHandle, db: Database) -> None:
    partner = make_partner()
    client.post(f"/v1/partners/{partner.id}/contracts", headers=staff.bearer,
                json=body(starts_on=today().isoformat()))
    with db.read() as session:
        rate = service.rate_for_sale(session, partner.id, datetime.now(UTC))
    assert rate.source is RateSource.SCHEDULE and rate.partner_share_bps == 3000
