"""A partner's tier change reaches the catalog's ``tier=`` search filter and invalidates the
cached searches (the index serial moves in the deciding transaction), whether the change
is in force at once (an approval) or later (a dated approval, a demotion, ``sync-tiers``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from marketplace.accounts.models import Partner
from marketplace.db import Database
from marketplace.partners import service
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.partners.conftest import confirm, request


def names(client: TestClient, tier: str) -> list[str]:
    response = client.get("/v1/skills", params={"tier": tier})
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def serial(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.exec_driver_sql(
            "SELECT serial FROM index_state WHERE id = 1").scalar() or 0)


@pytest.fixture
def publisher(make_partner: Any, upload_file: Any, wheels: Any) -> PartnerHandle:
    partner: PartnerHandle = make_partner()
    assert upload_file(partner, wheels("hello-skill")).status_code == 200
    return partner


def approve(client: TestClient, staff: PartnerHandle, partner: PartnerHandle,
            **body: Any) -> None:
    confirm(client, staff, partner)
    asked = request(client, partner)
    assert asked.status_code == 201, asked.text
    approved = client.post(f"/v1/partners/{partner.id}/promotion-requests/"
                           f"{asked.json()['id']}/approve", headers=staff.bearer,
                           json={"reason": "All three confirmed.", **body})
    assert approved.status_code == 200, approved.text


def test_an_approval_changes_the_next_tier_search(client: TestClient, db: Database,
                                                  publisher: PartnerHandle,
                                                  staff: PartnerHandle) -> None:
    assert names(client, "certified") == [] and names(client, "community") == ["hello-skill"]
    before = serial(db)
    confirm(client, staff, publisher)
    assert request(client, publisher).status_code == 201
    assert serial(db) == before  # evidence and a request change no tier: caches stay
    decisions = client.get("/v1/partners/promotion-requests", headers=staff.bearer).json()
    approved = client.post(f"/v1/partners/{publisher.id}/promotion-requests/"
                           f"{decisions[0]['request']['id']}/approve", headers=staff.bearer,
                           json={"reason": "All three confirmed."})
    assert approved.status_code == 200, approved.text
    assert serial(db) == before + 1
    assert names(client, "certified") == ["hello-skill"] and names(client, "community") == []


def test_a_dated_approval_reaches_the_filter_when_it_takes_effect(
        client: TestClient, db: Database, publisher: PartnerHandle,
        staff: PartnerHandle) -> None:
    now = service.now()
    approve(client, staff, publisher, effective_at=(now + timedelta(hours=1)).isoformat())
    assert names(client, "certified") == []  # approved, not yet in force
    assert service.sync_tiers(db, now) == 0
    before = serial(db)
    assert service.sync_tiers(db, now + timedelta(hours=2)) == 1
    assert serial(db) == before + 1
    assert names(client, "certified") == ["hello-skill"]
    assert service.sync_tiers(db, now + timedelta(hours=2)) == 0 and serial(db) == before + 1


def test_a_demotion_reaches_the_filter_at_the_end_of_its_notice(
        client: TestClient, db: Database, publisher: PartnerHandle,
        staff: PartnerHandle) -> None:
    approve(client, staff, publisher)
    assert names(client, "certified") == ["hello-skill"]
    now = service.now()
    notice = client.post(f"/v1/partners/{publisher.id}/demotion-notices", headers=staff.bearer,
                         json={"to_tier": "registered", "reason": "Exam expired."})
    assert notice.status_code == 201, notice.text
    assert names(client, "certified") == ["hello-skill"]  # the notice period runs
    assert service.sync_tiers(db, now) == 0
    before = serial(db)
    assert service.sync_tiers(db, now + timedelta(days=31)) == 1
    assert serial(db) == before + 1
    assert names(client, "certified") == [] and names(client, "community") == ["hello-skill"]


def test_sync_tiers_command_repairs_a_stale_column(
        client: TestClient, db: Database, settings: Settings, publisher: PartnerHandle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A column written before the program kept it (or by hand) is set back to the tier in
    force, as after upgrading."""
    with db.write() as session:
        partner = session.exec(select(Partner).where(Partner.id == publisher.id)).one()
        partner.tier = "gold"
        session.add(partner)
        session.commit()
    assert names(client, "gold") == ["hello-skill"]
    if settings.database_url:
        monkeypatch.setenv("ROBEING_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("ROBEING_DATABASE_URL", raising=False)
    args = ["marketplace", "staff", "sync-tiers", "--data-dir", str(settings.data_dir), "--json"]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"changed": 1}
    assert names(client, "gold") == [] and names(client, "community") == ["hello-skill"]
    again = CliRunner().invoke(build_app(), args)
    assert again.exit_code == 0 and json.loads(again.output) == {"changed": 0}
