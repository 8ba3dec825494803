"""Locales, catalogs, prompt templates and locale-aware formatting."""

from robeing_sdk.i18n.catalogs import SkillTranslations, load_translations
from robeing_sdk.i18n.locales import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    fallback_chain,
    negotiate,
    negotiate_header,
    parse_accept_language,
    parse_locale,
)
from robeing_sdk.i18n.prompts import PromptTemplates, RenderedPrompt

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "PromptTemplates",
    "RenderedPrompt",
    "SkillTranslations",
    "fallback_chain",
    "load_translations",
    "negotiate",
    "negotiate_header",
    "parse_accept_language",
    "parse_locale",
]
