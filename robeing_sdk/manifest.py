"""The static skill manifest: what a skill is, read as data, never by importing it.

Where it lives: a file named ``robeing-skill.toml`` in the package that holds the module
named by the skill's ``robeing.skills`` entry point. For ``greetings = "robeing_greetings.skill"``
that is ``robeing_greetings/robeing-skill.toml`` (if the entry point names a package, the
file sits inside that package). The runtime finds it through the installed distribution's
file list; the marketplace finds it by the same rule inside an uploaded wheel.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from typing import Annotated, Any, Final, Self

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from robeing_sdk.errors import N_, ManifestError
from robeing_sdk.models import CurrencyCode, LanguageCode

MANIFEST_FILENAME: Final = "robeing-skill.toml"
MAX_MANIFEST_BYTES: Final = 256 * 1024
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _normalize_name(value: str) -> str:
    normalized = canonicalize_name(value, validate=False)
    if not normalized or not set(normalized) <= _NAME_CHARS or normalized.strip("-") != normalized:
        raise ValueError(f"{value!r} is not a valid skill name (letters, digits, '-', '_', '.')")
    if len(normalized) > 64:
        raise ValueError("a skill name has at most 64 characters")
    return normalized


def _check_version(value: str) -> str:
    try:
        version = Version(value)
    except InvalidVersion:
        raise ValueError(f"{value!r} is not a valid PEP 440 version") from None
    if version.local:
        raise ValueError(f"{value!r} has a local version label, which cannot be published")
    return str(version)


def _check_specifier(value: str) -> str:
    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        raise ValueError(f"{value!r} is not a valid PEP 440 version specifier") from None
    return value


SkillName = Annotated[str, AfterValidator(_normalize_name)]
VersionText = Annotated[str, AfterValidator(_check_version)]
SpecifierText = Annotated[str, AfterValidator(_check_specifier)]
Localized = dict[LanguageCode, Annotated[str, Field(min_length=1, max_length=2000)]]
LocalizedList = dict[LanguageCode, list[Annotated[str, Field(min_length=1, max_length=200)]]]


class Permission(StrEnum):
    """What a skill may ask for; operators see these before installing."""

    LLM = "llm"
    NETWORK = "network"
    MEMORY_READ = "memory:read"
    MEMORY_WRITE = "memory:write"
    FILES_READ = "files:read"
    FILES_WRITE = "files:write"
    CALENDAR = "calendar"
    PAYMENTS = "payments"


class PriceKind(StrEnum):
    FREE = "free"
    ONE_TIME = "one_time"
    SUBSCRIPTION = "subscription"
    USAGE = "usage"


class PriceHint(BaseModel):
    """A hint shown in catalogs; the marketplace's price list is what buyers pay."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: PriceKind = PriceKind.FREE
    amount: int = Field(0, ge=0, le=10**12, description="Integer minor units.")
    currency: CurrencyCode = "USD"

    @model_validator(mode="after")
    def _free_costs_nothing(self) -> Self:
        if (self.kind is PriceKind.FREE) != (self.amount == 0):
            raise ValueError("a free skill has amount 0 and a paid one an amount above 0")
        return self


class Intent(BaseModel):
    """One thing the skill handles, with phrases and keywords per language for routing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")]
    examples: LocalizedList = Field(default_factory=dict)
    keywords: LocalizedList = Field(default_factory=dict)


class SkillManifest(BaseModel):
    """The contents of ``robeing-skill.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: SkillName
    version: VersionText | None = Field(
        None, description="Defaults to the distribution's version; must equal it if given."
    )
    sdk: SpecifierText = Field(description="PEP 440 range of SDK versions the skill works with.")
    display_name: Localized
    description: Localized
    intents: tuple[Intent, ...] = ()
    permissions: tuple[Permission, ...] = ()
    price: PriceHint = Field(default_factory=PriceHint)
    categories: tuple[Annotated[str, Field(pattern=r"^[a-z0-9\-]{1,32}$")], ...] = ()
    fallback: bool = Field(False, description="Answers when no other skill fits.")
    timeout: float | None = Field(None, gt=0, le=600, description="Seconds per call.")

    @field_validator("display_name", "description")
    @classmethod
    def _needs_english(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError("needs an English ('en') text to fall back to")
        return value

    @property
    def specifier(self) -> SpecifierSet:
        return SpecifierSet(self.sdk)

    def supports_sdk(self, version: str) -> bool:
        return self.specifier.contains(version, prereleases=True)

    def localized(self, field: str, locale_chain: tuple[str, ...]) -> str:
        texts: dict[str, str] = getattr(self, field)
        for locale in locale_chain:
            language = locale.split("_")[0]
            if language in texts:
                return texts[language]
        return texts["en"]


def parse_manifest(data: bytes | str, *, source: str = MANIFEST_FILENAME) -> SkillManifest:
    """Parse and validate manifest text; every problem is one ManifestError sentence."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestError.localizable(N_("{source} is larger than {limit} bytes."),
                                        context={"path": source}, source=source,
                                        limit=MAX_MANIFEST_BYTES)
    try:
        document: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ManifestError.localizable(N_("{source} is not UTF-8 text."),
                                        context={"path": source}, source=source) from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError.localizable(N_("{source} is not valid TOML: {error}."),
                                        context={"path": source}, source=source,
                                        error=str(exc)) from None
    try:
        return SkillManifest.model_validate(document)
    except ValidationError as exc:
        skill = document.get("name") if isinstance(document.get("name"), str) else None
        raise _validation_error(exc, source, skill) from None


def _validation_error(exc: ValidationError, source: str, skill: str | None) -> ManifestError:
    """The first problem as one sentence; a localizable one when it is ours, not pydantic's
    (pydantic's phrases are English only, and half a translated sentence helps nobody)."""
    first = exc.errors()[0]
    field = repr(".".join(str(part) for part in first["loc"]) or "document")
    context = {"skill": skill, "path": source}
    if first["type"] == "missing":
        return ManifestError.localizable(N_("{source}: field {field} is required."),
                                         context=context, source=source, field=field)
    if first["type"] == "extra_forbidden":
        return ManifestError.localizable(N_("{source}: field {field} is not a known field."),
                                         context=context, source=source, field=field)
    return ManifestError(f"{source}: {describe_validation_error(exc)}.", **context)


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a pydantic error, as a phrase naming the field."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "document"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "is not a known field"
    elif first["type"] == "missing":
        message = "is required"
    return f"field '{where}' {message}"


def manifest_paths(entry_point_value: str) -> tuple[str, ...]:
    """Where a manifest may sit for an entry point value, in the order to look.

    ``pkg.skill`` (a module) → ``pkg/skill/robeing-skill.toml`` if ``skill`` is a package,
    else ``pkg/robeing-skill.toml``. Paths use ``/`` as in wheels and RECORD files.
    """
    module = entry_point_value.split(":", 1)[0].strip()
    parts = [p for p in module.split(".") if p]
    candidates = ["/".join([*parts, MANIFEST_FILENAME])]
    if len(parts) > 1:
        candidates.append("/".join([*parts[:-1], MANIFEST_FILENAME]))
    return tuple(candidates)


__all__ = [
    "MANIFEST_FILENAME",
    "Intent",
    "Permission",
    "PriceHint",
    "PriceKind",
    "SkillManifest",
    "describe_validation_error",
    "manifest_paths",
    "parse_manifest",
]
