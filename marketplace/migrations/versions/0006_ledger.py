"""ledger: double-entry journal, payouts and statements (issue 6)

Revision ID: a6000000ledger
Revises: 9d4a7b3e1f26
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'a6000000ledger'
down_revision: str | None = '9d4a7b3e1f26'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
