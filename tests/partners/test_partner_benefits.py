"""Benefits per tier (cumulative) and the capabilities other parts check."""

from __future__ import annotations

import pytest

from partners import (
    TIERS,
    Capability,
    Program,
    Tier,
    benefits_for,
    has_benefit,
    may,
    may_publish_paid_skills,
)


def test_seed_benefits(program: Program) -> None:
    own = {t: [b.id for b in program.benefits if b.tier is t] for t in TIERS}
    assert own[Tier.CERTIFIED] == ["paid-skills", "lead-sharing", "co-marketing",
                                   "technical-support"]
    assert own[Tier.GOLD] == ["priority-support", "roadmap-input", "exclusive-features"]
    assert own[Tier.STRATEGIC] == ["joint-development", "white-label", "board-seat"]
    assert own[Tier.REGISTERED] == ["free-skills"]


def test_benefits_are_cumulative(program: Program) -> None:
    gold = [b.id for b in benefits_for(Tier.GOLD, program)]
    assert gold[:5] == ["free-skills", "paid-skills", "lead-sharing", "co-marketing",
                        "technical-support"]
    assert "board-seat" not in gold
    assert has_benefit(Tier.STRATEGIC, "lead-sharing")
    assert not has_benefit(Tier.CERTIFIED, "priority-support")
    assert len(benefits_for(Tier.STRATEGIC)) == len(program.benefits)


@pytest.mark.parametrize(("tier", "paid"), [
    (Tier.REGISTERED, False), (Tier.CERTIFIED, True), (Tier.GOLD, True), (Tier.STRATEGIC, True)])
def test_may_publish_paid_skills(tier: Tier, paid: bool) -> None:
    assert may_publish_paid_skills(tier) is paid


def test_white_label_is_strategic_only() -> None:
    assert [may(t, Capability.WHITE_LABEL) for t in TIERS] == [False, False, False, True]


def test_capabilities_agree_with_the_benefits_shown(program: Program) -> None:
    """A capability's tier is the tier of the benefit the portal lists for it."""
    assert program.capabilities[Capability.PUBLISH_PAID_SKILLS] is next(
        b.tier for b in program.benefits if b.id == "paid-skills")
    assert program.capabilities[Capability.WHITE_LABEL] is next(
        b.tier for b in program.benefits if b.id == "white-label")


def test_policy_is_data(program: Program) -> None:
    """Moving paid skills to gold is a change of data, not of code."""
    stricter = program.model_copy(update={
        "capabilities": {**program.capabilities, Capability.PUBLISH_PAID_SKILLS: Tier.GOLD}})
    assert not may_publish_paid_skills(Tier.CERTIFIED, stricter)
    assert may_publish_paid_skills(Tier.GOLD, stricter)
