"""Turn a message into a quote request: line items, currency and VAT. No money maths here.

Understands messages like ``quote 3 hours of design at 50,000 KRW per hour``,
``견적 디자인 3시간 시간당 5만원 부가세 포함``, ``見積もり デザイン 3時間 1時間あたり5,000円``,
``报价 设计 3小时 每小时500元`` and ``presupuesto 3 horas de diseño a 40 € la hora con IVA``.
Several items are separated by ``;``, a new line or "and" (그리고, と, 以及, y).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from babel.numbers import get_currency_precision, get_decimal_symbol

from robeing_quotes.amounts import MULTIPLIER, NUMBER, apply_multiplier, parse_number

DEFAULT_CURRENCY: Final[dict[str, str]] = {
    "en": "USD", "ko": "KRW", "ja": "JPY", "zh": "CNY", "es": "EUR",
}


class Unit(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    ITEM = "item"
    PAGE = "page"
    WORD = "word"
    FLAT = "flat"  # no quantity given: one fixed price


class Problem(StrEnum):
    NO_PRICE = "no_price"
    MIXED_CURRENCIES = "mixed_currencies"
    BAD_VAT_RATE = "bad_vat_rate"


class QuoteParseError(ValueError):
    def __init__(self, problem: Problem, **details: object) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.details = details


@dataclass(frozen=True, slots=True)
class LineRequest:
    description: str
    quantity: Decimal
    unit: Unit
    unit_price: Decimal  # major units, as typed (exactness is checked when pricing)
    price_text: str


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    lines: tuple[LineRequest, ...]
    currency: str
    currency_assumed: bool
    vat: bool
    vat_rate: Decimal | None  # percent, e.g. Decimal("10"); None: the currency's default


# -- vocabulary --------------------------------------------------------------------------

_SYMBOLS: Final[dict[str, str]] = {
    "₩": "KRW", "$": "USD", "us$": "USD", "€": "EUR", "¥": "JPY", "jp¥": "JPY",
    "cn¥": "CNY", "rmb": "CNY", "krw": "KRW", "usd": "USD", "eur": "EUR", "jpy": "JPY",
    "cny": "CNY",
}
_WORDS: Final[dict[str, str]] = {
    "won": "KRW", "원": "KRW", "ウォン": "KRW", "韩元": "KRW", "韓元": "KRW",
    "yen": "JPY", "엔": "JPY", "円": "JPY", "日元": "JPY",
    "dollar": "USD", "dollars": "USD", "dólar": "USD", "dólares": "USD", "dolares": "USD",
    "달러": "USD", "ドル": "USD", "美元": "USD",
    "euro": "EUR", "euros": "EUR", "유로": "EUR", "ユーロ": "EUR", "欧元": "EUR", "歐元": "EUR",
    "yuan": "CNY", "위안": "CNY", "元": "CNY", "人民币": "CNY", "人民元": "CNY",
    **_SYMBOLS,
}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first; ASCII words must not run into more letters."""
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) + (r"(?![a-z])" if w.isascii() and w[-1].isalpha() else "")
                    for w in items)


_PRE = _alternation(_SYMBOLS)
_POST = _alternation(_WORDS)
_PRICE: Final = re.compile(
    rf"(?:(?P<pre>{_PRE})\s*(?P<n1>{NUMBER})\s*(?P<m1>{MULTIPLIER})?\s*(?:{_POST})?"
    rf"|(?P<n2>{NUMBER})\s*(?P<m2>{MULTIPLIER})?\s*(?P<post>{_POST}))",
    re.IGNORECASE,
)

_UNIT_WORDS: Final[dict[Unit, tuple[str, ...]]] = {
    # Months first: "개월" must not be read as "개" (items), nor "个月" as "个".
    Unit.MONTH: ("months", "month", "개월", "달", "か月", "ヶ月", "カ月", "ヵ月", "个月", "個月",
                 "meses", "mes"),
    Unit.HOUR: ("hours", "hour", "hrs", "hr", "h", "시간", "時間", "小时", "小時", "horas",
                "hora"),
    Unit.DAY: ("days", "day", "일", "日間", "日", "天", "días", "dias", "día", "dia"),
    Unit.ITEM: ("items", "item", "pieces", "piece", "pcs", "units", "unit", "ea", "개", "건",
                "장", "회", "個", "つ", "本", "枚", "点", "件", "回", "个", "份", "篇", "张", "張",
                "次", "unidades", "unidad", "piezas", "pieza"),
    Unit.PAGE: ("pages", "page", "페이지", "쪽", "ページ", "页", "頁", "páginas", "paginas",
                "página", "pagina"),
    Unit.WORD: ("words", "word", "단어", "語", "字", "palabras", "palabra"),
}
_UNIT_OF: Final = {w: unit for unit, words in _UNIT_WORDS.items() for w in words}
_UNIT = _alternation(_UNIT_OF)
_QUANTITY: Final = re.compile(
    rf"(?:[x×]\s*(?P<times>{NUMBER})(?![\d.,])|(?P<n>{NUMBER})\s*(?:(?P<unit>{_UNIT})|[x×](?![a-z])))",
    re.IGNORECASE,
)
_BARE_NUMBER: Final = re.compile(rf"(?<![\w.,]){NUMBER}(?![\w.,])")

