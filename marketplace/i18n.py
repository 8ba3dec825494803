"""The language of an API response, picked per request, and the ``marketplace`` catalogs.

The choice, strongest first (the SDK's negotiation and its script-aware fallback chain,
``zh-Hant-TW → zh-Hant → zh``):

1. ``?locale=`` on the request: typed by a person, so a malformed or unsupported value is a
   400 problem (``invalid-locale``) rather than a silent fallback;
2. the profile of the account whose token the request carries (``partner.locale``, set with
   ``PATCH /v1/partners/me``), once authentication has read it (:func:`prefer_profile`);
3. ``Accept-Language``: sent by a browser, so an entry that does not parse is logged and
   skipped, and a header with nothing supported falls back;
4. ``ROBEING_DEFAULT_LOCALE`` (:attr:`Settings.default_locale`);
5. English.

:class:`LocaleNegotiation` decides 1, 3-5 before routing and keeps the answer in the
request's state; authentication may then put the profile's in its place unless 1 was given;
:func:`request_locale` reads it, and every ``/v1/`` response says it in
``Content-Language``. The portal keeps its own choice (:mod:`marketplace.portal.i18n`) and
is skipped here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Final

from babel.support import NullTranslations
from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
PARTNERS_LOCALES: Final = Path(__file__).resolve().parent.parent / "partners" / "locales"
DOMAIN: Final = "marketplace"
PARAMETER: Final = "locale"
MAX_HEADER_CHARS: Final = 1000
_STATE_KEY: Final = "locale"
_EXPLICIT_KEY: Final = "locale_explicit"
_BROWSER_KEY: Final = "locale_browser"
_SKIP: Final = ("/portal",)
_SAYS_LANGUAGE: Final = "/v1/"
log = logging.getLogger("marketplace")


def translations(locale: str) -> NullTranslations:
    """The ``marketplace`` catalog for ``locale`` (cached); English is the source language."""
    return load_translations(LOCALES, fallback_chain(locale), domain=DOMAIN)


def sdk_translations(locale: str) -> NullTranslations:
    """The SDK's own catalog (manifest validation sentences come from the SDK)."""
    return load_translations(SDK_LOCALES, fallback_chain(locale))


def partner_translations(locale: str) -> NullTranslations:
    """The partner program's catalog (``partners``): its rules' refusals and validations."""
    return load_translations(PARTNERS_LOCALES, fallback_chain(locale), domain="partners")


def catalogs(locale: str) -> tuple[NullTranslations, ...]:
    """Where a marketplace sentence may come from, in order: ours, the partner program's,
    the SDK's (manifest and locale sentences)."""
    return translations(locale), partner_translations(locale), sdk_translations(locale)


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


def prefer_profile(connection: HTTPConnection, profile: str | None) -> None:
    """The authenticated account's language replaces the browser's, never ``?locale=``;
    None (no preference) leaves, or puts back, the browser's."""
    state = connection.scope.setdefault("state", {})
    if state.get(_EXPLICIT_KEY):
        return
    if profile in SUPPORTED_LOCALES:  # stored validated; a stray value is ignored
        state[_STATE_KEY] = profile
    elif isinstance(state.get(_BROWSER_KEY), str):
        state[_STATE_KEY] = state[_BROWSER_KEY]


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
        state = scope.setdefault("state", {})
        state[_STATE_KEY] = locale
        state[_EXPLICIT_KEY] = bool((connection.query_params.get(PARAMETER) or "").strip())
        state[_BROWSER_KEY] = locale
        if not scope["path"].startswith(_SAYS_LANGUAGE):
            await self.app(scope, receive, send)
            return

        async def say_language(message: Message) -> None:
            # Read at the response's start: authentication may have chosen the profile's.
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-language" not in headers:
                    headers["Content-Language"] = str(state[_STATE_KEY]).replace("_", "-")
            await send(message)

        await self.app(scope, receive, say_language)


__all__ = [
    "DOMAIN",
    "LOCALES",
    "LocaleNegotiation",
    "catalogs",
    "explicit",
    "from_header",
    "negotiate_request",
    "partner_translations",
    "prefer_profile",
    "request_locale",
    "sdk_translations",
    "translations",
]
