"""Locale tags, fallback chains and negotiation.

Babel parses tags but does not walk scripts: ``negotiate_locale(["zh_TW"], ["zh_Hans"])``
is None. The chain here drops one subtag at a time (``zh-Hant-TW → zh-Hant → zh``) and
ends at English, so every lookup has somewhere to land.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Final

from babel import Locale, UnknownLocaleError

from robeing_sdk.errors import N_, LocaleError

SUPPORTED_LOCALES: Final = ("en", "ko", "ja", "zh", "es")
DEFAULT_LOCALE: Final = "en"

_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
log = logging.getLogger(__name__)


@lru_cache(maxsize=512)
def parse_locale(value: str) -> Locale:
    """Parse a BCP 47 or POSIX tag (``ko-KR``, ``zh_Hant_TW``, ``es-419``) or raise LocaleError."""
    cleaned = value.strip()
    if not _TAG.match(cleaned):
        raise LocaleError.localizable(
            N_("{value} is not a locale tag (try 'ko', 'en-US' or 'zh-Hant-TW')."),
            context={"value": value}, value=repr(value))
    try:
        return Locale.parse(cleaned.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        # Babel knows no data for e.g. "es_419" as a whole; the language alone may still do.
        language = re.split(r"[-_]", cleaned)[0].lower()
        try:
            return Locale.parse(language)
        except (UnknownLocaleError, ValueError):
            raise LocaleError.localizable(N_("{value} is not a known language."),
                                          context={"value": value}, value=repr(value)) from None


@lru_cache(maxsize=512)
def fallback_chain(value: str, default: str = DEFAULT_LOCALE) -> tuple[str, ...]:
    """The lookup order for a tag: most specific first, ``default`` last, no repeats."""
    loc = parse_locale(value)
    chain: list[str] = []
    if loc.script and loc.territory:
        chain.append(f"{loc.language}_{loc.script}_{loc.territory}")
    if loc.script:
        chain.append(f"{loc.language}_{loc.script}")
    if loc.territory:
        chain.append(f"{loc.language}_{loc.territory}")
    chain.append(loc.language)
    if default not in chain:
        chain.append(default)
    return tuple(dict.fromkeys(chain))


def negotiate(value: str | None, supported: tuple[str, ...] = SUPPORTED_LOCALES, *,
              strict: bool = True, default: str = DEFAULT_LOCALE) -> str:
    """Map a requested tag to one of ``supported``.

    ``strict`` is for values a person typed: malformed or unsupported is a LocaleError.
    Otherwise (a browser header, a config file) the problem is logged and ``default`` used.
    """
    if value is None or not value.strip():
        return default
    try:
        for candidate in fallback_chain(value, default=default):
            if candidate in supported:
                if candidate == default and not _same_language(value, default):
                    break  # landing on the default is a fallback, not a match
                return candidate
    except LocaleError:
        if strict:
            raise
        log.warning("Ignoring malformed locale %r; using %s.", value, default)
        return default
    if strict:
        raise LocaleError.localizable(
            N_("Locale {value} is not supported; choose one of {choices}."),
            context={"value": value}, value=repr(value), choices=", ".join(supported),
        )
    log.warning("Locale %r is not supported; using %s.", value, default)
    return default


def _same_language(value: str, language: str) -> bool:
    return parse_locale(value).language == language


def parse_accept_language(header: str, limit: int = 16) -> list[str]:
    """Tags of an ``Accept-Language`` header, best first (``q=0`` dropped, order stable)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:limit]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate_header(header: str | None, supported: tuple[str, ...] = SUPPORTED_LOCALES,
                     default: str = DEFAULT_LOCALE) -> str:
    """The best supported locale for a browser's ``Accept-Language``; never an error."""
    for tag in parse_accept_language(header or ""):
        try:
            for candidate in fallback_chain(tag, default=default):
                if candidate in supported and (candidate != default or
                                               _same_language(tag, default)):
                    return candidate
        except LocaleError:
            log.info("Ignoring malformed Accept-Language entry %r.", tag)
    return default
