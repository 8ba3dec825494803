"""Currencies and amounts as the payment providers see them.

Amounts are integers in the currency's minor unit (ISO 4217): 1234 USD is $12.34, 1234 KRW
is ₩1,234 and 1234 JPY is ¥1,234. Stripe's API takes the same integers, so amounts go over
the wire unchanged for every currency, KRW and JPY included; nothing here multiplies or
divides. The set of currencies is CLDR's (through Babel) legal tender in use today.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from babel import Locale
from babel.numbers import get_currency_precision, get_territory_currencies

MAX_AMOUNT: Final = 99_999_999
"""Largest amount in minor units on one payment, refund or transfer (Stripe's 8 digits)."""


@lru_cache(maxsize=1)
def active_currencies() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (CLDR)."""
    codes: set[str] = set()
    for territory in Locale("en").territories:
        codes.update(get_territory_currencies(str(territory), tender=True))
    return frozenset(codes)


def normalize_currency(code: str) -> str:
    """``"krw"`` → ``"KRW"``; raises ``ValueError`` for codes not in use."""
    upper = code.strip().upper()
    if upper not in active_currencies():
        raise ValueError(f"unknown or retired ISO 4217 currency code {code!r}")
    return upper


def minor_unit_digits(currency: str) -> int:
    """Digits after the decimal point: 0 for KRW and JPY, 2 for USD and EUR, 3 for BHD."""
    return int(get_currency_precision(normalize_currency(currency)))


__all__ = ["MAX_AMOUNT", "active_currencies", "minor_unit_digits", "normalize_currency"]
