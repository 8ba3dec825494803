"""billing faults: early refunds, suspended licences, provider fees (issue 6)

Revision ID: ad000000billingfaults
Revises: ac000000localepref
Create Date: 2026-11-24 22:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'ad000000billingfaults'
down_revision: str | None = 'ac000000localepref'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
