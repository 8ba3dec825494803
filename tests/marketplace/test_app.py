"""Cross-cutting behaviour: public names, OpenAPI, one error shape, 503 on a locked SQLite,
storage, and a property-based run over the API that must find no 5xx."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import marketplace
from marketplace.storage import ArtifactStore, LocalArtifactStore, sha256_of

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def test_public_names_match_all() -> None:
    for name in marketplace.__all__:
        assert getattr(marketplace, name) is not None
    assert sorted(marketplace.__all__) == marketplace.__all__


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_documents_errors_for_every_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = [(path, method, op) for path, item in spec["paths"].items()
                  for method, op in item.items() if path != "/healthz"]
    assert len(operations) >= 15
    for path, method, op in operations:
        statuses = {int(code) for code in op["responses"] if code.isdigit()}
        assert any(400 <= code < 500 for code in statuses), f"{method} {path}"
    assert "ProblemDetails" in spec["components"]["schemas"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, _method, op in operations:
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")):
                (schema,) = (c["schema"] for c in response["content"].values())
                assert schema == {"$ref": "#/components/schemas/ProblemDetails"}, (path, code)
    legacy = spec["paths"]["/legacy/"]["post"]
    assert "multipart/form-data" in legacy["requestBody"]["content"]
    assert {"401", "403", "413"} <= set(legacy["responses"])


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/no/such/route", 404),
    ("DELETE", "/simple/", 405),
    ("GET", "/v1/skills/nope", 404),
    ("GET", "/v1/tokens", 401),
])
def test_one_error_shape(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status


def test_locked_sqlite_answers_503_with_retry_after(tmp_path: Path, make_partner: Any,
                                                    wheels: Any, upload_file: Any,
                                                    app: Any, settings: Any) -> None:
    if not app.state.db.is_sqlite:
        pytest.skip("SQLite only")
    partner = make_partner()
    settings.sqlite_busy_timeout_ms = 5000
    blocker = sqlite3.connect(settings.data_dir / "marketplace.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        app.state.db.dispose()
        from marketplace.db import Database

        app.state.db = Database(settings)
        response = upload_file(partner, wheels())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert set(response.json()) == PROBLEM_KEYS
    retry = upload_file(partner, wheels())
    assert retry.status_code == 200


def test_local_store_satisfies_the_interface(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "store")
    assert isinstance(store, ArtifactStore)
    source = tmp_path / "blob"
    source.write_bytes(b"hello")
    digest = sha256_of(source)
    store.put(digest, source)
    store.put(digest, source)  # idempotent
    assert store.exists(digest) and list(store.keys()) == [digest]
    with store.open(digest) as handle:
        assert handle.read() == b"hello"
    assert not list((tmp_path / "store" / ".tmp").iterdir())
    with pytest.raises(ValueError):
        store.put("../../etc/passwd", source)
    store.delete(digest)
    assert not store.exists(digest) and store.local_path(digest) is None


def test_concurrent_identical_puts(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "store")
    source = tmp_path / "blob"
    source.write_bytes(b"x" * 100_000)
    digest = sha256_of(source)
    threads = [threading.Thread(target=store.put, args=(digest, source)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(store.keys()) == [digest]


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
params = st.dictionaries(st.sampled_from(["q", "category", "locale", "price", "tier", "sdk",
                                          "sort", "cursor", "limit"]), text, max_size=5)


_tokens: dict[int, dict[str, str]] = {}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=params, name=text, version=text,
       body=st.one_of(st.none(), st.dictionaries(text, st.one_of(text, st.integers(),
                                                                 st.booleans(), st.none()),
                                                 max_size=4)))
def test_fuzz_finds_no_server_errors(client: TestClient, make_partner: Any, query: Any,
                                     name: str, version: str, body: Any) -> None:
    token = _tokens.get(id(client))
    if token is None:
        token = _tokens[id(client)] = make_partner("fuzzer").bearer
    from urllib.parse import quote

    n, v = quote(name, safe=""), quote(version, safe="")
    accept = "".join(c for c in version if 32 <= ord(c) < 127).strip() or "*/*"
    calls = [
        ("GET", "/v1/skills", {"params": query}),
        ("GET", f"/v1/skills/{n}", {}),
        ("GET", f"/v1/skills/{n}/releases/{v}", {}),
        ("GET", f"/v1/skills/{n}/compatible", {"params": {"sdk": version}}),
        ("GET", f"/simple/{n}/", {"headers": {"Accept": accept}}),
        ("PUT", f"/v1/skills/{n}/releases/{v}/yank", {"json": body, "headers": token}),
        ("PUT", f"/v1/skills/{n}/deprecation", {"json": body, "headers": token}),
        ("POST", "/v1/tokens", {"json": body, "headers": token}),
    ]
    for method, path, kwargs in calls:
        response = client.request(method, path, **kwargs)
        assert response.status_code < 500, (method, path, kwargs, response.text)
