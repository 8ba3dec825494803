"""Marketplace configuration, read from ``ROBEING_*`` environment variables.

Everything has a working default: with nothing set, the marketplace keeps a SQLite file and a
content-addressed artifact folder under ``./.robeing-marketplace``. ``ROBEING_DATABASE_URL``
switches to PostgreSQL (``postgresql+psycopg://user@host/db``), where several stateless
processes may share one database and one artifact store.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Final

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB: Final = 1024 * 1024


class Settings(BaseSettings):
    """Validated settings; build one per app (tests build their own)."""

    model_config = SettingsConfigDict(env_prefix="ROBEING_", extra="ignore")

    data_dir: Path = Field(Path(".robeing-marketplace"),
                           description="Holds the SQLite file and the artifact folder.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite file.")
    artifact_dir: Path | None = Field(None, description="Default: DATA_DIR/artifacts.")
    artifact_store: str | None = Field(
        None, description="s3://BUCKET/PREFIX for an S3-compatible object store; unset: the "
                          "local folder ARTIFACT_DIR.")
    s3_endpoint_url: str | None = Field(None, description="For stores other than AWS "
                                                          "(MinIO, Ceph, R2): their URL.")
    s3_region: str | None = Field(None, description="Default: boto3's (AWS_REGION).")
    s3_access_key_id: str | None = Field(None, description="Default: boto3's credential "
                                                           "chain (AWS_ACCESS_KEY_ID, ...).")
    s3_secret_access_key: SecretStr | None = None
    max_upload_bytes: int = Field(100 * MIB, ge=1024, description="Largest accepted file.")
    max_uncompressed_bytes: int = Field(500 * MIB, ge=1024,
                                        description="Largest total unpacked size of a file.")
    max_compression_ratio: float = Field(100.0, gt=1, description="Zip bomb guard.")
    max_body_bytes: int = Field(1 * MIB, ge=1024, description="Largest JSON request body.")
    sqlite_busy_timeout_ms: int = Field(10_000, ge=5_000)
    index_cache_seconds: int = Field(60, ge=0, description="Cache-Control max-age of pages.")
    echo_sql: bool = False
    portal_registration: bool = Field(True, description="Let new partners register "
                                      "themselves on the portal (/portal/register).")
    default_locale: str = Field("en", max_length=35,
                                description="Language of API texts when the request names "
                                            "none (ko, en, ja, zh, es).")

    @field_validator("artifact_store")
    @classmethod
    def _s3_location(cls, value: str | None) -> str | None:
        if value:
            from marketplace.storage_s3 import S3Location

            S3Location.parse(value)  # a ValueError names the bad value
        return value or None

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        from robeing_sdk.i18n import negotiate

        return negotiate(value)  # LocaleError is a ValueError: a clear start-up error

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'marketplace.db').resolve()}"

    @property
    def resolved_artifact_dir(self) -> Path:
        return (self.artifact_dir or self.data_dir / "artifacts").resolve()

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process's settings from the environment (cached; tests pass their own)."""
    return Settings()
