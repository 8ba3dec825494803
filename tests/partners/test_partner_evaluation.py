"""Evaluation per tier, with hand-written expectations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partners import Evaluation, Program, Tier, evaluate
from robeing_sdk.models import Money

from .conftest import CERTIFIED_IDS, GOLD_ATTESTED, STRATEGIC_IDS, T0, StateFactory, usd

ONE_MILLION_USD = usd(100_000_000)


def by_id(evaluation: Evaluation) -> dict[str, tuple[bool, str]]:
    return {r.requirement.id: (r.met, r.why) for r in evaluation.results}


def test_new_partner_is_registered_and_needs_the_certified_three(
        make_state: StateFactory, program: Program) -> None:
    result = evaluate(make_state(), program, at=T0)
    assert result.current_tier is Tier.REGISTERED
    assert result.qualifying_tier is Tier.REGISTERED
    assert result.next_tier is Tier.CERTIFIED
    assert [r.requirement.id for r in result.missing_for_next] == list(CERTIFIED_IDS)
    assert all(r.why == "No evidence has been confirmed by marketplace staff yet."
               for r in result.missing_for_next)
    assert result.may_request is None
    assert result.lapsed == ()


def test_two_of_three_is_not_certified(make_state: StateFactory, program: Program) -> None:
    result = evaluate(make_state("technical-training", "sales-training"), program, at=T0)
    assert result.qualifying_tier is Tier.REGISTERED
    assert [r.requirement.id for r in result.missing_for_next] == ["certification-exam"]
    met, why = by_id(result)["technical-training"]
    assert met and why == "Confirmed by staff-ana on 2026-02-28."


def test_certified(make_state: StateFactory, program: Program) -> None:
    result = evaluate(make_state(*CERTIFIED_IDS), program, at=T0)
    assert result.qualifying_tier is Tier.CERTIFIED
    assert result.may_request is Tier.CERTIFIED
    assert result.next_tier is Tier.GOLD
    assert [r.requirement.id for r in result.missing_for_next] == [
        "annual-revenue", "deployments", "dedicated-team"]
    assert by_id(result)["annual-revenue"] == (
        False, "The marketplace has not computed the annual revenue yet.")


def test_gold_needs_the_figures(make_state: StateFactory, program: Program) -> None:
    short = make_state(*CERTIFIED_IDS, *GOLD_ATTESTED, revenue=usd(99_999_999), deployments=10)
    result = evaluate(short, program, at=T0)
    assert result.qualifying_tier is Tier.CERTIFIED
    assert by_id(result)["annual-revenue"] == (
        False, "The annual revenue of $999,999.99 is below the $1,000,000.00 required.")
    assert by_id(result)["deployments"] == (
        True, "The active deployments of 10 reaches the 10 required.")
    gold = make_state(*CERTIFIED_IDS, *GOLD_ATTESTED, revenue=ONE_MILLION_USD, deployments=12)
    result = evaluate(gold, program, at=T0)
    assert result.qualifying_tier is Tier.GOLD and result.next_tier is Tier.STRATEGIC
    assert [r.requirement.id for r in result.missing_for_next] == list(STRATEGIC_IDS)
    assert next(r.value for r in result.results if r.requirement.id == "deployments") == 12


def test_nine_deployments_are_not_ten(make_state: StateFactory, program: Program) -> None:
    state = make_state(*CERTIFIED_IDS, *GOLD_ATTESTED, revenue=ONE_MILLION_USD, deployments=9)
    assert evaluate(state, program, at=T0).qualifying_tier is Tier.CERTIFIED


def test_revenue_in_another_currency_is_not_guessed(make_state: StateFactory,
                                                    program: Program) -> None:
    state = make_state(*CERTIFIED_IDS, *GOLD_ATTESTED,
                       revenue=Money(amount=2_000_000_000, currency="KRW"), deployments=50)
    result = evaluate(state, program, at=T0)
    assert result.qualifying_tier is Tier.CERTIFIED
    met, why = by_id(result)["annual-revenue"]
    assert not met and "convert" in why and "KRW" in why


def test_strategic(make_state: StateFactory, program: Program) -> None:
    state = make_state(*CERTIFIED_IDS, *GOLD_ATTESTED, *STRATEGIC_IDS,
                       revenue=usd(500_000_000), deployments=300)
    result = evaluate(state, program, at=T0)
    assert result.qualifying_tier is Tier.STRATEGIC
    assert result.next_tier is None and result.missing_for_next == ()


def test_tiers_are_cumulative(make_state: StateFactory, program: Program) -> None:
    """Every gold and strategic requirement met, but no certification exam: registered."""
    state = make_state("technical-training", "sales-training", *GOLD_ATTESTED, *STRATEGIC_IDS,
                       revenue=ONE_MILLION_USD, deployments=10)
    result = evaluate(state, program, at=T0)
    assert result.qualifying_tier is Tier.REGISTERED
    assert [r.requirement.id for r in result.missing_for_next] == ["certification-exam"]


def test_expired_evidence_lapses(make_state: StateFactory, program: Program) -> None:
    state = make_state(*CERTIFIED_IDS, expires_at=T0 + timedelta(days=10))
    assert evaluate(state, program, at=T0).qualifying_tier is Tier.CERTIFIED
    later = evaluate(state, program, at=T0 + timedelta(days=10))
    assert later.qualifying_tier is Tier.REGISTERED
    assert by_id(later)["certification-exam"] == (False, "The evidence expired on 2026-03-11.")


def test_evidence_confirmed_later_does_not_count_earlier(make_state: StateFactory,
                                                        program: Program) -> None:
    state = make_state(*CERTIFIED_IDS)
    assert evaluate(state, program, at=T0 - timedelta(days=2)).qualifying_tier is Tier.REGISTERED


def test_naive_time_is_refused(make_state: StateFactory, program: Program) -> None:
    from partners import NaiveTimestampError

    with pytest.raises(NaiveTimestampError):
        evaluate(make_state(), program, at=T0.replace(tzinfo=None))