# "per hour", "시간당", "1時間あたり", "每小时", "por hora", "each": the unit a price is for.
_PER: Final = re.compile(
    rf"(?:\b(?:per|an?|each)\s+|/\s*)(?P<en>{_UNIT})(?![a-z])"
    rf"|(?:1\s*)?(?P<ko>{_UNIT})\s*당"
    rf"|(?:1\s*)?(?P<ja>{_UNIT})\s*(?:あたり|当たり)"
    rf"|每\s*(?:一)?\s*(?P<zh>{_UNIT})"
    rf"|\b(?:por|la|el|cada|al)\s+(?P<es>{_UNIT})(?![a-z])"
    r"|(?P<hourly>\bhourly\b|시급|時給|时薪)|(?P<daily>\bdaily\b|일당|日給|日薪)"
    r"|(?P<each>\beach\b|\bcada\s+un[oa]\b|개당|各|一つあたり|每个|每件)",
    re.IGNORECASE,
)

# Latin words only as whole words: "renovation" and "festival" ask for no VAT.
_VAT_WORD: Final = r"(?:\bvat\b|\bv\.a\.t\.|\biva\b|부가가치세|부가세|消費税|税込み?|增值税|含税)"
_NO_VAT: Final = re.compile(
    r"(?:without|no|excluding|excl\.?|ex\.?)\s*(?:vat|iva)\b|vat\s*(?:excluded|not included)"
    r"|부가세\s*(?:제외|없이|미포함)|税抜き?|税別|消費税なし|不含税|不含增值税"
    r"|sin\s+iva|iva\s+no\s+incluido",
    re.IGNORECASE,
)
_VAT_PHRASE: Final = re.compile(
    rf"(?:\b(?:with|plus|incl(?:uding|\.)?|and|con|más|mas)\s*|\+\s*)?{_VAT_WORD}"
    r"(?:\s*(?:포함|별도|included|incluido|込み|込))?",
    re.IGNORECASE,
)
_PERCENT: Final = re.compile(rf"(?P<n>{NUMBER})\s*%")

_SPLIT: Final = re.compile(r";|；|\n|\s+(?:and|plus|y|그리고|以及)\s+|、|\s+\+\s+", re.IGNORECASE)
_FILLER_WORDS: Final = frozenset([
    "quote", "quotation", "invoice", "estimate", "draft", "bill", "make", "create", "write",
    "please", "me", "for", "of", "at", "a", "an", "the", "with", "to", "total", "cost",
    "costs", "price", "on", "in", "by", "presupuesto", "cotización", "cotizacion",
    "factura", "hazme", "haz", "de", "a", "con", "por", "para", "el", "la", "los", "las",
    "un", "una", "del", "al", "en",
])
_FILLER_CJK: Final = (
    "견적서", "견적", "인보이스", "청구서", "작성해 주세요", "작성해줘", "작성해 줘",
    "만들어 주세요", "만들어줘", "만들어 줘", "내 주세요", "내줘", "내 줘", "부탁해요", "부탁해",
    "주세요", "해줘",
    "見積書", "見積もり", "見積り", "見積", "請求書", "作成してください", "作成して",
    "お願いします", "ください",
    "报价单", "报价", "報價", "发票", "發票", "估价", "请", "帮我", "做一份", "一份",
)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _vat(text: str, decimal: str) -> tuple[bool, Decimal | None, str]:
    """Whether VAT is wanted, its rate if given, and the text without VAT phrases."""
    if _NO_VAT.search(text):
        return False, None, _PERCENT.sub(" ", _NO_VAT.sub(" ", text))
    if not re.search(_VAT_WORD, text, re.IGNORECASE):
        return False, None, text
    rate: Decimal | None = None
    percent = _PERCENT.search(text)
    if percent:
        rate = parse_number(percent.group("n"), decimal)
        if not Decimal(0) <= rate <= Decimal(100):
            raise QuoteParseError(Problem.BAD_VAT_RATE, rate=rate)
    return True, rate, _PERCENT.sub(" ", _VAT_PHRASE.sub(" ", text))


def _currency_of(match: re.Match[str], language: str) -> str:
    marker = (match.group("pre") or match.group("post") or "").casefold()
    if not marker:  # cannot happen: the pattern needs a symbol before or a word after
        return ""
    code = _WORDS[marker] if marker in _WORDS else _SYMBOLS[marker]
    if marker == "¥" and language == "zh":
        return "CNY"  # in Chinese, ¥ is the yuan
    return code


