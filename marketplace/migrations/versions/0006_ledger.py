"""ledger: double-entry journal, payouts and statements (issue 6)

Revision ID: a6000000ledger
Revises: 9d4a7b3e1f26
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = 'a6000000ledger'
down_revision: str | None = '9d4a7b3e1f26'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TS = marketplace.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('ledger_entry',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=True),
    sa.Column('occurred_at', UTC_TS, nullable=False),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.Column('memo', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'reference')
    )
    op.create_index('ix_ledger_entry_partner_id', 'ledger_entry', ['partner_id'])
    op.create_index('ix_ledger_entry_occurred_at', 'ledger_entry', ['occurred_at'])
    op.create_table('ledger_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', UTC_TS, nullable=False),
    sa.CheckConstraint('amount <> 0', name='ck_ledger_line_nonzero'),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_ledger_line_entry_id', 'ledger_line', ['entry_id'])
    op.create_index('ix_ledger_line_account', 'ledger_line',
                    ['account', 'partner_id', 'currency'])
    op.create_table('ledger_sale',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('sale_id', sa.String(length=255), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('skill_name', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('partner_share', sa.BigInteger(), nullable=False),
    sa.Column('platform_share', sa.BigInteger(), nullable=False),
    sa.Column('provider_fee', sa.BigInteger(), nullable=False),
    sa.Column('application_fee', sa.BigInteger(), nullable=False),
    sa.Column('refunded', sa.BigInteger(), nullable=False),
    sa.Column('provider_payment_id', sa.String(length=255), nullable=False),
    sa.Column('occurred_at', UTC_TS, nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('partner_share_bps', sa.Integer(), nullable=False),
    sa.Column('platform_fee_bps', sa.Integer(), nullable=False),
    sa.Column('rate_source', sa.String(length=20), nullable=False),
    sa.Column('schedule_version', sa.Integer(), nullable=False),
    sa.Column('contract_reference', sa.String(length=200), nullable=True),
    sa.Column('rounding', sa.String(length=20), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.CheckConstraint('partner_share + platform_share = gross',
                       name='ck_ledger_sale_split_sums'),
    sa.CheckConstraint('refunded >= 0 AND refunded <= gross', name='ck_ledger_sale_refunded'),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sale_id'),
    sa.UniqueConstraint('provider_payment_id')
    )
    op.create_index('ix_ledger_sale_partner_id', 'ledger_sale', ['partner_id'])
    op.create_index('ix_ledger_sale_occurred_at', 'ledger_sale', ['occurred_at'])
    op.create_table('ledger_refund',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('refund_id', sa.String(length=255), nullable=False),
    sa.Column('sale_id', sa.String(length=255), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('partner_part', sa.BigInteger(), nullable=False),
    sa.Column('platform_part', sa.BigInteger(), nullable=False),
    sa.Column('refunded_total', sa.BigInteger(), nullable=False),
    sa.Column('reversed_from_partner', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', UTC_TS, nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.CheckConstraint('partner_part + platform_part = amount',
                       name='ck_ledger_refund_parts_sum'),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['sale_id'], ['ledger_sale.sale_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('refund_id')
    )
    op.create_index('ix_ledger_refund_sale_id', 'ledger_refund', ['sale_id'])
    op.create_index('ix_ledger_refund_partner_id', 'ledger_refund', ['partner_id'])
    op.create_index('ix_ledger_refund_occurred_at', 'ledger_refund', ['occurred_at'])
    op.create_table('ledger_payout',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('destination_account', sa.String(length=255), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('transfer_id', sa.String(length=255), nullable=True),
    sa.Column('failure', sa.String(length=500), nullable=True),
    sa.Column('entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.Column('paid_at', UTC_TS, nullable=True),
    sa.CheckConstraint('amount > 0', name='ck_ledger_payout_positive'),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'period', 'currency'),
    sa.UniqueConstraint('transfer_id')
    )
    op.create_index('ix_ledger_payout_partner_id', 'ledger_payout', ['partner_id'])


def downgrade() -> None:
    op.drop_index('ix_ledger_payout_partner_id', table_name='ledger_payout')
    op.drop_table('ledger_payout')
    for name in ('occurred_at', 'partner_id', 'sale_id'):
        op.drop_index(f'ix_ledger_refund_{name}', table_name='ledger_refund')
    op.drop_table('ledger_refund')
    for name in ('occurred_at', 'partner_id'):
        op.drop_index(f'ix_ledger_sale_{name}', table_name='ledger_sale')
    op.drop_table('ledger_sale')
    op.drop_index('ix_ledger_line_account', table_name='ledger_line')
    op.drop_index('ix_ledger_line_entry_id', table_name='ledger_line')
    op.drop_table('ledger_line')
    op.drop_index('ix_ledger_entry_occurred_at', table_name='ledger_entry')
    op.drop_index('ix_ledger_entry_partner_id', table_name='ledger_entry')
    op.drop_table('ledger_entry')
