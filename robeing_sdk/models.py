"""The seed's data standard as pydantic models.

Ids are UUID v4, timestamps are timezone-aware ISO 8601, money is integer minor units with
an ISO 4217 code, languages are ISO 639-1.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, list_currencies
from pydantic import (
    UUID4,
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
)

from robeing_sdk.i18n.locales import SUPPORTED_LOCALES

# ISO 639-1 codes are the two-letter ones among the languages CLDR names.
_ISO_639_1 = frozenset(
    code for code in Locale("en").languages if isinstance(code, str) and len(code) == 2
)


def _check_language(value: str) -> str:
    if value not in _ISO_639_1:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code")
    return value


LanguageCode = Annotated[str, AfterValidator(_check_language)]
"""An ISO 639-1 code such as ``ko`` or ``en``."""


def _check_currency(value: str) -> str:
    if value not in _CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return value


_CURRENCIES = frozenset(list_currencies())


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as 'Asia/Seoul'") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_zone)]
"""An IANA time zone name such as ``Asia/Seoul``."""
CurrencyCode = Annotated[str, AfterValidator(_check_currency)]


def _now() -> datetime:
    return datetime.now(UTC)


class Money(BaseModel):
    """An exact amount: integer minor units of an ISO 4217 currency (KRW and JPY have none)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: int = Field(description="Minor units: cents for USD, won for KRW.")
    currency: CurrencyCode

    @classmethod
    def of(cls, major: Decimal | int | str, currency: str) -> Self:
        """Build from a major-unit amount; refuses digits the currency does not have."""
        exponent = get_currency_precision(currency)
        scaled = Decimal(str(major)).scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{major} has more decimals than {currency} allows ({exponent}).")
        return cls(amount=int(scaled), currency=currency)

    @property
    def exponent(self) -> int:
        return int(get_currency_precision(self.currency))

    @property
    def major(self) -> Decimal:
        return Decimal(self.amount).scaleb(-self.exponent)

    def format(self, locale: str = "en") -> str:
        """``₩300,000`` in ko, ``$12.50`` in en: Babel's currency format for the locale."""
        return str(format_currency(self.major, self.currency, locale=locale.replace("-", "_")))


class SkillLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    memory: int = Field(0, ge=0, le=100)
    compute: int = Field(0, ge=0, le=100)
    empathy: int = Field(0, ge=0, le=100)
    leadership: int = Field(0, ge=0, le=100)
    ethics: int = Field(0, ge=0, le=100)


class RobeingProfile(BaseModel):
    """Who the robeing is: handed to every skill call."""

    model_config = ConfigDict(extra="forbid")

    id: UUID4 = Field(default_factory=uuid.uuid4)
    created_at: AwareDatetime = Field(default_factory=_now)
    owner_id: UUID4 = Field(default_factory=uuid.uuid4)
    name: str = "Robeing"
    level: int = Field(1, ge=1)
    stats: SkillLevel = Field(default_factory=SkillLevel)
    skills: list[str] = Field(default_factory=list)
    personality_traits: dict[str, float] = Field(default_factory=dict)
    language: LanguageCode = "en"
    timezone: TimeZoneName = "UTC"


class InteractionType(StrEnum):
    MESSAGE = "message"
    TASK = "task"
    FEEDBACK = "feedback"


class Interaction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: UUID4 = Field(default_factory=uuid.uuid4)
    robeing_id: UUID4
    user_id: UUID4
    timestamp: AwareDatetime = Field(default_factory=_now)
    type: InteractionType
    content: str
    outcome: dict[str, Any] | None = None


class MemoryType(StrEnum):
    EPISODIC = "episodic"
    SEMANTIC = "semantic"
    PROCEDURAL = "procedural"


class Memory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: UUID4 = Field(default_factory=uuid.uuid4)
    robeing_id: UUID4
    type: MemoryType
    content: str
    embedding: list[float] | None = None
    importance: float = Field(0.5, ge=0.0, le=1.0)
    created_at: AwareDatetime = Field(default_factory=_now)
    accessed_at: AwareDatetime = Field(default_factory=_now)
    access_count: int = Field(0, ge=0)


__all__ = [
    "SUPPORTED_LOCALES",
    "CurrencyCode",
    "Interaction",
    "InteractionType",
    "LanguageCode",
    "Memory",
    "MemoryType",
    "Money",
    "RobeingProfile",
    "SkillLevel",
    "TimeZoneName",
]
