"""Downloads per day: counted with the total, shown as an SVG chart and over the API."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.catalog.models import Skill
from marketplace.db import Database, utcnow
from marketplace.portal.chart import bar_chart
from marketplace.portal.i18n import texts_for
from marketplace.releases import service as releases
from marketplace.releases.models import DownloadDay, File
from tests.marketplace.conftest import PartnerFactory, Uploader
from tests.marketplace.portal.conftest import sign_in

JSON = "application/vnd.pypi.simple.v1+json"


def _download(client: TestClient, times: int = 1) -> str:
    file = client.get("/simple/hello-skill/", headers={"Accept": JSON}).json()["files"][0]
    for _ in range(times):
        assert client.get(file["url"]).status_code == 200
    return str(file["filename"])


def test_downloads_are_counted_per_day_and_shown(
        client: TestClient, make_partner: PartnerFactory, upload_file: Uploader,
        wheels: Callable[..., Path], db: Database) -> None:
    partner = make_partner("acme")
    assert upload_file(partner, wheels("hello-skill")).status_code == 200
    _download(client, 3)
    today = utcnow().date()
    with db.read() as session:
        rows = session.exec(select(DownloadDay)).all()
    assert [(row.day, row.downloads) for row in rows] == [(today, 3)]
    api = client.get("/v1/skills/hello-skill/downloads?days=7").json()
    assert api["total"] == 3 and len(api["days"]) == 7
    assert api["days"][-1] == {"day": today.isoformat(), "downloads": 3}
    assert all(day["downloads"] == 0 for day in api["days"][:-1])
    assert client.get("/v1/skills/hello-skill/downloads?days=0").status_code == 422
    assert len(client.get("/v1/skills/hello-skill/downloads").json()["days"]) == 30

    sign_in(client, partner.token)
    for path in ("/portal/dashboard", "/portal/skills/hello-skill"):
        html = client.get(path).text
        svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", html, re.S)
        assert svg, path
        assert "<title id=" in svg.group(0) and "<desc id=" in svg.group(0)
        assert svg.group(0).count("<rect") == 30
        assert "3 downloads from" in svg.group(0)
        assert "<script" not in html
    korean = client.get("/portal/skills/hello-skill?lang=ko").text
    assert "일별 다운로드, 최근 30일" in korean and f"{today.month}월 {today.day}일" in korean


def test_the_chart_scales_to_the_busiest_day_and_localizes() -> None:
    first = date(2026, 11, 1)
    series = [(first + timedelta(days=i), i % 3) for i in range(30)]
    chart = bar_chart(texts_for("en"), series)
    heights = [bar.height for bar in chart.bars]
    assert max(heights) == chart.base - chart.top and min(heights) == 0
    assert chart.bars[2].label == "Nov 3: 2 downloads"
    assert chart.bars[1].label == "Nov 2: 1 download"
    assert chart.total == 30
    spanish = bar_chart(texts_for("es"), series)
    assert spanish.bars[2].label == "3 nov: 2 descargas"
    empty = bar_chart(texts_for("en"), [(first, 0)])
    assert empty.summary == "No downloads from Nov 1, 2026 to Nov 1, 2026."


@pytest.mark.postgres
def test_concurrent_downloads_lose_no_count(
        database_url: str | None, make_partner: PartnerFactory, upload_file: Uploader,
        wheels: Callable[..., Path], db: Database) -> None:
    if database_url is None or not database_url.startswith("postgresql"):
        pytest.skip("threads against PostgreSQL")
    assert upload_file(make_partner("acme"), wheels("hello-skill")).status_code == 200
    with db.read() as session:
        file_id = session.exec(select(File.id)).one()
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def download() -> None:
        try:
            start.wait()
            for _ in range(5):
                with db.write() as session:
                    releases.count_download(session, file_id)
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=download) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as session:
        day = session.exec(select(DownloadDay)).one()
        file = session.exec(select(File)).one()
        skill = session.exec(select(Skill)).one()
    assert day.downloads == 40  # one upsert each: no lost count, no duplicate-key error
    assert file.downloads == skill.downloads == 40  # the totals, incremented in SQL
