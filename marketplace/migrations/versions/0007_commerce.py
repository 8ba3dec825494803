"""commerce: prices, purchases, licences, webhook events, usage (issue 6)

Revision ID: a7000000commerce
Revises: a6000000ledger
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'a7000000commerce'
down_revision: str | None = 'a6000000ledger'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
