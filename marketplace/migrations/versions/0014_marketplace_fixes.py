"""no schema change: a reserved slot that the marketplace fixes did not need (issue 3)

Kept as an empty revision so databases already stamped with it stay valid.

Revision ID: ae000000marketfixes
Revises: ad000000billingfaults
Create Date: 2026-11-24 22:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'ae000000marketfixes'
down_revision: str | None = 'ad000000billingfaults'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
