"""Deleting a file: owners only; it leaves the index and the API, its bytes leave the store,
and its name is refused forever (PyPI's rule), even for the identical bytes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.storage import sha256_of

WHEEL = "hello_skill-2.0.0-py3-none-any.whl"


@pytest.fixture
def published(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    owner = make_partner()
    old, new = wheels(version="1.0.0"), wheels(version="2.0.0")
    for path in (old, new):
        assert upload_file(owner, path).status_code == 200
    return owner, new


def test_owner_deletes_a_file(client: TestClient, app: Any, published: Any,
                              upload_file: Any, wheels: Any) -> None:
    owner, wheel = published
    url = client.get("/v1/skills/hello-skill/files").json()[-1]["url"]
    assert url.endswith(WHEEL) and client.get(url).status_code == 200
    deleted = client.delete(f"/v1/skills/hello-skill/files/{WHEEL}", headers=owner.bearer)
    assert deleted.status_code == 204, deleted.text
    files = client.get("/v1/skills/hello-skill/files").json()
    assert [f["filename"] for f in files] == ["hello_skill-1.0.0-py3-none-any.whl"]
    assert WHEEL not in client.get("/simple/hello-skill/").text
    assert client.get(url).status_code == 404
    assert not app.state.store.exists(sha256_of(wheel))
    assert client.get("/v1/skills/hello-skill").json()["latest_version"] == "1.0.0"
    assert client.get("/v1/skills/hello-skill/compatible",
                      params={"sdk": "0.5"}).json()["version"] == "1.0.0"
    # the name is gone for good: the same bytes, other bytes, and a second delete
    for path in (wheel, wheels(version="2.0.0", summary="Other bytes.")):
        again = upload_file(owner, path)
        assert again.status_code == 400, again.text
        assert "File already exists" in again.text and "deleted" in again.text
    assert client.delete(f"/v1/skills/hello-skill/files/{WHEEL}",
                         headers=owner.bearer).status_code == 404
    assert upload_file(owner, wheels(version="2.0.1")).status_code == 200


def test_only_owners_may_delete(client: TestClient, published: Any,
                                make_partner: Any) -> None:
    owner, _ = published
    maintainer, stranger = make_partner("helper"), make_partner("stranger")
    assert client.post("/v1/skills/hello-skill/roles", json={"partner": "helper"},
                       headers=owner.bearer).status_code == 204
    path = f"/v1/skills/hello-skill/files/{WHEEL}"
    assert client.delete(path).status_code == 401
    assert client.delete(path, headers=stranger.bearer).status_code == 403
    assert client.delete(path, headers=maintainer.bearer).status_code == 403
    assert client.delete("/v1/skills/hello-skill/files/nope.whl",
                         headers=owner.bearer).status_code == 404
    assert len(client.get("/v1/skills/hello-skill/files").json()) == 2