def _description(text: str) -> str:
    for filler in _FILLER_CJK:
        text = text.replace(filler, " ")
    words = [w for w in re.split(r"[\s:：,，.。!！?？()（）\"“”«»'‘’/]+", text) if w]
    kept = [w for w in words if w.casefold() not in _FILLER_WORDS and not re.fullmatch(
        r"[-–—·•*@]+", w)]
    return " ".join(kept)


def _parse_segment(segment: str, language: str, decimal: str) -> tuple[LineRequest, str | None]:
    """One line item, and its currency (None when the price had none)."""
    price = _PRICE.search(segment)
    currency: str | None = None
    if price:
        currency = _currency_of(price, language) or None
        number = price.group("n1") or price.group("n2")
        multiplier = price.group("m1") or price.group("m2")
        rest = segment[:price.start()] + " " + segment[price.end():]
    else:
        number, multiplier, rest = None, None, segment
    hint: Unit | None = None
    per = _PER.search(rest)
    if per:
        word = next((per.group(g) for g in ("en", "ko", "ja", "zh", "es") if per.group(g)), None)
        if word is not None:
            hint = _UNIT_OF[word.casefold()] if word.casefold() in _UNIT_OF else _UNIT_OF[word]
        elif per.group("hourly"):
            hint = Unit.HOUR
        elif per.group("daily"):
            hint = Unit.DAY
        else:
            hint = Unit.ITEM
        rest = rest[:per.start()] + " " + rest[per.end():]
    if number is None:
        # No currency marker: the last plain number is the price, but only when something
        # says so ("per hour", "each") or another number is the quantity. "2 logos" alone
        # has no price.
        candidates = [m for m in _BARE_NUMBER.finditer(rest) if not _unit_follows(rest, m.end())]
        numbers = re.findall(NUMBER, rest)
        if not candidates or (per is None and len(numbers) < 2):
            raise QuoteParseError(Problem.NO_PRICE)
        last = candidates[-1]
        number = last.group(0)
        rest = rest[:last.start()] + " " + rest[last.end():]
    quantity_match = _QUANTITY.search(rest)
    if quantity_match:
        quantity = parse_number(quantity_match.group("times") or quantity_match.group("n"),
                                decimal)
        unit_word = quantity_match.group("unit")
        unit = (_UNIT_OF.get(unit_word.casefold(), _UNIT_OF.get(unit_word)) if unit_word
                else None) or hint or Unit.ITEM
        rest = rest[:quantity_match.start()] + " " + rest[quantity_match.end():]
    else:
        bare = _BARE_NUMBER.search(rest)
        if bare:
            quantity, unit = parse_number(bare.group(0), decimal), hint or Unit.ITEM
            rest = rest[:bare.start()] + " " + rest[bare.end():]
        else:
            quantity, unit = Decimal(1), hint or Unit.FLAT
    code = currency or DEFAULT_CURRENCY.get(language, "USD")
    whole = get_currency_precision(code) == 0
    unit_price = apply_multiplier(parse_number(number, decimal, whole=whole), multiplier)
    price_text = (price.group(0) if price else number).strip()
    description = _description(rest)
    description = description[:1].upper() + description[1:]
    return LineRequest(description, quantity, unit, unit_price, price_text), currency


def _unit_follows(text: str, end: int) -> bool:
    return re.match(rf"\s*(?:{_UNIT})", text[end:], re.IGNORECASE) is not None


def _segments(text: str) -> list[str]:
    """Split into item texts; pieces without a number join their neighbour."""
    pieces = [p for p in _SPLIT.split(text) if p and p.strip()]
    merged: list[str] = []
    pending = ""
    for piece in pieces:
        if re.search(r"\d", piece):
            merged.append(f"{pending} {piece}".strip())
            pending = ""
        elif merged:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            pending = f"{pending} {piece}"
    if pending and not merged:
        merged.append(pending.strip())
    return merged


def decimal_symbol(language: str) -> str:
    try:
        return str(get_decimal_symbol(language))
    except (ValueError, LookupError):
        return "."


def parse_quote(text: str, language: str = "en") -> QuoteRequest:
    """The quote a message asks for; raises :class:`QuoteParseError` when it cannot tell."""
    cleaned = _clean(text)
    decimal = decimal_symbol(language)
    vat, rate, rest = _vat(cleaned, decimal)
    lines: list[LineRequest] = []
    currencies: list[str] = []
    for segment in _segments(rest):
        line, currency = _parse_segment(segment, language, decimal)
        lines.append(line)
        if currency:
            currencies.append(currency)
    if not lines:
        raise QuoteParseError(Problem.NO_PRICE)
    distinct = sorted(set(currencies))
    if len(distinct) > 1:
        raise QuoteParseError(Problem.MIXED_CURRENCIES, currencies=distinct)
    assumed = not distinct
    currency = distinct[0] if distinct else DEFAULT_CURRENCY.get(language, "USD")
    return QuoteRequest(tuple(lines), currency, assumed, vat, rate)
