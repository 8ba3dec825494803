"""Run plain functions off the event loop on daemon threads.

Not ``asyncio.to_thread``: its executor's threads are joined at interpreter exit, so one
skill stuck in an endless loop would keep the whole robeing from exiting. A thread cannot
be killed, so a hung call keeps its thread; the pool starts another instead of waiting.

Handing a result back through the event loop (``call_soon_threadsafe``, which wakes the
loop's selector) costs 60-80 µs on these machines; a lock released by the worker costs
15-25 µs. :meth:`DaemonWorkers.call` therefore blocks the loop for a short, bounded wait
(``fast_wait``) and only then falls back to awaiting, so a quick sync skill answers without
the selector round trip and a slow one never holds the loop longer than ``fast_wait``.
"""

from __future__ import annotations

import _thread
import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, final

T = TypeVar("T")


def _deliver(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


@final
class _Job(Generic[T]):
    """One call: its result, a lock the worker releases when done, and the loop's future
    once the caller has stopped waiting on the lock."""

    __slots__ = ("done", "error", "fn", "future", "loop", "state", "value")

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self.done = _thread.allocate_lock()
        self.done.acquire()
        self.state = _thread.allocate_lock()  # guards the hand-over between the two paths
        self.future: asyncio.Future[T] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.value: Any = None
        self.error: BaseException | None = None

    def result(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[no-any-return]

    def run(self, finished: Callable[[], None]) -> None:
        """Call ``fn``; ``finished`` runs before the caller can see the result."""
        try:
            self.value = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting caller
            self.error = exc
        finished()
        with self.state:
            future, loop = self.future, self.loop
            self.done.release()
        if future is not None and loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed while the call ran
                loop.call_soon_threadsafe(_deliver, future, self.value, self.error)

    def await_on(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[T] | None:
        """Switch to the loop's future, or None when the result is already there."""
        with self.state:
            if not self.done.locked():
                return None
            self.loop, self.future = loop, loop.create_future()
            return self.future


@final
class DaemonWorkers:
    __slots__ = ("_idle", "_jobs", "_lock", "_started")

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._started = 0

    def _dispatch(self, job: _Job[Any]) -> None:
        with self._lock:
            if self._idle == 0:
                self._started += 1
                threading.Thread(target=self._work, name=f"robeing-skill-{self._started}",
                                 daemon=True).start()
            else:
                self._idle -= 1
        self._jobs.put(job)

    def submit(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        """Run ``fn`` on a worker; the result arrives through the running loop."""
        job = _Job(fn)
        future = job.await_on(asyncio.get_running_loop())
        assert future is not None
        self._dispatch(job)
        return future

    async def call(self, fn: Callable[[], T], *, fast_wait: float = 0.0) -> T:
        """Run ``fn`` on a worker, blocking the loop at most ``fast_wait`` seconds first."""
        job = _Job(fn)
        self._dispatch(job)
        if fast_wait > 0 and job.done.acquire(timeout=fast_wait):
            return job.result()
        future = job.await_on(asyncio.get_running_loop())
        return job.result() if future is None else await future

    def _work(self) -> None:
        while True:
            self._jobs.get().run(self._finished)

    def _finished(self) -> None:
        # Counted idle before the caller sees the result, so its next call reuses this
        # thread instead of starting another.
        with self._lock:
            self._idle += 1

    @property
    def threads(self) -> int:
        return self._started
