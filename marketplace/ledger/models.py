"""Tables of the ledger: journal entries and their lines, sales, refunds and payouts.

The journal is append-only. Each :class:`JournalEntry` has lines whose signed amounts (debit
positive, credit negative) add up to zero per currency; :func:`marketplace.ledger.journal.post`
refuses anything else before a row is written. Sales, refunds and payouts are the business
records that point at the entry they posted, each unique on its external id so a repeated
call finds the first one instead of writing again.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.db import UTCDateTime, utcnow


class JournalEntry(SQLModel, table=True):
    """One balanced posting: a sale, a refund or a payout."""

    __tablename__ = "ledger_entry"
    __table_args__ = (UniqueConstraint("kind", "reference"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=20, description="sale, refund or payout.")
    reference: str = Field(max_length=255, description="The external id it records.")
    partner_id: uuid.UUID | None = Field(default=None, foreign_key="partner.id", index=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    memo: str = Field(default="", max_length=500)


class JournalLine(SQLModel, table=True):
    """One side of an entry: ``amount`` minor units, positive for a debit, negative a credit."""

    __tablename__ = "ledger_line"
    __table_args__ = (CheckConstraint("amount <> 0", name="ck_ledger_line_nonzero"),
                      Index("ix_ledger_line_account", "account", "partner_id", "currency"))

    id: int | None = Field(default=None, primary_key=True)
    entry_id: uuid.UUID = Field(foreign_key="ledger_entry.id", index=True)
    account: str = Field(max_length=40)
    partner_id: uuid.UUID | None = Field(default=None, foreign_key="partner.id")
    currency: str = Field(max_length=3)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    occurred_at: datetime = Field(sa_type=UTCDateTime, description="Copied from the entry.")


class SaleEntry(SQLModel, table=True):
    """A sale as recorded: the gross, its split, and the rate and rule that produced it."""

    __tablename__ = "ledger_sale"
    __table_args__ = (
        CheckConstraint("partner_share + platform_share = gross",
                        name="ck_ledger_sale_split_sums"),
        CheckConstraint("refunded >= 0 AND refunded <= gross",
                        name="ck_ledger_sale_refunded"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    sale_id: str = Field(max_length=255, unique=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    skill_name: str = Field(max_length=64)
    currency: str = Field(max_length=3)
    gross: int = Field(sa_column=Column(BigInteger, nullable=False))
    partner_share: int = Field(sa_column=Column(BigInteger, nullable=False))
    platform_share: int = Field(sa_column=Column(BigInteger, nullable=False))
    provider_fee: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    application_fee: int = Field(sa_column=Column(BigInteger, nullable=False),
                                 description="What the provider kept for the platform; the "
                                 "rest (gross - fee) reached the partner at charge time.")
    refunded: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    provider_payment_id: str = Field(max_length=255, unique=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    tier: str = Field(max_length=20)
    partner_share_bps: int
    platform_fee_bps: int
    rate_source: str = Field(max_length=20, description="schedule or contract.")
    schedule_version: int
    contract_reference: str | None = Field(default=None, max_length=200)
    rounding: str = Field(max_length=20)
    entry_id: uuid.UUID = Field(foreign_key="ledger_entry.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RefundEntry(SQLModel, table=True):
    """A full or partial refund of one sale and what it took back from each side."""

    __tablename__ = "ledger_refund"
    __table_args__ = (CheckConstraint("partner_part + platform_part = amount",
                                      name="ck_ledger_refund_parts_sum"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    refund_id: str = Field(max_length=255, unique=True)
    sale_id: str = Field(foreign_key="ledger_sale.sale_id", max_length=255, index=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    currency: str = Field(max_length=3)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    partner_part: int = Field(sa_column=Column(BigInteger, nullable=False))
    platform_part: int = Field(sa_column=Column(BigInteger, nullable=False))
    refunded_total: int = Field(sa_column=Column(BigInteger, nullable=False),
                                description="All refunds of the sale including this one.")
    reversed_from_partner: int = Field(sa_column=Column(BigInteger, nullable=False),
                                       description="What the provider took back from the "
                                       "partner's account (transfer reversal - fee refund).")
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    entry_id: uuid.UUID = Field(foreign_key="ledger_entry.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Payout(SQLModel, table=True):
    """One transfer of a partner's balance for one period and currency (at most one ever)."""

    __tablename__ = "ledger_payout"
    __table_args__ = (UniqueConstraint("partner_id", "period", "currency"),
                      CheckConstraint("amount > 0", name="ck_ledger_payout_positive"))

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    period: str = Field(max_length=7, description="YYYY-MM.")
    currency: str = Field(max_length=3)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = Field(max_length=10, description="pending, paid or failed.")
    destination_account: str = Field(max_length=255)
    idempotency_key: str = Field(max_length=255)
    transfer_id: str | None = Field(default=None, max_length=255, unique=True)
    failure: str | None = Field(default=None, max_length=500)
    entry_id: uuid.UUID | None = Field(default=None, foreign_key="ledger_entry.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


__all__ = ["JournalEntry", "JournalLine", "Payout", "RefundEntry", "SaleEntry"]
