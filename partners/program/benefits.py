"""What each tier gives a partner, as data, and the capabilities other parts check.

Benefits are cumulative (gold partners keep the certified benefits). A *capability* is a
benefit other code enforces, named by :class:`Capability` and mapped in the program data to
the lowest tier that has it; ask :func:`may` (or :func:`may_publish_paid_skills`) rather
than comparing tiers yourself, so a change of policy is a change of data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from partners.program.requirements import Slug
from partners.program.tiers import Tier

if TYPE_CHECKING:
    from partners.program.definition import Program


class Benefit(BaseModel):
    """One benefit of one tier (and of every tier above it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    tier: Tier
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)


class Capability(StrEnum):
    """Something the marketplace lets a partner do only from some tier on."""

    PUBLISH_PAID_SKILLS = "publish_paid_skills"
    """Set a price on a skill (registered partners publish free skills only)."""
    WHITE_LABEL = "white_label"
    """Ship skills under the partner's own brand."""


def _program(program: Program | None) -> Program:
    if program is not None:
        return program
    from partners.program.definition import default_program  # the loader imports Benefit

    return default_program()


def benefits_for(tier: Tier, program: Program | None = None) -> tuple[Benefit, ...]:
    """Every benefit ``tier`` enjoys: its own and those of the tiers below, lowest tier first."""
    return tuple(sorted((b for b in _program(program).benefits if b.tier <= tier),
                        key=lambda b: b.tier.rank))


def has_benefit(tier: Tier, benefit_id: str, program: Program | None = None) -> bool:
    """True when ``tier`` enjoys the benefit with id ``benefit_id``."""
    return any(b.id == benefit_id for b in benefits_for(tier, program))


def may(tier: Tier, capability: Capability, program: Program | None = None) -> bool:
    """True when partners at ``tier`` have ``capability``."""
    return tier >= _program(program).capabilities[capability]


def may_publish_paid_skills(tier: Tier, program: Program | None = None) -> bool:
    """Registered partners publish free skills only; certified and above may set a price."""
    return may(tier, Capability.PUBLISH_PAID_SKILLS, program)


__all__ = ["Benefit", "Capability", "benefits_for", "has_benefit", "may",
           "may_publish_paid_skills"]
