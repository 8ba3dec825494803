"""confusable-name review queue; drop deleted_filename (issue 3); a faster SQLite search index

Revision ID: aa000000namereview
Revises: a9000000skilltexts
Create Date: 2026-11-24 19:10:00

- ``name_review``: a new skill whose name is confusable with another owner's skill waits here
  (its release stored, the skill hidden from the index and the catalog) until staff approve
  or reject it.
- ``deleted_filename`` goes: ``file.deleted_at`` (revision ``9d4a7b3e1f26``) keeps a deleted
  file's row, and with it its name, so the separate table only repeated it (the delete
  path wrote both). Before dropping it, any file row it names is marked deleted, so no
  refusal is lost; a name with no file row at all cannot be kept and is logged.
- SQLite search: ``skill_fts`` becomes an external-content FTS5 trigram table over ``skill``
  keyed by ``skill.rowid``, so a search reads only the index and reaches each matching skill
  by rowid, instead of reading each match's copied id back from the FTS table and looking the
  skill up by its UUID (that took half the time of a query matching hundreds of skills).
  Triggers keep it in step. ``VACUUM`` keeps rowids (its copy preserves them); should an
  index ever disagree with the table, ``INSERT INTO skill_fts (skill_fts) VALUES
  ('rebuild')`` rebuilds it from ``skill``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = 'aa000000namereview'
down_revision: str | None = 'a9000000skilltexts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("marketplace")

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
    op.create_table(
        'name_review',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('skill_id', sa.Uuid(), nullable=False),
        sa.Column('skill', sa.String(length=64), nullable=False),
        sa.Column('confusable_with', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('requested_by', sa.Uuid(), nullable=False),
        sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['skill_id'], ['skill.id']),
        sa.ForeignKeyConstraint(['requested_by'], ['partner.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('skill_id'),
    )
    op.create_index('ix_name_review_status', 'name_review', ['status'])
    _drop_deleted_filename()
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_OLD_FTS_DROP, *_FTS_UP]:
            op.execute(statement)


def _drop_deleted_filename() -> None:
    bind = op.get_bind()
    op.execute("UPDATE file SET deleted_at = (SELECT d.deleted_at FROM deleted_filename d "
               "WHERE d.filename = file.filename) WHERE deleted_at IS NULL "
               "AND filename IN (SELECT filename FROM deleted_filename)")
    lost = bind.exec_driver_sql("SELECT count(*) FROM deleted_filename d WHERE NOT EXISTS "
                                "(SELECT 1 FROM file f WHERE f.filename = d.filename)").scalar()
    if lost:
        log.warning("%d deleted file names had no file row and are no longer refused.", lost)
    op.drop_table('deleted_filename')


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_OLD_FTS_DROP, *_OLD_FTS_UP]:
            op.execute(statement)
    op.create_table(
        'deleted_filename',
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('deleted_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('filename'),
    )
    op.execute("INSERT INTO deleted_filename (filename, deleted_at) "
               "SELECT filename, deleted_at FROM file WHERE deleted_at IS NOT NULL")
    op.drop_index('ix_name_review_status', table_name='name_review')
    op.drop_table('name_review')
