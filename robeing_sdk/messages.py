"""What a skill receives and returns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from robeing_sdk.models import _now


class Turn(BaseModel):
    """One earlier message in the conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["user", "robeing"]
    text: str
    at: AwareDatetime = Field(default_factory=_now)


class Message(BaseModel):
    """A message from the user, with the negotiated locale and the conversation so far."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=20_000)
    locale: str = "en"
    session_id: str | None = None
    history: tuple[Turn, ...] = ()
    received_at: AwareDatetime = Field(default_factory=_now)

    @property
    def language(self) -> str:
        return self.locale.split("_")[0].split("-")[0]


class Reply(BaseModel):
    """A skill's answer: text, how sure it is, and anything a caller may want to know."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=100_000)
    confidence: float = Field(1.0, ge=0.0, le=1.0)
    locale: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


__all__ = ["Message", "Reply", "Turn"]
