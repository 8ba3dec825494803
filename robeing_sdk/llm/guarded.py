"""An LLM provider behind the seed's circuit breaker, resolved only when first used."""

from __future__ import annotations

from collections.abc import Callable

from robeing_sdk.errors import LLMError
from robeing_sdk.llm.base import Completion, LLMProvider
from robeing_sdk.runtime.breaker import CircuitBreaker


class GuardedLLM:
    """What skills see as ``context.llm``: failures count, and an open breaker fails fast."""

    __slots__ = ("_breaker", "_resolve")
    name = "guarded"

    def __init__(self, resolve: Callable[[], LLMProvider], breaker: CircuitBreaker) -> None:
        self._resolve = resolve
        self._breaker = breaker

    def complete(self, prompt: str, *, model: str | None = None,
                 max_tokens: int = 512) -> Completion:
        provider = self._resolve()
        if not self._breaker.allow():
            raise LLMError(f"The LLM provider {provider.name!r} failed repeatedly and is paused "
                           f"for {self._breaker.retry_after():.0f} s.", provider=provider.name)
        try:
            completion = provider.complete(prompt, model=model, max_tokens=max_tokens)
        except Exception as exc:
            self._breaker.record_failure()
            if isinstance(exc, LLMError):
                raise
            raise LLMError(f"The LLM provider {provider.name!r} failed: {exc}",
                           provider=provider.name) from exc
        self._breaker.record_success()
        return completion
