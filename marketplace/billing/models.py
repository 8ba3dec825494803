"""Typed requests to and results from a payment provider (pydantic, immutable).

Requests are validated here, once, before either provider sees them: amounts are positive
integer minor units (``strict``: no floats, strings or bools), currencies ISO 4217, metadata
within Stripe's limits, and every request that creates something carries an idempotency key.
Results keep only what the marketplace uses; ``created`` is an aware UTC datetime.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

from marketplace.billing.money import MAX_AMOUNT, normalize_currency

Currency = Annotated[str, BeforeValidator(normalize_currency)]
"""ISO 4217 code, upper case on our side (Stripe's lower case is accepted and normalized)."""

Amount = Annotated[int, Field(strict=True, gt=0, le=MAX_AMOUNT)]
"""A positive amount in the currency's minor unit."""

IdempotencyKey = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")
]
"""Printable ASCII without spaces, at most 255 characters (Stripe's limit)."""

ProviderId = Annotated[str, StringConstraints(min_length=1, max_length=255,
                                              pattern=r"^[A-Za-z0-9_]+$")]
"""An object id issued by the provider (``acct_...``, ``pi_...``, ``offline_pi_...``)."""

PartnerRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]
"""Our partner id (a UUID) as it appears in metadata and derived idempotency keys."""


def _check_metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > 50:
        raise ValueError("at most 50 metadata keys")
    for key, item in value.items():
        if not 1 <= len(key) <= 40 or "[" in key or "]" in key:
            raise ValueError(f"metadata key {key!r}: 1-40 characters, no brackets")
        if len(item) > 500:
            raise ValueError(f"metadata value for {key!r} is longer than 500 characters")
    return value


Metadata = Annotated[dict[str, str], AfterValidator(_check_metadata)]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AccountRequest(_Request):
    """Create the connected account that receives a partner's share."""

    partner_id: PartnerRef
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    metadata: Metadata = {}
    idempotency_key: IdempotencyKey


class PaymentRequest(_Request):
    """Charge a buyer; the partner's account is the destination, our part the fee.

    Without ``payment_method`` the payment waits for the buyer to confirm it (Stripe:
    ``requires_payment_method`` and a ``client_secret``); with one it is confirmed at once.
    """

    amount: Amount
    currency: Currency
    destination_account: ProviderId
    application_fee: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
    metadata: Metadata = {}
    description: Annotated[str, StringConstraints(max_length=1000)] | None = None
    payment_method: ProviderId | None = None
    idempotency_key: IdempotencyKey

    @model_validator(mode="after")
    def _fee_within_amount(self) -> PaymentRequest:
        if self.application_fee > self.amount:
            raise ValueError("application_fee cannot exceed amount")
        return self


RefundReason = Literal["duplicate", "fraudulent", "requested_by_customer"]


class RefundRequest(_Request):
    """Refund all (``amount=None``) or part of a succeeded payment.

    By default the partner's transfer is reversed by the refunded amount and our
    application fee is refunded in proportion, Stripe's behaviour for both flags.
    """

    payment_id: ProviderId
    amount: Amount | None = None
    reason: RefundReason | None = None
    reverse_transfer: bool = True
    refund_application_fee: bool = True
    metadata: Metadata = {}
    idempotency_key: IdempotencyKey


class SubscriptionRequest(_Request):
    """A monthly subscription for a buyer, split like a destination charge.

    The provider makes the customer and the product too (keys derived from
    ``idempotency_key``); ``application_fee_percent`` is the platform's part of each invoice.
    """

    customer_email: Annotated[str, StringConstraints(max_length=254)]
    product_name: Annotated[str, StringConstraints(min_length=1, max_length=250)]
    amount: Amount
    currency: Currency
    destination_account: ProviderId
    application_fee_percent: Annotated[str, StringConstraints(
        pattern=r"^(100|\d{1,2})(\.\d{1,2})?$")]
    payment_method: ProviderId
    metadata: Metadata = {}
    idempotency_key: Annotated[str, StringConstraints(min_length=1, max_length=200,
                                                      pattern=r"^[\x21-\x7e]+$")]


