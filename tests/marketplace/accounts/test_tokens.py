"""API tokens: hashed at rest, shown once, revocable, scoped; partners see only their own."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.accounts.models import ApiToken
from marketplace.db import Database


def test_token_is_stored_only_as_a_hash(client: TestClient, make_partner: Any,
                                        db: Database) -> None:
    partner = make_partner()
    with db.read() as session:
        rows = session.exec(select(ApiToken)).all()
    assert len(rows) == 1
    assert rows[0].token_hash != partner.token and partner.token not in rows[0].model_dump_json()
    assert partner.token.startswith("rbt_") and len(partner.token) > 40


def test_issue_list_revoke(client: TestClient, make_partner: Any) -> None:
    partner = make_partner()
    me = client.get("/v1/partners/me", headers=partner.bearer)
    assert me.status_code == 200 and me.json()["name"] == "acme"
    issued = client.post("/v1/tokens", json={"description": "ci", "skill_name": "Hello_Skill"},
                         headers=partner.bearer)
    assert issued.status_code == 201
    secret = issued.json()["token"]
    assert issued.json()["skill_name"] == "hello-skill"
    listed = client.get("/v1/tokens", headers=partner.bearer).json()
    assert len(listed) == 2 and all("token" not in t for t in listed)
    revoked = client.delete(f"/v1/tokens/{issued.json()['id']}", headers=partner.bearer)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/v1/partners/me",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_cannot_revoke_another_partners_token(client: TestClient, make_partner: Any) -> None:
    alice, bob = make_partner("alice"), make_partner("bob")
    response = client.delete(f"/v1/tokens/{bob.token_id}", headers=alice.bearer)
    assert response.status_code == 404
    assert client.get("/v1/partners/me", headers=bob.bearer).status_code == 200


def test_no_mass_assignment_on_tokens(client: TestClient, make_partner: Any) -> None:
    partner = make_partner()
    response = client.post("/v1/tokens", json={"partner_id": "x", "description": "y"},
                           headers=partner.bearer)
    assert response.status_code == 422
