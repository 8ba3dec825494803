"""Partner tiers, ordered from the entry level up, and partner types.

Every partner starts at ``registered``; ``certified``, ``gold`` and ``strategic`` are the seed's
tiers. Tiers compare by rank (``Tier.CERTIFIED < Tier.GOLD``), never by their string values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class PartnerType(StrEnum):
    """What kind of business the partner is (seed: technology, integration, channel)."""

    TECHNOLOGY = "technology"
    """LLM, cloud and security vendors."""
    INTEGRATION = "integration"
    """CRM, ERP and communication tools."""
    CHANNEL = "channel"
    """Resellers, consultants and system integrators."""


class Tier(StrEnum):
    """A partner tier; comparisons follow the program's order, not the alphabet."""

    REGISTERED = "registered"
    CERTIFIED = "certified"
    GOLD = "gold"
    STRATEGIC = "strategic"

    @property
    def rank(self) -> int:
        """0 for ``registered`` up to 3 for ``strategic``."""
        return _RANK[self]

    @property
    def next(self) -> Tier | None:
        """The tier above this one, or ``None`` at the top."""
        return TIERS[self.rank + 1] if self.rank + 1 < len(TIERS) else None

    @property
    def previous(self) -> Tier | None:
        """The tier below this one, or ``None`` at the entry level."""
        return TIERS[self.rank - 1] if self.rank > 0 else None

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


TIERS: Final[tuple[Tier, ...]] = tuple(Tier)
"""All tiers, lowest first."""

_RANK: Final[dict[Tier, int]] = {tier: rank for rank, tier in enumerate(TIERS)}

__all__ = ["TIERS", "PartnerType", "Tier"]
