"""per-user language preference (issue 4)

``partner.locale`` holds the account's chosen language (one of the supported ISO 639-1
codes) or NULL, which leaves the choice to the request's ``Accept-Language``. Existing
accounts get NULL: nothing changes for them until they choose.

Revision ID: ac000000localepref
Revises: ab000000downloaddays
Create Date: 2026-11-24 22:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ac000000localepref'
down_revision: str | None = 'ab000000downloaddays'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('partner', sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding
    # ``partner`` fails once other tables' rows point at it.
    op.drop_column('partner', 'locale')
