"""Content-addressed artifact storage.

Files are stored under their sha256 digest, so writing the same bytes twice is harmless and
a file written before a crash (with no database row yet) is simply overwritten by the retry.
The store knows nothing of file names or releases; the database does. Two stores implement
the :class:`ArtifactStore` protocol: :class:`LocalArtifactStore` (a folder, the default) and
:class:`marketplace.storage_s3.S3ArtifactStore` (``ROBEING_ARTIFACT_STORE=s3://BUCKET/PREFIX``:
``put`` with ``If-None-Match`` and a check of the bytes already there, ``open`` as a streamed
``GetObject``, ``keys`` as ``ListObjectsV2``); :func:`store_for` picks one from the settings.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, runtime_checkable

if TYPE_CHECKING:
    from marketplace.settings import Settings

_CHUNK = 1024 * 1024


@runtime_checkable
class ArtifactStore(Protocol):
    """Where uploaded files live, addressed by the hex sha256 of their bytes."""

    def put(self, sha256: str, source: Path) -> None:
        """Store the bytes of ``source`` under ``sha256``: atomic, and never replacing bytes
        that hash to ``sha256`` (present: a no-op that makes them recent again). Raises
        :class:`ArtifactMismatch` if the store cannot be brought to hold the right bytes."""

    def exists(self, sha256: str) -> bool:
        """Whether bytes with this digest are stored."""

    def open(self, sha256: str) -> BinaryIO:
        """Read the stored bytes; raises FileNotFoundError if absent."""

    def local_path(self, sha256: str) -> Path | None:
        """A path on this machine to serve from directly, or None for remote stores."""

    def delete(self, sha256: str) -> None:
        """Remove the bytes (for sweeps of orphans); a no-op if absent."""

    def keys(self) -> Iterator[str]:
        """Every stored digest."""

    def stored_at(self, sha256: str) -> datetime | None:
        """When the bytes were last stored (S3: ``LastModified``); None if absent."""


class ArtifactMismatch(OSError):
    """The store holds other bytes under a digest and they could not be replaced."""


def check_digest(sha256: str) -> str:
    """``sha256`` itself if it is 64 lower-case hex digits (never a path trick)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"{sha256!r} is not a hex sha256 digest")
    return sha256


class LocalArtifactStore:
    """A folder on a local or shared file system: ``ROOT/ab/cd/abcd…``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp = self.root / ".tmp"
        self.tmp.mkdir(exist_ok=True)

    def _path(self, sha256: str) -> Path:
        digest = check_digest(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, sha256: str, source: Path) -> None:
        target = self._path(sha256)
        if target.is_file() and sha256_of(target) == sha256:
            os.utime(target)  # a retry makes it recent again, so no sweep takes it meanwhile
            return
        # absent, or damaged (bytes that do not hash to the name): write it whole, then
        # rename over it atomically; a concurrent writer renames the same bytes
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=self.tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, _CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self._path(sha256).open("rb")

    def local_path(self, sha256: str) -> Path | None:
        path = self._path(sha256)
        return path if path.is_file() else None

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        for path in self.root.glob("??/??/*"):
            if path.is_file() and len(path.name) == 64:
                yield path.name

    def stored_at(self, sha256: str) -> datetime | None:
        try:
            return datetime.fromtimestamp(self._path(sha256).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_for(settings: Settings) -> ArtifactStore:
    """The store the settings name: S3-compatible for ``s3://…``, else the local folder."""
    if settings.artifact_store:
        from marketplace.storage_s3 import S3ArtifactStore

        secret = settings.s3_secret_access_key
        return S3ArtifactStore.from_settings(
            settings.artifact_store, endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region, access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None)
    return LocalArtifactStore(settings.resolved_artifact_dir)
