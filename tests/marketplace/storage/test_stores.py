"""Both artifact stores keep the same contract: content-addressed, put-if-absent, streamed
reads, listing, deletion and the stored time that orphan sweeps rely on."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from marketplace.settings import Settings
from marketplace.storage import ArtifactStore, LocalArtifactStore, sha256_of, store_for
from marketplace.storage_s3 import S3ArtifactStore, S3Location
from tests.marketplace.storage.conftest import S3_KEYS

Factory = Callable[[], ArtifactStore]


@pytest.fixture(params=["local", "s3"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "local":
        return lambda: LocalArtifactStore(tmp_path / "store")
    bucket = request.getfixturevalue("s3_bucket")
    endpoint = request.getfixturevalue("s3_endpoint")
    settings = Settings(data_dir=tmp_path, artifact_store=f"s3://{bucket}/pkgs/v1",
                        s3_endpoint_url=endpoint, **S3_KEYS)
    return lambda: store_for(settings)


def blob(tmp_path: Path, data: bytes) -> tuple[str, Path]:
    path = tmp_path / hashlib.sha256(data).hexdigest()[:8]
    path.write_bytes(data)
    return sha256_of(path), path


def test_round_trip_and_listing(make_store: Factory, tmp_path: Path) -> None:
    store = make_store()
    assert isinstance(store, ArtifactStore)
    big = os.urandom(3 * 1024 * 1024 + 17)  # several chunks
    digest, path = blob(tmp_path, big)
    small_digest, small = blob(tmp_path, b"small")
    assert not store.exists(digest) and store.stored_at(digest) is None
    store.put(digest, path)
    store.put(small_digest, small)
    assert store.exists(digest)
    with store.open(digest) as handle:
        assert handle.read() == big
    with store.open(digest) as handle:  # iterating streams chunks, not lines
        chunks = list(handle)
    assert b"".join(chunks) == big and max(map(len, chunks)) <= 1024 * 1024 + 1
    assert sorted(store.keys()) == sorted([digest, small_digest])
    stored = store.stored_at(digest)
    assert stored is not None and abs(stored - datetime.now(UTC)) < timedelta(minutes=1)
    store.delete(digest)
    store.delete(digest)  # absent: no error
    assert not store.exists(digest) and list(store.keys()) == [small_digest]
    with pytest.raises(FileNotFoundError):
        store.open(digest)


def test_put_is_put_if_absent(make_store: Factory, tmp_path: Path) -> None:
    """The first bytes stay; a retry succeeds and makes the object recent again."""
    store = make_store()
    digest, path = blob(tmp_path, b"first")
    store.put(digest, path)
    before = store.stored_at(digest)
    assert before is not None
    time.sleep(1.1)  # S3 times have whole seconds
    impostor = tmp_path / "impostor"
    impostor.write_bytes(b"other bytes under the same name")
    store.put(digest, impostor)
    with store.open(digest) as handle:
        assert handle.read() == b"first"
    after = store.stored_at(digest)
    assert after is not None and after > before


@pytest.mark.parametrize("digest", ["../../etc/passwd", "A" * 64, "ab" * 31])
def test_only_digests_are_keys(make_store: Factory, digest: str) -> None:
    with pytest.raises(ValueError, match="not a hex sha256"):
        make_store().exists(digest)


def test_foreign_objects_under_the_prefix_are_not_keys(s3_bucket: str, s3_endpoint: str,
                                                       tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, artifact_store=f"s3://{s3_bucket}/a",
                        s3_endpoint_url=s3_endpoint, **S3_KEYS)
    store = store_for(settings)
    assert isinstance(store, S3ArtifactStore)
    client: Any = store.client
    client.put_object(Bucket=s3_bucket, Key="a/readme.txt", Body=b"x")
    client.put_object(Bucket=s3_bucket, Key="b/" + "ab/cd/" + "abcd" * 16, Body=b"x")
    assert list(store.keys()) == []


@pytest.mark.parametrize(("url", "bucket", "prefix"), [
    ("s3://artifacts", "artifacts", ""), ("s3://artifacts/", "artifacts", ""),
    ("s3://artifacts/robeing/files/", "artifacts", "robeing/files/"),
])
def test_locations(url: str, bucket: str, prefix: str) -> None:
    assert S3Location.parse(url) == S3Location(bucket, prefix)


@pytest.mark.parametrize("url", ["artifacts", "s3:///nobucket", "http://x/y", "s3://b/p?x=1"])
def test_bad_location_is_a_settings_error(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not an s3://BUCKET/PREFIX location"):
        Settings(data_dir=tmp_path, artifact_store=url)


def test_default_is_the_local_folder(tmp_path: Path) -> None:
    store = store_for(Settings(data_dir=tmp_path))
    assert isinstance(store, LocalArtifactStore)
    assert store.root == (tmp_path / "artifacts").resolve()
