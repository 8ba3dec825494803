"""A partner as the program sees it: type, evidence, computed figures and tier history.

The marketplace (or the portal) loads these from its tables and hands them in; the program
returns a new state with one more history entry, and the caller persists that entry.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator

from partners.program.errors import invalid
from partners.program.evidence import Evidence, PartnerMetrics
from partners.program.history import TierChange, tier_at
from partners.program.tiers import PartnerType, Tier
from robeing_sdk.errors import N_


class PartnerState(BaseModel):
    """Everything the program needs to know about one partner; immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner_id: uuid.UUID
    partner_type: PartnerType
    joined_at: AwareDatetime
    evidence: tuple[Evidence, ...] = ()
    metrics: PartnerMetrics | None = None
    history: tuple[TierChange, ...] = ()

    @model_validator(mode="after")
    def _history_in_order(self) -> Self:
        for before, after in zip(self.history, self.history[1:], strict=False):
            if after.at < before.at:
                raise invalid(N_("tier history entries must be in the order they were made"))
        return self

    def tier_at(self, at: datetime) -> Tier:
        """The tier in force at ``at`` (``registered`` until a promotion takes effect)."""
        return tier_at(self.history, at)


__all__ = ["PartnerState"]
