"""Money arithmetic: exact totals in integer minor units, checked against fractions."""

from decimal import Decimal
from fractions import Fraction

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st
from robeing_quotes.parsing import LineRequest, QuoteRequest, Unit
from robeing_quotes.pricing import (
    DEFAULT_VAT_PERCENT,
    PricingProblem,
    QuotePricingError,
    line_amount,
    price_quote,
    round_half_up,
    vat_amount,
)

from robeing_sdk import Money

CURRENCIES = ["KRW", "JPY", "USD", "EUR"]


def reference_half_up(value: Fraction) -> int:
    floor = value.numerator // value.denominator
    return floor + 1 if value - floor >= Fraction(1, 2) else floor


@st.composite
def unit_prices(draw, currency: str) -> Decimal:
    exponent = int(get_currency_precision(currency))
    minor = draw(st.integers(min_value=1, max_value=10**10))
    return Decimal(minor).scaleb(-exponent)


@st.composite
def requests(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    lines = tuple(
        LineRequest(f"item {i}", Decimal(draw(st.integers(1, 10_000))), Unit.HOUR,
                    draw(unit_prices(currency)), "?")
        for i in range(draw(st.integers(1, 5))))
    vat = draw(st.booleans())
    explicit = st.decimals(min_value=0, max_value=100, places=2)
    rate = draw(st.none() | explicit if currency in DEFAULT_VAT_PERCENT else explicit)
    return QuoteRequest(lines, currency, False, vat, rate)


@given(requests())
def test_totals_are_exact_in_minor_units(request):
    quote = price_quote(request)
    exponent = int(get_currency_precision(request.currency))
    expected_lines = [int(line.quantity) * int(line.unit_price.scaleb(exponent))
                      for line in request.lines]
    assert [line.amount.amount for line in quote.lines] == expected_lines
    assert quote.subtotal.amount == sum(expected_lines)
    if request.vat:
        rate = request.vat_rate if request.vat_rate is not None else DEFAULT_VAT_PERCENT[
            request.currency]
        exact = Fraction(quote.subtotal.amount) * Fraction(rate) / 100
        assert quote.vat is not None
        assert quote.vat.amount == reference_half_up(exact)
        assert abs(Fraction(quote.vat.amount) - exact) <= Fraction(1, 2)
        assert quote.total.amount == quote.subtotal.amount + quote.vat.amount
    else:
        assert quote.vat is None
        assert quote.total == quote.subtotal
    assert {m.currency for m in (quote.subtotal, quote.total)} == {request.currency}


@given(st.sampled_from(CURRENCIES), st.integers(min_value=0, max_value=10**15))
def test_money_round_trips_through_major_units(currency, minor):
    money = Money(amount=minor, currency=currency)
    assert Money.of(money.major, currency) == money


@given(st.sampled_from(CURRENCIES), st.integers(1, 10**9),
       st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2))
def test_fractional_quantities_round_half_up_once(currency, minor, quantity):
    price = Money(amount=minor, currency=currency)
    amount = line_amount(quantity, price)
    assert amount.amount == reference_half_up(Fraction(quantity) * minor)
    assert amount.currency == currency


@given(st.integers(0, 10**12), st.decimals(min_value=0, max_value=100, places=3))
def test_vat_is_within_half_a_minor_unit(subtotal, rate):
    vat = vat_amount(Money(amount=subtotal, currency="KRW"), rate)
    assert abs(Fraction(vat.amount) - Fraction(subtotal) * Fraction(rate) / 100) <= Fraction(1, 2)


def test_known_amounts():
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("-2.5")) == -3
    assert vat_amount(Money(amount=150_000, currency="KRW"), Decimal(10)).amount == 15_000
    assert vat_amount(Money(amount=999, currency="USD"), Decimal("8.25")).amount == 82  # 82.4175
    assert line_amount(Decimal("1.5"), Money(amount=3333, currency="USD")).amount == 5000


@pytest.mark.parametrize(("price", "currency"), [("50.5", "KRW"), ("0.5", "JPY"),
                                                 ("10.505", "USD"), ("1.001", "EUR")])
def test_prices_finer_than_the_minor_unit_are_refused(price, currency):
    request = QuoteRequest((LineRequest("x", Decimal(1), Unit.ITEM, Decimal(price), price),),
                           currency, False, False, None)
    with pytest.raises(QuotePricingError) as caught:
        price_quote(request)
    assert caught.value.problem is PricingProblem.TOO_PRECISE


def test_usd_needs_an_explicit_vat_rate():
    request = QuoteRequest((LineRequest("x", Decimal(1), Unit.ITEM, Decimal(5), "$5"),),
                           "USD", False, True, None)
    with pytest.raises(QuotePricingError) as caught:
        price_quote(request)
    assert caught.value.problem is PricingProblem.VAT_RATE_NEEDED


def test_huge_amounts_are_refused():
    request = QuoteRequest((LineRequest("x", Decimal(999_999), Unit.ITEM, Decimal(10**12),
                                        "?"),), "KRW", False, False, None)
    with pytest.raises(QuotePricingError) as caught:
        price_quote(request)
    assert caught.value.problem is PricingProblem.TOO_LARGE
