"""``/files/``: what a download needs is remembered per process until the index changes, a
paid skill's licence is still checked on every request, small files go out as one body,
large ones and ``Range`` requests are streamed, and the count is one cheap write."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from marketplace.db import Database
from marketplace.index import routes
from tests.marketplace.commerce.conftest import Seller, buy, certified, seller, set_price  # noqa: F401
from tests.marketplace.commerce.test_offline_flow import licence_auth
from tests.marketplace.index.test_download_counts import counts
from tests.marketplace.partners.conftest import make_staff, staff  # noqa: F401


@pytest.fixture
def newest(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    """The newest file of a free skill with two releases, as the JSON index lists it."""
    owner = make_partner()
    for version in ("1.0.0", "2.0.0"):
        assert upload_file(owner, wheels(version=version)).status_code == 200
    return client.get("/simple/hello-skill/",
                      headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()[
        "files"][-1]


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements the app runs meanwhile."""
    seen: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def test_a_small_file_is_one_body_with_its_headers(client: TestClient, newest: Any) -> None:
    response = client.get(newest["url"])
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == newest["hashes"]["sha256"]
    headers = response.headers
    assert headers["content-length"] == str(newest["size"]) == str(len(response.content))
    assert headers["content-type"] == "application/zip"
    assert headers["content-disposition"] == f'attachment; filename="{newest["filename"]}"'
    assert headers["cache-control"] == "max-age=31536000, immutable, public"
    assert headers["etag"] == f'"{newest["hashes"]["sha256"]}"'
    assert headers["accept-ranges"] == "bytes" and headers["last-modified"].endswith(" GMT")
    metadata = client.get(newest["url"] + ".metadata")
    assert metadata.headers["content-type"] == "text/plain; charset=utf-8"
    assert metadata.headers["cache-control"] == "max-age=31536000, immutable, public"
    assert hashlib.sha256(metadata.content).hexdigest() == newest["core-metadata"]["sha256"]


def test_a_range_request_gets_part_of_the_file(client: TestClient, newest: Any) -> None:
    whole = client.get(newest["url"]).content
    part = client.get(newest["url"], headers={"Range": "bytes=10-109"})
    assert part.status_code == 206 and part.content == whole[10:110]
    assert part.headers["content-range"] == f"bytes 10-109/{len(whole)}"
    assert part.headers["cache-control"] == "max-age=31536000, immutable, public"


@pytest.mark.parametrize("remote", [False, True], ids=["local", "remote"])
@pytest.mark.parametrize("whole_body_bytes", [8 * 1024 * 1024, 100], ids=["whole", "streamed"])
def test_every_way_of_sending_gives_the_same_bytes_and_length(
        client: TestClient, app: FastAPI, db: Database, newest: Any, remote: bool,
        whole_body_bytes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """One body up to ``WHOLE_BODY_BYTES``, streamed past it; from a local folder or a store
    without local paths (S3), and counted either way."""
    monkeypatch.setattr(routes, "WHOLE_BODY_BYTES", whole_body_bytes)
    if remote:
        monkeypatch.setattr(app.state.store, "local_path", lambda _sha256: None)
    response = client.get(newest["url"])
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == newest["hashes"]["sha256"]
    assert response.headers["content-length"] == str(newest["size"])
    assert response.headers["content-disposition"].startswith("attachment;")
    assert counts(db)[0] == 1


def test_a_free_file_needs_no_read_session_once_known(client: TestClient, db: Database,
                                                      newest: Any) -> None:
    assert client.get(newest["url"] + ".metadata").status_code == 200
    with statements(db) as seen:
        assert client.get(newest["url"] + ".metadata").status_code == 200
        assert client.get(newest["url"]).status_code == 200
    assert not [s for s in seen if "FROM file" in s or "FROM skill" in s], seen
    assert [s for s in seen if s.lstrip().upper().startswith(("UPDATE", "WITH"))]  # counted


def test_a_changed_index_is_seen_at_once(client: TestClient, newest: Any,
                                         make_partner: Any) -> None:
    """A yank keeps the file downloadable (PEP 592); a deletion makes it 404 at once, though
    it was remembered a moment before."""
    owner = make_partner()  # the same partner (ensure_partner), with a new token
    assert client.get(newest["url"]).status_code == 200
    yanked = client.put("/v1/skills/hello-skill/releases/2.0.0/yank", json={"reason": "bad"},
                         headers=owner.bearer)
    assert yanked.status_code == 200, yanked.text
    assert client.get(newest["url"]).status_code == 200
    deleted = client.delete(f"/v1/skills/hello-skill/files/{newest['filename']}",
                            headers=owner.bearer)
    assert deleted.status_code == 204, deleted.text
    assert client.get(newest["url"]).status_code == 404
    assert client.get(newest["url"] + ".metadata").status_code == 404


def test_a_wrong_digest_or_name_is_404(client: TestClient, newest: Any) -> None:
    url = newest["url"]
    assert client.get(url.replace(newest["filename"], "other-1.0-py3-none-any.whl")
                      ).status_code == 404
    digest = newest["hashes"]["sha256"]
    assert client.get(url.replace(digest, "0" * 64)).status_code == 404
    assert client.get(url.replace(f"/{digest[:2]}/", "/zz/")).status_code == 404


def test_a_paid_file_checks_the_licence_every_time(client: TestClient,
                                                   seller: Seller) -> None:  # noqa: F811
    assert set_price(client, seller).status_code == 200
    key = buy(client).json()["licence_key"]
    page = client.get("/simple/hello-skill/", headers={
        **licence_auth(key), "Accept": "application/vnd.pypi.simple.v1+json"}).json()
    url = page["files"][-1]["url"]
    for path in (url, url + ".metadata"):
        for _ in range(2):  # the second time from the per-process cache
            allowed = client.get(path, headers=licence_auth(key))
            assert allowed.status_code == 200
            assert allowed.headers["cache-control"] == "private, max-age=31536000, immutable"
            assert allowed.headers["vary"] == "Authorization"
            assert client.get(path).status_code == 401
            assert client.get(path, headers=licence_auth("rbl_wrong")).status_code == 403


def test_a_price_change_reaches_remembered_files_at_once(client: TestClient,
                                                         seller: Seller) -> None:  # noqa: F811
    assert set_price(client, seller, kind="free", amount=0).status_code == 200
    url = client.get("/v1/skills/hello-skill/files").json()[-1]["url"]
    assert client.get(url).status_code == 200  # free: anyone, and now remembered
    assert client.get(url + ".metadata").status_code == 200
    assert set_price(client, seller).status_code == 200
    assert client.get(url).status_code == 401
    assert client.get(url + ".metadata").status_code == 401


def test_a_busy_database_does_not_fail_the_download(
        client: TestClient, app: FastAPI, settings: Any, newest: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    """Counting is best effort: when SQLite's write lock cannot be had, the file still goes
    out and the log says it was not counted."""
    if not app.state.db.is_sqlite:
        pytest.skip("SQLite only")
    assert client.get(newest["url"] + ".metadata").status_code == 200  # remembered
    settings.sqlite_busy_timeout_ms = 50
    app.state.db.dispose()
    app.state.db = Database(settings)  # a short busy timeout
    blocker = sqlite3.connect(settings.data_dir / "marketplace.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = client.get(newest["url"])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 200 and len(response.content) == newest["size"]
    assert "not counted: database busy" in caplog.text
