"""What the ledger's API and CLI show: statements, balances, reconciliation, payouts."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class CurrencyStatement(_Out):
    """One currency of a partner's month; every amount in that currency's minor units.

    ``closing_balance = opening_balance + partner_share - refunded_share - paid_with_charges
    - payouts`` (a test holds it to this).
    """

    currency: str
    opening_balance: int = Field(description="Owed to the partner at the month's start.")
    sales: int = Field(description="Number of sales.")
    gross_sales: int
    partner_share: int = Field(description="The partner's share of the month's sales.")
    refunds: int = Field(description="Number of refunds.")
    refunded: int = Field(description="Gross amount refunded to buyers.")
    refunded_share: int = Field(description="The part of the refunds the partner gives back.")
    paid_with_charges: int = Field(
        description="Moved to the partner's account by the provider with each charge, less "
                    "what refunds took back (Stripe Connect destination charges).")
    payouts: int = Field(description="Paid by payouts during the month.")
    processing_fees: int = Field(
        0, description="The payment provider's processing fees on the month's sales: the "
        "platform's cost, shown for information; not taken from the partner's share.")
    closing_balance: int = Field(description="Owed to the partner at the month's end.")


class Statement(_Out):
    partner_id: uuid.UUID
    month: str = Field(description="YYYY-MM (UTC).")
    period_start: datetime
    period_end: datetime = Field(description="Exclusive.")
    currencies: list[CurrencyStatement]


class CurrencyBalance(_Out):
    currency: str
    owed: int = Field(description="Owed to the partner now (negative: the partner owes).")
    pending_payouts: int = Field(description="Payouts started but not confirmed yet.")


class Balance(_Out):
    partner_id: uuid.UUID
    as_of: datetime
    currencies: list[CurrencyBalance]


__all__ = ["Balance", "CurrencyBalance", "CurrencyStatement", "Statement"]
