"""Rejecting a held name removes the skill's files: the rows are marked deleted in the
decision's transaction (their names stay refused forever), then the bytes no other row
references leave the store. A crash in between leaves only orphan blobs for the sweep."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from marketplace.accounts.service import authenticate
from marketplace.db import Database
from marketplace.releases import service as releases
from marketplace.releases.models import File
from marketplace.review import service as review
from marketplace.review.models import NameReview, NameReviewDecision, ReviewStatus
from marketplace.storage import ArtifactStore, LocalArtifactStore, sha256_of
from tests.marketplace.conftest import PartnerHandle, upload
from tests.marketplace.review.conftest import REVIEWS

NAMES = ["t0asting-1.0.0-py3-none-any.whl", "t0asting-1.1.0-py3-none-any.whl"]


@pytest.fixture
def held_two(held: PartnerHandle, wheels: Any, upload_file: Any) -> list[Path]:
    """``t0asting`` held with two files (1.0.0 from the ``held`` fixture, 1.1.0 here)."""
    more = wheels("t0asting", version="1.1.0")
    assert upload_file(held, more).status_code == 200
    return [more]


def rows(db: Database, skill: str = "t0asting") -> list[File]:
    with db.read() as session:
        return list(session.exec(select(File).where(col(File.filename).startswith(skill))
                                 .order_by(col(File.filename))).all())


def reject(client: TestClient, staff: PartnerHandle) -> Any:
    [pending] = client.get(REVIEWS, headers=staff.bearer).json()
    response = client.post(f"{REVIEWS}/{pending['id']}/reject", headers=staff.bearer)
    assert response.status_code == 200, response.text
    return response


def live_rows_have_bytes(db: Database, store: ArtifactStore) -> bool:
    with db.read() as session:
        live = session.exec(select(File.sha256).where(col(File.deleted_at).is_(None))).all()
    return all(store.exists(digest) for digest in live)


def test_rejection_removes_files_and_keeps_their_names(
        client: TestClient, app: Any, db: Database, held: PartnerHandle, held_two: list[Path],
        staff: PartnerHandle, wheels: Any, upload_file: Any, make_partner: Any) -> None:
    store = app.state.store
    before = rows(db)
    assert [f.filename for f in before] == NAMES
    assert all(store.exists(f.sha256) for f in before)
    reject(client, staff)
    after = rows(db)
    assert [f.filename for f in after] == NAMES  # rows kept: the names stay taken
    assert all(f.deleted_at is not None and f.core_metadata == b"" for f in after)
    assert not any(store.exists(f.sha256) for f in before)
    assert client.get("/v1/skills/t0asting/files", headers=held.bearer).json() == []
    detail = client.get("/v1/skills/t0asting", headers=held.bearer).json()
    assert (detail["name_review"], detail["latest_version"]) == ("rejected", None)
    assert live_rows_have_bytes(db, store)
    # neither the owner (the name is rejected) nor anyone else (not theirs) uploads them again
    for partner in (held, make_partner("stranger")):
        again = upload_file(partner, wheels("t0asting", version="1.1.0"))
        assert again.status_code == 403, again.text
    assert [f.filename for f in rows(db)] == NAMES and len(list(store.keys())) == 1  # toasting


def test_a_blob_another_row_references_is_kept(client: TestClient, app: Any, db: Database,
                                               held: PartnerHandle, staff: PartnerHandle
                                               ) -> None:
    """Content-addressed: one blob per digest. Should another live row have the same bytes
    (two names uploaded at once on PostgreSQL can both pass the same-bytes check), the
    rejected skill's rows go but the blob stays for the other."""
    [rejected] = rows(db)
    [toasting] = rows(db, "toasting")
    with db.write() as session:
        twin = File(**{**toasting.model_dump(), "id": uuid.uuid4(),
                       "filename": "toasting-9.0.0-py3-none-any.whl",
                       "sha256": rejected.sha256})
        session.add(twin)
        session.commit()
    reject(client, staff)
    assert rows(db)[0].deleted_at is not None
    assert app.state.store.exists(rejected.sha256)
    assert app.state.store.exists(toasting.sha256)
    assert live_rows_have_bytes(db, app.state.store)


