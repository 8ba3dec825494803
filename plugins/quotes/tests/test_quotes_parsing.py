"""Plain unit tests for reading quote requests; no runtime involved."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st
from robeing_quotes.amounts import apply_multiplier, parse_number
from robeing_quotes.parsing import (
    Problem,
    QuoteParseError,
    Unit,
    decimal_symbol,
    parse_quote,
)


@pytest.mark.parametrize(("text", "decimal", "value"), [
    ("50,000", ".", "50000"), ("1,000,000", ".", "1000000"), ("2.5", ".", "2.5"),
    ("1.5", ".", "1.5"), ("40,5", ".", "40.5"), ("1,234.56", ".", "1234.56"),
    ("1.234,56", ",", "1234.56"), ("1.500", ",", "1500"), ("2,5", ",", "2.5"),
    ("1.000.000", ",", "1000000"), ("7", ".", "7"), ("0.99", ".", "0.99"),
])
def test_parse_number(text, decimal, value):
    assert parse_number(text, decimal) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,,2", ",5", "5."])
def test_parse_number_refuses_non_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_won_and_yen_amounts_group_thousands_in_every_locale():
    assert parse_number("50,000", ",", whole=True) == 50_000
    assert parse_number("1.500", ".", whole=True) == 1_500
    assert parse_quote("presupuesto 3 horas a 50,000 KRW por hora", "es").lines[0].unit_price \
        == 50_000
    assert parse_quote("presupuesto 3 horas a 40,500 € por hora", "es").lines[0].unit_price \
        == Decimal("40.5")


def test_multipliers():
    assert apply_multiplier(Decimal(5), "만") == 50_000
    assert apply_multiplier(Decimal(3), "万") == 30_000
    assert apply_multiplier(Decimal("1.5"), "k") == 1_500
    assert apply_multiplier(Decimal(2), None) == 2


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False),
       st.sampled_from(["en", "ko", "ja", "zh", "es"]))
def test_numbers_formatted_for_a_locale_read_back_exactly(value, locale):
    typed = format_decimal(value, locale=locale, decimal_quantization=False)
    assert parse_number(typed, decimal_symbol(locale)) == value


@pytest.mark.parametrize(("text", "language", "description", "quantity", "unit", "price",
                          "currency"), [
    ("quote 3 hours of design at 50,000 KRW per hour", "en", "Design", "3", Unit.HOUR,
     "50000", "KRW"),
    ("견적 디자인 3시간 시간당 50,000원", "ko", "디자인", "3", Unit.HOUR, "50000", "KRW"),
    ("견적 디자인 3시간 시간당 5만원", "ko", "디자인", "3", Unit.HOUR, "50000", "KRW"),
    ("見積もり デザイン 3時間 1時間あたり5,000円", "ja", "デザイン", "3", Unit.HOUR, "5000",
     "JPY"),
    ("見積もり 記事作成 5本 1本あたり1万円", "ja", "記事作成", "5", Unit.ITEM, "10000", "JPY"),
    ("报价 设计 3小时 每小时500元", "zh", "设计", "3", Unit.HOUR, "500", "CNY"),
    ("报价 翻译 2000字 每字¥0.2", "zh", "翻译", "2000", Unit.WORD, "0.2", "CNY"),
    ("presupuesto de 3 horas de diseño a 40 € la hora", "es", "Diseño", "3", Unit.HOUR, "40",
     "EUR"),
    ("factura 2,5 días de consultoría a 1.200 EUR por día", "es", "Consultoría", "2.5",
     Unit.DAY, "1200", "EUR"),
    ("invoice website redesign 2,000,000 KRW", "en", "Website redesign", "1", Unit.FLAT,
     "2000000", "KRW"),
    ("quote logo x2 at $99.99", "en", "Logo", "2", Unit.ITEM, "99.99", "USD"),
    ("estimate 6 months of bookkeeping at USD 300 a month", "en", "Bookkeeping", "6",
     Unit.MONTH, "300", "USD"),
    ("견적 번역 3개월 월 30만원", "ko", "번역 월", "3", Unit.MONTH, "300000", "KRW"),
    ("quote 10 pages of copywriting at ¥3,000 per page", "ja", "Copywriting", "10", Unit.PAGE,
     "3000", "JPY"),
])
def test_one_line_in_every_language(text, language, description, quantity, unit, price,
                                    currency):
    request = parse_quote(text, language)
    assert len(request.lines) == 1
    line = request.lines[0]
    assert (line.description, line.quantity, line.unit, line.unit_price) == (
        description, Decimal(quantity), unit, Decimal(price))
    assert request.currency == currency
    assert not request.currency_assumed
    assert not request.vat


def test_several_lines_and_vat_with_a_rate():
    request = parse_quote("quote 2 logos at 100 USD each and 3 hours consulting at $80/hour "
                          "plus VAT 8.5%")
    assert [(line.description, line.quantity, line.unit, line.unit_price)
            for line in request.lines] == [
        ("Logos", 2, Unit.ITEM, 100), ("Consulting", 3, Unit.HOUR, 80)]
    assert request.vat and request.vat_rate == Decimal("8.5")


@pytest.mark.parametrize(("text", "language", "vat", "rate"), [
    ("견적 디자인 3시간 시간당 5만원 부가세 포함", "ko", True, None),
    ("견적 디자인 3시간 시간당 5만원 부가세 제외", "ko", False, None),
    ("見積もり デザイン 3時間 1時間あたり5,000円 税込", "ja", True, None),
    ("见积 设计 3小时 每小时500元 含税", "zh", True, None),
    ("presupuesto 3 horas a 40 € la hora con IVA 10%", "es", True, Decimal(10)),
    ("presupuesto 3 horas a 40 € la hora sin IVA", "es", False, None),
    ("quote 3 hours at $40 per hour without VAT", "en", False, None),
    ("quote 3 days of renovation at $400 a day", "en", False, None),
    ("presupuesto 3 días de festival a 400 € por día", "es", False, None),
])
def test_vat_requests(text, language, vat, rate):
    request = parse_quote(text, language)
    assert (request.vat, request.vat_rate) == (vat, rate)
    assert request.lines[0].quantity == 3


def test_currency_defaults_to_the_language_only_when_a_number_is_clearly_a_price():
    request = parse_quote("견적 디자인 3시간 시간당 50000", "ko")
    assert (request.currency, request.currency_assumed) == ("KRW", True)
    assert request.lines[0].unit_price == 50000
    with pytest.raises(QuoteParseError) as caught:
        parse_quote("quote 2 logos", "en")
    assert caught.value.problem is Problem.NO_PRICE


def test_yen_sign_is_yuan_in_chinese():
    assert parse_quote("报价 设计 ¥500", "zh").currency == "CNY"
    assert parse_quote("見積もり デザイン ¥500", "ja").currency == "JPY"


@pytest.mark.parametrize(("text", "problem"), [
    ("hello there", Problem.NO_PRICE),
    ("quote 2 logos at 100 USD and 3 hours at 50 EUR", Problem.MIXED_CURRENCIES),
    ("quote 3 hours at $50 per hour with VAT 150%", Problem.BAD_VAT_RATE),
])
def test_problems(text, problem):
    with pytest.raises(QuoteParseError) as caught:
        parse_quote(text)
    assert caught.value.problem is problem
