"""The per-process page cache: keyed by the index serial, one render for many askers."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.errors import NotFound
from marketplace.index.service import PageCache


def test_one_render_for_concurrent_askers_and_errors_reach_all(db: Any) -> None:
    cache = PageCache(db)
    calls: list[str] = []
    lock = threading.Lock()

    def slow() -> bytes:
        with lock:
            calls.append("render")
        time.sleep(0.05)
        return b"x" * 5000

    def missing() -> bytes:
        raise NotFound("No skill named 'x'.")

    async def scenario() -> None:
        pages = await asyncio.gather(*(cache.page(("k",), slow) for _ in range(8)))
        assert len(calls) == 1 and all(p.body == b"x" * 5000 for p in pages)
        assert pages[0].gzipped is not None and pages[0].etag.startswith('"')
        results = await asyncio.gather(*(cache.page(("gone",), missing) for _ in range(3)),
                                       return_exceptions=True)
        assert all(isinstance(r, NotFound) for r in results)

    asyncio.run(scenario())


def test_a_committed_change_invalidates_in_this_process(client: Any, make_partner: Any,
                                                        wheels: Any, upload_file: Any) -> None:
    partner = make_partner()
    assert client.get("/simple/hello-skill/").status_code == 404
    assert upload_file(partner, wheels()).status_code == 200
    first = client.get("/simple/hello-skill/")
    assert first.status_code == 200 and "1.0.0" in first.text
    assert upload_file(partner, wheels(version="1.1.0")).status_code == 200
    assert "1.1.0" in client.get("/simple/hello-skill/").text
    assert "hello-skill" in client.get("/simple/").text


@pytest.mark.parametrize("accept_encoding", ["gzip", "identity"])
def test_large_pages_are_gzipped_for_clients_that_accept_it(
        client: Any, make_partner: Any, wheels: Any, upload_file: Any,
        accept_encoding: str) -> None:
    partner = make_partner()
    for i in range(12):
        assert upload_file(partner, wheels(version=f"1.{i}.0")).status_code == 200
    response = client.get("/simple/hello-skill/", headers={"Accept-Encoding": accept_encoding})
    assert response.status_code == 200 and "1.11.0" in response.text
    assert (response.headers.get("content-encoding") == "gzip") == (accept_encoding == "gzip")


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(0, 6000), min_size=1, max_size=40),
       max_bytes=st.integers(1, 30_000), max_pages=st.integers(1, 10))
def test_the_cache_stays_within_its_pages_and_bytes(db: Any, sizes: list[int], max_bytes: int,
                                                   max_pages: int) -> None:
    cache = PageCache(db, max_pages=max_pages, max_bytes=max_bytes)
    for index, size in enumerate(sizes):
        cache.put((str(index % 7),), (1, 0), bytes(size))  # some keys replaced
        kept = list(cache._pages.values())
        held = sum(len(p.body) + len(p.gzipped or b"") for _, p in kept)
        assert held == cache._bytes
        assert len(kept) <= max_pages
        assert held <= max_bytes or len(kept) == 1  # a page larger than the bound stays alone
        assert cache.get((str(index % 7),), (1, 0)) is not None  # the newest is always kept
