"""The robeing SDK: write skills, and run them safely.

A skill is a module with one hook implementation::

    from robeing_sdk import Message, Reply, SkillContext, hookimpl

    @hookimpl
    def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
        return Reply(text=context.gettext("Hello!"))

plus a ``robeing-skill.toml`` manifest beside it and an entry point in ``robeing.skills``.
"""

from robeing_sdk._version import __version__
from robeing_sdk.context import SkillContext
from robeing_sdk.errors import (
    BadReply,
    DuplicateSkill,
    LLMError,
    LocaleError,
    ManifestError,
    RobeingError,
    SkillError,
    SkillFailed,
    SkillTimeout,
    SkillUnavailable,
    UnknownSkill,
)
from robeing_sdk.hookspecs import hookimpl, hookspec
from robeing_sdk.llm import Completion, FakeLLM, LLMProvider, OfflineLLM
from robeing_sdk.manifest import (
    MANIFEST_FILENAME,
    Intent,
    Permission,
    PriceHint,
    PriceKind,
    SkillManifest,
    parse_manifest,
)
from robeing_sdk.messages import Message, Reply, Turn
from robeing_sdk.models import (
    Interaction,
    InteractionType,
    Memory,
    MemoryType,
    Money,
    RobeingProfile,
)
from robeing_sdk.runtime import Answer, Runtime, RuntimeConfig

__all__ = [
    "MANIFEST_FILENAME",
    "Answer",
    "BadReply",
    "Completion",
    "DuplicateSkill",
    "FakeLLM",
    "Intent",
    "Interaction",
    "InteractionType",
    "LLMError",
    "LLMProvider",
    "LocaleError",
    "ManifestError",
    "Memory",
    "MemoryType",
    "Message",
    "Money",
    "OfflineLLM",
    "Permission",
    "PriceHint",
    "PriceKind",
    "Reply",
    "RobeingError",
    "RobeingProfile",
    "Runtime",
    "RuntimeConfig",
    "SkillContext",
    "SkillError",
    "SkillFailed",
    "SkillManifest",
    "SkillTimeout",
    "SkillUnavailable",
    "Turn",
    "UnknownSkill",
    "__version__",
    "hookimpl",
    "hookspec",
    "parse_manifest",
]
