"""Which tier a partner qualifies for, and what is missing for the next one.

:func:`evaluate` checks every requirement against the partner's evidence and computed figures
at one moment and says, for each, whether it is met and why. The qualifying tier is the
highest tier whose requirements, and those of every tier below it, are all met. Nothing here
changes a tier: :mod:`partners.program.transitions` does that, through staff decisions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from partners.program.definition import Program
from partners.program.errors import require_aware
from partners.program.evidence import Evidence, PartnerMetrics
from partners.program.requirements import Metric, Requirement, RequirementKind
from partners.program.state import PartnerState
from partners.program.tiers import TIERS, Tier
from robeing_sdk.errors import N_
from robeing_sdk.models import Money


class RequirementResult(BaseModel):
    """One requirement, met or not, and why: ``why`` in English, its ``N_`` template and
    values kept (not serialized) so the web layer can say it in the reader's language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requirement: Requirement
    met: bool
    why: str
    why_template: str = Field("", exclude=True)
    why_values: dict[str, Money | int | str] = Field(default_factory=dict, exclude=True)
    evidence: Evidence | None = None
    value: Money | int | None = None
    """The figure compared with a metric requirement's minimum, if there was one."""


class Evaluation(BaseModel):
    """A partner's standing at ``at``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner_id: uuid.UUID
    at: AwareDatetime
    current_tier: Tier
    qualifying_tier: Tier
    next_tier: Tier | None
    """The tier above the qualifying one (``None`` at the top)."""
    results: tuple[RequirementResult, ...]
    missing_for_next: tuple[RequirementResult, ...]
    """Unmet requirements of the next tier and of every tier below it."""
    lapsed: tuple[RequirementResult, ...]
    """Unmet requirements of the current tier or below: grounds for a demotion review."""

    @property
    def may_request(self) -> Tier | None:
        """The tier the partner may ask to be promoted to now, if it qualifies above its own."""
        return self.qualifying_tier if self.qualifying_tier > self.current_tier else None


# Sentences per metric: the metric's name is part of the sentence, not a value.
_NOT_COMPUTED: Final = {
    Metric.ANNUAL_REVENUE: N_("The marketplace has not computed the annual revenue yet."),
    Metric.ACTIVE_DEPLOYMENTS: N_("The marketplace has not computed the active deployments "
                                  "yet."),
}
_REACHES: Final = {
    Metric.ANNUAL_REVENUE: N_("The annual revenue of {value} reaches the {needed} required."),
    Metric.ACTIVE_DEPLOYMENTS: N_("The active deployments of {value} reaches the {needed} "
                                  "required."),
}
_BELOW: Final = {
    Metric.ANNUAL_REVENUE: N_("The annual revenue of {value} is below the {needed} required."),
    Metric.ACTIVE_DEPLOYMENTS: N_("The active deployments of {value} is below the {needed} "
                                  "required."),
}


def _result(requirement: Requirement, met: bool, template: str,
            values: dict[str, Money | int | str] | None = None, **extra: Any,
            ) -> RequirementResult:
    values = values or {}
    english = {key: value.format("en") if isinstance(value, Money) else value
               for key, value in values.items()}
    return RequirementResult(requirement=requirement, met=met, why=template.format(**english),
                             why_template=template, why_values=values, **extra)


def _check_attested(requirement: Requirement, evidence: tuple[Evidence, ...],
                    at: datetime) -> RequirementResult:
    mine = [e for e in evidence if e.requirement_id == requirement.id and e.confirmed_at <= at]
    valid = [e for e in mine if e.valid_at(at)]
    if valid:
        latest = max(valid, key=lambda e: e.confirmed_at)
        return _result(requirement, True, N_("Confirmed by {by} on {date}."),
                       {"by": latest.confirmed_by,
                        "date": latest.confirmed_at.date().isoformat()}, evidence=latest)
    if mine:
        latest = max(mine, key=lambda e: e.confirmed_at)
        expired = latest.expires_at.date().isoformat() if latest.expires_at else "?"
        return _result(requirement, False, N_("The evidence expired on {date}."),
                       {"date": expired}, evidence=latest)
    return _result(requirement, False,
                   N_("No evidence has been confirmed by marketplace staff yet."))


def _check_metric(requirement: Requirement, metrics: PartnerMetrics | None) -> RequirementResult:
    assert requirement.metric is not None and requirement.minimum is not None
    metric = requirement.metric
    value = metrics.value(metric) if metrics is not None else None
    minimum = requirement.minimum
    if value is None:
        return _result(requirement, False, _NOT_COMPUTED[metric])
    if isinstance(minimum, Money):
        if not isinstance(value, Money) or value.currency != minimum.currency:
            # Only the annual revenue is Money (Requirement checks it).
            return _result(requirement, False, N_(
                "The annual revenue was given in {currency}; the requirement is in "
                "{required}, so the marketplace must convert it first."), {
                "currency": value.currency if isinstance(value, Money) else "?",
                "required": minimum.currency}, value=value)
        met = value.amount >= minimum.amount
    else:
        if isinstance(value, Money):  # pragma: no cover - PartnerMetrics types each metric
            raise TypeError(f"{metric.value} must be a count")
        met = value >= minimum
    return _result(requirement, met, (_REACHES if met else _BELOW)[metric],
                   {"value": value, "needed": minimum}, value=value)


def check(requirement: Requirement, state: PartnerState, at: datetime) -> RequirementResult:
    """Whether ``state`` meets ``requirement`` at ``at``, and why."""
    if requirement.kind is RequirementKind.ATTESTED:
        return _check_attested(requirement, state.evidence, at)
    return _check_metric(requirement, state.metrics)


def evaluate(state: PartnerState, program: Program, *, at: datetime) -> Evaluation:
    """The partner's qualifying tier, each requirement's result and what the next tier needs."""
    require_aware(at, "at")
    results = tuple(check(r, state, at) for r in program.requirements)
    unmet_tiers = {r.requirement.tier for r in results if not r.met}
    qualifying = Tier.REGISTERED
    for tier in TIERS[1:]:
        if tier in unmet_tiers:
            break
        qualifying = tier
    next_tier = qualifying.next
    current = state.tier_at(at)
    return Evaluation(
        partner_id=state.partner_id, at=at, current_tier=current, qualifying_tier=qualifying,
        next_tier=next_tier, results=results,
        missing_for_next=tuple(r for r in results if not r.met and next_tier is not None
                               and r.requirement.tier <= next_tier),
        lapsed=tuple(r for r in results if not r.met and r.requirement.tier <= current))


__all__ = ["Evaluation", "RequirementResult", "check", "evaluate"]
