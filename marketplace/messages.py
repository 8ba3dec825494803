"""A sentence shown to people: an English gettext template and the values that fill it.

Errors keep their sentence in this form (not only as formatted text), so the one place that
shows them can say it in the request's language. The values stay separate and are never
translated (a skill name is a skill name in every language); ``{n}`` of a plural also picks
the plural form through the catalog's rules, never by adding an "s".

Mark templates for extraction where they are written: ``N_("...")`` for one sentence,
``ngettext(singular, plural, n)`` for one whose words depend on a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from robeing_sdk.errors import N_


class Plural(NamedTuple):
    """A plural template pair and its number; formatted with ``n`` among the values."""

    singular: str
    plural: str
    n: int


def ngettext(singular: str, plural: str, n: int) -> Plural:
    """Mark a plural template pair for extraction; it is chosen and translated when shown."""
    return Plural(singular, plural, n)


class Translations(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


@dataclass(frozen=True, slots=True)
class Message:
    template: str | Plural
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, template: str | Plural, params: Mapping[str, Any]) -> Message:
        if isinstance(template, Plural):
            params = {"n": template.n, **params}
        return cls(template, params)

    def _fill(self, text: str) -> str:
        return text.format(**self.params) if self.params else text

    def english(self) -> str:
        template = self.template
        if isinstance(template, Plural):
            return self._fill(template.singular if template.n == 1 else template.plural)
        return self._fill(template)

    def translate(self, translations: Translations) -> str | None:
        """The sentence in the catalog's language, or None when it has no translation."""
        template = self.template
        if isinstance(template, Plural):
            english = template.singular if template.n == 1 else template.plural
            text = translations.ngettext(template.singular, template.plural, template.n)
        else:
            english = text = template
            text = translations.gettext(template)
        return None if text == english else self._fill(text)


__all__ = ["N_", "Message", "Plural", "Translations", "ngettext"]
