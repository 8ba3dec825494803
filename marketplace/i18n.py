"""The language of an API response, picked per request, and the ``marketplace`` catalogs.

The choice, strongest first (the SDK's negotiation and its script-aware fallback chain,
``zh-Hant-TW → zh-Hant → zh``):

1. ``?locale=`` on the request: typed by a person, so a malformed or unsupported value is a
   400 problem (``invalid-locale``) rather than a silent fallback;
2. ``Accept-Language``: sent by a browser, so an entry that does not parse is logged and
   skipped, and a header with nothing supported falls back;
3. ``ROBEING_DEFAULT_LOCALE`` (:attr:`Settings.default_locale`);
4. English.

:class:`LocaleNegotiation` decides once per request and keeps the answer in the request's
state; :func:`request_locale` reads it. The portal keeps its own choice (``?lang=``, a
cookie) and is skipped here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Final

from babel.support import NullTranslations
from starlette.datastructures import QueryParams
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from robeing_sdk.errors import N_, LocaleError
from robeing_sdk.i18n import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    fallback_chain,
    negotiate,
    negotiate_header,
)
from robeing_sdk.i18n.catalogs import load_translations

LOCALES: Final = Path(__file__).resolve().parent / "locales"
SDK_LOCALES: Final = Path(__file__).resolve().parent.parent / "robeing_sdk" / "locales"
DOMAIN: Final = "marketplace"
PARAMETER: Final = "locale"
MAX_HEADER_CHARS: Final = 1000
_STATE_KEY: Final = "locale"
_SKIP: Final = ("/portal",)
log = logging.getLogger("marketplace")


def translations(locale: str) -> NullTranslations:
    """The ``marketplace`` catalog for ``locale`` (cached); English is the source language."""
    return load_translations(LOCALES, fallback_chain(locale), domain=DOMAIN)


def sdk_translations(locale: str) -> NullTranslations:
    """The SDK's own catalog (manifest validation sentences come from the SDK)."""
    return load_translations(SDK_LOCALES, fallback_chain(locale))


def from_header(header: str | None, default: str = DEFAULT_LOCALE) -> str:
    """The best supported locale for ``Accept-Language``; never an error (logged instead)."""
    return negotiate_header((header or "")[:MAX_HEADER_CHARS], SUPPORTED_LOCALES, default)


def explicit(value: str) -> str:
    """A locale a person typed (``?locale=``): the supported one it means, or LocaleError."""
    if "\x00" in value:
        raise LocaleError.localizable(N_("The parameter {parameter} contains a NUL character."),
                                      context={"value": value}, parameter=repr(PARAMETER))
    return negotiate(value, SUPPORTED_LOCALES, strict=True)


def negotiate_request(query: QueryParams, accept_language: str | None,
                      default: str = DEFAULT_LOCALE) -> str:
    """The order in the module docstring; raises LocaleError for a bad ``?locale=``."""
    value = query.get(PARAMETER)
    if value is not None and value.strip():
        return explicit(value)
    return from_header(accept_language, default)


def request_locale(connection: HTTPConnection) -> str:
    """The locale :class:`LocaleNegotiation` chose (or, outside it, the header's)."""
    chosen = connection.scope.get("state", {}).get(_STATE_KEY)
    if isinstance(chosen, str):
        return chosen
    return from_header(connection.headers.get("accept-language"),
                       _default_of(connection.scope))


def _default_of(scope: Scope) -> str:
    app: Any = scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    default = getattr(settings, "default_locale", None)
    return default if isinstance(default, str) else DEFAULT_LOCALE


class LocaleNegotiation:
    """Decide the request's locale before routing; a bad ``?locale=`` is answered with 400."""

    def __init__(self, app: ASGIApp, *, default: str = DEFAULT_LOCALE) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_SKIP):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        accept_language = connection.headers.get("accept-language")
        try:
            locale = negotiate_request(connection.query_params, accept_language, self.default)
        except LocaleError as exc:
            from marketplace.openapi import locale_problem

            fallback = from_header(accept_language, self.default)
            await locale_problem(exc, fallback)(scope, receive, send)
            return
        scope.setdefault("state", {})[_STATE_KEY] = locale
        await self.app(scope, receive, send)


__all__ = [
    "DOMAIN",
    "LOCALES",
    "LocaleNegotiation",
    "explicit",
    "from_header",
    "negotiate_request",
    "request_locale",
    "sdk_translations",
    "translations",
]
