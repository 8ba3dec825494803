"""A sentence shown to people: an English gettext template and the values that fill it.

Errors keep their sentence in this form (not only as formatted text), so the one place that
shows them can say it in the request's language. The values stay separate and are never
translated (a skill name is a skill name in every language); ``{n}`` of a plural also picks
the plural form through the catalog's rules, never by adding an "s".

Mark templates for extraction where they are written: ``N_("...")`` for one sentence,
``ngettext(singular, plural, n)`` for one whose words depend on a number. A value may itself
be a :class:`Message` (a field's problem inside "Field {field}: {problem}"): it is said in
the same language, and if either part has no translation the whole sentence stays English.

:func:`from_validation` turns pydantic's errors (whose own phrases are English only) into
such a sentence, by error ``type`` and its ``ctx`` values, so 422 answers are localized too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple, Protocol

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

    def english(self) -> str:
        template = self.template
        params = {key: value.english() if isinstance(value, Message) else value
                  for key, value in self.params.items()}
        if isinstance(template, Plural):
            template = template.singular if template.n == 1 else template.plural
        return template.format(**params) if params else template

    def translate(self, translations: Translations) -> str | None:
        """The sentence in the catalog's language, or None when it has no translation."""
        return self.say((translations,))

    def say(self, catalogs: Sequence[Translations]) -> str | None:
        """The sentence from the first catalog that has its template, values that are
        messages said the same way; None when any part has no translation."""
        text = next((found for found in map(self._template_in, catalogs) if found), None)
        if text is None:
            return None
        params: dict[str, Any] = {}
        for key, value in self.params.items():
            if isinstance(value, Message):
                value = value.say(catalogs)
                if value is None:
                    return None
            params[key] = value
        return text.format(**params) if params else text

    def _template_in(self, translations: Translations) -> str | None:
        template = self.template
        if isinstance(template, Plural):
            english = template.singular if template.n == 1 else template.plural
            text = translations.ngettext(template.singular, template.plural, template.n)
        else:
            english = template
            text = translations.gettext(template)
        return None if text == english else text


# ── pydantic's errors as sentences ────────────────────────────────────────────────────────
# A problem per error type, with the ctx values it names; types not listed keep pydantic's
# English phrase (the whole detail is then English, with Content-Language: en).
_PROBLEMS: Final[dict[str, str]] = {
    "missing": N_("is required"),
    "extra_forbidden": N_("is not a field you may set"),
    "string_type": N_("must be a string"),
    "string_pattern_mismatch": N_("does not match the pattern {pattern}"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "enum": N_("must be one of {expected}"),
    "literal_error": N_("must be one of {expected}"),
    "uuid_type": N_("must be a UUID"),
    "uuid_parsing": N_("must be a UUID"),
    "datetime_type": N_("must be a date and time (ISO 8601)"),
    "datetime_parsing": N_("must be a date and time (ISO 8601)"),
    "datetime_from_date_parsing": N_("must be a date and time (ISO 8601)"),
    "timezone_aware": N_("must carry a time zone"),
    "date_type": N_("must be a date (YYYY-MM-DD)"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("must be a date (YYYY-MM-DD)"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "list_type": N_("must be a list"),
}
# (the pair, marked for extraction with a placeholder count; the ctx key with the real one)
_PLURAL_PROBLEMS: Final[dict[str, tuple[Plural, str]]] = {
    "string_too_short": (ngettext("must have at least {n} character",
                                  "must have at least {n} characters", 0), "min_length"),
    "string_too_long": (ngettext("must have at most {n} character",
                                 "must have at most {n} characters", 0), "max_length"),
    "too_short": (ngettext("must have at least {n} item", "must have at least {n} items", 0),
                  "min_length"),
    "too_long": (ngettext("must have at most {n} item", "must have at most {n} items", 0),
                 "max_length"),
}
_QUOTED: Final = re.compile(r"'[^']*'")


def problem_of(error: Mapping[str, Any]) -> Message:
    """One pydantic error's problem (no field name): ours when we know its type or it
    carries its own template (``ctx["template"]``), else pydantic's English phrase."""
    kind, ctx = str(error.get("type", "")), dict(error.get("ctx") or {})
    if "template" in ctx:  # partners.program.invalid and the like: an N_ template + values
        template = str(ctx.pop("template"))
        return Message(template, {key: ctx[key] for key in ctx if "{" + key + "}" in template})
    if kind in _PLURAL_PROBLEMS:
        pair, key = _PLURAL_PROBLEMS[kind]
        if isinstance(ctx.get(key), int):
            return Message.of(pair._replace(n=ctx[key]), {})
    if kind in _PROBLEMS:
        if "expected" in ctx:  # pydantic writes "'a', 'b' or 'c'": keep the values only
            ctx["expected"] = ", ".join(_QUOTED.findall(str(ctx["expected"]))) or ctx["expected"]
        return Message(_PROBLEMS[kind], {key: value for key, value in ctx.items()
                                         if "{" + key + "}" in _PROBLEMS[kind]})
    return Message(str(error.get("msg", "is invalid")).removeprefix("Value error, "))


def from_validation(errors: Iterable[Mapping[str, Any]], *, skip: tuple[str, ...] = ("body",),
                    ) -> Message:
    """The first error as one sentence naming its field: "Field 'tier': is not a field
    you may set." (``skip``: location parts that are not field names)."""
    first = next(iter(errors), None)
    if first is None:
        return Message(N_("The request is invalid."))
    if first.get("type") == "json_invalid":
        return Message(N_("The request body is not valid JSON."))
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in skip)
    if not where:
        return Message(N_("The request: {problem}."), {"problem": problem_of(first)})
    return Message(N_("Field {field}: {problem}."), {"field": repr(where),
                                                      "problem": problem_of(first)})


__all__ = ["N_", "Message", "Plural", "Translations", "from_validation", "ngettext",
           "problem_of"]
