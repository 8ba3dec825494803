"""The arithmetic of the report: exact, rounded once by the stated rule (property-based)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.metrics import economics
from marketplace.metrics.costs import MAX_AMOUNT, load_costs

amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)
counts = st.integers(min_value=1, max_value=10**9)
markups = st.integers(min_value=0, max_value=1000)


@given(amounts, counts)
def test_cost_per_robeing_is_the_smallest_amount_that_covers_the_cost(total: int,
                                                                      n: int) -> None:
    per = economics.cost_per_robeing(total, n)
    assert per * n >= total > (per - 1) * n or total == per == 0


@given(amounts, counts, markups)
def test_break_even_is_rounded_up_once_from_the_exact_quotient(total: int, n: int,
                                                               markup: int) -> None:
    price = economics.break_even_price(total, n, markup)
    exact = Fraction(total * (100 + markup), 100 * n)
    assert price >= exact > price - 1
    # rounding once never charges more than rounding the cost per robeing first would
    assert price <= economics.ceil_div(economics.cost_per_robeing(total, n) * (100 + markup),
                                       100)


@given(amounts, st.integers(min_value=1, max_value=MAX_AMOUNT))
def test_robeings_needed_cover_the_cost_and_one_fewer_does_not(total: int,
                                                               margin: int) -> None:
    needed = economics.robeings_needed(total, margin)
    assert needed * margin >= total
    assert needed == 0 or (needed - 1) * margin < total


@given(amounts, counts, st.integers(min_value=1, max_value=10**6),
       st.integers(min_value=1, max_value=10**6))
def test_ltv_is_arpu_over_churn_rounded_down_once(revenue: int, n: int, churned: int,
                                                  at_start: int) -> None:
    value = economics.ltv(revenue, n, churned, at_start)
    exact = Fraction(revenue, n) * Fraction(at_start, churned)
    assert value <= exact < value + 1
    assert economics.arpu(revenue, n) <= Fraction(revenue, n)


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=1,
                                                                      max_value=10**12))
def test_rates_are_six_place_fractions_within_half_a_millionth(numerator: int,
                                                               denominator: int) -> None:
    value = economics.rate(numerator, denominator)
    assert value.as_tuple().exponent == -6
    assert abs(Fraction(value) - Fraction(numerator, denominator)) <= Fraction(1, 2 * 10**6)


def test_the_seed_worked_through_for_100_and_1000_robeings() -> None:
    costs, _ = load_costs()
    assert costs.currency == "KRW"
    assert costs.category_totals() == {"infrastructure": 230_000, "llm_apis": 1_000_000,
                                       "development": 20_000_000, "operations": 80_000}
    total = costs.total
    assert total == 21_310_000
    markup = costs.unit_economics.break_even_markup_percent
    assert (economics.cost_per_robeing(total, 100),
            economics.break_even_price(total, 100, markup)) == (213_100, 277_030)
    assert (economics.cost_per_robeing(total, 1000),
            economics.break_even_price(total, 1000, markup)) == (21_310, 27_703)
    assert economics.robeings_needed(total, costs.unit_economics.margin_per_robeing) == 93
    assert economics.cost_per_robeing(total, 3) == 7_103_334  # 7,103,333.33 rounded up
    assert economics.growth(115, 100) == Decimal("0.15")
    assert economics.cac(10_000_000, 20) == 500_000


def test_impossible_denominators_are_refused() -> None:
    with pytest.raises(ValueError):
        economics.cost_per_robeing(100, 0)
    with pytest.raises(ValueError):
        economics.ltv(100, 1, 0, 1)
    with pytest.raises(ValueError):
        economics.rate(1, 0)
