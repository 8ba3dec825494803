"""billing faults: early refunds, suspended licences, payments per licence (issue 6)

Revision ID: ad000000billingfaults
Revises: ac000000localepref
Create Date: 2026-11-24 22:05:00

- ``pending_refund``: a ``charge.refunded`` whose sale is not recorded yet (a renewal's
  refund before its ``invoice.paid``) is kept here and applied when the sale is recorded.
- ``licence_payment``: each recorded payment's licence and ledger sale (purchase, renewal,
  usage charge), so staff can refund a renewal. Filled here from what is already known:
  purchases (``licence.payment_id``) and usage charges (``usage_charge.payment_id``);
  renewals recorded before this revision have no link (refund them in Stripe's dashboard;
  the webhook still reaches the ledger).
- ``licence.suspended_reason`` / ``suspended_at``: a failed usage charge suspends the
  licence until a payment succeeds.
- ``usage_charge.attempts``: a failed charge is retried with a new idempotency key.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = 'ad000000billingfaults'
down_revision: str | None = 'ac000000localepref'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'pending_refund',
        sa.Column('charge_id', sa.String(length=255), nullable=False),
        sa.Column('payment_id', sa.String(length=255), nullable=True),
        sa.Column('amount_refunded', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('event_id', sa.String(length=255), nullable=False),
        sa.Column('occurred_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('received_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('applied_at', marketplace.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sale_id', sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint('charge_id'),
    )
    op.create_index('ix_pending_refund_payment_id', 'pending_refund', ['payment_id'])
    op.create_index('ix_pending_refund_applied_at', 'pending_refund', ['applied_at'])
    op.create_table(
        'licence_payment',
        sa.Column('payment_id', sa.String(length=255), nullable=False),
        sa.Column('licence_id', sa.Uuid(), nullable=False),
        sa.Column('sale_id', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_at', marketplace.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['licence_id'], ['licence.id']),
        sa.PrimaryKeyConstraint('payment_id'),
        sa.UniqueConstraint('sale_id'),
    )
    op.create_index('ix_licence_payment_licence_id', 'licence_payment', ['licence_id'])
    op.add_column('licence', sa.Column('suspended_reason', sa.String(length=200),
                                       nullable=True))
    op.add_column('licence', sa.Column('suspended_at',
                                       marketplace.db.UTCDateTime(timezone=True),
                                       nullable=True))
    op.add_column('usage_charge', sa.Column('attempts', sa.Integer(), nullable=False,
                                            server_default='0'))
    op.execute(
        "INSERT INTO licence_payment (payment_id, licence_id, sale_id, kind, created_at) "
        "SELECT s.provider_payment_id, l.id, s.sale_id, 'purchase', s.created_at "
        "FROM ledger_sale s JOIN licence l ON l.payment_id = s.provider_payment_id "
        "WHERE s.sale_id LIKE 'licence-%'")
    op.execute(
        "INSERT INTO licence_payment (payment_id, licence_id, sale_id, kind, created_at) "
        "SELECT s.provider_payment_id, u.licence_id, s.sale_id, 'usage', s.created_at "
        "FROM ledger_sale s JOIN usage_charge u ON u.payment_id = s.provider_payment_id "
        "WHERE s.sale_id LIKE 'usage-%'")


def downgrade() -> None:
    op.execute("UPDATE licence SET status = 'active' WHERE status = 'suspended'")
    op.drop_table('licence_payment')
    op.drop_table('pending_refund')
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding
    # licence would drop a table other rows still point at (usage_record, usage_charge).
    op.drop_column('usage_charge', 'attempts')
    op.drop_column('licence', 'suspended_at')
    op.drop_column('licence', 'suspended_reason')
