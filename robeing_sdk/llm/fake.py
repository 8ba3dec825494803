"""A scripted LLM for tests: answers in order, or by a substring of the prompt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from robeing_sdk.errors import LLMError
from robeing_sdk.llm.base import Completion, count_tokens


class FakeLLM:
    """Returns scripted answers and remembers every prompt it was given."""

    name = "fake"

    def __init__(self, answers: Iterable[str] = (), *,
                 by_substring: Mapping[str, str] | None = None) -> None:
        self._queue = list(answers)
        self._by_substring = dict(by_substring or {})
        self.prompts: list[str] = []

    def script(self, *answers: str) -> None:
        self._queue.extend(answers)

    def complete(self, prompt: str, *, model: str | None = None,
                 max_tokens: int = 512) -> Completion:
        self.prompts.append(prompt)
        for needle, answer in self._by_substring.items():
            if needle in prompt:
                return self._completion(prompt, answer, model)
        if not self._queue:
            raise LLMError("FakeLLM has no scripted answer left for this prompt.",
                           provider=self.name)
        return self._completion(prompt, self._queue.pop(0), model)

    def _completion(self, prompt: str, text: str, model: str | None) -> Completion:
        return Completion(text=text, provider=self.name, model=model or "fake",
                          prompt_tokens=count_tokens(prompt), completion_tokens=count_tokens(text))
