"""An S3-compatible artifact store (AWS S3, MinIO, Ceph, R2, ...), selected with
``ROBEING_ARTIFACT_STORE=s3://BUCKET/PREFIX``.

Objects are named like the local folder's files, ``PREFIX/ab/cd/abcd…`` (content-addressed by
sha256). ``put`` never overwrites an object a concurrent writer stored first:

1. a conditional ``PutObject`` with ``If-None-Match: *`` and the bytes' ``ChecksumSHA256``
   (S3 refuses bytes that do not match it, so a transfer error cannot store a wrong blob);
2. ``412 PreconditionFailed`` means something is already there: it is read back and hashed.
   Bytes that hash to their name are the same bytes, which is success; the object is then
   copied onto itself (only if its ETag is still the one just verified) so its
   ``LastModified`` is recent again and no orphan sweep takes it while its upload completes;
3. bytes that do not hash to their name (a damaged object) are replaced with ``If-Match`` on
   that object's ETag, so only the damaged version is overwritten, never a newer one.

An object that vanishes or changes between these steps (a sweep, another writer) starts the
round again; after three rounds :class:`ArtifactMismatch` is raised. Downloads stream
``GetObject`` in 1 MiB chunks; nothing is buffered whole. boto3 comes with the ``s3`` extra
(``pip install "robeing[s3]"``) and is imported only when this store is used.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Final, cast
from urllib.parse import urlsplit

from marketplace.storage import ArtifactMismatch, check_digest

_CHUNK = 1024 * 1024
_ROUNDS: Final = 3
log = logging.getLogger("marketplace")


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    prefix: str  # "" or ending in "/"

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """``s3://bucket/some/prefix`` → bucket and ``some/prefix/``."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(f"{url!r} is not an s3://BUCKET/PREFIX location")
        prefix = parts.path.strip("/")
        return cls(parts.netloc, f"{prefix}/" if prefix else "")


class _Body(io.RawIOBase):
    """A ``GetObject`` body as a binary file; iterating yields 1 MiB chunks, not lines."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self._stream.read(_CHUNK):
            yield chunk

    def close(self) -> None:
        self._stream.close()
        super().close()


class S3ArtifactStore:
    """Artifacts in an S3 bucket under a prefix. ``client`` is a boto3 S3 client."""

    def __init__(self, location: S3Location, client: Any) -> None:
        self.location = location
        self.client = client

    @classmethod
    def from_settings(cls, url: str, *, endpoint_url: str | None = None,
                      region: str | None = None, access_key_id: str | None = None,
                      secret_access_key: str | None = None) -> S3ArtifactStore:
        """A store from settings; credentials not given come from boto3's usual chain
        (``AWS_ACCESS_KEY_ID``, profiles, instance roles)."""
        import boto3
        from botocore.config import Config

        options: dict[str, Any] = {"retries": {"max_attempts": 5, "mode": "standard"}}
        if endpoint_url:  # not AWS: path-style URLs, and only the checksums S3 itself requires
            # (several S3-compatible stores refuse the CRC headers boto3 sends since 1.36)
            options.update(s3={"addressing_style": "path"},
                           request_checksum_calculation="when_required",
                           response_checksum_validation="when_required")
        client = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            config=Config(**options))
        return cls(S3Location.parse(url), client)

    def _key(self, sha256: str) -> str:
        digest = check_digest(sha256)
        return f"{self.location.prefix}{digest[:2]}/{digest[2:4]}/{digest}"

    def _status(self, error: Exception) -> int:
        response = getattr(error, "response", None) or {}
        return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))

    def put(self, sha256: str, source: Path) -> None:
        """Store ``source`` under ``sha256`` unless the same bytes are there already (see the
        module docstring for the rounds)."""
        from botocore.exceptions import ClientError

        key = self._key(sha256)
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        condition: dict[str, str] = {"IfNoneMatch": "*"}
        for _ in range(_ROUNDS):
            try:
                with source.open("rb") as body:
                    self.client.put_object(Bucket=self.location.bucket, Key=key, Body=body,
                                           ChecksumSHA256=checksum, **condition)
                return
            except ClientError as error:
                # 412: an object is there (If-None-Match) or changed (If-Match);
                # 404: the object If-Match named is gone
                if self._status(error) not in (404, 412):
                    raise
            etag, actual = self._stored_digest(key)
            if etag is None:  # removed meanwhile: store it afresh
                condition = {"IfNoneMatch": "*"}
            elif actual == sha256:
                if self._touch(key, etag):
                    return
                condition = {"IfNoneMatch": "*"}
            else:
                log.warning("Stored object %s holds bytes with sha256 %s; replacing it.",
                            key, actual)
                condition = {"IfMatch": etag}
        raise ArtifactMismatch(f"the object for {sha256} kept changing or holding other bytes "
                               f"after {_ROUNDS} attempts")

    def _stored_digest(self, key: str) -> tuple[str | None, str | None]:
        """(ETag, sha256 of the bytes) of the object, streamed; (None, None) if absent."""
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.location.bucket, Key=key)
        except ClientError as error:
            if self._status(error) == 404:
                return None, None
            raise
        digest = hashlib.sha256()
        with _Body(response["Body"]) as body:
            for chunk in body:
                digest.update(chunk)
        return str(response["ETag"]), digest.hexdigest()

    def _touch(self, key: str, etag: str) -> bool:
        """Copy the object onto itself (a recent ``LastModified``) if it is still ``etag``;
        False if it changed or vanished since it was verified."""
        from botocore.exceptions import ClientError

        try:
            self.client.copy_object(Bucket=self.location.bucket, Key=key,
                                    CopySource={"Bucket": self.location.bucket, "Key": key},
                                    CopySourceIfMatch=etag, MetadataDirective="REPLACE",
                                    Metadata={"touched": datetime.now(UTC).isoformat()})
        except ClientError as error:
            if self._status(error) in (404, 412):
                return False
            raise
        return True

    def _head(self, sha256: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.location.bucket,
                                                           Key=self._key(sha256))
            return head
        except ClientError as error:
            if self._status(error) == 404:
                return None
            raise

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def open(self, sha256: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.location.bucket,
                                              Key=self._key(sha256))
        except ClientError as error:
            if self._status(error) == 404:
                raise FileNotFoundError(sha256) from None
            raise
        return cast(BinaryIO, _Body(response["Body"]))

    def local_path(self, sha256: str) -> Path | None:
        return None

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.location.bucket, Key=self._key(sha256))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.location.bucket, Prefix=self.location.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if item["Key"] == f"{self.location.prefix}{name[:2]}/{name[2:4]}/{name}":
                    yield name

    def stored_at(self, sha256: str) -> datetime | None:
        head = self._head(sha256)
        if head is None:
            return None
        modified: datetime = head["LastModified"]
        return modified.astimezone(UTC)