class FailingDeletes(LocalArtifactStore):
    """The store goes away after the decision is committed (a crash, an S3 outage)."""

    def delete(self, sha256: str) -> None:
        raise OSError("store unreachable")


def test_a_failed_clean_up_leaves_only_orphans_for_the_sweep(
        client: TestClient, app: Any, db: Database, held: PartnerHandle, held_two: list[Path],
        staff: PartnerHandle) -> None:
    store = app.state.store
    app.state.store = FailingDeletes(store.root)
    reject(client, staff)  # still 200: the decision and the rows stand
    app.state.store = store
    digests = [f.sha256 for f in rows(db)]
    assert all(f.deleted_at is not None for f in rows(db))
    assert all(store.exists(digest) for digest in digests)  # orphans now, no live row
    assert live_rows_have_bytes(db, store)
    assert sorted(releases.sweep_orphans(db, store, older_than=timedelta(0))) == sorted(digests)
    assert not any(store.exists(digest) for digest in digests)


def test_sweep_removes_files_of_names_rejected_earlier(
        client: TestClient, app: Any, db: Database, held: PartnerHandle, held_two: list[Path]
        ) -> None:
    """A rejection decided before rejections removed files (or by hand) is caught up by the
    sweep, whatever the blobs' age."""
    with db.write() as session:
        row = session.exec(select(NameReview)).one()
        row.status = ReviewStatus.REJECTED.value
        session.add(row)
        session.commit()
    digests = [f.sha256 for f in rows(db)]
    removed = releases.sweep_orphans(db, app.state.store)  # default grace: an hour
    assert sorted(removed) == sorted(digests)
    assert all(f.deleted_at is not None for f in rows(db))
    assert releases.sweep_orphans(db, app.state.store) == []  # nothing left to do
    assert len(list(app.state.store.keys())) == 1  # toasting's


def test_approval_keeps_the_files(client: TestClient, app: Any, db: Database,
                                  held: PartnerHandle, held_two: list[Path],
                                  staff: PartnerHandle) -> None:
    [pending] = client.get(REVIEWS, headers=staff.bearer).json()
    assert client.post(f"{REVIEWS}/{pending['id']}/approve",
                       headers=staff.bearer).status_code == 200
    assert all(f.deleted_at is None and app.state.store.exists(f.sha256) for f in rows(db))


def test_an_upload_racing_the_rejection_is_refused_or_removed(
        client: TestClient, app: Any, db: Database, held: PartnerHandle,
        staff: PartnerHandle, wheels: Any) -> None:
    """Staff reject while an upload to the held skill is being recorded: the upload waits
    for the decision's lock and is then refused, leaving neither a live row nor its blob."""
    wheel = wheels("t0asting", version="3.0.0")
    answers: list[Any] = []
    with db.write() as session:
        [pending] = review.reviews(session, ReviewStatus.PENDING)
        review.decide(session, pending.id, ReviewStatus.REJECTED, NameReviewDecision(),
                      authenticate(session, staff.token))
        retired = releases.retire_files(session, pending.skill_id)
        thread = threading.Thread(target=lambda: answers.append(upload(client, held, wheel)))
        thread.start()
        time.sleep(1.5)  # the upload stored its blob and now waits for the lock
        assert thread.is_alive()
        session.commit()
    releases.discard_blobs(db, app.state.store, retired)
    thread.join(30)
    [answer] = answers
    assert answer.status_code == 403, answer.text
    assert "rejected by marketplace staff" in answer.json()["detail"]
    assert all(f.deleted_at is not None for f in rows(db))
    assert not app.state.store.exists(sha256_of(wheel))
    assert live_rows_have_bytes(db, app.state.store)
