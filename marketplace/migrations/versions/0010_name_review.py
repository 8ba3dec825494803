"""confusable-name review queue; drop deleted_filename (issue 3)

Revision ID: aa000000namereview
Revises: a9000000skilltexts
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = 'aa000000namereview'
down_revision: str | None = 'a9000000skilltexts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
