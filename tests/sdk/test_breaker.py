from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from robeing_sdk.runtime import BreakerSettings, BreakerState, CircuitBreaker


def make(**settings: float) -> tuple[CircuitBreaker, list[float]]:
    now = [0.0]
    return CircuitBreaker(BreakerSettings(**settings), clock=lambda: now[0]), now


def test_opens_after_the_threshold_of_consecutive_failures() -> None:
    breaker, _ = make()
    for _ in range(4):
        breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()


def test_a_success_resets_the_failure_count() -> None:
    breaker, _ = make()
    for _ in range(4):
        breaker.record_failure()
    breaker.record_success()
    for _ in range(4):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_half_open_lets_exactly_three_trials_through_and_any_failure_reopens() -> None:
    breaker, now = make()
    for _ in range(5):
        breaker.record_failure()
    now[0] = 60.0
    assert [breaker.allow() for _ in range(4)] == [True, True, True, False]
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_after() == 60.0


def test_three_successful_trials_close_it() -> None:
    breaker, now = make(failure_threshold=1, reset_timeout=5, half_open_calls=3)
    breaker.record_failure()
    now[0] = 5.0
    for _ in range(3):
        assert breaker.allow()
        breaker.record_success()
    assert breaker.state is BreakerState.CLOSED


@given(st.lists(st.sampled_from(["ok", "fail", "tick"]), max_size=60))
def test_never_allows_calls_while_open_before_the_timeout(events: list[str]) -> None:
    breaker, now = make(failure_threshold=2, reset_timeout=10, half_open_calls=2)
    for event in events:
        if event == "tick":
            now[0] += 3
        elif breaker.allow():
            (breaker.record_success if event == "ok" else breaker.record_failure)()
        if breaker.state is BreakerState.OPEN:
            assert breaker.retry_after() > 0 and not breaker.allow()
