"""Migration ac000000localepref: ``partner.locale`` added as NULL for existing accounts
(nothing changes for them), dropped again by the downgrade."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, text

from marketplace import schema
from marketplace.db import Database
from tests.marketplace.i18n.test_migration import empty_db  # noqa: F401  (fixture)

BEFORE, REVISION = "ab000000downloaddays", "ac000000localepref"


def _columns(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns("partner")}


def test_existing_accounts_get_no_preference_and_downgrade_drops_it(
        empty_db: Database) -> None:  # noqa: F811
    schema.upgrade(empty_db, BEFORE)
    assert "locale" not in _columns(empty_db)
    partner_id = uuid.uuid4()
    with empty_db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO partner (id, name, email, tier, is_staff, created_at) "
            "VALUES (:id, 'acme', 'acme@example.com', 'community', false, :at)"),
            {"id": partner_id.hex if connection.dialect.name == "sqlite" else partner_id,
             "at": datetime.now(UTC)})
        connection.execute(text(  # a row pointing at the partner: the downgrade keeps it
            "INSERT INTO api_token (id, partner_id, description, token_hash, prefix, "
            "created_at) VALUES (:id, :partner, 'ci', :hash, 'rb_', :at)"),
            {"id": uuid.uuid4().hex if connection.dialect.name == "sqlite" else uuid.uuid4(),
             "partner": partner_id.hex if connection.dialect.name == "sqlite" else partner_id,
             "hash": "0" * 64, "at": datetime.now(UTC)})
    schema.upgrade(empty_db, REVISION)
    with empty_db.engine.begin() as connection:
        assert connection.execute(text("SELECT name, locale FROM partner")).all() == [
            ("acme", None)]
        connection.execute(text("UPDATE partner SET locale = 'ja'"))
    with empty_db.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), BEFORE)
    assert "locale" not in _columns(empty_db)
    with empty_db.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM partner")).scalars().all() == ["acme"]
        assert connection.execute(text("SELECT count(*) FROM api_token")).scalar() == 1
        assert schema.current_revision(connection) == BEFORE
    schema.upgrade(empty_db, REVISION)
    assert "locale" in _columns(empty_db)
