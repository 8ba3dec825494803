"""The marketplace on an S3-compatible store (moto's S3 server on a free port): uploads land
in the bucket and nowhere on disk, the index serves them (streamed), pip installs from it,
deletion and ``robeing marketplace sweep`` remove objects. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marketplace.settings import Settings
from marketplace.storage import sha256_of
from marketplace.storage_s3 import S3ArtifactStore
from robeing_sdk.cli import build_app
from tests.marketplace.storage.conftest import S3_KEYS


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None, s3_bucket: str,
             s3_endpoint: str) -> Settings:
    """The shared fixtures' settings, with the artifacts in S3."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url,
                    max_upload_bytes=2 * 1024 * 1024, index_cache_seconds=30,
                    artifact_store=f"s3://{s3_bucket}/robeing", s3_endpoint_url=s3_endpoint,
                    **S3_KEYS)


def objects(app: FastAPI) -> list[str]:
    store = app.state.store
    assert isinstance(store, S3ArtifactStore)
    return sorted(store.keys())


def test_publish_index_download_delete(client: TestClient, app: FastAPI, make_partner: Any,
                                       wheels: Any, upload_file: Any,
                                       settings: Settings) -> None:
    owner = make_partner()
    wheel = wheels()
    assert upload_file(owner, wheel).status_code == 200
    assert upload_file(owner, wheel).status_code == 200  # identical retry: harmless
    digest = sha256_of(wheel)
    assert objects(app) == [digest]
    assert not settings.resolved_artifact_dir.exists() or not any(
        p.is_file() and len(p.name) == 64 for p in settings.resolved_artifact_dir.rglob("*"))
    page = client.get("/simple/hello-skill/",
                      headers={"Accept": "application/vnd.pypi.simple.v1+json"}).json()
    [entry] = page["files"]
    assert entry["hashes"]["sha256"] == digest
    download = client.get(entry["url"])
    assert download.status_code == 200 and download.content == wheel.read_bytes()
    assert client.get(entry["url"] + ".metadata").status_code == 200
    deleted = client.delete(f"/v1/skills/hello-skill/files/{wheel.name}", headers=owner.bearer)
    assert deleted.status_code == 204, deleted.text
    assert objects(app) == []


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("database_url", [None], indirect=False)
def test_pip_installs_from_the_s3_backed_index(live_url: str, make_partner: Any, wheels: Any,
                                               tmp_path: Path, app: FastAPI) -> None:
    owner = make_partner()
    wheel = wheels(version="1.2.0")
    uploaded = httpx.post(f"{live_url}/legacy/", auth=("__token__", owner.token),
                          data={":action": "file_upload", "protocol_version": "1",
                                "filetype": "bdist_wheel", "sha256_digest": sha256_of(wheel)},
                          files={"content": (wheel.name, wheel.read_bytes())}, timeout=60)
    assert uploaded.status_code == 200, uploaded.text
    target = tmp_path / "target"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--isolated", "--no-deps", "-q",
         "--disable-pip-version-check", "--no-cache-dir", "--target", str(target),
         "--index-url", f"{live_url}/simple/", "hello-skill"],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in target.glob("hello_skill-*.dist-info")] == [
        "hello_skill-1.2.0.dist-info"]
    assert objects(app) == [sha256_of(wheel)]


def test_sweep_removes_orphans_from_the_bucket(app: FastAPI, client: TestClient,
                                               make_partner: Any, wheels: Any,
                                               upload_file: Any, settings: Settings,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert upload_file(make_partner(), wheels()).status_code == 200
    kept = objects(app)
    orphan = tmp_path / "orphan"
    orphan.write_bytes(b"left by a crash between the store and the commit")
    app.state.store.put(sha256_of(orphan), orphan)
    for field in ("artifact_store", "s3_endpoint_url", "database_url", *S3_KEYS):
        value = getattr(settings, field)
        if value is not None:
            secret = getattr(value, "get_secret_value", None)
            monkeypatch.setenv(f"ROBEING_{field.upper()}", secret() if secret else str(value))
    args = ["marketplace", "sweep", "--data-dir", str(settings.data_dir), "--json"]
    runner = CliRunner()
    recent = runner.invoke(build_app(), args)  # within the grace period: maybe in flight
    assert recent.exit_code == 0, recent.output
    assert json.loads(recent.output) == {"removed": []}
    swept = runner.invoke(build_app(), [*args, "--grace-minutes", "0"])
    assert swept.exit_code == 0, swept.output
    assert json.loads(swept.output) == {"removed": [sha256_of(orphan)]}
    assert objects(app) == kept
