"""partner program: profile, evidence, tier history, revenue-share schedules, contracts;
api_token.role and partner.is_staff

Revision ID: 4e8b6f1d2c90
Revises: 7c2e41a9d3f0
Create Date: 2026-11-24 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = '4e8b6f1d2c90'
down_revision: str | None = '7c2e41a9d3f0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TS = marketplace.db.UTCDateTime(timezone=True)

# Schedule version 1, as shipped in partners/program/data/program.toml (a test checks they
# agree). Written out here so this migration never changes when the data file does.
SEED_AT = datetime(2026, 1, 1, tzinfo=UTC)
SEED_RATES = {"registered": 3000, "certified": 3000, "gold": 4000, "strategic": 4000}


def upgrade() -> None:
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_staff', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=10), nullable=False,
                                      server_default='admin'))

    op.create_table('partner_profile',
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('partner_type', sa.String(length=20), nullable=False),
    sa.Column('joined_at', UTC_TS, nullable=False),
    sa.Column('updated_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('partner_id')
    )
    op.create_table('partner_evidence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('requirement_id', sa.String(length=63), nullable=False),
    sa.Column('confirmed_by', sa.String(length=200), nullable=False),
    sa.Column('confirmed_at', UTC_TS, nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('document_ref', sa.String(length=500), nullable=True),
    sa.Column('expires_at', UTC_TS, nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partner_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_evidence_partner_id'), ['partner_id'],
                              unique=False)
    op.create_table('partner_tier_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('from_tier', sa.String(length=20), nullable=False),
    sa.Column('to_tier', sa.String(length=20), nullable=False),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.Column('by_role', sa.String(length=20), nullable=False),
    sa.Column('at', UTC_TS, nullable=False),
    sa.Column('effective_at', UTC_TS, nullable=True),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('refers_to', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('partner_id', 'seq'),
    sa.UniqueConstraint('refers_to')
    )
    with op.batch_alter_table('partner_tier_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_tier_change_partner_id'), ['partner_id'],
                              unique=False)
    schedule = op.create_table('revenue_share_schedule',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('effective_from', UTC_TS, nullable=False),
    sa.Column('published_at', UTC_TS, nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('strategic_min_partner_share_bps', sa.Integer(), nullable=False),
    sa.Column('strategic_max_partner_share_bps', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    rate = op.create_table('revenue_share_rate',
    sa.Column('schedule_version', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('partner_share_bps', sa.Integer(), nullable=False),
    sa.Column('platform_fee_bps', sa.Integer(), nullable=False),
    sa.CheckConstraint('partner_share_bps + platform_fee_bps = 10000',
                       name='ck_revenue_share_rate_sides'),
    sa.ForeignKeyConstraint(['schedule_version'], ['revenue_share_schedule.version'], ),
    sa.PrimaryKeyConstraint('schedule_version', 'tier')
    )
    op.create_table('strategic_contract',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('partner_share_bps', sa.Integer(), nullable=False),
    sa.Column('platform_fee_bps', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.Column('updated_at', UTC_TS, nullable=False),
    sa.CheckConstraint('partner_share_bps + platform_fee_bps = 10000',
                       name='ck_strategic_contract_sides'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('strategic_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategic_contract_partner_id'), ['partner_id'],
                              unique=False)

    op.bulk_insert(schedule, [{
        'version': 1, 'effective_from': SEED_AT, 'published_at': SEED_AT,
        'published_by': 'seed',
        'note': "The seed's rates: certified 30 %, gold 40 %, strategic by contract.",
        'strategic_min_partner_share_bps': 4000, 'strategic_max_partner_share_bps': 8500}])
    op.bulk_insert(rate, [{'schedule_version': 1, 'tier': tier, 'partner_share_bps': share,
                           'platform_fee_bps': 10000 - share}
                          for tier, share in SEED_RATES.items()])


def downgrade() -> None:
    with op.batch_alter_table('strategic_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategic_contract_partner_id'))
    op.drop_table('strategic_contract')
    op.drop_table('revenue_share_rate')
    op.drop_table('revenue_share_schedule')
    with op.batch_alter_table('partner_tier_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_tier_change_partner_id'))
    op.drop_table('partner_tier_change')
    with op.batch_alter_table('partner_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_evidence_partner_id'))
    op.drop_table('partner_evidence')
    op.drop_table('partner_profile')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('role')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_column('is_staff')
