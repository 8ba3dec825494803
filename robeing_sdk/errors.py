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

Callers branch on these types, never on message text.
"""

from __future__ import annotations


class RobeingError(Exception):
    """Base class of every error the SDK raises on purpose."""


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
