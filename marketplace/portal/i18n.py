"""The portal's language: picked per request, texts from the ``portal`` gettext domain.

The choice, strongest first:

1. an explicit choice: ``?locale=`` (or ``?lang=``) on the request, else the ``robeing_lang``
   cookie the language switcher sets in this browser;
2. the signed-in account's language (``partner.locale``, chosen on the account page or with
   ``PATCH /v1/partners/me``), which :func:`remember_profile` puts in the request's state;
3. the browser's ``Accept-Language`` through the SDK's negotiation (fallback chain
   ``zh-Hant-TW → zh-Hant → zh``);
4. ``ROBEING_DEFAULT_LOCALE``, then English.

Saving a language on the account page clears the switcher's cookie, so the saved one rules
in that browser too. A stale or forged choice in 1 is skipped, never an error. Catalogs are read
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
from robeing_sdk.i18n import DEFAULT_LOCALE, fallback_chain, negotiate, negotiate_header
from robeing_sdk.i18n.catalogs import load_translations

LOCALES: Final = Path(__file__).resolve().parent / "locales"
DOMAIN: Final = "portal"
LANG_COOKIE: Final = "robeing_lang"
_PROFILE_KEY: Final = "portal_profile_locale"
LANGUAGE_NAMES: Final = {"en": "English", "ko": "한국어", "ja": "日本語", "zh": "中文",
                         "es": "Español"}


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message


def remember_profile(request: Request, locale: str | None) -> None:
    """Keep the signed-in account's language for :func:`pick_locale` (None: no preference)."""
    request.scope.setdefault("state", {})[_PROFILE_KEY] = locale


def pick_locale(request: Request) -> str:
    """The request's language (see the module docstring for the order)."""
    query = request.query_params
    profile = request.scope.get("state", {}).get(_PROFILE_KEY)
    for value in (query.get("locale"), query.get("lang"), request.cookies.get(LANG_COOKIE),
                  profile):
        if value and len(value) <= 35:
            try:
                return negotiate(value)
            except LocaleError:
                continue  # a stale or forged choice: fall through to the next
    return negotiate_header(request.headers.get("accept-language"), default=_configured(request))


def _configured(request: Request) -> str:
    app = request.scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    default = getattr(settings, "default_locale", None)
    return default if isinstance(default, str) else DEFAULT_LOCALE


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
