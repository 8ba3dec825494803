"""What a skill gets besides the message: who it works for and tools to answer well."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations

from robeing_sdk.i18n.catalogs import load_translations
from robeing_sdk.i18n.prompts import PromptTemplates, RenderedPrompt
from robeing_sdk.llm.base import LLMProvider
from robeing_sdk.manifest import SkillManifest
from robeing_sdk.models import Money, RobeingProfile


class SkillContext:
    """Handed to :func:`robeing_handle_message` with every message.

    ``skills`` maps the name of every usable skill of this robeing to its manifest.

    Texts: ``context.gettext("Hello")`` (alias ``context._``) and ``ngettext`` read the
    skill's own catalogs in the message's locale chain; ``render_prompt`` renders a
    language-specific prompt template. Values: ``format_money``, ``format_datetime`` (in the
    profile's time zone), ``format_timedelta``, ``format_number``, ``format_percent``,
    ``format_list``.
    """

    __slots__ = ("_prompts", "_translations", "folder", "llm", "locale", "locale_chain",
                 "manifest", "profile", "skill", "skills")

    def __init__(self, *, skill: str, manifest: SkillManifest, profile: RobeingProfile,
                 locale: str, locale_chain: tuple[str, ...], llm: LLMProvider,
                 folder: Path | None, skills: Mapping[str, SkillManifest] | None = None) -> None:
        self.skill = skill
        self.manifest = manifest
        self.profile = profile
        self.locale = locale
        self.locale_chain = locale_chain
        self.llm = llm
        self.folder = folder
        self.skills: Mapping[str, SkillManifest] = skills or {}
        """The manifests of every usable skill of this robeing, by name (read-only)."""
        self._translations: NullTranslations | None = None
        self._prompts: PromptTemplates | None = None

    @property
    def translations(self) -> NullTranslations:
        if self._translations is None:
            self._translations = (load_translations(self.folder / "locales", self.locale_chain)
                                  if self.folder else NullTranslations())
        return self._translations

    def gettext(self, message: str, /, **values: Any) -> str:
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text.format(n=n, **values)

    def render_prompt(self, name: str, /, **values: Any) -> RenderedPrompt:
        if self._prompts is None:
            if self.folder is None:
                raise LookupError(f"Skill {self.skill!r} has no folder to read prompts from.")
            self._prompts = PromptTemplates(self.folder / "prompts")
        return self._prompts.render(name, self.locale_chain, **values)

    def format_money(self, money: Money) -> str:
        return money.format(self.locale)

    def format_datetime(self, value: datetime, format: str = "medium", *,
                        zone: str | None = None) -> str:
        """In the profile's time zone, or in ``zone`` (an IANA name) when given."""
        tzinfo = ZoneInfo(zone or self.profile.timezone)
        return str(format_datetime(value, format=format, tzinfo=tzinfo, locale=self.locale))

    def format_timedelta(self, value: timedelta, *, add_direction: bool = True) -> str:
        """``in 3 days`` / ``3일 후``: a relative time in the user's language."""
        return str(format_timedelta(value, add_direction=add_direction, locale=self.locale))

    def format_number(self, value: Decimal | float | int) -> str:
        return str(format_decimal(value, locale=self.locale))

    def format_percent(self, value: Decimal | float) -> str:
        """``0.085`` → ``8.5%``: all significant decimals are kept, none invented."""
        return str(format_percent(value, locale=self.locale, decimal_quantization=False))

    def format_list(self, items: list[str]) -> str:
        return str(format_list(items, locale=self.locale))
