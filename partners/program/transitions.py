"""Promotion and demotion as pure state transitions.

Each function takes a :class:`~partners.program.state.PartnerState`, the acting
:class:`~partners.program.actors.Actor` and the moment ``at``, and returns a new state with
exactly one more entry at the end of ``history`` (or one more evidence record); the caller
persists ``state.history[-1]``. Nothing is changed in place and nothing is backdated:

==============================  ================  ==========================================
function                        who               effect
==============================  ================  ==========================================
:func:`record_evidence`         staff             confirm an attested requirement
:func:`request_promotion`       partner admin     ask for a tier the partner qualifies for
:func:`approve_promotion`       staff             the tier applies from ``effective_at``
:func:`reject_promotion`        staff             the request is closed, with a reason
:func:`give_demotion_notice`    staff             a lower tier applies after the notice
:func:`withdraw_demotion_notice` staff            cancel a notice before it takes effect
==============================  ================  ==========================================

Refusals raise :class:`NotPermittedError` (wrong role or organization),
:class:`InvalidTransitionError` (nothing pending, wrong direction, backdated, no reason) or
:class:`RequirementsNotMetError` (with the ids of what is missing).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from partners.program.actors import Actor
from partners.program.definition import Program
from partners.program.errors import (
    InvalidTransitionError,
    NotPermittedError,
    RequirementsNotMetError,
    ngettext,
    require_aware,
)
from partners.program.evaluation import evaluate
from partners.program.evidence import Evidence
from partners.program.history import ChangeKind, TierChange, pending_demotion, pending_request
from partners.program.requirements import RequirementKind
from partners.program.state import PartnerState
from partners.program.tiers import Tier
from robeing_sdk.errors import N_


def _require_staff(state: PartnerState, by: Actor, refusal: str) -> None:
    """``refusal``: the ``N_`` sentence saying that only staff may do this."""
    if not by.is_staff:
        raise NotPermittedError.localizable(refusal, context={
            "partner_id": state.partner_id, "actor_id": by.id})


def _check_moment(state: PartnerState, at: datetime, reason: str) -> None:
    require_aware(at, "at")
    if state.history and at < state.history[-1].at:
        raise InvalidTransitionError.localizable(
            N_("A change at {at} would come before the last entry ({last}); history is "
               "append-only."), context={"partner_id": state.partner_id},
            at=at.isoformat(), last=state.history[-1].at.isoformat())
    if not reason.strip():
        raise InvalidTransitionError.localizable(N_("Every tier change needs a reason."),
                                                 context={"partner_id": state.partner_id})


def _append(state: PartnerState, change: TierChange) -> PartnerState:
    return state.model_copy(update={"history": (*state.history, change)})


def _require_qualifies(state: PartnerState, program: Program, tier: Tier,
                       at: datetime) -> None:
    evaluation = evaluate(state, program, at=at)
    if evaluation.qualifying_tier < tier:
        missing = [r.requirement.id for r in evaluation.results
                   if not r.met and r.requirement.tier <= tier]
        raise RequirementsNotMetError.localizable(
            N_("The partner does not meet the {tier} requirements: {missing}."),
            context={"partner_id": state.partner_id, "tier": tier, "missing": missing},
            tier=tier.value, missing=", ".join(missing))


def record_evidence(state: PartnerState, evidence: Evidence, *, by: Actor,
                    program: Program) -> PartnerState:
    """Staff confirm an attested requirement; ``evidence.confirmed_by`` must be ``by``."""
    _require_staff(state, by, N_("Only marketplace staff may confirm evidence."))
    requirement = program.requirement(evidence.requirement_id)
    if requirement is None or requirement.kind is not RequirementKind.ATTESTED:
        raise InvalidTransitionError.localizable(
            N_("{requirement} is not an attested requirement of the program; metric "
               "requirements are computed, not attested."),
            context={"partner_id": state.partner_id}, requirement=repr(evidence.requirement_id))
    if evidence.confirmed_by != by.id:
        raise NotPermittedError.localizable(
            N_("Evidence is confirmed in the name of the staff member recording it."),
            context={"partner_id": state.partner_id, "actor_id": by.id})
    return state.model_copy(update={"evidence": (*state.evidence, evidence)})


def request_promotion(state: PartnerState, *, to_tier: Tier, by: Actor, at: datetime,
                      reason: str, program: Program) -> PartnerState:
    """The partner's admin asks for ``to_tier``; it must qualify for it now."""
    if not by.speaks_for(state.partner_id):
        raise NotPermittedError.localizable(
            N_("Only an admin of the partner may request its promotion."),
            context={"partner_id": state.partner_id, "actor_id": by.id})
    _check_moment(state, at, reason)
    current = state.tier_at(at)
    if to_tier <= current:
        raise InvalidTransitionError.localizable(
            N_("The partner is already {tier}; a promotion must go above it."),
            context={"partner_id": state.partner_id}, tier=current.value)
    if pending_request(state.history) is not None:
        raise InvalidTransitionError.localizable(
            N_("A promotion request is already waiting for a decision."),
            context={"partner_id": state.partner_id})
    if any(c.kind is ChangeKind.PROMOTION_APPROVED and c.effective_at is not None
           and c.effective_at > at for c in state.history):
        raise InvalidTransitionError.localizable(
            N_("An approved promotion has yet to take effect."),
            context={"partner_id": state.partner_id})
    if pending_demotion(state.history, at) is not None:
        raise InvalidTransitionError.localizable(
            N_("A demotion notice is pending; staff must withdraw it before a promotion can "
               "be requested."), context={"partner_id": state.partner_id})
    _require_qualifies(state, program, to_tier, at)
    return _append(state, TierChange(
        kind=ChangeKind.PROMOTION_REQUESTED, from_tier=current, to_tier=to_tier, by=by.id,
        by_role=by.role, at=at, reason=reason))


