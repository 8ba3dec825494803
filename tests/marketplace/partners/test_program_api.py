"""The public program, the revenue-share schedules, and publishing a new one (staff only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.db import Database
from marketplace.errors import (
    Conflict,
    Forbidden,
    MarketplaceError,
    Unprocessable,
    from_program_error,
)
from marketplace.partners import service
from partners.program import (
    ContractError,
    InvalidTransitionError,
    NotPermittedError,
    RequirementsNotMetError,
    RetroactiveChangeError,
    StrategicContract,
    Tier,
    default_schedules,
)
from tests.marketplace.conftest import PartnerHandle

RATES = {"registered": {"partner_share_bps": 3000, "platform_fee_bps": 7000},
         "certified": {"partner_share_bps": 3500, "platform_fee_bps": 6500},
         "gold": {"partner_share_bps": 4500, "platform_fee_bps": 5500},
         "strategic": {"partner_share_bps": 4500, "platform_fee_bps": 5500}}
BOUNDS = {"min_partner_share_bps": 4500, "max_partner_share_bps": 8500}


def schedule_body(**overrides: Any) -> dict[str, Any]:
    body = {"effective_from": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
            "note": "Certified 35 %.", "rates": RATES, "strategic_bounds": BOUNDS}
    body.update(overrides)
    return body


def test_program_is_public(client: TestClient) -> None:
    response = client.get("/v1/partners/program")
    assert response.status_code == 200
    data = response.json()
    assert [t["tier"] for t in data["tiers"]] == ["registered", "certified", "gold", "strategic"]
    certified = data["tiers"][1]
    assert {r["id"] for r in certified["requirements"]} == {
        "technical-training", "sales-training", "certification-exam"}
    assert "paid-skills" in {b["id"] for b in certified["benefits"]}
    assert data["capabilities"]["publish_paid_skills"] == "certified"
    assert data["partner_types"] == ["technology", "integration", "channel"]
    assert data["current_schedule"]["version"] == 1
    assert data["current_schedule"]["rates"]["gold"] == {"partner_share_bps": 4000,
                                                         "platform_fee_bps": 6000}


def test_the_seeded_schedule_is_the_programs_default(db: Database) -> None:
    with db.read() as session:
        assert service.schedules(session) == tuple(default_schedules())


def test_schedules_list_and_current(client: TestClient) -> None:
    listed = client.get("/v1/revenue-share/schedules")
    assert listed.status_code == 200 and [s["version"] for s in listed.json()] == [1]
    assert client.get("/v1/revenue-share/schedules", params={"from_version": 2}).json() == []
    assert client.get("/v1/revenue-share/schedules/current").json()["version"] == 1
    before = client.get("/v1/revenue-share/schedules/current",
                        params={"at": "2025-06-01T00:00:00Z"})
    assert before.status_code == 409 and before.json()["status"] == 409
    naive = client.get("/v1/revenue-share/schedules/current", params={"at": "2026-06-01T00:00"})
    assert naive.status_code == 422


def test_staff_publish_a_future_schedule(client: TestClient, staff: PartnerHandle) -> None:
    response = client.post("/v1/revenue-share/schedules", json=schedule_body(),
                           headers=staff.bearer)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["version"] == 2 and data["published_by"] == "staff:sam"
    assert data["rates"]["certified"] == RATES["certified"]
    # in force only from its date: today's sales still use version 1
    assert client.get("/v1/revenue-share/schedules/current").json()["version"] == 1
    later = (datetime.now(UTC) + timedelta(days=31)).isoformat()
    assert client.get("/v1/revenue-share/schedules/current",
                      params={"at": later}).json()["version"] == 2
    # the next one must come after it
    earlier = client.post("/v1/revenue-share/schedules", headers=staff.bearer, json=schedule_body(
        effective_from=(datetime.now(UTC) + timedelta(days=10)).isoformat()))
    assert earlier.status_code == 409


@pytest.mark.parametrize(("change", "status"), [
    ({"effective_from": "2026-01-02T00:00:00Z"}, 409),  # retroactive
    ({"rates": {**RATES, "gold": {"partner_share_bps": 4000, "platform_fee_bps": 5000}}}, 422),
    ({"rates": {k: v for k, v in RATES.items() if k != "gold"}}, 422),
    ({"strategic_bounds": {"min_partner_share_bps": 5000, "max_partner_share_bps": 8500}}, 422),
    ({"version": 7}, 422),
    ({"published_by": "someone else"}, 422),
    ({"effective_from": "2030-01-01T00:00:00"}, 422),  # no time zone
])
def test_bad_schedules_are_refused(client: TestClient, staff: PartnerHandle,
                                   change: dict[str, Any], status: int) -> None:
    response = client.post("/v1/revenue-share/schedules", json=schedule_body(**change),
                           headers=staff.bearer)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [s["version"] for s in client.get("/v1/revenue-share/schedules").json()] == [1]


def test_only_staff_publish_schedules(client: TestClient, make_partner: Any) -> None:
    partner = make_partner()
    assert client.post("/v1/revenue-share/schedules", json=schedule_body()).status_code == 401
    refused = client.post("/v1/revenue-share/schedules", json=schedule_body(),
                          headers=partner.bearer)
    assert refused.status_code == 403
    assert [s["version"] for s in client.get("/v1/revenue-share/schedules").json()] == [1]


def test_program_errors_map_to_statuses() -> None:
    contract = StrategicContract(reference="C-1", rate_bps=5000, starts_on=datetime(2026, 1, 1)
                                 .date(), ends_on=datetime(2026, 2, 1).date())
    cases: list[tuple[Exception, type[MarketplaceError]]] = [
        (NotPermittedError("no"), Forbidden),
        (InvalidTransitionError("no"), Conflict),
        (RequirementsNotMetError("no", tier=Tier.GOLD, missing=["x"]), Conflict),
        (RetroactiveChangeError("no", effective_from=datetime.now(UTC)), Conflict),
        (ContractError("no", contract=contract), Unprocessable),
    ]
    for error, expected in cases:
        mapped = from_program_error(error)
        assert type(mapped) is expected and mapped.detail == "no"


def test_openapi_documents_the_partner_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    approve = paths["/v1/partners/{partner_id}/promotion-requests/{request_id}/approve"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(approve["responses"])
    assert {"401", "403", "409", "422"} <= set(
        paths["/v1/revenue-share/schedules"]["post"]["responses"])
    for path in ("/v1/partners/me", "/v1/partners/me/tier", "/v1/partners/me/promotion-requests",
                 "/v1/partners/{partner_id}/evidence", "/v1/partners/{partner_id}/history",
                 "/v1/partners/{partner_id}/demotion-notices",
                 "/v1/partners/{partner_id}/contracts/{contract_id}"):
        assert path in paths
