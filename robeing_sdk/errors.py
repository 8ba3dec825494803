"""The one exception tree of the SDK and runtime.

    RobeingError
    ├── ManifestError            a skill manifest is missing or invalid (.skill, .path)
    ├── SkillError               something went wrong with one skill (.skill)
    │   ├── SkillUnavailable     broken, disabled, incompatible or circuit open (.reason)
    │   ├── SkillTimeout         the skill ran past its time limit (.timeout)
    │   ├── SkillFailed          the skill raised (.__cause__ is the original error)
    │   └── BadReply             the skill returned something that is not a Reply
    ├── UnknownSkill             no installed skill has that name (.skill)
    ├── DuplicateSkill           two distributions provide the same skill name (.distributions)
    ├── LocaleError              a locale typed by a user is malformed or unsupported (.value)
    └── LLMError                 an LLM provider failed or is unknown (.provider)

Callers branch on these types, never on message text. An error raised with
:meth:`RobeingError.localizable` also keeps its English sentence as a gettext ``template``
with its ``params``, so the edge that shows it (the CLI) can say it in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self


def N_(template: str) -> str:
    """Mark a text for extraction into catalogs without translating it here."""
    return template


class RobeingError(Exception):
    """Base class of every error the SDK raises on purpose."""

    template: str | None = None
    params: dict[str, Any] = {}  # noqa: RUF012 - replaced per instance, never mutated

    @classmethod
    def localizable(cls, template: str, /, *, context: dict[str, Any] | None = None,
                    **params: Any) -> Self:
        """Build the error from a ``N_``-marked template; ``context`` fills its attributes."""
        error = cls(template.format(**params), **(context or {}))
        error.template, error.params = template, params
        return error

    def localized(self, gettext: Callable[[str], str]) -> str:
        """The message in another language, given that language's ``gettext``."""
        if self.template is None:
            return str(self)
        return gettext(self.template).format(**self.params)


class ManifestError(RobeingError):
    def __init__(self, message: str, *, skill: str | None = None, path: str | None = None):
        super().__init__(message)
        self.skill = skill
        self.path = path


class SkillError(RobeingError):
    def __init__(self, message: str, *, skill: str):
        super().__init__(message)
        self.skill = skill


class SkillUnavailable(SkillError):
    def __init__(self, message: str, *, skill: str, reason: str):
        super().__init__(message, skill=skill)
        self.reason = reason


class SkillTimeout(SkillError):
    def __init__(self, message: str, *, skill: str, timeout: float):
        super().__init__(message, skill=skill)
        self.timeout = timeout


class SkillFailed(SkillError):
    pass


class BadReply(SkillError):
    pass


class UnknownSkill(RobeingError):
    def __init__(self, message: str, *, skill: str):
        super().__init__(message)
        self.skill = skill


class DuplicateSkill(RobeingError):
    def __init__(self, message: str, *, skill: str, distributions: tuple[str, ...]):
        super().__init__(message)
        self.skill = skill
        self.distributions = distributions


class LocaleError(RobeingError, ValueError):
    def __init__(self, message: str, *, value: str):
        super().__init__(message)
        self.value = value


class LLMError(RobeingError):
    def __init__(self, message: str, *, provider: str):
        super().__init__(message)
        self.provider = provider
