"""The portal's language: picked per request, texts from the ``portal`` gettext domain.

The choice, strongest first: ``?lang=`` on the request, the ``robeing_lang`` cookie (set by
the language switcher), then the browser's ``Accept-Language`` through the SDK's
negotiation (fallback chain ``zh-Hant-TW → zh-Hant → zh``), then English. Catalogs are read
from ``locales/<lang>/LC_MESSAGES/portal.po`` by the SDK's loader. Dates, numbers and money
are formatted by Babel in the same locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision
from babel.support import NullTranslations
from starlette.requests import Request

from robeing_sdk.errors import LocaleError
from robeing_sdk.i18n import fallback_chain, negotiate, negotiate_header
from robeing_sdk.i18n.catalogs import load_translations

LOCALES: Final = Path(__file__).resolve().parent / "locales"
DOMAIN: Final = "portal"
LANG_COOKIE: Final = "robeing_lang"
LANGUAGE_NAMES: Final = {"en": "English", "ko": "한국어", "ja": "日本語", "zh": "中文",
                         "es": "Español"}


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message


def pick_locale(request: Request) -> str:
    """The request's language (see the module docstring for the order)."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value and len(value) <= 35:
            try:
                return negotiate(value)
            except LocaleError:
                continue  # a stale or forged choice: fall through to the browser's
    return negotiate_header(request.headers.get("accept-language"))


@dataclass(frozen=True, slots=True)
class Texts:
    """Everything a page needs to speak one language."""

    locale: str
    translations: NullTranslations

    def gettext(self, message: str, **values: Any) -> str:
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def percent_bps(self, bps: int) -> str:
        """Basis points as a percentage: 3000 → 30 % (as the locale writes it)."""
        return format_percent(Decimal(bps) / 10_000, locale=self.locale,
                              format="#,##0.##%")

    def money(self, amount_minor: int, currency: str) -> str:
        """Integer minor units (ISO 4217) as the locale writes money: 1234 USD → $12.34."""
        digits = int(get_currency_precision(currency))
        return format_currency(Decimal(amount_minor).scaleb(-digits), currency,
                               locale=self.locale)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        return format_datetime(value.astimezone(UTC), "medium", tzinfo=UTC,
                               locale=self.locale) + " UTC"

    def month(self, value: dt.date) -> str:
        """A month as the locale names it: "November 2026", "2026년 11월"."""
        return format_skeleton("yMMMM", value, locale=self.locale)

    def month_of(self, month: str) -> str:
        """``"2026-11"`` as :meth:`month` writes it."""
        return self.month(dt.date(int(month[:4]), int(month[5:7]), 1))

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return "—"
        return format_date(value, "medium", locale=self.locale)


def texts_for(locale: str) -> Texts:
    return Texts(locale, load_translations(LOCALES, fallback_chain(locale), domain=DOMAIN))
