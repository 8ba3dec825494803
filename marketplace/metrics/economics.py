"""Unit economics and the ratios of the report: pure, exact functions (no database).

Money is integer minor units; every division is done on exact integers (or
:class:`fractions.Fraction`) and rounded once, at the end, by one stated rule:

* money we must **cover** (cost per robeing, break-even price, CAC) rounds **up** to the
  next minor unit, so a price set from it never loses the fraction;
* money we **expect to receive** (ARPU, LTV) rounds **down**, so it is never overstated;
* a **count** of robeings needed rounds **up** (92.65 robeings do not cover the cost; 93 do);
* a **rate** (growth, churn) is a :class:`~decimal.Decimal` fraction rounded half-even to
  six places (``0.020000`` is 2 %).

Break-even is computed from the exact quotient ``total x (100 + markup) / (100 x N)``, not
from the already rounded cost per robeing, so it is rounded once only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Final

RATE_PLACES: Final = Decimal("0.000001")


def ceil_div(numerator: int, denominator: int) -> int:
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    return -(-numerator // denominator)


def cost_per_robeing(total: int, robeings: int) -> int:
    """``total / N`` rounded up to the minor unit; N must be positive."""
    return ceil_div(total, robeings)


def break_even_price(total: int, robeings: int, markup_percent: int) -> int:
    """``total / N x (1 + markup)`` rounded up once (1.3 for the seed's 30 %)."""
    return ceil_div(total * (100 + markup_percent), 100 * robeings)


def robeings_needed(total: int, margin_per_robeing: int) -> int:
    """How many robeings, each earning ``margin_per_robeing``, cover ``total`` (rounded up)."""
    return ceil_div(total, margin_per_robeing)


def rate(numerator: int, denominator: int) -> Decimal:
    """``numerator / denominator`` as a six-place Decimal fraction (half-even)."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_EVEN)


def growth(current: int, previous: int) -> Decimal:
    """Month-over-month change ``(current - previous) / previous``; previous must be > 0."""
    return rate(current - previous, previous)


def arpu(revenue: int, robeings: int) -> int:
    """Revenue per robeing, rounded down."""
    if robeings <= 0:
        raise ValueError("the number of robeings must be positive")
    return revenue // robeings


def ltv(revenue: int, robeings: int, churned: int, at_start: int) -> int:
    """``ARPU / churn`` = ``(revenue / N) / (churned / at_start)``, exact, rounded down once."""
    if robeings <= 0 or churned <= 0 or at_start <= 0:
        raise ValueError("LTV needs robeings, churned and active-at-start to be positive")
    value = Fraction(revenue, robeings) / Fraction(churned, at_start)
    return value.numerator // value.denominator


def cac(spend: int, new_buyers: int) -> int:
    """Acquisition spend per new paying buyer, rounded up."""
    return ceil_div(spend, new_buyers)


__all__ = ["arpu", "break_even_price", "cac", "ceil_div", "cost_per_robeing", "growth", "ltv",
           "rate", "robeings_needed"]
