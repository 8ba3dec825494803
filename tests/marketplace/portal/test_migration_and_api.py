"""Migration a8000000portal creates the portal's tables and its downgrade removes them (and
ab000000downloaddays its ``download_day``); the package's public face is its sorted
``__all__``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

import marketplace.portal
from marketplace import schema
from marketplace.db import Database
from marketplace.settings import Settings

TABLES = {"portal_credential", "portal_session", "portal_sign_in_failure"}


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


def test_upgrade_creates_and_downgrade_drops_the_portal_tables(empty_db: Database) -> None:
    schema.upgrade(empty_db, "a8000000portal")
    with empty_db.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES
    with empty_db.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "a7000000commerce")
    with empty_db.engine.connect() as connection:
        assert not TABLES & set(inspect(connection).get_table_names())
        assert schema.current_revision(connection) == "a7000000commerce"
    schema.upgrade(empty_db, "a8000000portal")


def test_download_days_migration_up_and_down(empty_db: Database) -> None:
    schema.upgrade(empty_db, "ab000000downloaddays")
    with empty_db.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("download_day")}
        assert columns == {"skill_id", "day", "downloads"}
        assert inspect(connection).get_pk_constraint("download_day")["constrained_columns"] \
            == ["skill_id", "day"]
    with empty_db.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "aa000000namereview")
    with empty_db.engine.connect() as connection:
        assert "download_day" not in inspect(connection).get_table_names()
    schema.upgrade(empty_db, "ab000000downloaddays")


def test_public_names_match_all() -> None:
    public = {name for name in vars(marketplace.portal)
              if not name.startswith("_") and callable(getattr(marketplace.portal, name))
              and getattr(getattr(marketplace.portal, name), "__module__", "")
              == "marketplace.portal"}
    assert sorted(marketplace.portal.__all__) == marketplace.portal.__all__
    assert set(marketplace.portal.__all__) == public
