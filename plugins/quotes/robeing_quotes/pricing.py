"""Exact quote arithmetic in integer minor units (KRW and JPY have none, USD and EUR cents).

Every amount is a :class:`robeing_sdk.Money`. A line is quantity × unit price, rounded half
up to the currency's minor unit only when the quantity has decimals; VAT is the subtotal ×
rate, rounded half up once, on the subtotal; the total is subtotal + VAT, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from robeing_quotes.parsing import QuoteRequest, Unit
from robeing_sdk import Money

MAX_MINOR_UNITS: Final = 10**15
MAX_QUANTITY: Final = Decimal(1_000_000)
DEFAULT_VAT_PERCENT: Final[dict[str, Decimal]] = {
    "KRW": Decimal(10),  # 부가가치세
    "JPY": Decimal(10),  # 消費税 (standard rate)
    "CNY": Decimal(6),  # 增值税 on modern services
    "EUR": Decimal(21),  # IVA general (Spain); say "VAT 19%" for another country
}


class PricingProblem(StrEnum):
    TOO_PRECISE = "too_precise"
    NOT_POSITIVE = "not_positive"
    TOO_LARGE = "too_large"
    VAT_RATE_NEEDED = "vat_rate_needed"


class QuotePricingError(ValueError):
    def __init__(self, problem: PricingProblem, **details: object) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.details = details


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: Decimal
    unit: Unit
    unit_price: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class Quote:
    lines: tuple[Line, ...]
    subtotal: Money
    vat_rate: Decimal | None
    vat: Money | None
    total: Money

    @property
    def currency(self) -> str:
        return self.total.currency


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amount(quantity: Decimal, unit_price: Money) -> Money:
    """quantity × unit price, exact for whole quantities, else rounded half up."""
    return Money(amount=round_half_up(quantity * unit_price.amount), currency=unit_price.currency)


def vat_amount(subtotal: Money, percent: Decimal) -> Money:
    """VAT on the subtotal, rounded half up to the minor unit."""
    return Money(amount=round_half_up(subtotal.amount * percent / 100),
                 currency=subtotal.currency)


def add(amounts: list[Money], currency: str) -> Money:
    if any(m.currency != currency for m in amounts):
        raise ValueError("cannot add amounts in different currencies")
    return Money(amount=sum(m.amount for m in amounts), currency=currency)


def _unit_price(value: Decimal, currency: str, typed: str) -> Money:
    try:
        return Money.of(value, currency)
    except ValueError:
        raise QuotePricingError(PricingProblem.TOO_PRECISE, currency=currency,
                                amount=typed) from None


def price_quote(request: QuoteRequest) -> Quote:
    currency = request.currency
    lines = []
    for item in request.lines:
        if item.quantity <= 0 or item.unit_price <= 0:
            raise QuotePricingError(PricingProblem.NOT_POSITIVE)
        if item.quantity > MAX_QUANTITY:
            raise QuotePricingError(PricingProblem.TOO_LARGE)
        unit_price = _unit_price(item.unit_price, currency, item.price_text)
        if unit_price.amount > MAX_MINOR_UNITS:
            raise QuotePricingError(PricingProblem.TOO_LARGE)
        lines.append(Line(item.description, item.quantity, item.unit, unit_price,
                          line_amount(item.quantity, unit_price)))
    subtotal = add([line.amount for line in lines], currency)
    rate: Decimal | None = None
    vat: Money | None = None
    if request.vat:
        rate = request.vat_rate if request.vat_rate is not None else DEFAULT_VAT_PERCENT.get(
            currency)
        if rate is None:
            raise QuotePricingError(PricingProblem.VAT_RATE_NEEDED, currency=currency)
        vat = vat_amount(subtotal, rate)
    total = add([subtotal, vat] if vat else [subtotal], currency)
    if total.amount > MAX_MINOR_UNITS:
        raise QuotePricingError(PricingProblem.TOO_LARGE)
    return Quote(tuple(lines), subtotal, rate, vat, total)
