"""Run plain functions off the event loop on daemon threads.

Not ``asyncio.to_thread``: its executor's threads are joined at interpreter exit, so one
skill stuck in an endless loop would keep the whole robeing from exiting. A thread cannot
be killed, so a hung call keeps its thread; the pool starts another instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, Final, TypeVar, final

T = TypeVar("T")
_STOP: Final = object()


def _deliver(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


@final
class DaemonWorkers:
    __slots__ = ("_idle", "_jobs", "_lock", "_started")

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._started = 0

    def submit(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            if self._idle == 0:
                self._started += 1
                threading.Thread(target=self._work, name=f"robeing-skill-{self._started}",
                                 daemon=True).start()
            else:
                self._idle -= 1
        self._jobs.put((fn, future, loop))
        return future

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            fn, future, loop = job
            value: Any = None
            error: BaseException | None = None
            try:
                value = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting caller
                error = exc
            with contextlib.suppress(RuntimeError):  # the loop closed while the call ran
                loop.call_soon_threadsafe(_deliver, future, value, error)
            with self._lock:
                self._idle += 1

    @property
    def threads(self) -> int:
        return self._started
