"""portal: partner credentials and web sessions (issue 5)

Revision ID: a8000000portal
Revises: a7000000commerce
Create Date: 2026-11-24 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = 'a8000000portal'
down_revision: str | None = 'a7000000commerce'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UTC_TS = marketplace.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('portal_credential',
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('updated_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('partner_id')
    )
    op.create_index('ix_portal_credential_email', 'portal_credential', ['email'], unique=True)
    op.create_table('portal_session',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('token_id', sa.Uuid(), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=True),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('last_form', sa.String(length=64), nullable=True),
    sa.Column('created_at', UTC_TS, nullable=False),
    sa.Column('expires_at', UTC_TS, nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], ),
    sa.PrimaryKeyConstraint('id_hash')
    )
    op.create_index('ix_portal_session_partner_id', 'portal_session', ['partner_id'])
    op.create_index('ix_portal_session_expires_at', 'portal_session', ['expires_at'])
    op.create_table('portal_sign_in_failure',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', UTC_TS, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_portal_sign_in_failure_key', 'portal_sign_in_failure', ['key'])
    op.create_index('ix_portal_sign_in_failure_at', 'portal_sign_in_failure', ['at'])


def downgrade() -> None:
    op.drop_index('ix_portal_sign_in_failure_at', table_name='portal_sign_in_failure')
    op.drop_index('ix_portal_sign_in_failure_key', table_name='portal_sign_in_failure')
    op.drop_table('portal_sign_in_failure')
    op.drop_index('ix_portal_session_expires_at', table_name='portal_session')
    op.drop_index('ix_portal_session_partner_id', table_name='portal_session')
    op.drop_table('portal_session')
    op.drop_index('ix_portal_credential_email', table_name='portal_credential')
    op.drop_table('portal_credential')
