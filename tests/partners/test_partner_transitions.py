"""Promotion and demotion as pure transitions: who may, when, and the history they leave."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from partners import (
    Actor,
    ChangeKind,
    Evidence,
    InvalidTransitionError,
    NotPermittedError,
    PartnerState,
    Program,
    RequirementsNotMetError,
    Role,
    Tier,
    TierChange,
    TransitionError,
    approve_promotion,
    give_demotion_notice,
    pending_demotion,
    pending_request,
    rate_for,
    record_evidence,
    reject_promotion,
    request_promotion,
    tier_at,
    withdraw_demotion_notice,
)

from .conftest import CERTIFIED_IDS, GOLD_ATTESTED, T0, StateFactory, usd

HOUR = timedelta(hours=1)


@pytest.fixture
def certified_ready(make_state: StateFactory) -> PartnerState:
    return make_state(*CERTIFIED_IDS)


def promote(state: PartnerState, admin: Actor, staff: Actor, program: Program,
            to_tier: Tier = Tier.CERTIFIED, at: datetime = T0) -> PartnerState:
    state = request_promotion(state, to_tier=to_tier, by=admin, at=at,
                              reason="We passed the exam.", program=program)
    return approve_promotion(state, by=staff, at=at + HOUR, reason="Evidence checked.",
                             program=program)


def test_request_then_approve(certified_ready: PartnerState, admin: Actor, staff: Actor,
                              program: Program) -> None:
    requested = request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=admin, at=T0,
                                  reason="We passed the exam.", program=program)
    assert certified_ready.history == ()  # pure: the input is untouched
    request = requested.history[-1]
    assert (request.kind, request.from_tier, request.to_tier) == (
        ChangeKind.PROMOTION_REQUESTED, Tier.REGISTERED, Tier.CERTIFIED)
    assert (request.by, request.by_role, request.at) == ("admin-bo", Role.PARTNER_ADMIN, T0)
    assert pending_request(requested.history) == request
    assert requested.tier_at(T0 + HOUR) is Tier.REGISTERED  # a request changes nothing

    approved = approve_promotion(requested, by=staff, at=T0 + HOUR, reason="Evidence checked.",
                                 program=program)
    decision = approved.history[-1]
    assert decision.kind is ChangeKind.PROMOTION_APPROVED
    assert decision.refers_to == request.id and decision.effective_at == T0 + HOUR
    assert approved.history[:-1] == requested.history  # append-only
    assert pending_request(approved.history) is None
    assert approved.tier_at(T0 + HOUR) is Tier.CERTIFIED
    assert approved.tier_at(T0 + HOUR - timedelta(microseconds=1)) is Tier.REGISTERED


def test_promotion_with_a_future_effective_date(certified_ready: PartnerState, admin: Actor,
                                                staff: Actor, program: Program) -> None:
    state = request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=admin, at=T0,
                              reason="r", program=program)
    start = T0 + timedelta(days=30)
    state = approve_promotion(state, by=staff, at=T0 + HOUR, reason="From next month.",
                              program=program, effective_at=start)
    assert state.tier_at(start - HOUR) is Tier.REGISTERED and state.tier_at(start) is Tier.CERTIFIED
    with pytest.raises(InvalidTransitionError, match="yet to take effect"):
        request_promotion(state, to_tier=Tier.GOLD, by=admin, at=T0 + 2 * HOUR, reason="r",
                          program=program)


def test_approval_cannot_be_backdated(certified_ready: PartnerState, admin: Actor, staff: Actor,
                                      program: Program) -> None:
    state = request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=admin, at=T0,
                              reason="r", program=program)
    with pytest.raises(InvalidTransitionError, match="before it is approved"):
        approve_promotion(state, by=staff, at=T0 + HOUR, reason="r", program=program,
                          effective_at=T0)
    with pytest.raises(InvalidTransitionError, match="append-only"):
        approve_promotion(state, by=staff, at=T0 - HOUR, reason="r", program=program)


def test_tier_change_applies_to_sales_from_its_effective_date(
        certified_ready: PartnerState, admin: Actor, staff: Actor, program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    state = state.model_copy(update={"evidence": (*state.evidence, *[
        Evidence(requirement_id=i, confirmed_by="staff-ana", confirmed_at=T0, note="ok")
        for i in GOLD_ATTESTED])})
    from partners import PartnerMetrics

    state = state.model_copy(update={"metrics": PartnerMetrics(
        measured_at=T0, annual_revenue=usd(150_000_000), active_deployments=40)})
    state = promote(state, admin, staff, program, Tier.GOLD, at=T0 + timedelta(days=60))
    gold_from = T0 + timedelta(days=60) + HOUR
    rates = [rate_for(tier_at(state.history, t), t, program.schedules).partner_share_bps
             for t in (T0, T0 + HOUR, gold_from - HOUR, gold_from)]
    assert rates == [3000, 3000, 3000, 4000]


def test_only_the_partners_admin_may_request(certified_ready: PartnerState, member: Actor,
                                             staff: Actor, program: Program) -> None:
    stranger = Actor(id="admin-other", role=Role.PARTNER_ADMIN, partner_id=uuid.uuid4())
    for actor in (member, staff, stranger):
        with pytest.raises(NotPermittedError) as info:
            request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=actor, at=T0,
                              reason="r", program=program)
        assert info.value.actor_id == actor.id
        assert info.value.partner_id == certified_ready.partner_id


def test_only_staff_decide(certified_ready: PartnerState, admin: Actor, member: Actor,
                           program: Program) -> None:
    state = request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=admin, at=T0,
                              reason="r", program=program)
    for actor in (admin, member):
        with pytest.raises(NotPermittedError):
            approve_promotion(state, by=actor, at=T0 + HOUR, reason="self-approval",
                              program=program)
        with pytest.raises(NotPermittedError):
            reject_promotion(state, by=actor, at=T0 + HOUR, reason="r")
        with pytest.raises(NotPermittedError):
            give_demotion_notice(state, to_tier=Tier.REGISTERED, by=actor, at=T0 + HOUR,
                                 reason="r", program=program)


def test_request_needs_the_requirements(make_state: StateFactory, admin: Actor,
                                        program: Program) -> None:
    with pytest.raises(RequirementsNotMetError) as info:
        request_promotion(make_state("technical-training"), to_tier=Tier.CERTIFIED, by=admin,
                          at=T0, reason="please", program=program)
    assert info.value.tier is Tier.CERTIFIED
    assert info.value.missing == ("sales-training", "certification-exam")


def test_approval_rechecks_the_requirements(make_state: StateFactory, admin: Actor,
                                            staff: Actor, program: Program) -> None:
    expiring = make_state(*CERTIFIED_IDS, expires_at=T0 + HOUR)
    state = request_promotion(expiring, to_tier=Tier.CERTIFIED, by=admin, at=T0, reason="r",
                              program=program)
    with pytest.raises(RequirementsNotMetError):
        approve_promotion(state, by=staff, at=T0 + 2 * HOUR, reason="r", program=program)


def test_reject(certified_ready: PartnerState, admin: Actor, staff: Actor,
                program: Program) -> None:
    state = request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=admin, at=T0,
                              reason="r", program=program)
    state = reject_promotion(state, by=staff, at=T0 + HOUR, reason="Exam certificate unreadable.")
    assert state.history[-1].kind is ChangeKind.PROMOTION_REJECTED
    assert state.history[-1].reason == "Exam certificate unreadable."
    assert pending_request(state.history) is None
    assert state.tier_at(T0 + 2 * HOUR) is Tier.REGISTERED
    # The partner may ask again after a rejection.
    again = request_promotion(state, to_tier=Tier.CERTIFIED, by=admin, at=T0 + 2 * HOUR,
                              reason="New scan attached.", program=program)
    assert len(again.history) == 3


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_nothing_to_decide(certified_ready: PartnerState, staff: Actor, program: Program,
                           action: str) -> None:
    with pytest.raises(InvalidTransitionError, match="no promotion request"):
        if action == "approve":
            approve_promotion(certified_ready, by=staff, at=T0, reason="r", program=program)
        else:
            reject_promotion(certified_ready, by=staff, at=T0, reason="r")


def test_invalid_requests(certified_ready: PartnerState, admin: Actor, staff: Actor,
                          program: Program) -> None:
    with pytest.raises(InvalidTransitionError, match="must go above"):
        request_promotion(certified_ready, to_tier=Tier.REGISTERED, by=admin, at=T0,
                          reason="r", program=program)
    state = request_promotion(certified_ready, to_tier=Tier.CERTIFIED, by=admin, at=T0,
                              reason="r", program=program)
    with pytest.raises(InvalidTransitionError, match="already waiting"):
        request_promotion(state, to_tier=Tier.CERTIFIED, by=admin, at=T0 + HOUR, reason="r",
                          program=program)
    with pytest.raises(InvalidTransitionError, match="needs a reason"):
        reject_promotion(state, by=staff, at=T0 + HOUR, reason="   ")
    promoted = promote(certified_ready, admin, staff, program)
    with pytest.raises(InvalidTransitionError, match="already certified"):
        request_promotion(promoted, to_tier=Tier.CERTIFIED, by=admin, at=T0 + 2 * HOUR,
                          reason="r", program=program)


def test_every_refusal_is_a_transition_error() -> None:
    assert issubclass(NotPermittedError, TransitionError)
    assert issubclass(InvalidTransitionError, TransitionError)
    assert issubclass(RequirementsNotMetError, TransitionError)


def test_demotion_with_notice(certified_ready: PartnerState, admin: Actor, staff: Actor,
                              program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    review = T0 + timedelta(days=365)
    state = give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=review,
                                 reason="Yearly review: certification expired.", program=program)
    notice = state.history[-1]
    assert notice.kind is ChangeKind.DEMOTION_NOTICED
    assert notice.effective_at == review + timedelta(days=30)
    assert pending_demotion(state.history, review) == notice
    assert state.tier_at(review + timedelta(days=29)) is Tier.CERTIFIED
    assert state.tier_at(review + timedelta(days=30)) is Tier.REGISTERED
    assert pending_demotion(state.history, review + timedelta(days=30)) is None
    with pytest.raises(InvalidTransitionError, match="already pending"):
        give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=review + HOUR,
                             reason="r", program=program)
    with pytest.raises(InvalidTransitionError, match="demotion notice is pending"):
        request_promotion(state, to_tier=Tier.GOLD, by=admin, at=review + HOUR, reason="r",
                          program=program)


def test_demotion_notice_cannot_be_short_or_upward(certified_ready: PartnerState, admin: Actor,
                                                   staff: Actor, program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    with pytest.raises(InvalidTransitionError, match="30 days' notice"):
        give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=T0 + 2 * HOUR,
                             reason="r", program=program, notice=timedelta(days=29))
    with pytest.raises(InvalidTransitionError, match="must go below"):
        give_demotion_notice(state, to_tier=Tier.CERTIFIED, by=staff, at=T0 + 2 * HOUR,
                             reason="r", program=program)
    longer = give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=T0 + 2 * HOUR,
                                  reason="r", program=program, notice=timedelta(days=90))
    assert longer.history[-1].effective_at == T0 + 2 * HOUR + timedelta(days=90)


def test_withdrawn_notice_never_takes_effect(certified_ready: PartnerState, admin: Actor,
                                             staff: Actor, program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    at = T0 + timedelta(days=100)
    state = give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=at, reason="r",
                                 program=program)
    state = withdraw_demotion_notice(state, by=staff, at=at + timedelta(days=10),
                                     reason="Exam retaken and passed.")
    assert state.history[-1].kind is ChangeKind.DEMOTION_WITHDRAWN
    assert state.history[-1].refers_to == state.history[-2].id
    assert state.tier_at(at + timedelta(days=400)) is Tier.CERTIFIED
    with pytest.raises(InvalidTransitionError, match="no pending demotion"):
        withdraw_demotion_notice(state, by=staff, at=at + timedelta(days=11), reason="r")


def test_a_notice_in_effect_cannot_be_withdrawn(certified_ready: PartnerState, admin: Actor,
                                                staff: Actor, program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    state = give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=T0 + 2 * HOUR,
                                 reason="r", program=program)
    with pytest.raises(InvalidTransitionError):
        withdraw_demotion_notice(state, by=staff, at=T0 + timedelta(days=31), reason="late")


def test_registered_cannot_be_demoted(certified_ready: PartnerState, staff: Actor,
                                      program: Program) -> None:
    with pytest.raises(InvalidTransitionError):
        give_demotion_notice(certified_ready, to_tier=Tier.REGISTERED, by=staff, at=T0,
                             reason="r", program=program)


def test_record_evidence(make_state: StateFactory, staff: Actor, admin: Actor,
                         program: Program) -> None:
    state = make_state()
    proof = Evidence(requirement_id="certification-exam", confirmed_by="staff-ana",
                     confirmed_at=T0, document_ref="certificates/2026/0042.pdf")
    assert record_evidence(state, proof, by=staff, program=program).evidence == (proof,)
    with pytest.raises(NotPermittedError):
        record_evidence(state, proof, by=admin, program=program)
    other_staff = Actor(id="staff-dan", role=Role.STAFF)
    with pytest.raises(NotPermittedError):
        record_evidence(state, proof, by=other_staff, program=program)
    for requirement_id in ("annual-revenue", "no-such-thing"):
        bad = proof.model_copy(update={"requirement_id": requirement_id})
        with pytest.raises(InvalidTransitionError):
            record_evidence(state, bad, by=staff, program=program)


def test_evidence_needs_substance() -> None:
    with pytest.raises(ValidationError, match="note or a document reference"):
        Evidence(requirement_id="sales-training", confirmed_by="s", confirmed_at=T0, note=" ")
    with pytest.raises(ValidationError, match="expire before"):
        Evidence(requirement_id="sales-training", confirmed_by="s", confirmed_at=T0, note="ok",
                 expires_at=T0)
    with pytest.raises(ValidationError):
        Evidence(requirement_id="sales-training", confirmed_by="s",
                 confirmed_at=T0.replace(tzinfo=None), note="ok")


def test_actor_roles_match_organizations() -> None:
    with pytest.raises(ValidationError):
        Actor(id="s", role=Role.STAFF, partner_id=uuid.uuid4())
    with pytest.raises(ValidationError):
        Actor(id="a", role=Role.PARTNER_ADMIN)


def test_history_entries_are_consistent() -> None:
    base = dict(from_tier=Tier.REGISTERED, to_tier=Tier.CERTIFIED, by="x",
                by_role=Role.STAFF, at=T0, reason="r")
    with pytest.raises(ValidationError, match="need effective_at"):
        TierChange(kind=ChangeKind.PROMOTION_APPROVED, refers_to=uuid.uuid4(), **base)
    with pytest.raises(ValidationError, match="need refers_to"):
        TierChange(kind=ChangeKind.PROMOTION_REJECTED, **base)
    with pytest.raises(ValidationError, match="go down"):
        TierChange(kind=ChangeKind.DEMOTION_NOTICED, effective_at=T0, **base)
    with pytest.raises(ValidationError, match="before it is made"):
        TierChange(kind=ChangeKind.PROMOTION_APPROVED, refers_to=uuid.uuid4(),
                   effective_at=T0 - HOUR, **base)


def test_history_must_be_in_order(certified_ready: PartnerState, admin: Actor, staff: Actor,
                                  program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    with pytest.raises(ValidationError, match="order they were made"):
        PartnerState.model_validate(
            {**state.model_dump(), "history": [h.model_dump() for h in reversed(state.history)]})


def test_state_round_trips_through_json(certified_ready: PartnerState, admin: Actor,
                                        staff: Actor, program: Program) -> None:
    state = promote(certified_ready, admin, staff, program)
    assert PartnerState.model_validate_json(state.model_dump_json()) == state


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["promote", "demote", "withdraw"]),
                                st.integers(min_value=0, max_value=100),
                                st.integers(min_value=0, max_value=60)), max_size=8))
def test_appending_never_changes_the_past(certified_ready: PartnerState, admin: Actor,
                                          staff: Actor, program: Program,
                                          steps: list[tuple[str, int, int]]) -> None:
    """Whatever happens next, the tier at any moment before it stays what it was."""
    state, now = certified_ready, T0
    for action, gap_days, delay_days in steps:
        now += timedelta(days=gap_days, hours=1)
        probes = [T0 + (now - T0) * k / 10 for k in range(11)]
        before = [state.tier_at(t) for t in probes]
        try:
            if action == "promote":
                state = request_promotion(state, to_tier=Tier.CERTIFIED, by=admin, at=now,
                                          reason="r", program=program)
                state = approve_promotion(state, by=staff, at=now, reason="r", program=program,
                                          effective_at=now + timedelta(days=delay_days))
            elif action == "demote":
                state = give_demotion_notice(state, to_tier=Tier.REGISTERED, by=staff, at=now,
                                             reason="r", program=program,
                                             notice=timedelta(days=30 + delay_days))
            else:
                state = withdraw_demotion_notice(state, by=staff, at=now, reason="r")
        except TransitionError:
            continue
        assert [state.tier_at(t) for t in probes[:-1]] == before[:-1]


def test_applied_rate_names_its_contract() -> None:
    from partners import AppliedRate, RateSource

    with pytest.raises(ValidationError, match="contract reference"):
        AppliedRate(tier=Tier.STRATEGIC, partner_share_bps=6000, platform_fee_bps=4000,
                    source=RateSource.CONTRACT, schedule_version=1, sale_time=T0)
