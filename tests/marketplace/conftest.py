"""Marketplace fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``ROBEING_TEST_DATABASE_URL`` (skipped when unset); each test gets a
fresh schema, dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from marketplace.accounts import service as accounts
from marketplace.accounts.models import ApiTokenCreate
from marketplace.app import create_app
from marketplace.db import Database
from marketplace.settings import Settings

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what we ship
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PG_ENV = "ROBEING_TEST_DATABASE_URL"

MANIFEST = """\
name = "{name}"
sdk = "{sdk}"
categories = ["{category}"]

[display_name]
en = "{title}"
ko = "{title} 스킬"

[description]
en = "{description}"
ko = "테스트 스킬입니다."

[price]
{price}
"""


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel(folder: Path, name: str = "hello-skill", version: str = "1.0.0", *,
                sdk: str = ">=0.1,<1", requires_python: str | None = ">=3.11",
                summary: str = "Says hello.", description: str = "Greets people politely.",
                category: str = "productivity", tag: str = "py3-none-any",
                extra_files: dict[str, bytes] | None = None,
                price: str = 'kind = "free"') -> Path:
    """Write ``{module}-{version}-{tag}.whl`` into ``folder`` and return its path."""
    module = name.replace("-", "_").replace(".", "_").lower()
    dist_info = f"{module}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
                f"Summary: {summary}"]
    if requires_python:
        metadata.append(f"Requires-Python: {requires_python}")
    metadata.append("Requires-Dist: robeing>=0.1")
    members: dict[str, bytes] = {
        f"{module}/__init__.py": b"",
        f"{module}/skill.py": b"from robeing_sdk import hookimpl\n",
        f"{module}/robeing-skill.toml": MANIFEST.format(
            name=name, sdk=sdk, title=name.title(), description=description,
            category=category, price=price).encode(),
        f"{dist_info}/METADATA": ("\n".join(metadata) + "\n\n").encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                              + f"Tag: {tag}\n".encode(),
        f"{dist_info}/entry_points.txt": f"[robeing.skills]\n{name} = {module}.skill\n".encode(),
        f"{dist_info}/top_level.txt": f"{module}\n".encode(),
    }
    members.update(extra_files or {})
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in members.items())
    record += f"{dist_info}/RECORD,,\n"
    members[f"{dist_info}/RECORD"] = record.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0)), data)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{module}-{version}-{tag}.whl"
    target.write_bytes(buffer.getvalue())
    return target


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url,
                    max_upload_bytes=2 * 1024 * 1024, index_cache_seconds=30)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings, create_schema=True)
    yield application
    application.state.search_index.close()  # a snapshot build still holding a connection
    application.state.db.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def db(app: FastAPI) -> Database:
    database: Database = app.state.db
    return database


@dataclass
class PartnerHandle:
    name: str
    id: uuid.UUID
    token: str
    token_id: uuid.UUID

    @property
    def basic(self) -> dict[str, str]:
        raw = base64.b64encode(f"__token__:{self.token}".encode()).decode()
        return {"Authorization": f"Basic {raw}"}

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


PartnerFactory = Callable[..., PartnerHandle]


@pytest.fixture
def make_partner(db: Database) -> PartnerFactory:
    def make(name: str = "acme", *, scope: str | None = None) -> PartnerHandle:
        with db.write() as session:
            partner = accounts.ensure_partner(session, name, f"{name}@example.com")
            issued = accounts.issue_token(session, partner.id, ApiTokenCreate(skill_name=scope))
            handle = PartnerHandle(partner.name, partner.id, issued.token, issued.id)
            session.commit()
        return handle

    return make


@pytest.fixture
def wheels(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str = "hello-skill", version: str = "1.0.0", **kwargs: Any) -> Path:
        return build_wheel(tmp_path / "dist" / uuid.uuid4().hex[:8], name, version, **kwargs)

    return make


def legacy_form(path: Path, **overrides: str | None) -> dict[str, str]:
    name, version = path.name.split("-")[:2]
    fields: dict[str, str | None] = {
        ":action": "file_upload", "protocol_version": "1", "name": name,
        "version": version, "filetype": "bdist_wheel", "sha256_digest": sha256_file(path),
        "pyversion": "py3", "metadata_version": "2.1"}
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def upload(client: TestClient | httpx.Client, partner: PartnerHandle | None, path: Path,
           *, headers: dict[str, str] | None = None, **overrides: str | None) -> httpx.Response:
    """POST a file to /legacy/ the way twine does."""
    auth = headers if headers is not None else (partner.basic if partner else {})
    with path.open("rb") as handle:
        return client.post("/legacy/", data=legacy_form(path, **overrides),
                            files={"content": (path.name, handle, "application/octet-stream")},
                            headers=auth)


Uploader = Callable[..., httpx.Response]


@pytest.fixture
def upload_file(client: TestClient) -> Uploader:
    def send(partner: PartnerHandle | None, path: Path, **kwargs: Any) -> httpx.Response:
        return upload(client, partner, path, **kwargs)

    return send


@pytest.fixture
def upload_with() -> Callable[..., httpx.Response]:
    """``upload(client, partner, path, ...)`` for tests that make their own clients."""
    return upload


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts a real server and runs twine and pip")
