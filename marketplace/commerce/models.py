"""Tables of commerce: prices, seller accounts, licences (purchases), webhook events, usage.

A licence row is also the purchase that created it: it is written ``pending`` before the
payment is created at the provider, becomes ``active`` only when the provider's webhook says
the payment succeeded, and ``revoked`` on a full refund or a dispute. Only a hash of its key
is stored. ``webhook_event.id`` is the provider's event id under a primary key, inserted in
the same transaction as the change it causes, so every event is applied once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.db import UTCDateTime, utcnow


class LicenceStatus(StrEnum):
    PENDING = "pending"
    """Bought, the payment not (yet) confirmed by the provider's webhook."""
    ACTIVE = "active"
    REVOKED = "revoked"
    """Fully refunded or disputed; never active again."""
    FAILED = "failed"
    """The payment was declined."""
    SUSPENDED = "suspended"
    """A monthly usage charge failed; active again once a payment of it succeeds."""


class SkillPrice(SQLModel, table=True):
    """What buyers pay for one skill; set by its owner."""

    __tablename__ = "skill_price"

    skill_id: uuid.UUID = Field(foreign_key="skill.id", primary_key=True)
    seller_id: uuid.UUID = Field(foreign_key="partner.id", index=True,
                                 description="The owner who set the price; paid by sales.")
    kind: str = Field(max_length=20)
    amount: int = Field(ge=0, description="Minor units; per call for usage prices.")
    currency: str = Field(max_length=3)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SellerAccount(SQLModel, table=True):
    """The provider account (Stripe Connect) a partner's share of each sale is paid into."""

    __tablename__ = "seller_account"
    __table_args__ = (UniqueConstraint("partner_id", "provider"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    provider: str = Field(max_length=20)
    account_id: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Licence(SQLModel, table=True):
    __tablename__ = "licence"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", index=True)
    skill_name: str = Field(max_length=64)
    seller_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    buyer_email: str = Field(max_length=254, index=True)
    kind: str = Field(max_length=20)
    amount: int
    currency: str = Field(max_length=3)
    key_hash: str = Field(max_length=64, unique=True)
    key_hint: str = Field(max_length=8, description="The key's last characters, for support.")
    status: str = Field(default=LicenceStatus.PENDING.value, max_length=20, index=True)
    provider: str = Field(max_length=20)
    payment_id: str | None = Field(default=None, max_length=255, index=True)
    charge_id: str | None = Field(default=None, max_length=255, index=True)
    payment_method: str | None = Field(default=None, max_length=255)
    refunded_amount: int = 0
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime,
                                        description="Subscriptions: end of the paid period.")
    subscription_id: str | None = Field(default=None, max_length=255, index=True)
    subscription_status: str | None = Field(default=None, max_length=30)
    subscription_event_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=200)
    suspended_reason: str | None = Field(default=None, max_length=200,
                                         description="Why the licence is suspended (the "
                                         "failed usage charge's month).")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    activated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    suspended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookEvent(SQLModel, table=True):
    """A provider event already applied (or deliberately ignored); never applied again."""

    __tablename__ = "webhook_event"

    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=100)
    outcome: str = Field(max_length=200)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UsageRecord(SQLModel, table=True):
    """Metered calls reported by a runtime; ``(licence_id, client_id)`` is unique."""

    __tablename__ = "usage_record"
    __table_args__ = (UniqueConstraint("licence_id", "client_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    licence_id: uuid.UUID = Field(foreign_key="licence.id", index=True)
    client_id: str = Field(max_length=64)
    calls: int = Field(ge=1)
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UsageCharge(SQLModel, table=True):
    """One month of one usage licence, charged once: ``(licence_id, period)`` is unique."""

    __tablename__ = "usage_charge"
    __table_args__ = (UniqueConstraint("licence_id", "period"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    licence_id: uuid.UUID = Field(foreign_key="licence.id", index=True)
    period: str = Field(max_length=7)
    calls: int
    amount: int
    currency: str = Field(max_length=3)
    payment_id: str | None = Field(default=None, max_length=255, index=True)
    status: str = Field(default="pending", max_length=20,
                        description="pending, paid, failed or nothing (no calls).")
    attempts: int = Field(default=0, description="Payments tried; each retry of a failed "
                          "charge uses a new idempotency key.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LicencePayment(SQLModel, table=True):
    """Which licence each recorded payment belongs to, and the ledger sale it became.

    Written with the sale: the purchase's own payment, each subscription renewal and each
    monthly usage charge. Staff refunds of a renewal find their licence through it.
    """

    __tablename__ = "licence_payment"

    payment_id: str = Field(primary_key=True, max_length=255)
    licence_id: uuid.UUID = Field(foreign_key="licence.id", index=True)
    sale_id: str = Field(max_length=255, unique=True)
    kind: str = Field(max_length=20, description="purchase, renewal or usage.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PendingRefund(SQLModel, table=True):
    """A refund whose sale is not recorded yet (its ``charge.refunded`` came first).

    One row per charge with the largest cumulative ``amount_refunded`` seen; applied to the
    ledger, once, in the transaction that records the sale (then ``applied_at`` is set).
    """

    __tablename__ = "pending_refund"

    charge_id: str = Field(primary_key=True, max_length=255)
    payment_id: str | None = Field(default=None, max_length=255, index=True)
    amount_refunded: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    event_id: str = Field(max_length=255, description="The latest event that raised it.")
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    sale_id: str | None = Field(default=None, max_length=255)
