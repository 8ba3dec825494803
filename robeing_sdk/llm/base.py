"""The interface every LLM provider satisfies, and what it returns."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class Completion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    provider: str
    model: str
    prompt_tokens: int = Field(0, ge=0)
    completion_tokens: int = Field(0, ge=0)


@runtime_checkable
class LLMProvider(Protocol):
    """A source of completions. ``complete`` must be safe to call from worker threads."""

    name: str

    def complete(self, prompt: str, *, model: str | None = None,
                 max_tokens: int = 512) -> Completion: ...


def count_tokens(text: str) -> int:
    """A cheap, deterministic estimate: about four characters a token, at least one per word."""
    return max(len(text.split()), (len(text) + 3) // 4)
