"""The default provider: offline and deterministic, so a fresh machine works with no keys.

Registered through ``robeing_register_llm_providers`` like any other provider.
"""

from __future__ import annotations

import hashlib
from typing import Final

from robeing_sdk.hookspecs import hookimpl
from robeing_sdk.llm.base import Completion, LLMProvider, count_tokens

_FALLBACK_MODEL: Final = "offline-echo-1"


class OfflineLLM:
    """Answers by restating the last line of the prompt; the same prompt, the same answer."""

    name = "offline"

    def complete(self, prompt: str, *, model: str | None = None,
                 max_tokens: int = 512) -> Completion:
        lines = [line.strip() for line in prompt.strip().splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        digest = hashlib.sha256(prompt.encode()).hexdigest()[:8]
        words = last.split()[:max_tokens]
        text = " ".join(words) if words else f"({digest})"
        return Completion(text=text, provider=self.name, model=model or _FALLBACK_MODEL,
                          prompt_tokens=count_tokens(prompt), completion_tokens=count_tokens(text))


@hookimpl
def robeing_register_llm_providers(register: object) -> None:
    assert callable(register)
    provider: LLMProvider = OfflineLLM()
    register(provider)
