"""skill display names and descriptions per locale (issue 4)

Revision ID: a9000000skilltexts
Revises: a8000000portal
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'a9000000skilltexts'
down_revision: str | None = 'a8000000portal'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
