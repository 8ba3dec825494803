"""confusable-name review queue; drop deleted_filename (issue 3); a faster SQLite search index

Revision ID: aa000000namereview
Revises: a9000000skilltexts
Create Date: 2026-11-24 19:10:00

- ``name_review``: a new skill whose name is confusable with another owner's skill waits here
  (its release stored, the skill hidden from the index and the catalog) until staff approve
  or reject it.
- ``deleted_filename`` goes: ``file.deleted_at`` (revision ``9d4a7b3e1f26``) keeps a deleted
  file's row, and with it its name, so the separate table only repeated it. Its rows are
  kept as the answer to "was this name used" only if a file row still exists, which is
  always the case for names deleted through the API.
- SQLite search: ``skill_fts`` becomes an external-content FTS5 trigram table over ``skill``
  keyed by ``skill.rowid``, so a search reads only the index and reaches each matching skill
  by rowid, instead of reading each match's copied id back from the FTS table and looking the
  skill up by its UUID (that took half the time of a query matching hundreds of skills).
  Triggers keep it in step. ``VACUUM`` keeps rowids (its copy preserves them); should an
  index ever disagree with the table, ``INSERT INTO skill_fts (skill_fts) VALUES
  ('rebuild')`` rebuilds it from ``skill``.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = 'aa000000namereview'
down_revision: str | None = 'a9000000skilltexts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_FTS_DROP = ["DROP TRIGGER IF EXISTS skill_fts_delete",
                 "DROP TRIGGER IF EXISTS skill_fts_update",
                 "DROP TRIGGER IF EXISTS skill_fts_insert", "DROP TABLE IF EXISTS skill_fts"]
_FTS_UP = [
    "CREATE VIRTUAL TABLE skill_fts USING fts5(search_text, content = 'skill', "
    "content_rowid = 'rowid', tokenize = 'trigram')",
    "INSERT INTO skill_fts (skill_fts) VALUES ('rebuild')",
    """CREATE TRIGGER skill_fts_insert AFTER INSERT ON skill BEGIN
         INSERT INTO skill_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
       END""",
    # An external-content table is told the old text to remove it from the index.
    """CREATE TRIGGER skill_fts_update AFTER UPDATE OF search_text ON skill BEGIN
         INSERT INTO skill_fts (skill_fts, rowid, search_text)
           VALUES ('delete', old.rowid, old.search_text);
         INSERT INTO skill_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
       END""",
    """CREATE TRIGGER skill_fts_delete AFTER DELETE ON skill BEGIN
         INSERT INTO skill_fts (skill_fts, rowid, search_text)
           VALUES ('delete', old.rowid, old.search_text);
       END""",
]
_OLD_FTS_UP = [  # as revision 7c2e41a9d3f0 made it
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_OLD_FTS_DROP, *_FTS_UP]:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_OLD_FTS_DROP, *_OLD_FTS_UP]:
            op.execute(statement)
