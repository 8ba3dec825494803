"""A skill's gettext catalogs, read from its folder without importing its code.

A skill ships ``locales/<lang>/LC_MESSAGES/messages.po`` (and, when built, ``.mo``).
A ``.po`` without a ``.mo`` is compiled in memory once, so editable installs need no
build step.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "messages"

SkillTranslations = NullTranslations


def _load_one(folder: Path, language: str, domain: str) -> NullTranslations | None:
    base = folder / language / "LC_MESSAGES"
    mo, po = base / f"{domain}.mo", base / f"{domain}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=domain)
    if po.is_file():
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer, domain=domain)
    return None


@lru_cache(maxsize=256)
def load_translations(folder: Path, chain: tuple[str, ...],
                      domain: str = DOMAIN) -> NullTranslations:
    """Translations for ``chain`` (most specific first), each falling back to the next.

    ``domain`` names the catalog files: skills use ``messages``; an application with its
    own catalogs (the marketplace portal's ``portal``) passes its own."""
    head: NullTranslations | None = None
    tail: NullTranslations | None = None
    for language in chain:
        found = _load_one(folder, language, domain)
        if found is None:
            continue
        if head is None:
            head = found
        else:
            assert tail is not None
            tail.add_fallback(found)
        tail = found
    return head if head is not None else NullTranslations()


__all__ = ["SkillTranslations", "gettext", "load_translations"]
