"""The append-only history of a partner's tier: requests, decisions, demotion notices.

Each :class:`TierChange` says who did what, when, why, and (for approvals and demotion
notices) from when it takes effect. Nothing is edited or removed: a rejected request, a
withdrawn notice and the decision itself are all entries. The tier at any moment is derived
from the history by :func:`tier_at`, so billing can ask for the tier *at the sale time* and a
change never applies before its ``effective_at``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from partners.program.actors import Role
from partners.program.errors import invalid, require_aware
from partners.program.tiers import Tier
from robeing_sdk.errors import N_


class ChangeKind(StrEnum):
    PROMOTION_REQUESTED = "promotion_requested"
    PROMOTION_APPROVED = "promotion_approved"
    PROMOTION_REJECTED = "promotion_rejected"
    DEMOTION_NOTICED = "demotion_noticed"
    DEMOTION_WITHDRAWN = "demotion_withdrawn"


_TAKES_EFFECT: Final = frozenset({ChangeKind.PROMOTION_APPROVED, ChangeKind.DEMOTION_NOTICED})
_ANSWERS: Final = frozenset({ChangeKind.PROMOTION_APPROVED, ChangeKind.PROMOTION_REJECTED,
                             ChangeKind.DEMOTION_WITHDRAWN})
_PROMOTIONS: Final = frozenset({ChangeKind.PROMOTION_REQUESTED, ChangeKind.PROMOTION_APPROVED,
                                ChangeKind.PROMOTION_REJECTED})


class TierChange(BaseModel):
    """One entry in a partner's tier history."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    kind: ChangeKind
    from_tier: Tier
    to_tier: Tier
    by: str = Field(min_length=1, max_length=200, description="The actor's id.")
    by_role: Role
    at: AwareDatetime = Field(description="When the entry was made.")
    effective_at: AwareDatetime | None = Field(
        None, description="From when the new tier applies (approvals and demotion notices).")
    reason: str = Field(min_length=1, max_length=2000)
    refers_to: uuid.UUID | None = Field(
        None, description="The request a decision answers, or the notice a withdrawal cancels.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        takes_effect = self.kind in _TAKES_EFFECT
        if (self.effective_at is not None) != takes_effect:
            raise invalid(N_("{kind} entries need effective_at") if takes_effect
                          else N_("{kind} entries take no effective_at"), kind=self.kind.value)
        if self.effective_at is not None and self.effective_at < self.at:
            raise invalid(N_("a tier change cannot take effect before it is made"))
        answers = self.kind in _ANSWERS
        if (self.refers_to is not None) != answers:
            raise invalid(N_("{kind} entries need refers_to") if answers
                          else N_("{kind} entries take no refers_to"), kind=self.kind.value)
        upward = self.to_tier > self.from_tier
        if upward != (self.kind in _PROMOTIONS):
            raise invalid(N_("a {kind} entry must go up a tier") if self.kind in _PROMOTIONS
                          else N_("a {kind} entry must go down a tier"), kind=self.kind.value)
        return self


def _withdrawn(history: Sequence[TierChange]) -> set[uuid.UUID]:
    """Ids of demotion notices withdrawn before they took effect."""
    notices = {c.id: c for c in history if c.kind is ChangeKind.DEMOTION_NOTICED}
    withdrawn: set[uuid.UUID] = set()
    for change in history:
        if change.kind is ChangeKind.DEMOTION_WITHDRAWN and change.refers_to in notices:
            notice = notices[change.refers_to]
            if notice.effective_at is not None and change.at < notice.effective_at:
                withdrawn.add(notice.id)
    return withdrawn


def tier_at(history: Sequence[TierChange], at: datetime) -> Tier:
    """The tier in force at ``at``: the last change effective by then, else ``registered``."""
    require_aware(at, "at")
    withdrawn = _withdrawn(history)
    effective = [c for c in history if c.kind in _TAKES_EFFECT and c.id not in withdrawn
                 and c.effective_at is not None and c.effective_at <= at]
    if not effective:
        return Tier.REGISTERED
    return max(effective, key=lambda c: (c.effective_at, c.at)).to_tier


def pending_request(history: Sequence[TierChange]) -> TierChange | None:
    """The promotion request nobody has decided yet, if any."""
    answered = {c.refers_to for c in history if c.kind in _ANSWERS}
    open_requests = [c for c in history
                     if c.kind is ChangeKind.PROMOTION_REQUESTED and c.id not in answered]
    return open_requests[-1] if open_requests else None


def pending_demotion(history: Sequence[TierChange], at: datetime) -> TierChange | None:
    """A demotion notice given but not yet in effect (nor withdrawn) at ``at``, if any."""
    require_aware(at, "at")
    withdrawn = _withdrawn(history)
    waiting = [c for c in history if c.kind is ChangeKind.DEMOTION_NOTICED
               and c.id not in withdrawn and c.effective_at is not None and c.effective_at > at]
    return waiting[-1] if waiting else None


__all__ = ["ChangeKind", "TierChange", "pending_demotion", "pending_request", "tier_at"]
