"""Partners (organizations or people who publish skills) and their API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, StringConstraints
from sqlmodel import Field, SQLModel

from marketplace.db import UTCDateTime, utcnow

PARTNER_TIERS = ("community", "certified", "gold", "strategic")


class TokenRole(StrEnum):
    """What a token may do within its partner: admins decide, members see and publish."""

    ADMIN = "admin"
    MEMBER = "member"


class PartnerBase(SQLModel):
    name: str = Field(min_length=1, max_length=100)
    email: str = Field(max_length=254)


class Partner(PartnerBase, table=True):
    __tablename__ = "partner"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100, unique=True, index=True)
    tier: str = Field(default="community", max_length=20)
    is_staff: bool = Field(default=False, description="A marketplace staff account, not a "
                           "partner organization (made by `robeing marketplace staff create`).")
    locale: str | None = Field(default=None, max_length=10,
                               description="The account's language (ko, en, ja, zh, es); None "
                               "follows the request's Accept-Language.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PartnerCreate(PartnerBase):
    """What an operator gives; the tier is set by the partner program, never by the caller."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    name: Annotated[str, StringConstraints(min_length=1, max_length=100,
                                           pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._\-]*$")]
    email: Annotated[str, StringConstraints(max_length=254,
                                            pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class PartnerPublic(PartnerBase):
    id: uuid.UUID
    tier: str
    created_at: datetime


class ApiTokenBase(SQLModel):
    description: str = Field(default="", max_length=200)
    skill_name: str | None = Field(default=None, max_length=64,
                                   description="If set, the token may publish only this skill.")
    role: TokenRole = Field(default=TokenRole.ADMIN,
                            description="admin (decides for the partner) or member; a token "
                            "cannot issue a token with more power than its own.")


class ApiToken(ApiTokenBase, table=True):
    __tablename__ = "api_token"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    partner_id: uuid.UUID = Field(foreign_key="partner.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    role: str = Field(default=TokenRole.ADMIN.value, max_length=10)  # type: ignore[assignment]
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiTokenCreate(ApiTokenBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class ApiTokenPublic(ApiTokenBase):
    id: uuid.UUID
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenIssued(ApiTokenPublic):
    """Returned once, when the token is made: the only time the secret is shown."""

    token: str
