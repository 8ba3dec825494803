"""An artifact store that fails while an upload is stored (a full disk, an S3 outage, an
object that will not hold the right bytes) makes the upload a 503 to retry: one sentence,
``Retry-After``, and nothing recorded; the retry then publishes normally."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from marketplace.catalog.models import Skill
from marketplace.db import Database
from marketplace.releases.models import File
from marketplace.storage import ArtifactMismatch, LocalArtifactStore


class FullDisk(LocalArtifactStore):
    def put(self, sha256: str, source: Path) -> None:
        raise OSError(28, "No space left on device")


class WrongBytes(LocalArtifactStore):
    def put(self, sha256: str, source: Path) -> None:
        raise ArtifactMismatch(f"the object for {sha256} kept holding other bytes")


class Unreachable(LocalArtifactStore):
    def exists(self, sha256: str) -> bool:
        raise ConnectionError("Could not connect to the endpoint URL")


def rows(db: Database) -> tuple[int, int]:
    with db.read() as session:
        return (session.exec(select(func.count()).select_from(Skill)).one(),
                session.exec(select(func.count()).select_from(File)).one())


@pytest.mark.parametrize("broken", [FullDisk, WrongBytes, Unreachable])
def test_a_failing_store_refuses_the_upload_cleanly(client: TestClient, app: Any, db: Database,
                                                    make_partner: Any, wheels: Any,
                                                    upload_file: Any, broken: type) -> None:
    partner, wheel = make_partner(), wheels()
    store = app.state.store
    app.state.store = broken(store.root)
    refused = upload_file(partner, wheel)
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["detail"] == ("The artifact store could not take the file just now, "
                                        "so nothing was published; retry in a moment.")
    assert rows(db) == (0, 0) and list(store.keys()) == []
    app.state.store = store
    retried = upload_file(partner, wheel)
    assert retried.status_code == 200, retried.text
    assert rows(db) == (1, 1) and len(list(store.keys())) == 1


def test_the_sentence_is_translated(client: TestClient, app: Any, make_partner: Any,
                                    wheels: Any, upload_file: Any) -> None:
    app.state.store = FullDisk(app.state.store.root)
    partner, wheel = make_partner(), wheels()
    details = set()
    for language in ("ko", "ja", "zh", "es"):
        answer = upload_file(partner, wheel, headers={**partner.basic,
                                                      "Accept-Language": language})
        assert answer.status_code == 503
        details.add(answer.json()["detail"])
    assert len(details) == 4 and not any("artifact store" in d for d in details)
