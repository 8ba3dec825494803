"""file.deleted_at: deleted files keep their row, so their names are never used again

Revision ID: 9d4a7b3e1f26
Revises: 4e8b6f1d2c90
Create Date: 2026-11-24 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = '9d4a7b3e1f26'
down_revision: str | None = '4e8b6f1d2c90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy), which keeps SQLite's search triggers untouched.
    op.add_column('file', sa.Column('deleted_at', marketplace.db.UTCDateTime(timezone=True),
                                    nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('file', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
