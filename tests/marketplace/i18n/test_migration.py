"""Migration a9000000skilltexts: skill_text filled from the listed release; downgrade drops it."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import create_engine, inspect, text

from marketplace import schema
from marketplace.db import Database
from marketplace.settings import Settings

BEFORE, REVISION = "a8000000portal", "a9000000skilltexts"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = None
    admin = None
    name = f"t_{uuid.uuid4().hex[:12]}"
    if request.param == "postgres":
        base = os.environ.get("ROBEING_TEST_DATABASE_URL")
        if not base:
            pytest.skip("ROBEING_TEST_DATABASE_URL is not set")
        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"
    db = Database(Settings(data_dir=tmp_path / "data", database_url=url))
    yield db
    db.dispose()
    if admin is not None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _insert(connection: sa.Connection, table: str, **values: Any) -> None:
    """A row with the given values and a plain value for every other required column."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    for key in ("id", "skill_id"):  # SQLite reflects sa.Uuid as CHAR(32)
        if key in reflected.columns:
            reflected.columns[key].type = sa.Uuid()
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        python = column.type.python_type
        row[column.name] = {bool: False, int: 0, str: "", datetime: datetime.now(UTC),
                            uuid.UUID: uuid.uuid4()}[python]
    connection.execute(reflected.insert().values(**row))


def test_upgrade_fills_texts_and_downgrade_drops_them(empty_db: Database) -> None:
    schema.upgrade(empty_db, BEFORE)
    listed, bare = uuid.uuid4(), uuid.uuid4()
    manifest = {"name": "greetings", "display_name": {"en": "Greetings", "ko": "인사"},
                "description": {"en": "Says hello.", "ko": "인사합니다.", "ja": "挨拶します。"}}
    with empty_db.engine.begin() as connection:
        _insert(connection, "skill", id=listed, name="greetings", display_name="Greetings",
                latest_version="1.0.0", search_text="greetings")
        _insert(connection, "skill", id=bare, name="bare", display_name="Bare",
                search_text="bare")
        _insert(connection, "release", id=uuid.uuid4(), skill_id=listed, version="1.0.0",
                sdk_specifier=">=0.1", manifest_json=json.dumps(manifest))
    schema.upgrade(empty_db, REVISION)
    with empty_db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT s.name, t.locale, t.display_name, t.description FROM skill_text t "
            "JOIN skill s ON s.id = t.skill_id ORDER BY s.name, t.locale")).all()
    assert [tuple(row) for row in rows] == [
        ("bare", "en", "Bare", ""),
        ("greetings", "en", "Greetings", "Says hello."),
        ("greetings", "ja", "", "挨拶します。"),
        ("greetings", "ko", "인사", "인사합니다."),
    ]
    with empty_db.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), BEFORE)
    with empty_db.engine.connect() as connection:
        assert "skill_text" not in inspect(connection).get_table_names()
        assert schema.current_revision(connection) == BEFORE
        if connection.dialect.name == "sqlite":  # the search triggers on skill still work
            count = connection.execute(text(
                "SELECT count(*) FROM skill_fts WHERE skill_fts MATCH '\"greetings\"'")).scalar()
            assert count == 1
    schema.upgrade(empty_db, REVISION)
