"""The daemon worker pool: results, errors and the bounded fast wait for sync skills."""

from __future__ import annotations

import asyncio
import random
import threading
import time

import pytest

from robeing_sdk.runtime.workers import DaemonWorkers


def test_a_quick_call_returns_its_value_and_reuses_one_thread() -> None:
    workers = DaemonWorkers()

    async def main() -> list[int]:
        return [await workers.call(lambda n=n: n * 2, fast_wait=0.01) for n in range(200)]

    assert asyncio.run(main()) == [n * 2 for n in range(200)]
    assert workers.threads == 1


@pytest.mark.parametrize("fast_wait", [0.0, 0.01])
def test_an_exception_reaches_the_caller_on_either_path(fast_wait: float) -> None:
    workers = DaemonWorkers()

    def fail() -> None:
        raise ValueError("from the worker")

    with pytest.raises(ValueError, match="from the worker"):
        asyncio.run(workers.call(fail, fast_wait=fast_wait))


def test_a_slow_call_blocks_the_loop_no_longer_than_the_fast_wait() -> None:
    workers = DaemonWorkers()
    release = threading.Event()
    gaps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    async def main() -> str:
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(stop))
        await asyncio.sleep(0.01)
        call = asyncio.create_task(workers.call(lambda: release.wait(5) and "done",
                                                fast_wait=0.002))
        await asyncio.sleep(0.05)  # the loop keeps turning while the call is running
        release.set()
        result = await call
        stop.set()
        await ticking
        return result

    assert asyncio.run(main()) == "done"
    # 1 ms ticks; the fast wait may hold the loop 2 ms once. A loop blocked for the whole
    # call would show a gap of 50 ms or more.
    assert max(gaps) < 0.04


def test_results_are_never_lost_when_calls_finish_around_the_fast_wait() -> None:
    workers = DaemonWorkers()
    rng = random.Random(7)
    delays = [rng.choice([0.0, 0.0002, 0.0005, 0.001, 0.002]) for _ in range(300)]

    def work(n: int, delay: float) -> int:
        time.sleep(delay)
        return n

    async def main() -> list[int]:
        calls = [workers.call(lambda n=n, d=d: work(n, d), fast_wait=0.0005)
                 for n, d in enumerate(delays)]
        return list(await asyncio.gather(*calls))

    assert asyncio.run(main()) == list(range(len(delays)))


def test_a_cancelled_caller_does_not_break_the_worker() -> None:
    workers = DaemonWorkers()
    release = threading.Event()

    async def main() -> int:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.02):
                await workers.call(lambda: release.wait(5), fast_wait=0.001)
        release.set()
        return await workers.call(lambda: 42, fast_wait=0.01)

    assert asyncio.run(main()) == 42


@pytest.mark.parametrize("fast_wait", [0.0, 0.005])
def test_a_call_past_its_timeout_raises_and_the_next_call_gets_another_thread(
        fast_wait: float) -> None:
    workers = DaemonWorkers()
    release = threading.Event()

    async def main() -> tuple[float, int]:
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            await workers.call(lambda: release.wait(5), fast_wait=fast_wait, timeout=0.05)
        waited = time.perf_counter() - started
        result = await workers.call(lambda: 7, fast_wait=fast_wait, timeout=1.0)
        release.set()
        return waited, result

    waited, result = asyncio.run(main())
    assert 0.04 < waited < 1.0 and result == 7
    assert workers.threads == 2  # the first thread was still busy with the hung call


def test_a_timeout_shorter_than_the_fast_wait_bounds_the_blocking_wait() -> None:
    workers = DaemonWorkers()
    release = threading.Event()

    async def main() -> float:
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            await workers.call(lambda: release.wait(5), fast_wait=1.0, timeout=0.02)
        return time.perf_counter() - started

    try:
        assert asyncio.run(main()) < 0.5
    finally:
        release.set()
