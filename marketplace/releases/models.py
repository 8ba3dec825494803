"""Releases (one version of a skill) and their files; a deleted file keeps its row
(``deleted_at``), so its name is never used again."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from marketplace.catalog.text import StoredText
from marketplace.db import UTCDateTime, utcnow


class ReleaseBase(SQLModel):
    version: str = Field(max_length=64)
    summary: str = Field(default="", max_length=512)
    requires_python: str | None = Field(default=None, max_length=200)
    sdk_specifier: str = Field(max_length=200)
    yanked: bool = False
    yanked_reason: str | None = Field(default=None, max_length=500)


class Release(ReleaseBase, table=True):
    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("skill_id", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", index=True)
    is_prerelease: bool = False
    manifest_json: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReleasePublic(ReleaseBase):
    id: uuid.UUID
    is_prerelease: bool
    created_at: datetime
    files: list[FilePublic] = []


class YankRequest(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    yanked: bool = True
    reason: StoredText | None = Field(default=None, max_length=500)


class FileBase(SQLModel):
    filename: str = Field(max_length=255)
    filetype: str = Field(max_length=20)
    size: int
    sha256: str = Field(max_length=64)
    requires_python: str | None = Field(default=None, max_length=200)


class File(FileBase, table=True):
    __tablename__ = "file"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    release_id: uuid.UUID = Field(foreign_key="release.id", index=True)
    skill_id: uuid.UUID = Field(foreign_key="skill.id", index=True)
    filename: str = Field(max_length=255, unique=True, index=True)
    sha256: str = Field(max_length=64, index=True)
    blake2_256: str = Field(max_length=64)
    core_metadata: bytes = Field(sa_type=LargeBinary)
    core_metadata_sha256: str = Field(max_length=64)
    uploaded_by: uuid.UUID | None = Field(default=None, foreign_key="partner.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    downloads: int = 0
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime,
                                        description="Set when deleted; the row is kept.")


class FilePublic(FileBase):
    id: uuid.UUID
    version: str
    url: str
    core_metadata_sha256: str
    yanked: bool
    yanked_reason: str | None
    uploaded_at: datetime
    downloads: int


class DownloadDay(SQLModel, table=True):
    """Downloads of one skill on one UTC day, counted with ``File.downloads`` (the portal's
    chart and ``GET /v1/skills/{name}/downloads?days=``). Only days with downloads have rows."""

    __tablename__ = "download_day"

    skill_id: uuid.UUID = Field(foreign_key="skill.id", primary_key=True)
    day: date = Field(primary_key=True)
    downloads: int = 0
