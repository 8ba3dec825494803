"""My tier, promotion requests, staff decisions, evidence, demotion notices, history.

Each refusal is checked for its status and for leaving nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.catalog import service as catalog
from marketplace.db import Database
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.partners.conftest import CERTIFIED, confirm, promote, request


def history(client: TestClient, who: PartnerHandle, partner: PartnerHandle) -> list[Any]:
    response = client.get(f"/v1/partners/{partner.id}/history", headers=who.bearer)
    assert response.status_code == 200
    result: list[Any] = response.json()
    return result


def test_me_needs_a_token(client: TestClient) -> None:
    for path in ("/v1/partners/me", "/v1/partners/me/tier"):
        response = client.get(path)
        assert response.status_code == 401 and response.json()["status"] == 401


def test_a_new_partner_is_registered_and_publishes_free_skills_only(
        client: TestClient, make_partner: Any) -> None:
    partner = make_partner()
    me = client.get("/v1/partners/me", headers=partner.bearer).json()
    assert me["name"] == "acme" and me["tier"] == "registered" and me["role"] == "admin"
    assert me["staff"] is False and me["partner_type"] == "technology"
    assert me["may_publish_paid_skills"] is False
    assert me["capabilities"] == {"publish_paid_skills": False, "white_label": False}
    assert [b["id"] for b in me["benefits"]] == ["free-skills"]
    assert me["revenue_share"]["partner_share_bps"] == 3000
    assert me["revenue_share"]["platform_fee_bps"] == 7000
    assert me["revenue_share"]["schedule_version"] == 1


def test_staff_me(client: TestClient, staff: PartnerHandle) -> None:
    me = client.get("/v1/partners/me", headers=staff.bearer).json()
    assert me["staff"] is True and me["tier"] is None and me["revenue_share"] is None
    assert client.get("/v1/partners/me/tier", headers=staff.bearer).status_code == 403


def test_my_tier_says_what_is_missing(client: TestClient, make_partner: Any) -> None:
    partner = make_partner()
    tier = client.get("/v1/partners/me/tier", headers=partner.bearer).json()
    assert tier["current_tier"] == "registered" and tier["qualifying_tier"] == "registered"
    assert tier["next_tier"] == "certified" and tier["may_request"] is None
    assert {r["requirement"]["id"] for r in tier["missing_for_next"]} == set(CERTIFIED)
    assert tier["metrics"]["active_deployments"] == 0
    assert tier["metrics"]["annual_revenue"] == {"amount": 0, "currency": "USD"}
    assert tier["pending_request"] is None and tier["pending_demotion"] is None


def test_deployments_are_counted_from_the_catalog(client: TestClient, make_partner: Any,
                                                  upload_file: Any, wheels: Any,
                                                  db: Database) -> None:
    partner, other = make_partner(), make_partner("other")
    assert upload_file(partner, wheels("hello-skill")).status_code == 200
    assert upload_file(other, wheels("other-skill")).status_code == 200
    with db.write() as session:
        for name, times in (("hello-skill", 3), ("other-skill", 5)):
            skill = catalog.get_skill(session, name)
            for _ in range(times):
                catalog.count_download(session, skill.id)
        session.commit()
    tier = client.get("/v1/partners/me/tier", headers=partner.bearer).json()
    assert tier["metrics"]["active_deployments"] == 3
    deployments = next(r for r in tier["results"] if r["requirement"]["id"] == "deployments")
    assert deployments["met"] is False and deployments["value"] == 3


def test_promotion_from_request_to_approval(client: TestClient, make_partner: Any,
                                            staff: PartnerHandle) -> None:
    partner = make_partner()
    confirm(client, staff, partner)
    tier = client.get("/v1/partners/me/tier", headers=partner.bearer).json()
    assert tier["qualifying_tier"] == "certified" and tier["may_request"] == "certified"
    asked = request(client, partner)
    assert asked.status_code == 201
    entry = asked.json()
    assert entry["kind"] == "promotion_requested" and entry["to_tier"] == "certified"
    assert entry["by_role"] == "partner_admin" and entry["by"].startswith("acme")
    queue = client.get("/v1/partners/promotion-requests", headers=staff.bearer).json()
    assert [q["request"]["id"] for q in queue] == [entry["id"]]
    assert queue[0]["partner_name"] == "acme"
    assert request(client, partner).status_code == 409  # one request at a time
    approved = client.post(f"/v1/partners/{partner.id}/promotion-requests/{entry['id']}/approve",
                           headers=staff.bearer, json={"reason": "Confirmed."})
    assert approved.status_code == 200
    assert approved.json()["kind"] == "promotion_approved"
    assert approved.json()["by"] == "staff:sam" and approved.json()["refers_to"] == entry["id"]
    me = client.get("/v1/partners/me", headers=partner.bearer).json()
    assert me["tier"] == "certified" and me["may_publish_paid_skills"] is True
    assert client.get("/v1/partners/promotion-requests", headers=staff.bearer).json() == []
    again = client.post(f"/v1/partners/{partner.id}/promotion-requests/{entry['id']}/approve",
                        headers=staff.bearer, json={"reason": "Twice."})
    assert again.status_code == 409
    kinds = [c["kind"] for c in history(client, partner, partner)]
    assert kinds == ["promotion_requested", "promotion_approved"]


def test_rejection_is_kept_and_the_partner_may_ask_again(
        client: TestClient, make_partner: Any, staff: PartnerHandle) -> None:
    partner = make_partner()
    confirm(client, staff, partner)
    entry = request(client, partner).json()
    path = f"/v1/partners/{partner.id}/promotion-requests/{entry['id']}/reject"
    assert client.post(path, headers=staff.bearer, json={"reason": ""}).status_code == 422
    rejected = client.post(path, headers=staff.bearer, json={"reason": "Exam too old."})
    assert rejected.status_code == 200 and rejected.json()["kind"] == "promotion_rejected"
    assert client.post(path, headers=staff.bearer, json={"reason": "Again."}).status_code == 409
    assert client.get("/v1/partners/me", headers=partner.bearer).json()["tier"] == "registered"
    assert request(client, partner).status_code == 201
    assert len(history(client, staff, partner)) == 3


def test_request_without_the_requirements_is_refused(client: TestClient,
                                                     make_partner: Any,
                                                     staff: PartnerHandle) -> None:
    partner = make_partner()
    confirm(client, staff, partner, "technical-training")
    refused = request(client, partner)
    assert refused.status_code == 409
    assert "sales-training" in refused.json()["detail"]
    assert "certification-exam" in refused.json()["detail"]
    assert request(client, partner, to_tier="gold").status_code == 409
    assert history(client, partner, partner) == []


@pytest.mark.parametrize("field", [{"tier": "strategic"}, {"to_tier": "certified",
                                                          "approved": True},
                                   {"partner_share_bps": 9000}, {"by": "staff:sam"}])
def test_a_partner_cannot_set_its_own_tier_share_or_approval(
        client: TestClient, make_partner: Any, field: dict[str, Any]) -> None:
    partner = make_partner()
    response = request(client, partner, **field)
    assert response.status_code == 422
    assert "is not a field you may set" in response.json()["detail"]
    assert history(client, partner, partner) == []
    me = client.get("/v1/partners/me", headers=partner.bearer).json()
    assert me["tier"] == "registered" and me["revenue_share"]["partner_share_bps"] == 3000


def test_members_see_but_do_not_ask(client: TestClient, make_partner: Any,
                                    member_of: Callable[[PartnerHandle], PartnerHandle],
                                    staff: PartnerHandle) -> None:
    partner = make_partner()
    member = member_of(partner)
    confirm(client, staff, partner)
    me = client.get("/v1/partners/me", headers=member.bearer).json()
    assert me["role"] == "member" and me["tier"] == "registered"
    assert client.get("/v1/partners/me/tier", headers=member.bearer).status_code == 200
    refused = request(client, member)
    assert refused.status_code == 403
    assert history(client, member, partner) == []


def test_member_tokens_cannot_mint_admin_tokens(
        client: TestClient, make_partner: Any,
        member_of: Callable[[PartnerHandle], PartnerHandle]) -> None:
    member = member_of(make_partner())
    refused = client.post("/v1/tokens", json={"role": "admin"}, headers=member.bearer)
    assert refused.status_code == 403
    issued = client.post("/v1/tokens", json={"role": "member"}, headers=member.bearer)
    assert issued.status_code == 201 and issued.json()["role"] == "member"
    assert len(client.get("/v1/tokens", headers=member.bearer).json()) == 3


def test_staff_actions_refuse_partners_and_anonymous_callers(
        client: TestClient, make_partner: Any, staff: PartnerHandle) -> None:
    partner = make_partner()
    confirm(client, staff, partner)
    entry = request(client, partner).json()
    base = f"/v1/partners/{partner.id}"
    actions = [
        (f"{base}/evidence", {"requirement_id": "dedicated-team", "note": "We say so."}),
        (f"{base}/promotion-requests/{entry['id']}/approve", {"reason": "Self-service."}),
        (f"{base}/promotion-requests/{entry['id']}/reject", {"reason": "Hm."}),
        (f"{base}/demotion-notices", {"to_tier": "registered", "reason": "x"}),
        (f"{base}/contracts", {"reference": "C-1", "partner_share_bps": 6000,
                               "platform_fee_bps": 4000, "starts_on": "2099-01-01",
                               "ends_on": "2099-12-31"}),
    ]
    for path, body in actions:
        assert client.post(path, json=body).status_code == 401, path
        refused = client.post(path, json=body, headers=partner.bearer)
        assert refused.status_code == 403, path
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/partners/promotion-requests", headers=partner.bearer).status_code == 403
    assert [c["kind"] for c in history(client, staff, partner)] == ["promotion_requested"]
    assert len(client.get(f"{base}/evidence", headers=partner.bearer).json()) == 3


def test_another_partners_ids_are_not_found(client: TestClient, make_partner: Any,
                                            staff: PartnerHandle) -> None:
    alice, bob = make_partner("alice"), make_partner("bob")
    confirm(client, staff, bob)
    entry = request(client, bob).json()
    for suffix in ("history", "evidence", "tier", "contracts"):
        response = client.get(f"/v1/partners/{bob.id}/{suffix}", headers=alice.bearer)
        assert response.status_code == 404, suffix
        assert response.json()["detail"] == "No such partner."
        assert client.get(f"/v1/partners/{alice.id}/{suffix}",
                          headers=alice.bearer).status_code == 200
    # a staff member naming the wrong partner for a request, or a made-up partner
    wrong = client.post(f"/v1/partners/{alice.id}/promotion-requests/{entry['id']}/approve",
                        headers=staff.bearer, json={"reason": "Mixed up."})
    assert wrong.status_code == 404
    ghost = client.post(f"/v1/partners/{staff.id}/evidence", headers=staff.bearer,
                        json={"requirement_id": "sales-training", "note": "Not a partner."})
    assert ghost.status_code == 404
    assert client.get("/v1/partners/me", headers=bob.bearer).json()["tier"] == "registered"


@pytest.mark.parametrize(("body", "status"), [
    ({"requirement_id": "deployments", "note": "Trust us."}, 409),  # metrics are computed
    ({"requirement_id": "no-such-thing", "note": "?"}, 409),
    ({"requirement_id": "sales-training"}, 422),  # no note and no document
    ({"requirement_id": "sales-training", "note": "x",
      "expires_at": "2020-01-01T00:00:00Z"}, 422),
    ({"requirement_id": "sales-training", "note": "x", "confirmed_by": "someone"}, 422),
    ({"requirement_id": "Sales Training", "note": "x"}, 422),
])
def test_bad_evidence_is_refused(client: TestClient, make_partner: Any, staff: PartnerHandle,
                                 body: dict[str, Any], status: int) -> None:
    partner = make_partner()
    response = client.post(f"/v1/partners/{partner.id}/evidence", json=body,
                           headers=staff.bearer)
    assert response.status_code == status, response.text
    assert client.get(f"/v1/partners/{partner.id}/evidence", headers=staff.bearer).json() == []


def test_evidence_is_recorded_in_the_staff_members_name(client: TestClient, make_partner: Any,
                                                       staff: PartnerHandle) -> None:
    partner = make_partner()
    response = client.post(f"/v1/partners/{partner.id}/evidence", headers=staff.bearer,
                           json={"requirement_id": "certification-exam",
                                 "document_ref": "CERT-2026-0042",
                                 "expires_at": "2099-01-01T00:00:00Z"})
    assert response.status_code == 201
    assert response.json()["confirmed_by"] == "staff:sam"
    tier = client.get("/v1/partners/me/tier", headers=partner.bearer).json()
    exam = next(r for r in tier["results"] if r["requirement"]["id"] == "certification-exam")
    assert exam["met"] is True and exam["evidence"]["document_ref"] == "CERT-2026-0042"


def test_demotion_notice_and_withdrawal(client: TestClient, make_partner: Any,
                                        staff: PartnerHandle) -> None:
    partner = make_partner()
    promote(client, staff, partner)
    base = f"/v1/partners/{partner.id}/demotion-notices"
    short = client.post(base, headers=staff.bearer,
                        json={"to_tier": "registered", "reason": "Lapsed.", "notice_days": 5})
    assert short.status_code == 409
    upward = client.post(base, headers=staff.bearer, json={"to_tier": "gold", "reason": "No."})
    assert upward.status_code == 409
    notice = client.post(base, headers=staff.bearer,
                         json={"to_tier": "registered", "reason": "The exam lapsed."})
    assert notice.status_code == 201
    assert notice.json()["kind"] == "demotion_noticed" and notice.json()["effective_at"]
    tier = client.get("/v1/partners/me/tier", headers=partner.bearer).json()
    assert tier["current_tier"] == "certified"  # still in force during the notice
    assert tier["pending_demotion"]["id"] == notice.json()["id"]
    withdraw = f"{base}/{notice.json()['id']}/withdraw"
    assert client.post(withdraw, headers=partner.bearer,
                       json={"reason": "Please."}).status_code == 403
    withdrawn = client.post(withdraw, headers=staff.bearer, json={"reason": "Renewed."})
    assert withdrawn.status_code == 200 and withdrawn.json()["kind"] == "demotion_withdrawn"
    assert client.post(withdraw, headers=staff.bearer,
                       json={"reason": "Again."}).status_code == 409
    unknown = client.post(f"{base}/{partner.id}/withdraw", headers=staff.bearer,
                          json={"reason": "?"})
    assert unknown.status_code == 404
    kinds = [c["kind"] for c in history(client, staff, partner)]
    assert kinds == ["promotion_requested", "promotion_approved", "demotion_noticed",
                     "demotion_withdrawn"]


def test_an_admin_sets_the_partner_type_and_nothing_else(
        client: TestClient, make_partner: Any,
        member_of: Callable[[PartnerHandle], PartnerHandle], staff: PartnerHandle) -> None:
    partner = make_partner()
    member = member_of(partner)
    changed = client.patch("/v1/partners/me", json={"partner_type": "integration"},
                           headers=partner.bearer)
    assert changed.status_code == 200 and changed.json()["partner_type"] == "integration"
    assert client.patch("/v1/partners/me", json={"partner_type": "channel"},
                        headers=member.bearer).status_code == 403
    assert client.patch("/v1/partners/me", json={"partner_type": "channel"},
                        headers=staff.bearer).status_code == 403
    assert client.patch("/v1/partners/me", json={"partner_type": "reseller"},
                        headers=partner.bearer).status_code == 422
    sneaky = client.patch("/v1/partners/me", headers=partner.bearer,
                          json={"partner_type": "channel", "tier": "gold"})
    assert sneaky.status_code == 422
    assert client.patch("/v1/partners/me", json={"partner_type": "channel"}).status_code == 401
    me = client.get("/v1/partners/me", headers=member.bearer).json()
    assert me["partner_type"] == "integration" and me["tier"] == "registered"


def test_member_tokens_cannot_revoke_admin_tokens(
        client: TestClient, make_partner: Any,
        member_of: Callable[[PartnerHandle], PartnerHandle]) -> None:
    partner = make_partner()
    member, other_member = member_of(partner), member_of(partner)
    refused = client.delete(f"/v1/tokens/{partner.token_id}", headers=member.bearer)
    assert refused.status_code == 403
    assert client.get("/v1/partners/me", headers=partner.bearer).status_code == 200
    revoked = client.delete(f"/v1/tokens/{other_member.token_id}", headers=member.bearer)
    assert revoked.status_code == 200
    assert client.get("/v1/partners/me", headers=other_member.bearer).status_code == 401
