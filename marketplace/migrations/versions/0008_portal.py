"""portal: partner credentials and web sessions (issue 5)

Revision ID: a8000000portal
Revises: a7000000commerce
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'a8000000portal'
down_revision: str | None = 'a7000000commerce'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
