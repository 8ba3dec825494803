"""The database schema, managed by Alembic migrations shipped inside the package.

``upgrade`` brings a database to the newest revision (the ``robeing marketplace upgrade``
command). ``ensure_current`` runs at start-up: an empty database is created through the same
migrations, an outdated one is refused with :class:`~marketplace.errors.SchemaOutdated`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlmodel import SQLModel

import marketplace.accounts.models
import marketplace.catalog.models
import marketplace.commerce.models
import marketplace.index.models
import marketplace.ledger.models
import marketplace.portal.models
import marketplace.releases.models
import marketplace.review.models  # noqa: F401  (tables register on SQLModel.metadata)
from marketplace.db import Database
from marketplace.errors import SchemaOutdated

target_metadata = SQLModel.metadata
_MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate to ``revision``; returns (revision before, revision after)."""
    with db.engine.begin() as connection:
        before = current_revision(connection)
        command.upgrade(alembic_config(connection), revision)
        after = current_revision(connection)
    return before, after


def ensure_current(db: Database, *, create_if_empty: bool = True) -> None:
    """Create an empty database's schema, or refuse an outdated one with one sentence."""
    with db.engine.connect() as connection:
        current = current_revision(connection)
        empty = current is None and not inspect(connection).get_table_names()
    head = head_revision()
    if current == head:
        return
    if empty and create_if_empty:
        upgrade(db)
        return
    raise SchemaOutdated(
        f"The database schema is at revision {current or 'none'} but this marketplace needs "
        f"{head}; run `robeing marketplace upgrade` first.")
