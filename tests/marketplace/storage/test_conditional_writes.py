"""The S3 store never overwrites an object another writer stored first, and checks that what
is there hashes to its name, against a real S3 wire server (moto's).

What moto 5.2 does and does not do (checked here, so a moto upgrade that changes it shows):
it honours ``If-None-Match: *`` and ``If-Match`` on ``PutObject`` (412 on a failed
condition), so the races below run on the wire. It does not verify ``x-amz-checksum-sha256``
against the body (AWS does: ``BadDigest``), and it ignores ``x-amz-copy-source-if-match`` on
``CopyObject``; those two AWS-side checks are therefore sent but not exercised here.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from marketplace.storage import ArtifactMismatch, LocalArtifactStore, sha256_of
from marketplace.storage_s3 import S3ArtifactStore
from tests.marketplace.storage.conftest import S3_KEYS

GOOD = b"the wheel's bytes"
DIGEST = hashlib.sha256(GOOD).hexdigest()


class Wire:
    """Every PutObject a client sends: its conditional headers and the status it got."""

    def __init__(self, client: Any) -> None:
        self.sent: list[dict[str, str]] = []
        self.status: list[int] = []
        self.before: Callable[[dict[str, str]], None] = lambda headers: None
        client.meta.events.register("before-send.s3.PutObject", self._send)
        client.meta.events.register("after-call.s3.PutObject", self._answer)

    def _send(self, request: Any, **_: Any) -> None:
        headers = {k.lower(): v.decode() if isinstance(v, bytes) else str(v)
                   for k, v in request.headers.items()
                   if k.lower() in ("if-none-match", "if-match", "x-amz-checksum-sha256")}
        self.sent.append(headers)
        self.before(headers)

    def _answer(self, http_response: Any, **_: Any) -> None:
        self.status.append(http_response.status_code)


@pytest.fixture
def stores(s3_endpoint: str, s3_bucket: str) -> Iterator[tuple[S3ArtifactStore,
                                                                S3ArtifactStore]]:
    """Two marketplace processes sharing one bucket: ``mine`` and ``other``."""
    def make() -> S3ArtifactStore:
        return S3ArtifactStore.from_settings(
            f"s3://{s3_bucket}/pkgs", endpoint_url=s3_endpoint, region=S3_KEYS["s3_region"],
            access_key_id="testing", secret_access_key="testing")

    yield make(), make()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "wheel"
    path.write_bytes(GOOD)
    return path


def raw_put(store: S3ArtifactStore, data: bytes) -> str:
    """Write ``data`` under DIGEST's key behind the store's back; returns its ETag."""
    answer = store.client.put_object(Bucket=store.location.bucket, Key=store._key(DIGEST),
                                     Body=data)
    return str(answer["ETag"])


def stored(store: S3ArtifactStore) -> bytes:
    with store.open(DIGEST) as handle:
        return handle.read()


def test_a_first_put_is_conditional_and_carries_the_checksum(stores: Any, source: Path) -> None:
    mine, _ = stores
    wire = Wire(mine.client)
    mine.put(DIGEST, source)
    assert wire.sent == [{"if-none-match": "*", "x-amz-checksum-sha256":
                          base64.b64encode(bytes.fromhex(DIGEST)).decode()}]
    assert wire.status == [200] and stored(mine) == GOOD


def test_losing_the_race_keeps_the_winners_object(stores: Any, source: Path) -> None:
    """The other process stores the same blob between our decision to write and our
    request: our conditional write is refused (412), the existing bytes are verified, and
    the winner's object stays (same ETag), made recent again."""
    mine, other = stores
    wire = Wire(mine.client)
    etags: list[str] = []
    wire.before = lambda headers: etags.append(raw_put(other, GOOD)) if not etags else None
    mine.put(DIGEST, source)
    assert wire.status == [412]  # the server refused to overwrite; nothing else was sent
    head = mine.client.head_object(Bucket=mine.location.bucket, Key=mine._key(DIGEST))
    assert head["ETag"] == etags[0] and stored(mine) == GOOD
    assert head["Metadata"].get("touched")  # copied onto itself: recent for the sweep


def test_a_damaged_object_is_replaced_only_in_that_version(stores: Any, source: Path) -> None:
    mine, _ = stores
    damaged = raw_put(mine, b"truncated")
    wire = Wire(mine.client)
    mine.put(DIGEST, source)
    assert [h.get("if-none-match") or h.get("if-match") for h in wire.sent] == ["*", damaged]
    assert wire.status == [412, 200] and stored(mine) == GOOD


def test_a_repair_never_overwrites_a_newer_object(stores: Any, source: Path) -> None:
    """While we replace a damaged object, the other process stores the right bytes first:
    our ``If-Match`` on the damaged version fails, and we verify and keep theirs."""
    mine, other = stores
    raw_put(mine, b"truncated")
    wire = Wire(mine.client)
    winner: list[str] = []

    def interleave(headers: dict[str, str]) -> None:
        if "if-match" in headers and not winner:
            winner.append(raw_put(other, GOOD))

    wire.before = interleave
    mine.put(DIGEST, source)
    assert wire.status == [412, 412]
    head = mine.client.head_object(Bucket=mine.location.bucket, Key=mine._key(DIGEST))
    assert head["ETag"] == winner[0] and stored(mine) == GOOD


def test_an_object_swept_away_meanwhile_is_stored_again(stores: Any, source: Path) -> None:
    mine, other = stores
    raw_put(mine, GOOD)
    wire = Wire(mine.client)
    original = mine._stored_digest

    def swept_first(key: str) -> tuple[str | None, str | None]:
        other.delete(DIGEST)  # an orphan sweep in another process, just after our 412
        return original(key)

    mine._stored_digest = swept_first  # type: ignore[method-assign]
    mine.put(DIGEST, source)
    assert [h.get("if-none-match") for h in wire.sent] == ["*", "*"]
    assert wire.status == [412, 200] and stored(mine) == GOOD


def test_bytes_that_keep_changing_are_an_error(stores: Any, source: Path) -> None:
    mine, other = stores
    raw_put(mine, b"damaged 0")
    wire = Wire(mine.client)
    counter = itertools.count(1)
    wire.before = lambda headers: (raw_put(other, f"damaged {next(counter)}".encode())
                                   if "if-match" in headers else None)
    with pytest.raises(ArtifactMismatch, match="kept changing or holding other bytes"):
        mine.put(DIGEST, source)
    assert wire.status == [412, 412, 412]


def test_the_local_store_repairs_a_damaged_file(tmp_path: Path, source: Path) -> None:
    store = LocalArtifactStore(tmp_path / "store")
    store.put(DIGEST, source)
    path = store.local_path(DIGEST)
    assert path is not None
    path.write_bytes(b"bit rot")
    store.put(DIGEST, source)
    assert path.read_bytes() == GOOD and sha256_of(path) == DIGEST
