"""Migration aa000000namereview: name_review appears, deleted_filename goes without losing a
refused name, SQLite's search index becomes external-content; the downgrade undoes it all."""

from __future__ import annotations

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

BEFORE, REVISION = "a9000000skilltexts", "aa000000namereview"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url, admin, name = None, None, f"t_{uuid.uuid4().hex[:12]}"
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
    for column in reflected.columns:  # SQLite reflects sa.Uuid as CHAR(32)
        if column.name in ("id", "skill_id", "release_id", "partner_id"):
            column.type = sa.Uuid()
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        row[column.name] = {bool: False, int: 0, str: "", bytes: b"",
                            datetime: datetime.now(UTC),
                            uuid.UUID: uuid.uuid4()}[column.type.python_type]
    connection.execute(reflected.insert().values(**row))


def _fts_count(connection: sa.Connection, word: str) -> int:
    return int(connection.execute(text(
        f"SELECT count(*) FROM skill_fts WHERE skill_fts MATCH '\"{word}\"'")).scalar() or 0)


def test_upgrade_and_downgrade(empty_db: Database) -> None:
    schema.upgrade(empty_db, BEFORE)
    skill, release = uuid.uuid4(), uuid.uuid4()
    when = datetime(2026, 5, 1, tzinfo=UTC)
    with empty_db.engine.begin() as connection:
        _insert(connection, "skill", id=skill, name="greetings", search_text="greetings\nhi")
        _insert(connection, "release", id=release, skill_id=skill, version="1.0.0",
                sdk_specifier=">=0.1")
        for filename in ("greetings-1.0.0-py3-none-any.whl", "greetings-1.0.0.tar.gz"):
            _insert(connection, "file", id=uuid.uuid4(), release_id=release, skill_id=skill,
                    filename=filename, sha256=filename[-8:] * 8)
        # Only in deleted_filename (a row written before file.deleted_at existed).
        connection.execute(text("INSERT INTO deleted_filename (filename, deleted_at) "
                                "VALUES ('greetings-1.0.0.tar.gz', :at)"), {"at": when})
    schema.upgrade(empty_db, REVISION)
    with empty_db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert "name_review" in tables and "deleted_filename" not in tables
        deleted = connection.execute(text(
            "SELECT filename FROM file WHERE deleted_at IS NOT NULL")).scalars().all()
        assert deleted == ["greetings-1.0.0.tar.gz"]
        if connection.dialect.name == "sqlite":
            assert _fts_count(connection, "greetings") == 1
            connection.execute(text("INSERT INTO skill_fts (skill_fts, rank) "
                                    "VALUES ('integrity-check', 1)"))
    with empty_db.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), BEFORE)
    with empty_db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert "name_review" not in tables and "deleted_filename" in tables
        assert connection.execute(text("SELECT filename FROM deleted_filename")
                                  ).scalars().all() == ["greetings-1.0.0.tar.gz"]
        if connection.dialect.name == "sqlite":  # the old table and triggers are back
            assert _fts_count(connection, "greetings") == 1
            assert connection.execute(text("SELECT count(skill_id) FROM skill_fts")
                                      ).scalar() == 1
    schema.upgrade(empty_db, REVISION)
