"""Confusable names are held for staff review: stored, hidden from the index and the catalog
until approved; a rejected name stays hidden and takes no more uploads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import inspect

from marketplace.db import Database
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.review.conftest import REVIEWS


def listed(client: TestClient, name: str) -> dict[str, bool]:
    root = client.get("/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    search = client.get("/v1/skills", params={"q": name})
    return {
        "root": name in [p["name"] for p in root.json()["projects"]],
        "page": client.get(f"/simple/{name}/").status_code == 200,
        "detail": client.get(f"/v1/skills/{name}").status_code == 200,
        "search": name in [item["name"] for item in search.json()["items"]],
    }


def pending(client: TestClient, staff: PartnerHandle) -> list[dict[str, Any]]:
    response = client.get(REVIEWS, headers=staff.bearer)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def test_confusable_name_is_held_until_approved(client: TestClient, held: PartnerHandle,
                                               staff: PartnerHandle) -> None:
    assert listed(client, "t0asting") == dict.fromkeys(("root", "page", "detail", "search"),
                                                       False)
    assert listed(client, "toasting") == dict.fromkeys(("root", "page", "detail", "search"),
                                                       True)
    [review] = pending(client, staff)
    assert (review["skill"], review["confusable_with"], review["status"]) == (
        "t0asting", "toasting", "pending")
    assert review["requested_by"] == str(held.id)
    approved = client.post(f"{REVIEWS}/{review['id']}/approve", headers=staff.bearer,
                           json={"note": "A different product; names checked."})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "sam"
    assert listed(client, "t0asting") == dict.fromkeys(("root", "page", "detail", "search"),
                                                       True)
    assert pending(client, staff) == []
    again = client.post(f"{REVIEWS}/{review['id']}/reject", headers=staff.bearer)
    assert again.status_code == 409
    assert "already decided" in again.json()["detail"]


def test_held_skill_takes_more_files_but_a_rejected_one_none(
        client: TestClient, held: PartnerHandle, staff: PartnerHandle, wheels: Any,
        upload_file: Any) -> None:
    more = upload_file(held, wheels("t0asting", version="1.1.0"))
    assert more.status_code == 200
    assert not listed(client, "t0asting")["page"]
    assert client.get(more.json()["url"]).status_code == 404  # not even by its file URL
    [review] = pending(client, staff)
    rejected = client.post(f"{REVIEWS}/{review['id']}/reject", headers=staff.bearer)
    assert rejected.status_code == 200, rejected.text
    assert not any(listed(client, "t0asting").values())
    refused = upload_file(held, wheels("t0asting", version="2.0.0"))
    assert refused.status_code == 403
    assert "rejected by marketplace staff" in refused.json()["detail"]
    everything = client.get(REVIEWS, headers=staff.bearer, params={"status": "rejected"})
    assert [r["skill"] for r in everything.json()] == ["t0asting"]


def test_own_lookalikes_and_unrelated_names_are_not_held(
        client: TestClient, make_partner: Callable[..., PartnerHandle], wheels: Any,
        upload_file: Any, staff: PartnerHandle) -> None:
    acme = make_partner("acme")
    for name in ("toasting", "toastlng", "roasting"):  # toastlng: acme's own look-alike
        assert upload_file(acme, wheels(name)).status_code == 200
    assert pending(client, staff) == []
    assert listed(client, "toastlng")["page"]
    assert client.get("/v1/skills/toastlng").json()["flagged_confusable"] is True


def test_only_staff_reach_the_queue(client: TestClient, held: PartnerHandle,
                                    staff: PartnerHandle) -> None:
    [review] = pending(client, staff)
    for method, path in (("GET", REVIEWS), ("GET", f"{REVIEWS}/{review['id']}"),
                         ("POST", f"{REVIEWS}/{review['id']}/approve"),
                         ("POST", f"{REVIEWS}/{review['id']}/reject")):
        assert client.request(method, path).status_code == 401
        forbidden = client.request(method, path, headers=held.bearer)
        assert forbidden.status_code == 403
        assert forbidden.json()["detail"] == "Only marketplace staff may do this."
    assert pending(client, staff)[0]["status"] == "pending"  # nothing changed


def test_bad_requests(client: TestClient, held: PartnerHandle, staff: PartnerHandle) -> None:
    [review] = pending(client, staff)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"{REVIEWS}/{unknown}", headers=staff.bearer).status_code == 404
    assert client.post(f"{REVIEWS}/{unknown}/approve", headers=staff.bearer).status_code == 404
    assert client.get(f"{REVIEWS}/not-a-uuid", headers=staff.bearer).status_code == 422
    extra = client.post(f"{REVIEWS}/{review['id']}/approve", headers=staff.bearer,
                        json={"status": "approved", "note": "x"})
    assert extra.status_code == 422  # only the note is accepted
    assert client.get(REVIEWS, headers=staff.bearer,
                      params={"status": "maybe"}).status_code == 422
    assert pending(client, staff)[0]["status"] == "pending"


def test_deleted_filename_table_is_gone(db: Database) -> None:
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    assert "name_review" in tables and "deleted_filename" not in tables


def test_nul_in_a_review_note(client: TestClient, held: Any, staff: Any) -> None:
    [review] = client.get(REVIEWS, headers=staff.bearer).json()
    answer = client.post(f"{REVIEWS}/{review['id']}/reject", json={"note": "ok\x00then"},
                         headers=staff.bearer)
    assert answer.status_code == 422 and "'note'" in answer.json()["detail"]
    assert client.get(REVIEWS, headers=staff.bearer).json()[0]["status"] == "pending"
