"""downloads per skill per day, for the portal's chart (issue 5)

``download_day`` holds one row per skill and UTC day with downloads; the download path adds
to it in the same transaction as ``file.downloads`` (an insert-or-increment upsert). Days
before this revision have no rows: the chart starts empty, the totals stay as they were.

Revision ID: ab000000downloaddays
Revises: aa000000namereview
Create Date: 2026-11-24 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ab000000downloaddays'
down_revision: str | None = 'aa000000namereview'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'download_day',
        sa.Column('skill_id', sa.Uuid(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('downloads', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], ),
        sa.PrimaryKeyConstraint('skill_id', 'day'),
    )


def downgrade() -> None:
    op.drop_table('download_day')
