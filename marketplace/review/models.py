"""One review per held skill: pending until staff approve or reject it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from marketplace.catalog.text import StoredText
from marketplace.db import UTCDateTime, utcnow


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class NameReviewBase(SQLModel):
    skill: str = Field(max_length=64, description="The held skill's normalized name.")
    confusable_with: str = Field(max_length=64,
                                 description="The existing skill (another owner's) it "
                                             "resembles.")
    note: str | None = Field(default=None, max_length=500,
                             description="The deciding staff member's note.")


class NameReview(NameReviewBase, table=True):
    __tablename__ = "name_review"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", unique=True)
    status: str = Field(default=ReviewStatus.PENDING.value, max_length=20, index=True)
    requested_by: uuid.UUID = Field(foreign_key="partner.id",
                                    description="The partner whose upload created the skill.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = Field(default=None, max_length=100,
                                   description="The staff account's name.")


class NameReviewPublic(NameReviewBase):
    id: uuid.UUID
    status: ReviewStatus
    requested_by: uuid.UUID
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None


class NameReviewDecision(SQLModel):
    """Approve or reject a held name; only the note is accepted."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    note: StoredText | None = Field(default=None, max_length=500)
