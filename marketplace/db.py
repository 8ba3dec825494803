"""Database engines and sessions.

One engine per settings object (no module-level engine). On SQLite the engine enables WAL,
a busy timeout of at least five seconds and ``BEGIN IMMEDIATE`` for sessions that write, so
a second writer waits for the lock instead of failing half-way; if it still cannot get the
lock the request is answered 503 with ``Retry-After`` (:class:`~marketplace.errors.ServiceBusy`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from marketplace.errors import ServiceBusy
from marketplace.settings import Settings


class Database:
    """The engine plus two session factories: reads, and writes that take the lock first."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.resolved_database_url
        self.is_sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": settings.echo_sql}
        if self.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False,
                                      "timeout": settings.sqlite_busy_timeout_ms / 1000}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, settings.sqlite_busy_timeout_ms)
        self._writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _busy_as_503(), Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its first statement."""
        with _busy_as_503(), Session(self._writer) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def is_locked_error(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


@contextmanager
def _busy_as_503() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        if is_locked_error(exc):
            raise ServiceBusy() from exc
        raise


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps everywhere: stored as UTC, always read back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