class PayoutRequest(_Request):
    """Transfer a partner's balance for one period to its connected account.

    The idempotency key is derived from partner and period, never chosen by the caller, so
    two workers paying the same statement produce one transfer (within the provider's
    24-hour key window; the ledger's unique (partner, period) covers the rest).
    """

    partner_id: PartnerRef
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    destination_account: ProviderId
    amount: Amount
    currency: Currency
    metadata: Metadata = {}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def idempotency_key(self) -> str:
        return f"payout-{self.partner_id}-{self.period}"

    @property
    def transfer_group(self) -> str:
        return f"payout_{self.partner_id}_{self.period}"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ConnectedAccount(_Result):
    id: str
    partner_id: str | None
    country: str | None
    email: str | None
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    created: datetime
    metadata: dict[str, str]


PaymentStatus = Literal[
    "requires_payment_method", "requires_confirmation", "requires_action", "processing",
    "requires_capture", "canceled", "succeeded",
]


class Payment(_Result):
    id: str
    amount: int
    amount_received: int
    currency: Currency
    status: PaymentStatus
    destination_account: str | None
    application_fee: int
    metadata: dict[str, str]
    client_secret: str | None
    latest_charge: str | None
    livemode: bool
    created: datetime


class Charge(_Result):
    """A payment's charge with what Stripe took for processing it.

    ``fee`` is the ``fee`` of the charge's balance transaction (Stripe's processing fee, in
    the charge's currency); ``application_fee`` what the destination charge kept for the
    platform (``application_fee_amount``).
    """

    id: str
    amount: int
    currency: Currency
    payment_id: str | None
    application_fee: int
    balance_transaction: str | None
    fee: int
    created: datetime


class Subscription(_Result):
    id: str
    status: str
    customer: str | None
    current_period_end: datetime
    latest_invoice: str | None
    metadata: dict[str, str]


class Refund(_Result):
    id: str
    payment_id: str | None
    amount: int
    currency: Currency
    status: str
    reason: str | None
    metadata: dict[str, str]
    created: datetime


class Transfer(_Result):
    id: str
    amount: int
    amount_reversed: int
    currency: Currency
    destination_account: str
    transfer_group: str | None
    metadata: dict[str, str]
    livemode: bool
    created: datetime


class BalanceTransaction(_Result):
    """One movement of the platform balance; ``amount`` is signed, ``net = amount - fee``."""

    id: str
    amount: int
    fee: int
    net: int
    currency: Currency
    type: str
    reporting_category: str | None
    source_id: str | None
    status: str
    created: datetime
    available_on: datetime | None


class BalanceTransactionPage(_Result):
    """Newest first; pass ``next_cursor`` as ``starting_after`` for the next page."""

    data: list[BalanceTransaction]
    has_more: bool

    @property
    def next_cursor(self) -> str | None:
        return self.data[-1].id if self.has_more and self.data else None


class ProviderEvent(_Result):
    """A verified webhook event. ``data_object`` is the object's snapshot as sent."""

    id: str
    type: str
    created: datetime
    livemode: bool
    account: str | None = None
    api_version: str | None = None
    data_object: dict[str, Any]
    previous_attributes: dict[str, Any] | None = None

    @property
    def object_id(self) -> str | None:
        value = self.data_object.get("id")
        return value if isinstance(value, str) else None

    @property
    def object_type(self) -> str | None:
        value = self.data_object.get("object")
        return value if isinstance(value, str) else None


__all__ = [
    "AccountRequest",
    "Amount",
    "BalanceTransaction",
    "BalanceTransactionPage",
    "Charge",
    "ConnectedAccount",
    "Currency",
    "IdempotencyKey",
    "Metadata",
    "Payment",
    "PaymentRequest",
    "PaymentStatus",
    "PayoutRequest",
    "ProviderEvent",
    "Refund",
    "RefundReason",
    "RefundRequest",
    "Subscription",
    "SubscriptionRequest",
    "Transfer",
]
