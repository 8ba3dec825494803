"""per-user language preference (issue 4)

Revision ID: ac000000localepref
Revises: ab000000downloaddays
Create Date: 2026-11-24 22:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'ac000000localepref'
down_revision: str | None = 'ab000000downloaddays'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
