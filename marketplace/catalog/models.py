"""Skills (projects in packaging terms) and who may publish them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.catalog.text import StoredText
from marketplace.db import UTCDateTime, utcnow
from marketplace.review.models import ReviewStatus


class Role(StrEnum):
    OWNER = "owner"
    MAINTAINER = "maintainer"


class SkillBase(SQLModel):
    name: str = Field(max_length=64, description="PEP 503 normalized name.")
    summary: str = Field(default="", max_length=512)


class Skill(SkillBase, table=True):
    __tablename__ = "skill"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    confusable_key: str = Field(max_length=64, index=True,
                                description="Name with l/i→1, o→0 and ._- removed.")
    flagged_confusable: bool = False
    display_name: str = Field(default="", max_length=200)
    search_text: str = Field(default="", description="Lower-cased name, summary, descriptions.")
    categories: str = Field(default="", max_length=400, description="Space-separated.")
    locales: str = Field(default="", max_length=100, description="Space-separated.")
    price_kind: str = Field(default="free", max_length=20)
    latest_version: str | None = Field(default=None, max_length=64)
    sdk_specifier: str | None = Field(default=None, max_length=200)
    downloads: int = 0
    deprecated: bool = False
    deprecation_reason: str | None = Field(default=None, max_length=500)
    successor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SkillText(SQLModel, table=True):
    """A skill's display name and description in one language, from its newest manifest."""

    __tablename__ = "skill_text"

    skill_id: uuid.UUID = Field(foreign_key="skill.id", primary_key=True)
    locale: str = Field(max_length=16, primary_key=True, description="ISO 639-1 code.")
    display_name: str = Field(default="", max_length=2000)
    description: str = Field(default="", max_length=2000)


class SkillRole(SQLModel, table=True):
    __tablename__ = "skill_role"
    __table_args__ = (UniqueConstraint("skill_id", "partner_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", index=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    role: str = Field(default=Role.OWNER.value, max_length=20)


class SkillPublic(SkillBase):
    id: uuid.UUID
    display_name: str = Field(description="In ``locale``, the request's language or "
                                                  "the nearest one the skill has.")
    description: str = Field(description="In ``locale``, like ``display_name``.")
    locale: str = Field(description="The language of ``display_name`` and "
                                            "``description`` (ISO 639-1).")
    display_names: dict[str, str] = Field(description="Every language's name.")
    descriptions: dict[str, str] = Field(description="Every language's description.")
    categories: list[str]
    locales: list[str]
    price_kind: str
    latest_version: str | None
    sdk_specifier: str | None
    downloads: int
    deprecated: bool
    deprecation_reason: str | None
    successor: str | None
    flagged_confusable: bool
    created_at: datetime
    updated_at: datetime
    name_review: ReviewStatus | None = Field(
        default=None, description="Shown only to the skill's own owners and maintainers, "
        "while its name is held for staff review: ``pending`` (hidden from the index, the "
        "catalog and search until approved) or ``rejected`` (hidden for good, its files "
        "removed). ``null`` for a listed skill.")

    @classmethod
    def from_row(cls, skill: Skill, texts: SkillTexts | None = None,
                 chain: tuple[str, ...] = ("en",),
                 name_review: ReviewStatus | None = None) -> SkillPublic:
        """``texts`` in every language (from :func:`catalog.service.texts_of`), shown in the
        first language of ``chain`` that has both a name and a description."""
        texts = texts or SkillTexts({}, {})
        locale, name, description = texts.pick(chain, skill.display_name)
        data = {field: getattr(skill, field) for field in cls.model_fields
                if field not in _COMPUTED}
        return cls(**data, categories=skill.categories.split(), locales=skill.locales.split(),
                   display_name=name, description=description, locale=locale,
                   display_names=texts.display_names, descriptions=texts.descriptions,
                   name_review=name_review)


_COMPUTED = frozenset({"categories", "locales", "display_name", "description", "locale",
                       "display_names", "descriptions", "name_review"})


@dataclass(frozen=True, slots=True)
class SkillTexts:
    """One skill's names and descriptions by language."""

    display_names: dict[str, str]
    descriptions: dict[str, str]

    def pick(self, chain: tuple[str, ...], fallback_name: str) -> tuple[str, str, str]:
        """(locale, name, description): the first language of ``chain`` (then English)
        with both texts, so a name and its description are never in two languages."""
        for locale in (*chain, "en"):
            language = locale.split("_")[0]
            if language in self.display_names and language in self.descriptions:
                return language, self.display_names[language], self.descriptions[language]
        return "en", self.display_names.get("en", fallback_name), self.descriptions.get("en", "")


class SkillDeprecate(SQLModel):
    """Mark a whole skill deprecated, optionally naming the skill that replaces it."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    deprecated: bool = True
    reason: StoredText | None = Field(default=None, max_length=500)
    successor: str | None = Field(default=None, max_length=64)


class RoleCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    partner: StoredText = Field(max_length=100, description="The partner's name.")
    role: Role = Role.MAINTAINER
