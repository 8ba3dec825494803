"""Releases: PEP 440 order, yanking, compatibility, REST upload."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def versions(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    partner = make_partner()
    for version, sdk in [("1.0", ">=0.1,<1"), ("1.10", ">=0.1,<1"), ("1.9", ">=0.1,<1"),
                         ("2.0", ">=1,<2"), ("2.1rc1", ">=0.1,<1")]:
        response = upload_file(partner, wheels(version=version, sdk=sdk))
        assert response.status_code == 200, response.text
    return partner


def test_releases_are_ordered_by_pep440(client: TestClient, versions: Any) -> None:
    data = client.get("/v1/skills/hello-skill/releases").json()
    assert [r["version"] for r in data] == ["2.1rc1", "2.0", "1.10", "1.9", "1.0"]
    assert data[0]["is_prerelease"] is True
    assert data[0]["files"][0]["url"].startswith("/files/")
    assert client.get("/v1/skills/hello-skill").json()["latest_version"] == "2.0"


def test_compatible_release(client: TestClient, versions: Any) -> None:
    def ask(sdk: str, **extra: Any) -> Any:
        return client.get("/v1/skills/hello-skill/compatible", params={"sdk": sdk, **extra})

    assert ask("0.1.0").json()["version"] == "1.10"
    assert ask("0.1.0", pre=True).json()["version"] == "2.1rc1"
    assert ask("1.5").json()["version"] == "2.0"
    assert ask("9").status_code == 404
    assert ask("not a version").status_code == 400


def test_yank_skips_release_for_compatibility_and_unyank_restores(
        client: TestClient, versions: Any, make_partner: Any) -> None:
    url = "/v1/skills/hello-skill/releases/1.10/yank"
    other = make_partner("other")
    assert client.put(url, json={"reason": "x"}, headers=other.bearer).status_code == 403
    assert client.put(url, json={"reason": "x"}).status_code == 401
    yanked = client.put(url, json={"reason": "leaks memory"}, headers=versions.bearer)
    assert yanked.json()["yanked"] is True and yanked.json()["yanked_reason"] == "leaks memory"
    compatible = client.get("/v1/skills/hello-skill/compatible", params={"sdk": "0.2"})
    assert compatible.json()["version"] == "1.9"
    client.put(url, json={"yanked": False}, headers=versions.bearer)
    compatible = client.get("/v1/skills/hello-skill/compatible", params={"sdk": "0.2"})
    assert compatible.json()["version"] == "1.10"
    assert client.put("/v1/skills/hello-skill/releases/7.0/yank", json={},
                      headers=versions.bearer).status_code == 404


def test_rest_upload(client: TestClient, make_partner: Any, wheels: Any) -> None:
    partner = make_partner()
    wheel = wheels(version="3.0")

    def send() -> Any:
        with wheel.open("rb") as handle:
            return client.post("/v1/skills/hello-skill/releases", headers=partner.bearer,
                               files={"content": (wheel.name, handle)})

    assert send().status_code == 201
    assert send().status_code == 200
    files = client.get("/v1/skills/hello-skill/files").json()
    assert [f["filename"] for f in files] == [wheel.name]
    with wheel.open("rb") as handle:
        mismatch = client.post("/v1/skills/other-name/releases", headers=partner.bearer,
                               files={"content": (wheel.name, handle)})
    assert mismatch.status_code in (400, 403)
