"""Run plain functions off the event loop on daemon threads.

Not ``asyncio.to_thread``: its executor's threads are joined at interpreter exit, so one
skill stuck in an endless loop would keep the whole robeing from exiting. A thread cannot
be killed, so a hung call keeps its thread; the pool starts another instead of waiting.

Handing a result back through the event loop (``call_soon_threadsafe``, which wakes the
loop's selector) costs 60-80 µs on these machines; a lock released by the worker costs
15-25 µs. :meth:`DaemonWorkers.call` therefore blocks the loop for a short, bounded wait
(``fast_wait``) and only then falls back to awaiting, so a quick sync skill answers without
the selector round trip and a slow one never holds the loop longer than ``fast_wait``.

Each thread sleeps on a lock of its own that the caller releases to hand it a job (a
queue would add its own lock and bookkeeping to every call), and puts itself back in the
idle list before it releases the caller, so the caller's next call finds it there.
"""

from __future__ import annotations

import _thread
import asyncio
import contextlib
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

    def await_on(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[T] | None:
        """Switch to the loop's future, or None when the result is already there."""
        with self.state:
            if not self.done.locked():
                return None
            self.loop, self.future = loop, loop.create_future()
            return self.future


@final
class _Thread:
    """One daemon thread: the lock it sleeps on and the job it is handed."""

    __slots__ = ("job", "wake")

    def __init__(self) -> None:
        self.wake = _thread.allocate_lock()
        self.wake.acquire()
        self.job: _Job[Any] | None = None


@final
class DaemonWorkers:
    __slots__ = ("_idle", "_lock", "_started")

    def __init__(self) -> None:
        self._idle: list[_Thread] = []  # append and pop are atomic: no lock needed
        self._lock = threading.Lock()
        self._started = 0

    def _dispatch(self, job: _Job[Any]) -> None:
        try:
            worker = self._idle.pop()
        except IndexError:
            worker = _Thread()
            with self._lock:
                self._started += 1
                number = self._started
            threading.Thread(target=self._work, args=(worker,), daemon=True,
                             name=f"robeing-skill-{number}").start()
        worker.job = job
        worker.wake.release()

    def submit(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        """Run ``fn`` on a worker; the result arrives through the running loop."""
        job = _Job(fn)
        future = job.await_on(asyncio.get_running_loop())
        assert future is not None
        self._dispatch(job)
        return future

    async def call(self, fn: Callable[[], T], *, fast_wait: float = 0.0,
                   timeout: float | None = None) -> T:
        """Run ``fn`` on a worker, blocking the loop at most ``fast_wait`` seconds first.

        Raises TimeoutError when ``timeout`` seconds pass without a result (the thread
        keeps running ``fn``). Measured from here, like ``asyncio.timeout`` around the call,
        which a quick result does without (its set-up costs several microseconds).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        job = _Job(fn)
        self._dispatch(job)
        wait = fast_wait if timeout is None else min(fast_wait, timeout)
        if wait > 0 and job.done.acquire(timeout=wait):
            return job.result()
        future = job.await_on(loop)
        if future is None:
            return job.result()
        async with asyncio.timeout_at(deadline):
            return await future

    def _work(self, worker: _Thread) -> None:
        idle, wake = self._idle, worker.wake
        while True:
            wake.acquire()
            job, worker.job = worker.job, None
            assert job is not None
            try:
                job.value = job.fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting caller
                job.error = exc
            with job.state:
                future, loop = job.future, job.loop
                # Idle again before the caller sees the result, so its next call reuses
                # this thread instead of starting another.
                idle.append(worker)
                job.done.release()
            if future is not None and loop is not None:
                with contextlib.suppress(RuntimeError):  # the loop closed while it ran
                    loop.call_soon_threadsafe(_deliver, future, job.value, job.error)

    @property
    def threads(self) -> int:
        return self._started
