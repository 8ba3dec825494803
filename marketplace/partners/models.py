"""Tables of the partner program: profile, evidence, tier history, schedules, contracts.

The rules live in :mod:`partners.program` (pure data and functions); these tables only keep
what the rules need and what they decided. The tier history is append-only: rows are
inserted, never updated or deleted, and ``(partner_id, seq)`` is unique so two concurrent
decisions on one partner cannot both be appended. ``refers_to`` is unique too: a request is
answered, and a demotion notice withdrawn, at most once.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.db import UTCDateTime, utcnow


class PartnerProfile(SQLModel, table=True):
    """The partner's place in the program (one per partner, made on first use)."""

    __tablename__ = "partner_profile"

    partner_id: uuid.UUID = Field(foreign_key="partner.id", primary_key=True)
    partner_type: str = Field(default="technology", max_length=20)
    joined_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PartnerEvidence(SQLModel, table=True):
    """Staff confirmed one attested requirement for one partner."""

    __tablename__ = "partner_evidence"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    requirement_id: str = Field(max_length=63)
    confirmed_by: str = Field(max_length=200)
    confirmed_at: datetime = Field(sa_type=UTCDateTime)
    note: str = Field(default="", max_length=2000)
    document_ref: str | None = Field(default=None, max_length=500)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TierChangeRow(SQLModel, table=True):
    """One entry of a partner's append-only tier history."""

    __tablename__ = "partner_tier_change"
    __table_args__ = (UniqueConstraint("partner_id", "seq"),
                      UniqueConstraint("refers_to"))

    id: uuid.UUID = Field(primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    seq: int = Field(description="1, 2, 3 … per partner, in the order entries were made.")
    kind: str = Field(max_length=30)
    from_tier: str = Field(max_length=20)
    to_tier: str = Field(max_length=20)
    by: str = Field(max_length=200)
    by_role: str = Field(max_length=20)
    at: datetime = Field(sa_type=UTCDateTime)
    effective_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str = Field(max_length=2000)
    refers_to: uuid.UUID | None = Field(default=None)


class ScheduleRow(SQLModel, table=True):
    """One published version of the revenue-share schedule."""

    __tablename__ = "revenue_share_schedule"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    effective_from: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime = Field(sa_type=UTCDateTime)
    published_by: str = Field(max_length=200)
    note: str = Field(default="", max_length=2000)
    strategic_min_partner_share_bps: int
    strategic_max_partner_share_bps: int


class ScheduleRateRow(SQLModel, table=True):
    """One tier's rate in one schedule version: both sides, in basis points."""

    __tablename__ = "revenue_share_rate"
    __table_args__ = (CheckConstraint("partner_share_bps + platform_fee_bps = 10000",
                                      name="ck_revenue_share_rate_sides"),)

    schedule_version: int = Field(foreign_key="revenue_share_schedule.version",
                                  primary_key=True)
    tier: str = Field(max_length=20, primary_key=True)
    partner_share_bps: int
    platform_fee_bps: int


class StrategicContractRow(SQLModel, table=True):
    """A strategic partner's negotiated share (both sides), on inclusive UTC days."""

    __tablename__ = "strategic_contract"
    __table_args__ = (CheckConstraint("partner_share_bps + platform_fee_bps = 10000",
                                      name="ck_strategic_contract_sides"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    reference: str = Field(max_length=200, unique=True)
    partner_share_bps: int
    platform_fee_bps: int
    starts_on: date = Field(sa_column=Column(Date, nullable=False))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
