"""Download counters are single SQL increments: downloads at the same moment, from threads
with their own connections (PostgreSQL lets them run at once), lose no count."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.catalog.models import Skill
from marketplace.db import Database
from marketplace.index import downloads
from marketplace.releases import service as releases
from marketplace.releases.models import DownloadDay, File

THREADS, EACH = 8, 25
DAY = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture
def published(client: TestClient, make_partner: Any, wheels: Any, upload_file: Any) -> Any:
    owner = make_partner()
    for version in ("1.0.0", "2.0.0"):
        assert upload_file(owner, wheels(version=version)).status_code == 200
    return owner


def counts(db: Database) -> tuple[int, list[int], int]:
    """(the skill's total, each file's count, the day's count)."""
    with db.read() as session:
        skill = session.exec(select(Skill)).one()
        files = session.exec(select(File).order_by(File.filename)).all()  # type: ignore[arg-type]
        day = session.exec(select(DownloadDay)).all()
        return skill.downloads, [f.downloads for f in files], sum(d.downloads for d in day)


def run_together(task: Callable[[int], None], threads: int) -> None:
    """Start every thread's work at one barrier, so the increments really overlap."""
    barrier = threading.Barrier(threads)

    def work(index: int) -> None:
        barrier.wait()
        task(index)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))


def test_concurrent_counts_are_exact(db: Database, published: Any) -> None:
    with db.read() as session:
        file_ids = [f.id for f in session.exec(select(File).order_by(File.filename)).all()]  # type: ignore[arg-type]

    def download(index: int) -> None:
        for _ in range(EACH):
            with db.write() as session:
                releases.count_download(session, file_ids[index % 2], at=DAY)
                session.commit()

    run_together(download, THREADS)
    total = THREADS * EACH
    assert counts(db) == (total, [total // 2, total // 2], total)


def test_concurrent_counts_of_the_route_are_exact(db: Database, published: Any) -> None:
    """The route's counter (no ORM session: one statement on PostgreSQL, one short
    transaction on SQLite) loses no count either, and counts the day too."""
    with db.read() as session:
        rows = session.exec(select(File).order_by(File.filename)).all()  # type: ignore[arg-type]
        files = [downloads.Downloadable(f.id, f.skill_id, f.sha256, f.filename, f.size, False,
                                        b"", "") for f in rows]
    counter = downloads.Counter(db)

    def download(index: int) -> None:
        for _ in range(EACH):
            counter.count(files[index % 2], at=DAY)

    run_together(download, THREADS)
    total = THREADS * EACH
    assert counts(db) == (total, [total // 2, total // 2], total)
    with db.read() as session:
        assert [(d.day, d.downloads) for d in session.exec(select(DownloadDay))] == [
            (DAY.date(), total)]


def test_concurrent_downloads_over_http_are_counted(client: TestClient, db: Database,
                                                    published: Any) -> None:
    files = client.get("/v1/skills/hello-skill/files").json()
    urls = [f["url"] for f in files]

    def download(index: int) -> None:
        for _ in range(5):
            assert client.get(urls[index % 2]).status_code == 200

    run_together(download, 6)
    assert counts(db) == (30, [15, 15], 30)
    answer = client.get("/v1/skills/hello-skill/downloads").json()
    assert answer["total"] == 30 and sorted(answer["files"].values()) == [15, 15]


def test_a_blob_missing_from_the_store_is_a_503_not_counted(
        client: TestClient, app: Any, db: Database, published: Any) -> None:
    """Bytes lost behind the marketplace's back (an operator's rm, a bucket emptied) make the
    download a 503 to retry with one sentence, and the download is not counted."""
    files = client.get("/v1/skills/hello-skill/files").json()
    lost = files[0]
    app.state.settings.resolved_artifact_dir.joinpath(
        lost["sha256"][:2], lost["sha256"][2:4], lost["sha256"]).unlink()
    answer = client.get(lost["url"], headers={"Accept-Language": "ko"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert "artifact store" not in answer.json()["detail"]  # said in Korean
    assert answer.json()["type"].endswith("/busy")
    assert client.get(files[1]["url"]).status_code == 200
    assert counts(db)[0] == 1
