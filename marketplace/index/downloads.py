"""Serving ``/files/``: what a download needs to know, cached per process, and the count.

A file is immutable (addressed by its sha256) and whether it may be served changes only with
the index serial (a publish, yank, delete, name review or price change bumps it), so what a
download needs (the file's id, its skill, whether the skill is paid, the ``.metadata`` body)
is remembered per process by the same (serial, local generation) as the index pages: a free
skill's ``.metadata`` and wheel need no read session. A paid skill's licence is still checked
on every request.

The download count stays synchronous (whoever looks right after a download sees it) but is
one statement on PostgreSQL and one short transaction on SQLite, on a plain connection.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Final, NamedTuple
from urllib.parse import quote

from sqlalchemy import Date, Engine, TextClause, bindparam, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool

from marketplace import commerce
from marketplace.catalog.models import Skill
from marketplace.db import Database, is_locked_error
from marketplace.errors import NotFound
from marketplace.index.service import PageCache
from marketplace.messages import N_
from marketplace.releases import service as releases
from marketplace.releases.models import File

MAX_FILES: Final = 10_000
log = logging.getLogger("marketplace.index")


class Downloads(NamedTuple):
    """The application's file cache and counter (``app.state.downloads``)."""

    files: FileCache
    counter: Counter


def of(state: Any) -> Downloads:
    """The app's :class:`Downloads`, made on first use from its database and page cache."""
    found: Downloads | None = getattr(state, "downloads", None)
    if found is None or found.files.db is not state.db:
        found = state.downloads = Downloads(FileCache(state.db, state.pages), Counter(state.db))
    return found


class Downloadable(NamedTuple):
    """A servable file, as far as the database says (the bytes are in the artifact store)."""

    file_id: uuid.UUID
    skill_id: uuid.UUID
    sha256: str
    filename: str
    size: int
    paid: bool
    core_metadata: bytes
    last_modified: str  # the upload time as an HTTP date

    @property
    def content_disposition(self) -> str:
        """As Starlette's ``FileResponse`` writes it."""
        quoted = quote(self.filename)
        if quoted != self.filename:
            return f"attachment; filename*=utf-8''{quoted}"
        return f'attachment; filename="{self.filename}"'


def lookup(db: Database, sha256: str, filename: str) -> Downloadable:
    """The file named ``filename`` with this digest, or 404 (deleted, held for name review,
    unknown)."""
    with db.read() as session:
        file = releases.find_file(session, sha256, filename)
        skill = session.get(Skill, file.skill_id)
        paid = skill is not None and commerce.is_paid(session, skill)
        return Downloadable(file.id, file.skill_id, file.sha256, file.filename, file.size, paid,
                            bytes(file.core_metadata or b""),
                            format_datetime(file.uploaded_at.astimezone(UTC), usegmt=True))


def check_licence(db: Database, skill_id: uuid.UUID, authorization: str | None) -> None:
    """401/403 unless the caller may download this paid skill's files."""
    with db.read() as session:
        skill = session.get(Skill, skill_id)
        if skill is None:  # pragma: no cover - a file's skill is never deleted
            raise NotFound(N_("No such file."))
        commerce.may_download(session, skill, authorization)


class FileCache:
    """:class:`Downloadable` by (sha256, filename), valid while the index serial is unchanged;
    an LRU of ``max_files`` entries. Only files that exist are remembered."""

    def __init__(self, db: Database, pages: PageCache, max_files: int = MAX_FILES) -> None:
        self.db = db
        self.pages = pages
        self.max_files = max_files
        self._files: OrderedDict[tuple[str, str], tuple[tuple[int, int], Downloadable]] = (
            OrderedDict())
        self._lock = threading.Lock()
        self._pending: dict[tuple[tuple[str, str], tuple[int, int]],
                            asyncio.Future[Downloadable]] = {}

    async def get(self, sha256: str, filename: str) -> Downloadable:
        """The file, from memory, or looked up once (in a worker thread) however many ask."""
        key, serial = (sha256, filename), self.pages.serial()
        with self._lock:
            entry = self._files.get(key)
            if entry is not None and entry[0] == serial:
                self._files.move_to_end(key)
                return entry[1]
        pending = self._pending.get((key, serial))
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Downloadable] = asyncio.get_running_loop().create_future()
        self._pending[(key, serial)] = future
        try:
            found = await run_in_threadpool(lookup, self.db, sha256, filename)
            with self._lock:
                self._files[key] = (serial, found)
                self._files.move_to_end(key)
                while len(self._files) > self.max_files:
                    self._files.popitem(last=False)
            future.set_result(found)
            return found
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here; waiters re-raise it themselves
            raise
        finally:
            del self._pending[(key, serial)]


def _typed(statement: str) -> TextClause:
    """``statement`` with its parameters bound by the columns' types (UUIDs and dates are
    stored differently on SQLite and PostgreSQL)."""
    types = {"file_id": File.__table__.c.id.type,  # type: ignore[attr-defined]
             "skill_id": Skill.__table__.c.id.type,  # type: ignore[attr-defined]
             "day": Date()}
    return text(statement).bindparams(*(bindparam(name, type_=kind)
                                        for name, kind in types.items()
                                        if f":{name}" in statement))


_DAY: Final = ("INSERT INTO download_day (skill_id, day, downloads) {source}"
               " ON CONFLICT (skill_id, day) DO UPDATE SET downloads = download_day.downloads + 1")
_PG_COUNT: Final = _typed(
    "WITH f AS (UPDATE file SET downloads = downloads + 1 WHERE id = :file_id"
    " RETURNING skill_id),"
    " s AS (UPDATE skill SET downloads = downloads + 1 WHERE id = :skill_id"
    " AND id IN (SELECT skill_id FROM f)) "
    + _DAY.format(source="SELECT skill_id, :day, 1 FROM f"))
_SQLITE_COUNT: Final = (
    _typed("UPDATE file SET downloads = downloads + 1 WHERE id = :file_id"),
    _typed("UPDATE skill SET downloads = downloads + 1 WHERE id = :skill_id"),
    _typed(_DAY.format(source="VALUES (:skill_id, :day, 1)")))


class Counter:
    """Counts a download of a file, of its skill and of the skill's UTC day, as
    :func:`marketplace.releases.service.count_download` does (SQL increments, never
    read-then-write), but without an ORM session: one autocommitted statement on
    PostgreSQL, one ``BEGIN IMMEDIATE`` transaction of three statements on SQLite."""

    def __init__(self, db: Database) -> None:
        self.is_sqlite = db.is_sqlite
        self.engine: Engine = (db.engine.execution_options(sqlite_begin="IMMEDIATE")
                               if db.is_sqlite else
                               db.engine.execution_options(isolation_level="AUTOCOMMIT"))

    def count(self, file: Downloadable, at: datetime | None = None) -> None:
        """Best effort: a busy database is logged, never fails the download."""
        values = {"file_id": file.file_id, "skill_id": file.skill_id,
                  "day": (at or datetime.now(UTC)).date()}
        try:
            if self.is_sqlite:
                with self.engine.begin() as connection:
                    for statement in _SQLITE_COUNT:
                        connection.execute(statement, values)
            else:
                with self.engine.connect() as connection:
                    connection.execute(_PG_COUNT, values)
        except (OperationalError, PoolTimeout) as exc:
            if isinstance(exc, OperationalError) and not is_locked_error(exc):
                raise
            log.warning("download of %s not counted: database busy", file.filename)
