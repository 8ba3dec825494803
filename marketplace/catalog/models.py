"""Skills (projects in packaging terms) and who may publish them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.db import UTCDateTime, utcnow


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


class SkillRole(SQLModel, table=True):
    __tablename__ = "skill_role"
    __table_args__ = (UniqueConstraint("skill_id", "partner_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", index=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    role: str = Field(default=Role.OWNER.value, max_length=20)


class SkillPublic(SkillBase):
    id: uuid.UUID
    display_name: str
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

    @classmethod
    def from_row(cls, skill: Skill) -> SkillPublic:
        data = {field: getattr(skill, field) for field in cls.model_fields
                if field not in ("categories", "locales")}
        return cls(**data, categories=skill.categories.split(), locales=skill.locales.split())


class SkillDeprecate(SQLModel):
    """Mark a whole skill deprecated, optionally naming the skill that replaces it."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    deprecated: bool = True
    reason: str | None = Field(default=None, max_length=500)
    successor: str | None = Field(default=None, max_length=64)


class RoleCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    partner: str = Field(max_length=100, description="The partner's name.")
    role: Role = Role.MAINTAINER
