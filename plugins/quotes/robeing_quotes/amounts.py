"""Read numbers the way people type them: ``50,000``, ``1.234,56``, ``2.5``, ``5만``, ``3万``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

NUMBER: Final = r"\d+(?:[.,]\d+)*"
"""A number as typed, with grouping or decimal separators (no sign)."""

MULTIPLIERS: Final[dict[str, int]] = {
    "k": 1_000, "천": 1_000, "千": 1_000, "만": 10_000, "万": 10_000, "萬": 10_000,
    "억": 100_000_000, "億": 100_000_000, "亿": 100_000_000,
}
MULTIPLIER: Final = r"(?:[kK](?![a-zA-Z])|천|千|만|万|萬|억|億|亿)"


def parse_number(text: str, decimal_symbol: str = ".", *, whole: bool = False) -> Decimal:
    """Interpret separators as people type them, preferring the locale's decimal symbol.

    * both ``,`` and ``.`` appear: the last one is the decimal separator (``1.234,56``);
    * one kind appears several times: grouping (``1,000,000``, ``1.000.000``);
    * it appears once and is the locale's decimal symbol: decimal (``2.5`` in en, ``2,5`` in es);
    * it appears once, otherwise: grouping when exactly three digits follow (``50,000`` in
      en, ``1.500`` in es), else decimal (``40,5`` in en).

    ``whole``: the amount is in a currency without minor units (KRW, JPY), so a separator
    before exactly three digits groups thousands whatever the locale (``50,000`` in es).
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not re.fullmatch(NUMBER, cleaned):
        raise ValueError(f"{text!r} is not a number")
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        normalized = cleaned.replace(group_sep, "").replace(decimal_sep, ".")
    elif commas or dots:
        sep = "," if commas else "."
        head, _, tail = cleaned.rpartition(sep)
        if cleaned.count(sep) > 1 or ((whole or sep != decimal_symbol) and len(tail) == 3):
            normalized = cleaned.replace(sep, "")
        else:
            normalized = f"{head}.{tail}"
    else:
        normalized = cleaned
    try:
        return Decimal(normalized)
    except InvalidOperation:  # pragma: no cover - the pattern above rules it out
        raise ValueError(f"{text!r} is not a number") from None


def apply_multiplier(value: Decimal, multiplier: str | None) -> Decimal:
    """``5`` with ``만`` is 50,000; ``3`` with ``k`` is 3,000."""
    if not multiplier:
        return value
    return value * MULTIPLIERS[multiplier.lower()]
