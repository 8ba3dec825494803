"""Index pages are cached per process and keyed by the index serial, a counter in the
database that every publish and yank increments in its own transaction, so processes share
nothing but the database. A process re-reads the serial at most every ``SERIAL_TTL``
seconds; its own committed changes count at once (a local generation bumped after commit).
So a page is never stale in the process that made the change, and at most ``SERIAL_TTL``
seconds in the others (far less than the ``Cache-Control`` clients are given anyway).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final, NamedTuple

from sqlalchemy import event, text
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from marketplace.db import Database
from marketplace.index.models import IndexState

MAX_PAGES: Final = 20_000
MAX_BYTES: Final = 32 * 1024 * 1024
SERIAL_TTL: Final = 0.25
GZIP_FROM: Final = 2048
_generation = itertools.count(1)
_local = {"generation": 0}


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("index_changed", False):
        _local["generation"] = next(_generation)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("index_changed", None)


def bump_serial(session: Session) -> None:
    """Mark the index changed; call inside the transaction that changes it."""
    session.info["index_changed"] = True
    updated = session.execute(text("UPDATE index_state SET serial = serial + 1 WHERE id = 1"))
    if getattr(updated, "rowcount", 1) == 0:
        session.add(IndexState(id=1, serial=1))


class Page(NamedTuple):
    body: bytes
    etag: str
    gzipped: bytes | None  # for clients that accept gzip (pip does); None for small pages


class PageCache:
    """Rendered pages by (key, serial); an LRU bounded to ``max_pages`` entries and
    ``max_bytes`` of bodies (a search page with its gzip copy is about 10 KB, so 20,000
    of them would hold 200 MB: the byte bound is what keeps a process's memory flat)."""

    def __init__(self, db: Database, max_pages: int = MAX_PAGES,
                 max_bytes: int = MAX_BYTES) -> None:
        self.db = db
        self.max_pages = max_pages
        self.max_bytes = max_bytes
        self._bytes = 0
        self._pages: OrderedDict[tuple[str, ...], tuple[tuple[int, int], Page]] = OrderedDict()
        self._lock = threading.Lock()
        self._serial = 0
        self._rendering: dict[tuple[tuple[str, ...], tuple[int, int]], asyncio.Future[Page]] = {}
        self._checked = -SERIAL_TTL
        self._generation = 0

    def serial(self) -> tuple[int, int]:
        """(database serial, local generation), the database part cached ``SERIAL_TTL`` s
        and re-read after this process commits a change (so a page computed right after it
        is keyed by the new database serial, not re-computed when the cached one expires)."""
        now, generation = time.monotonic(), _local["generation"]
        if now - self._checked >= SERIAL_TTL or generation != self._generation:
            with self.db.engine.connect() as connection:
                value = connection.exec_driver_sql(
                    "SELECT serial FROM index_state WHERE id = 1").scalar()
                connection.rollback()
            self._serial, self._checked, self._generation = int(value or 0), now, generation
        return self._serial, generation

    async def page(self, key: tuple[str, ...], make: Callable[[], bytes]) -> Page:
        """The cached page, or render it once (in a worker thread) however many ask at once."""
        serial = self.serial()
        page = self.get(key, serial)
        if page is not None:
            return page
        pending = self._rendering.get((key, serial))
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Page] = asyncio.get_running_loop().create_future()
        self._rendering[(key, serial)] = future
        try:
            page = self.put(key, serial, await run_in_threadpool(make))
            future.set_result(page)
            return page
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here; waiters re-raise it themselves
            raise
        finally:
            del self._rendering[(key, serial)]

    def get(self, key: tuple[str, ...], serial: tuple[int, int]) -> Page | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] != serial:
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[str, ...], serial: tuple[int, int], body: bytes) -> Page:
        page = Page(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
                    gzip.compress(body, 6) if len(body) > GZIP_FROM else None)
        with self._lock:
            replaced = self._pages.pop(key, None)
            if replaced is not None:
                self._bytes -= _size(replaced[1])
            self._pages[key] = (serial, page)
            self._bytes += _size(page)
            while len(self._pages) > 1 and (len(self._pages) > self.max_pages
                                            or self._bytes > self.max_bytes):
                self._bytes -= _size(self._pages.popitem(last=False)[1][1])
        return page


def _size(page: Page) -> int:
    return len(page.body) + len(page.gzipped or b"")
