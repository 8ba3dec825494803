"""An S3-compatible artifact store (AWS S3, MinIO, Ceph, R2, ...), selected with
``ROBEING_ARTIFACT_STORE=s3://BUCKET/PREFIX``.

Objects are named like the local folder's files, ``PREFIX/ab/cd/abcd…`` (content-addressed by
sha256). ``put`` is a conditional ``PutObject`` with ``If-None-Match: *``: the first writer
wins and a retry or a concurrent upload of the same bytes gets 412, which is success here
(the bytes are the same, by their name); the existing object is then copied onto itself so
its ``LastModified`` is recent again and no orphan sweep takes it while its upload
completes. Downloads stream ``GetObject`` in 1 MiB chunks; nothing is buffered whole.
boto3 comes with the ``s3`` extra (``pip install "robeing[s3]"``) and is imported only when
this store is used.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from marketplace.storage import check_digest

_CHUNK = 1024 * 1024


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
        from botocore.exceptions import ClientError

        key = self._key(sha256)
        try:
            with source.open("rb") as body:
                self.client.put_object(Bucket=self.location.bucket, Key=key, Body=body,
                                       IfNoneMatch="*")
        except ClientError as error:
            if self._status(error) != 412:  # 412: already stored, which is what we want
                raise
            self.client.copy_object(Bucket=self.location.bucket, Key=key,
                                    CopySource={"Bucket": self.location.bucket, "Key": key},
                                    MetadataDirective="REPLACE",
                                    Metadata={"touched": datetime.now(UTC).isoformat()})

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
