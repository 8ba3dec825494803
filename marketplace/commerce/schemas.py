"""Request and response bodies of the commerce API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from marketplace.billing.money import MAX_AMOUNT, normalize_currency
from robeing_sdk.manifest import PriceKind


def _currency(value: object) -> object:
    if isinstance(value, str):
        try:
            return normalize_currency(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 4217 currency in use") from None
    return value


Currency = Annotated[str, BeforeValidator(_currency), Field(pattern=r"^[A-Z]{3}$")]
Email = Annotated[str, Field(min_length=3, max_length=254,
                             pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")]


class PriceSet(BaseModel):
    """A skill's price: free, one-time, monthly subscription or usage (per call).

    ``amount`` is integer minor units of ``currency`` (cents for USD, won for KRW), per call
    for usage prices and per month for subscriptions.
    """

    model_config = ConfigDict(extra="forbid")

    kind: PriceKind
    amount: int = Field(0, strict=True, ge=0, le=MAX_AMOUNT)
    currency: Currency = "USD"

    @model_validator(mode="after")
    def _free_costs_nothing(self) -> Self:
        if (self.kind is PriceKind.FREE) != (self.amount == 0):
            raise ValueError("a free skill has amount 0 and a paid one an amount above 0")
        return self


class PricePublic(BaseModel):
    skill: str
    kind: PriceKind
    amount: int
    currency: str
    display: str = Field(description="The amount in the buyer's locale (Babel).")
    locale: str
    updated_at: datetime | None
    provider: str = Field("offline", description="Who takes the payment: ``stripe``, or "
                          "``offline``, the built-in test-mode provider (no real money).")
    livemode: bool = Field(False, description="True only when real money moves.")
    test_mode: bool = Field(True, description="``not livemode``: say so to the buyer.")


class PurchaseCreate(BaseModel):
    """A buyer (an operator, known by e-mail) buys a skill.

    ``payment_method`` (a provider id such as ``pm_card_visa``) confirms the payment at once;
    without it the answer carries a ``client_secret`` for the buyer to confirm it. Usage
    prices need one: calls are charged to it monthly.
    """

    model_config = ConfigDict(extra="forbid")

    email: Email
    payment_method: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,255}$")] | None = None


class PurchasePublic(BaseModel):
    purchase_id: uuid.UUID
    skill: str
    kind: PriceKind
    amount: int
    currency: str
    display: str
    status: str
    provider: str = Field(description="``stripe``, or ``offline``: the built-in test-mode "
                          "provider, which moves no real money.")
    livemode: bool = Field(description="False for test mode (the offline provider is never live).")
    test_mode: bool = Field(description="``not livemode``: no real money moves.")
    payment_id: str | None
    client_secret: str | None
    licence_key: str | None = Field(
        description="Shown only in this answer; works once the payment has succeeded.")


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int | None = Field(None, strict=True, gt=0, le=MAX_AMOUNT,
                               description="Minor units; omit to refund what is left.")
    payment_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,255}$")] | None = Field(
        None, description="Which of the purchase's payments to refund: a subscription "
        "renewal's or a monthly usage charge's (see ``GET /v1/purchases/{id}/payments``); "
        "omit for the purchase's own payment.")


class PaymentMethodSet(BaseModel):
    """A new payment method for a licence's monthly charges (e.g. ``pm_card_visa``)."""

    model_config = ConfigDict(extra="forbid")

    payment_method: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,255}$")]


class PaymentMethodPublic(BaseModel):
    skill: str
    status: str = Field(description="The licence's status after the failed charges were "
                        "tried again (``active`` once they are paid).")
    retried: list[str] = Field(description="The status of each failed charge tried again.")


class RefundPublic(BaseModel):
    refund_id: str
    amount: int
    currency: str
    status: str
    payment_id: str | None = Field(None, description="The payment refunded.")


class PurchasePayment(BaseModel):
    """One recorded payment of a purchase and its ledger sale."""

    payment_id: str
    sale_id: str
    kind: Literal["purchase", "renewal", "usage"]
    amount: int
    refunded: int
    currency: str
    occurred_at: datetime


LicenceReason = Literal["unknown_key", "revoked", "expired", "pending", "failed", "suspended"]


class LicenceVerdict(BaseModel):
    """The runtime's answer: whether a key lets its holder run a skill, and until when."""

    valid: bool
    skill: str
    reason: LicenceReason | None = Field(description="Why not, when ``valid`` is false.")
    detail: str | None = Field(description="One sentence saying why not.")
    kind: PriceKind | None
    expires_at: datetime | None
    checked_at: datetime


class UsageRecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$",
                             description="Client-generated (a UUID); a retry sends it again.")]
    occurred_at: datetime
    calls: int = Field(1, strict=True, ge=1, le=1_000_000)


class UsageBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[UsageRecordIn] = Field(min_length=1, max_length=1000)


class UsageAccepted(BaseModel):
    accepted: int = Field(description="Records new to the marketplace.")
    duplicates: int = Field(description="Records already received (retries); not counted again.")


class WebhookOutcome(BaseModel):
    event_id: str
    outcome: str
