"""commerce: prices, purchases, licences, webhook events, usage (issue 6)

Revision ID: a7000000commerce
Revises: a6000000ledger
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = 'a7000000commerce'
down_revision: str | None = 'a6000000ledger'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TS = marketplace.db.UTCDateTime(timezone=True)


def _index(table: str, *columns: str, unique: bool = False) -> None:
    for column in columns:
        op.create_index(f'ix_{table}_{column}', table, [column], unique=unique)


def upgrade() -> None:
    op.create_table('skill_price',
    sa.Column('skill_id', sa.Uuid(), nullable=False),
    sa.Column('seller_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('updated_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], ),
    sa.PrimaryKeyConstraint('skill_id')
    )
    _index('skill_price', 'seller_id')
    op.create_table('seller_account',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'provider')
    )
    _index('seller_account', 'partner_id')
    op.create_table('licence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('skill_id', sa.Uuid(), nullable=False),
    sa.Column('skill_name', sa.String(length=64), nullable=False),
    sa.Column('seller_id', sa.Uuid(), nullable=False),
    sa.Column('buyer_email', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('key_hint', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('payment_id', sa.String(length=255), nullable=True),
    sa.Column('charge_id', sa.String(length=255), nullable=True),
    sa.Column('payment_method', sa.String(length=255), nullable=True),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('expires_at', UTC_TS, nullable=True),
    sa.Column('subscription_id', sa.String(length=255), nullable=True),
    sa.Column('subscription_status', sa.String(length=30), nullable=True),
    sa.Column('subscription_event_at', UTC_TS, nullable=True),
    sa.Column('revoked_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.Column('activated_at', UTC_TS, nullable=True),
    sa.Column('revoked_at', UTC_TS, nullable=True),
    sa.ForeignKeyConstraint(['seller_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    _index('licence', 'skill_id', 'seller_id', 'buyer_email', 'status', 'payment_id',
           'charge_id', 'subscription_id')
    op.create_table('webhook_event',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('received_at', UTC_TS, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('usage_record',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('licence_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('occurred_at', UTC_TS, nullable=False),
    sa.Column('received_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['licence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('licence_id', 'client_id')
    )
    _index('usage_record', 'licence_id', 'occurred_at')
    op.create_table('usage_charge',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('licence_id', sa.Uuid(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_id', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['licence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('licence_id', 'period')
    )
    _index('usage_charge', 'licence_id', 'payment_id')


def downgrade() -> None:
    for table in ('usage_charge', 'usage_record', 'webhook_event', 'licence',
                  'seller_account', 'skill_price'):
        op.drop_table(table)
