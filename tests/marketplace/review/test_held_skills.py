"""A skill held for name review is its own publishers' to see and manage, marked as held;
to everyone else (and to the index, the catalog and search) it does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.review.conftest import REVIEWS

SKILL = "/v1/skills/t0asting"
HEADER = "Robeing-Name-Review"
READS = (SKILL, f"{SKILL}/releases", f"{SKILL}/releases/1.0.0", f"{SKILL}/files",
         f"{SKILL}/downloads", f"{SKILL}/compatible?sdk=0.5")


def public_sees(client: TestClient, name: str = "t0asting") -> bool:
    root = client.get("/simple/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    search = client.get("/v1/skills", params={"q": name})
    return (name in [p["name"] for p in root.json()["projects"]]
            or client.get(f"/simple/{name}/").status_code != 404
            or name in [item["name"] for item in search.json()["items"]])


def test_owners_see_their_held_skill_marked_and_private(client: TestClient,
                                                        held: PartnerHandle) -> None:
    for path in READS:
        response = client.get(path, headers=held.bearer)
        assert response.status_code == 200, (path, response.text)
        assert response.headers[HEADER] == "pending", path
        assert response.headers["Cache-Control"] == "private, no-store", path
    detail = client.get(SKILL, headers=held.basic).json()  # twine's credentials work too
    assert (detail["name"], detail["name_review"]) == ("t0asting", "pending")
    assert client.get(SKILL, headers=held.bearer).headers["Vary"].endswith("Authorization")
    assert not public_sees(client)


def test_everyone_else_gets_404_with_no_hint(client: TestClient, held: PartnerHandle,
                                            make_partner: Callable[..., PartnerHandle]) -> None:
    stranger = make_partner("stranger")  # acme, owner of the look-alike, is one too
    for headers in ({}, stranger.bearer, {"Authorization": "Bearer rb_wrong"},
                    {"Authorization": "Basic !!"}):
        for path in READS:
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (path, headers)
            assert HEADER not in response.headers
        assert client.get(SKILL, headers=headers).json()["detail"] == (
            "No skill named 't0asting'.")
    writes = [("PUT", f"{SKILL}/releases/1.0.0/yank", {"reason": "x"}),
              ("PUT", f"{SKILL}/deprecation", {"reason": "x"}),
              ("POST", f"{SKILL}/roles", {"partner": "stranger"}),
              ("DELETE", f"{SKILL}/files/t0asting-1.0.0-py3-none-any.whl", None)]
    for method, path, body in writes:
        response = client.request(method, path, json=body, headers=stranger.bearer)
        assert response.status_code == 404, (path, response.text)
        assert client.request(method, path, json=body).status_code == 401
    listed = client.get(f"{SKILL}/releases", headers=held.bearer).json()
    assert [(r["yanked"], len(r["files"])) for r in listed] == [(False, 1)]  # untouched
    assert client.get(SKILL, headers=held.bearer).json()["deprecated"] is False


def test_owners_manage_their_held_skill(client: TestClient, held: PartnerHandle,
                                       make_partner: Callable[..., PartnerHandle],
                                       wheels: Any, upload_file: Any) -> None:
    yank = client.put(f"{SKILL}/releases/1.0.0/yank", json={"reason": "typo"},
                      headers=held.bearer)
    assert yank.status_code == 200, yank.text
    assert yank.json()["yanked"] is True and yank.headers[HEADER] == "pending"
    deprecated = client.put(f"{SKILL}/deprecation", json={"reason": "renamed"},
                            headers=held.bearer)
    assert deprecated.status_code == 200, deprecated.text
    assert deprecated.json()["deprecated"] is True
    assert deprecated.json()["name_review"] == "pending"
    helper = make_partner("helper")
    assert client.post(f"{SKILL}/roles", json={"partner": "helper"},
                       headers=held.bearer).status_code == 204
    assert client.get(SKILL, headers=helper.bearer).json()["name_review"] == "pending"
    unyank = client.put(f"{SKILL}/releases/1.0.0/yank", json={"yanked": False},
                        headers=helper.bearer)  # a maintainer may yank too
    assert unyank.status_code == 200 and unyank.json()["yanked"] is False
    assert upload_file(helper, wheels("t0asting", version="1.1.0")).status_code == 200
    deleted = client.delete(f"{SKILL}/files/t0asting-1.1.0-py3-none-any.whl",
                            headers=held.bearer)
    assert deleted.status_code == 204, deleted.text
    tokens = client.post("/v1/tokens", json={"skill_name": "T0asting"}, headers=held.bearer)
    assert tokens.status_code == 201, tokens.text
    scoped = {"Authorization": f"Bearer {tokens.json()['token']}"}
    assert client.get(SKILL, headers=scoped).json()["name_review"] == "pending"
    assert not public_sees(client)


def test_the_mark_follows_the_decision(client: TestClient, held: PartnerHandle,
                                       staff: PartnerHandle) -> None:
    [review] = client.get(REVIEWS, headers=staff.bearer).json()
    assert client.post(f"{REVIEWS}/{review['id']}/reject",
                       headers=staff.bearer).status_code == 200
    rejected = client.get(SKILL, headers=held.bearer)
    assert rejected.status_code == 200 and rejected.json()["name_review"] == "rejected"
    assert rejected.headers[HEADER] == "rejected"
    assert client.get(SKILL).status_code == 404 and not public_sees(client)


def test_an_approved_skill_is_unmarked(client: TestClient, held: PartnerHandle,
                                       staff: PartnerHandle) -> None:
    [review] = client.get(REVIEWS, headers=staff.bearer).json()
    assert client.post(f"{REVIEWS}/{review['id']}/approve",
                       headers=staff.bearer).status_code == 200
    for headers in ({}, held.bearer):
        response = client.get(SKILL, headers=headers)
        assert response.status_code == 200 and response.json()["name_review"] is None
        assert HEADER not in response.headers
        assert response.headers["Cache-Control"].endswith("public")
    assert public_sees(client)


def test_the_upload_says_the_name_is_held(client: TestClient,
                                          make_partner: Callable[..., PartnerHandle],
                                          wheels: Any, upload_file: Any) -> None:
    listed = upload_file(make_partner("acme"), wheels("toasting"))
    assert listed.status_code == 200 and listed.json()["name_review"] is None
    rival = make_partner("rival")
    wheel = wheels("t0asting")
    first = upload_file(rival, wheel)
    assert first.status_code == 200 and first.json()["name_review"] == "pending"
    retry = upload_file(rival, wheel)  # an identical retry says so too
    assert retry.json()["created"] is False and retry.json()["name_review"] == "pending"
