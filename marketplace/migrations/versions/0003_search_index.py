"""search index: SQLite FTS5 (trigram) kept by triggers; PostgreSQL pg_trgm GIN

Revision ID: 7c2e41a9d3f0
Revises: 0002
Create Date: 2026-11-24 17:30:00

Search matches every query word as a substring of ``skill.search_text`` (names, summaries and
descriptions in every language, lower-cased). Both indexes answer exactly that question, for
Korean, Japanese and Chinese as well as for space-separated languages, without a scan:

- SQLite: ``skill_fts``, an FTS5 table with the trigram tokenizer holding each skill's id and
  search text, kept in step with ``skill`` by triggers (so any writer, the benchmark seed
  included, keeps it current). Words shorter than three characters cannot use a trigram
  index and fall back to ``LIKE`` (see :mod:`marketplace.catalog.search`).
- PostgreSQL: a GIN index with ``gin_trgm_ops`` on ``skill.search_text``, which serves
  ``LIKE '%word%'`` directly. ``pg_trgm`` is a trusted extension (PostgreSQL 13+), so a
  database owner may create it; if it cannot be created the migration still succeeds and
  search keeps working with sequential scans (a warning is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = '7c2e41a9d3f0'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("marketplace")

SQLITE_UP = [
    "CREATE VIRTUAL TABLE skill_fts USING fts5(skill_id UNINDEXED, search_text, "
    "tokenize = 'trigram')",
    "INSERT INTO skill_fts (skill_id, search_text) SELECT id, search_text FROM skill",
    """CREATE TRIGGER skill_fts_insert AFTER INSERT ON skill BEGIN
         INSERT INTO skill_fts (skill_id, search_text) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER skill_fts_update AFTER UPDATE OF search_text ON skill BEGIN
         DELETE FROM skill_fts WHERE skill_id = old.id;
         INSERT INTO skill_fts (skill_id, search_text) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER skill_fts_delete AFTER DELETE ON skill BEGIN
         DELETE FROM skill_fts WHERE skill_id = old.id;
       END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS skill_fts_delete", "DROP TRIGGER IF EXISTS skill_fts_update",
               "DROP TRIGGER IF EXISTS skill_fts_insert", "DROP TABLE IF EXISTS skill_fts"]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    if bind.dialect.name != "postgresql":  # pragma: no cover - only the two are supported
        return
    savepoint = bind.begin_nested()
    try:
        schema = bind.exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension "
            "WHERE extname = 'pg_trgm'").scalar()
        if schema is None:
            # Database-wide, so put it where every schema finds it (tests use one per run).
            has_public = bind.exec_driver_sql(
                "SELECT 1 FROM pg_namespace WHERE nspname = 'public'").scalar()
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm"
                                 + (" WITH SCHEMA public" if has_public else ""))
            schema = bind.exec_driver_sql(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'pg_trgm'").scalar()
        bind.exec_driver_sql(f"CREATE INDEX ix_skill_search_trgm ON skill "
                             f"USING gin (search_text {schema}.gin_trgm_ops)")
        savepoint.commit()
    except DBAPIError as exc:
        savepoint.rollback()
        log.warning("No trigram index for search (pg_trgm unavailable: %s); search will scan.",
                    exc.orig)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_skill_search_trgm")
