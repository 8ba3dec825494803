"""The seed's circuit breaker, one per skill (and later per LLM provider).

    CLOSED ──5 consecutive failures──▶ OPEN ──60 s──▶ HALF_OPEN
       ▲                                 ▲               │
       └──── 3 trial calls succeed ──────┼───────────────┤
                                         └── any failure ┘
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import final

from robeing_sdk.runtime.config import BreakerSettings


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@final
class CircuitBreaker:
    __slots__ = ("_clock", "_failures", "_lock", "_opened_at", "_state", "_trials_left",
                 "_trials_ok", "settings")

    def __init__(self, settings: BreakerSettings | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings or BreakerSettings()
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trials_left = 0
        self._trials_ok = 0

    @property
    def state(self) -> BreakerState:
        with self._lock:
            self._maybe_half_open()
            return self._state

    def retry_after(self) -> float:
        """Seconds until an open breaker lets a trial call through (0 when not open)."""
        with self._lock:
            if self._state is not BreakerState.OPEN:
                return 0.0
            return max(0.0, self._opened_at + self.settings.reset_timeout - self._clock())

    def allow(self) -> bool:
        """Whether a call may go ahead now; a half-open breaker lets a few trials through."""
        with self._lock:
            self._maybe_half_open()
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.HALF_OPEN and self._trials_left > 0:
                self._trials_left -= 1
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._trials_ok += 1
                if self._trials_ok >= self.settings.half_open_calls:
                    self._close()
            else:
                self._failures = 0

    def record_failure(self) -> None:
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._open()
                return
            self._failures += 1
            if self._failures >= self.settings.failure_threshold:
                self._open()

    def _maybe_half_open(self) -> None:
        if (self._state is BreakerState.OPEN
                and self._clock() - self._opened_at >= self.settings.reset_timeout):
            self._state = BreakerState.HALF_OPEN
            self._trials_left = self.settings.half_open_calls
            self._trials_ok = 0

    def _open(self) -> None:
        self._state = BreakerState.OPEN
        self._opened_at = self._clock()
        self._failures = 0

    def _close(self) -> None:
        self._state = BreakerState.CLOSED
        self._failures = 0