def approve_promotion(state: PartnerState, *, by: Actor, at: datetime, reason: str,
                      program: Program, effective_at: datetime | None = None) -> PartnerState:
    """Staff approve the pending request; the tier applies from ``effective_at`` (≥ ``at``)."""
    _require_staff(state, by, N_("Only marketplace staff may approve a promotion."))
    _check_moment(state, at, reason)
    request = pending_request(state.history)
    if request is None:
        raise InvalidTransitionError.localizable(
            N_("There is no promotion request to approve."),
            context={"partner_id": state.partner_id})
    effective = require_aware(effective_at, "effective_at") if effective_at else at
    if effective < at:
        raise InvalidTransitionError.localizable(
            N_("A promotion cannot take effect before it is approved."),
            context={"partner_id": state.partner_id})
    current = state.tier_at(at)
    if request.to_tier <= current:
        raise InvalidTransitionError.localizable(
            N_("The partner is already {tier}; reject the request instead."),
            context={"partner_id": state.partner_id}, tier=current.value)
    _require_qualifies(state, program, request.to_tier, at)
    return _append(state, TierChange(
        kind=ChangeKind.PROMOTION_APPROVED, from_tier=current, to_tier=request.to_tier,
        by=by.id, by_role=by.role, at=at, effective_at=effective, reason=reason,
        refers_to=request.id))


def reject_promotion(state: PartnerState, *, by: Actor, at: datetime,
                     reason: str) -> PartnerState:
    """Staff close the pending request without a change, saying why."""
    _require_staff(state, by, N_("Only marketplace staff may reject a promotion."))
    _check_moment(state, at, reason)
    request = pending_request(state.history)
    if request is None:
        raise InvalidTransitionError.localizable(
            N_("There is no promotion request to reject."),
            context={"partner_id": state.partner_id})
    return _append(state, TierChange(
        kind=ChangeKind.PROMOTION_REJECTED, from_tier=request.from_tier,
        to_tier=request.to_tier, by=by.id, by_role=by.role, at=at, reason=reason,
        refers_to=request.id))


def give_demotion_notice(state: PartnerState, *, to_tier: Tier, by: Actor, at: datetime,
                         reason: str, program: Program,
                         notice: timedelta | None = None) -> PartnerState:
    """Staff give notice that the partner drops to ``to_tier`` after ``notice``.

    ``notice`` defaults to, and may not be shorter than, the program's
    ``review.demotion_notice_days``; the current tier stays in force until then.
    """
    _require_staff(state, by, N_("Only marketplace staff may demote a partner."))
    _check_moment(state, at, reason)
    least = timedelta(days=program.review.demotion_notice_days)
    period = least if notice is None else notice
    if period < least:
        raise InvalidTransitionError.localizable(
            ngettext("A demotion needs at least {days} day's notice.",
                     "A demotion needs at least {days} days' notice.",
                     program.review.demotion_notice_days),
            context={"partner_id": state.partner_id}, days=program.review.demotion_notice_days)
    current = state.tier_at(at)
    if to_tier >= current:
        raise InvalidTransitionError.localizable(
            N_("The partner is {tier}; a demotion must go below it."),
            context={"partner_id": state.partner_id}, tier=current.value)
    if pending_demotion(state.history, at) is not None:
        raise InvalidTransitionError.localizable(N_("A demotion notice is already pending."),
                                                 context={"partner_id": state.partner_id})
    if pending_request(state.history) is not None:
        raise InvalidTransitionError.localizable(
            N_("Decide the pending promotion request first."),
            context={"partner_id": state.partner_id})
    return _append(state, TierChange(
        kind=ChangeKind.DEMOTION_NOTICED, from_tier=current, to_tier=to_tier, by=by.id,
        by_role=by.role, at=at, effective_at=at + period, reason=reason))


def withdraw_demotion_notice(state: PartnerState, *, by: Actor, at: datetime,
                             reason: str) -> PartnerState:
    """Staff cancel a demotion notice that has not taken effect yet."""
    _require_staff(state, by, N_(
        "Only marketplace staff may withdraw a demotion notice."))
    _check_moment(state, at, reason)
    notice = pending_demotion(state.history, at)
    if notice is None:
        raise InvalidTransitionError.localizable(
            N_("There is no pending demotion notice to withdraw."),
            context={"partner_id": state.partner_id})
    return _append(state, TierChange(
        kind=ChangeKind.DEMOTION_WITHDRAWN, from_tier=notice.from_tier,
        to_tier=notice.to_tier, by=by.id, by_role=by.role, at=at, reason=reason,
        refers_to=notice.id))


__all__ = ["approve_promotion", "give_demotion_notice", "record_evidence", "reject_promotion",
           "request_promotion", "withdraw_demotion_notice"]
