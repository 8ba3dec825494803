"""The catalog REST API: search, filters, sorting, cursors, detail, deprecation, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def catalog(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    specs = [
        ("invoice-helper", "Writes invoices.", "finance", ">=0.1,<1"),
        ("calendar-sync", "Keeps your calendar in sync.", "productivity", ">=0.1,<1"),
        ("tax-buddy", "Answers tax questions about invoices.", "finance", ">=2,<3"),
    ]
    for name, summary, category, sdk in specs:
        response = upload_file(partner, wheels(name, summary=summary, category=category,
                                               sdk=sdk, description=f"{summary} Really."))
        assert response.status_code == 200, response.text
    return partner


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_full_text_search_ranks_name_matches_first(client: TestClient, catalog: Any) -> None:
    assert names(client.get("/v1/skills", params={"q": "invoice"})) == [
        "invoice-helper", "tax-buddy"]
    assert names(client.get("/v1/skills", params={"q": "테스트"})) == [
        "calendar-sync", "invoice-helper", "tax-buddy"]  # Korean description


def test_filters(client: TestClient, catalog: Any) -> None:
    assert names(client.get("/v1/skills", params={"category": "finance", "sort": "newest"})
                 ) == ["tax-buddy", "invoice-helper"]
    assert set(names(client.get("/v1/skills", params={"sdk": "0.5"}))) == {
        "invoice-helper", "calendar-sync"}
    assert names(client.get("/v1/skills", params={"locale": "ja"})) == []
    assert len(names(client.get("/v1/skills", params={"price": "free"}))) == 3
    assert names(client.get("/v1/skills", params={"tier": "gold"})) == []
    assert len(names(client.get("/v1/skills", params={"tier": "community"}))) == 3


def test_cursor_pagination_walks_everything_once(client: TestClient, catalog: Any) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 1, "sort": "newest"}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/v1/skills", params=params)
        seen += names(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ["tax-buddy", "calendar-sync", "invoice-helper"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJzIjoibmV3ZXN0In0", "e30", "!!!"])
def test_bad_cursor_is_400(client: TestClient, catalog: Any, cursor: str) -> None:
    response = client.get("/v1/skills", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid cursor"


@pytest.mark.parametrize(("limit", "count"), [(0, 1), (-5, 1), (1000, 3)])
def test_page_size_is_clamped(client: TestClient, catalog: Any, limit: int,
                              count: int) -> None:
    assert len(names(client.get("/v1/skills", params={"limit": limit}))) == count


def test_detail_etag_and_404(client: TestClient, catalog: Any) -> None:
    detail = client.get("/v1/skills/Invoice_Helper")
    assert detail.status_code == 200 and detail.json()["name"] == "invoice-helper"
    assert client.get("/v1/skills/invoice-helper",
                      headers={"If-None-Match": detail.headers["etag"]}).status_code == 304
    missing = client.get("/v1/skills/nope")
    assert missing.status_code == 404
    assert set(missing.json()) == {"type", "title", "status", "detail"}


def test_deprecate_with_successor_and_403_for_others(client: TestClient, catalog: Any,
                                                     make_partner: Any) -> None:
    other = make_partner("other")
    body = {"reason": "Use tax-buddy", "successor": "tax-buddy"}
    denied = client.put("/v1/skills/invoice-helper/deprecation", json=body,
                        headers=other.bearer)
    assert denied.status_code == 403
    assert client.get("/v1/skills/invoice-helper").json()["deprecated"] is False
    ok = client.put("/v1/skills/invoice-helper/deprecation", json=body, headers=catalog.bearer)
    assert ok.status_code == 200, ok.text
    assert ok.json()["successor"] == "tax-buddy" and ok.json()["deprecated"] is True


@pytest.mark.parametrize("body", [
    {"reason": "x", "downloads": 0},
    {"owner": "me"},
    {"deprecated": "perhaps"},
])
def test_unknown_or_wrong_fields_are_422(client: TestClient, catalog: Any,
                                         body: dict[str, Any]) -> None:
    response = client.put("/v1/skills/invoice-helper/deprecation", json=body,
                          headers=catalog.bearer)
    assert response.status_code == 422
    assert "Field" in response.json()["detail"]


def test_malformed_json_is_422(client: TestClient, catalog: Any) -> None:
    response = client.put("/v1/skills/invoice-helper/deprecation", content=b"{not json",
                          headers={**catalog.bearer, "Content-Type": "application/json"})
    assert response.status_code == 422


def test_oversized_json_body_is_413(client: TestClient, catalog: Any) -> None:
    response = client.put("/v1/skills/invoice-helper/deprecation",
                          content=b'{"reason": "' + b"x" * (2 * 1024 * 1024) + b'"}',
                          headers={**catalog.bearer, "Content-Type": "application/json"})
    assert response.status_code == 413


def test_maintainer_may_publish(client: TestClient, catalog: Any, make_partner: Any,
                                wheels: Any, upload_file: Any) -> None:
    helper = make_partner("helper")
    assert upload_file(helper, wheels("tax-buddy", version="2.0")).status_code == 403
    added = client.post("/v1/skills/tax-buddy/roles", json={"partner": "helper"},
                        headers=catalog.bearer)
    assert added.status_code == 204, added.text
    assert upload_file(helper, wheels("tax-buddy", version="2.0")).status_code == 200
    # a maintainer may not add roles
    assert client.post("/v1/skills/tax-buddy/roles", json={"partner": "helper",
                                                           "role": "owner"},
                       headers=helper.bearer).status_code == 403
