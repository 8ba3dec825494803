"""Schedules store both sides, apply from their effective date, and are never retroactive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from partners import (
    ContractError,
    NaiveTimestampError,
    NoScheduleInEffectError,
    Program,
    RateSource,
    RetroactiveChangeError,
    RevenueShareSchedule,
    ScheduleConflictError,
    ShareRate,
    StrategicBounds,
    StrategicContract,
    Tier,
    check_contract,
    publish_schedule,
    rate_for,
    schedule_at,
    split_sale,
)
from robeing_sdk.models import Money

V1_START = datetime(2026, 1, 1, tzinfo=UTC)
V2_START = datetime(2026, 7, 1, tzinfo=UTC)


def schedule(version: int, effective_from: datetime, *, certified: int = 3000,
             gold: int = 4000, bounds: tuple[int, int] = (4000, 8500),
             published_at: datetime | None = None) -> RevenueShareSchedule:
    return RevenueShareSchedule(
        version=version, effective_from=effective_from,
        published_at=published_at or effective_from - timedelta(days=30), published_by="staff",
        rates={Tier.REGISTERED: ShareRate.partner(certified),
               Tier.CERTIFIED: ShareRate.partner(certified), Tier.GOLD: ShareRate.partner(gold),
               Tier.STRATEGIC: ShareRate.partner(gold)},
        strategic_bounds=StrategicBounds(min_partner_share_bps=bounds[0],
                                         max_partner_share_bps=bounds[1]))


def contract(rate_bps: int = 6000, starts_on: date = date(2026, 2, 1),
             ends_on: date = date(2026, 12, 31)) -> StrategicContract:
    return StrategicContract(reference="SC-001", rate_bps=rate_bps, starts_on=starts_on,
                             ends_on=ends_on)


def test_seed_defaults_are_partner_shares(program: Program) -> None:
    """The seed's "certified 30 %, gold 40 %" are what the partner receives."""
    (v1,) = program.schedules
    assert v1.version == 1
    assert v1.rates[Tier.CERTIFIED] == ShareRate(partner_share_bps=3000, platform_fee_bps=7000)
    assert v1.rates[Tier.GOLD] == ShareRate(partner_share_bps=4000, platform_fee_bps=6000)
    assert v1.rates[Tier.REGISTERED].partner_share_bps == 3000
    assert v1.strategic_bounds.min_partner_share_bps == 4000
    sale = rate_for(Tier.CERTIFIED, V1_START + timedelta(days=3), program.schedules)
    split = split_sale(Money(amount=100_000, currency="KRW"), sale)
    assert split.partner == Money(amount=30_000, currency="KRW")
    assert split.platform == Money(amount=70_000, currency="KRW")


def test_both_sides_must_add_up() -> None:
    with pytest.raises(ValidationError, match="must add up to 10000"):
        ShareRate(partner_share_bps=3000, platform_fee_bps=3000)
    with pytest.raises(ValidationError):
        ShareRate(partner_share_bps=-1, platform_fee_bps=10_001)
    assert ShareRate.partner(3000).platform_fee_bps == 7000


def test_rate_comes_from_the_schedule_in_force_at_the_sale() -> None:
    schedules = [schedule(1, V1_START), schedule(2, V2_START, certified=3500)]
    before = rate_for(Tier.CERTIFIED, V2_START - timedelta(microseconds=1), schedules)
    at = rate_for(Tier.CERTIFIED, V2_START, schedules)
    assert (before.schedule_version, before.partner_share_bps) == (1, 3000)
    assert (at.schedule_version, at.partner_share_bps) == (2, 3500)
    assert at.source is RateSource.SCHEDULE and at.contract_reference is None
    assert at.platform_fee_bps == 6500


def test_no_schedule_before_the_first() -> None:
    with pytest.raises(NoScheduleInEffectError) as info:
        rate_for(Tier.GOLD, V1_START - timedelta(seconds=1), [schedule(1, V1_START)])
    assert info.value.at == V1_START - timedelta(seconds=1)


def test_naive_sale_time_is_refused() -> None:
    with pytest.raises(NaiveTimestampError):
        rate_for(Tier.GOLD, datetime(2026, 3, 1), [schedule(1, V1_START)])


@given(offset=st.integers(min_value=-140, max_value=400), certified=st.integers(0, 10_000))
def test_publishing_never_changes_earlier_sales(offset: int, certified: int) -> None:
    """Any sale before a new schedule's effective date keeps the rate it had."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    v1 = [schedule(1, V1_START)]
    sale_time = now + timedelta(days=offset)
    before = rate_for(Tier.CERTIFIED, sale_time, v1)
    new = schedule(2, now + timedelta(days=30), certified=certified, bounds=(0, 10_000),
                   published_at=now)
    after = rate_for(Tier.CERTIFIED, sale_time, publish_schedule(v1, new, now=now))
    if sale_time < new.effective_from:
        assert after == before
    else:
        assert after.partner_share_bps == certified and after.schedule_version == 2


def test_publishing_a_retroactive_schedule_is_refused() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    backdated = schedule(2, now - timedelta(days=1), published_at=now - timedelta(days=2))
    with pytest.raises(RetroactiveChangeError) as info:
        publish_schedule([schedule(1, V1_START)], backdated, now=now)
    assert info.value.effective_from == backdated.effective_from


def test_a_schedule_cannot_claim_effect_before_publication() -> None:
    with pytest.raises(ValidationError, match="before it was published"):
        schedule(1, V1_START, published_at=V1_START + timedelta(days=1))


def test_versions_and_dates_must_follow_on() -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    v1 = [schedule(1, V1_START)]
    with pytest.raises(ScheduleConflictError) as info:
        publish_schedule(v1, schedule(3, V2_START), now=now)
    assert info.value.version == 3
    with pytest.raises(ScheduleConflictError):
        publish_schedule(v1, schedule(2, V1_START), now=now)
    assert [s.version for s in publish_schedule(v1, schedule(2, V2_START), now=now)] == [1, 2]


def test_schedule_needs_every_tier() -> None:
    with pytest.raises(ValidationError, match="no rate for strategic"):
        RevenueShareSchedule(
            version=1, effective_from=V1_START, published_at=V1_START, published_by="x",
            rates={t: ShareRate.partner(3000) for t in (Tier.REGISTERED, Tier.CERTIFIED,
                                                         Tier.GOLD)},
            strategic_bounds=StrategicBounds(min_partner_share_bps=0,
                                             max_partner_share_bps=10_000))


def test_strategic_contract_applies_within_its_days() -> None:
    schedules = [schedule(1, V1_START)]
    sc = contract(6000, date(2026, 2, 1), date(2026, 2, 28))
    inside = rate_for(Tier.STRATEGIC, datetime(2026, 2, 28, 23, 59, tzinfo=UTC), schedules, sc)
    assert inside.source is RateSource.CONTRACT and inside.contract_reference == "SC-001"
    assert (inside.partner_share_bps, inside.platform_fee_bps) == (6000, 4000)
    assert inside.schedule_version == 1
    after = rate_for(Tier.STRATEGIC, datetime(2026, 3, 1, tzinfo=UTC), schedules, sc)
    assert after.source is RateSource.SCHEDULE and after.partner_share_bps == 4000
    before = rate_for(Tier.STRATEGIC, datetime(2026, 1, 31, 23, 59, tzinfo=UTC), schedules, sc)
    assert before.source is RateSource.SCHEDULE


def test_contract_days_are_utc_days() -> None:
    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    sc = contract(starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 28))
    # 08:00 on 1 March in Seoul is 23:00 on 28 February in UTC.
    assert sc.covers(datetime(2026, 3, 1, 8, 0, tzinfo=seoul))
    assert not sc.covers(datetime(2026, 3, 1, 9, 0, tzinfo=seoul))


def test_contract_outside_bounds_is_refused() -> None:
    schedules = [schedule(1, V1_START, bounds=(4000, 8500))]
    with pytest.raises(ContractError) as info:
        rate_for(Tier.STRATEGIC, datetime(2026, 3, 1, tzinfo=UTC), schedules, contract(9000))
    assert info.value.contract.rate_bps == 9000
    with pytest.raises(ContractError):
        check_contract(contract(3999), schedules)


def test_narrowed_bounds_do_not_void_a_running_contract() -> None:
    """Bounds are those in force on the contract's first day."""
    schedules = [schedule(1, V1_START, bounds=(4000, 8500)),
                 schedule(2, V2_START, bounds=(4000, 7000))]
    sc = contract(8000, date(2026, 2, 1), date(2026, 12, 31))
    applied = rate_for(Tier.STRATEGIC, datetime(2026, 8, 1, tzinfo=UTC), schedules, sc)
    assert applied.partner_share_bps == 8000 and applied.schedule_version == 2
    assert check_contract(sc, schedules).version == 1
    with pytest.raises(ContractError):
        check_contract(contract(8000, date(2026, 7, 1), date(2026, 12, 31)), schedules)


def test_contract_for_a_non_strategic_tier_is_refused() -> None:
    with pytest.raises(ContractError, match="strategic partners only"):
        rate_for(Tier.GOLD, datetime(2026, 3, 1, tzinfo=UTC), [schedule(1, V1_START)],
                 contract())


def test_contract_dates_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        contract(starts_on=date(2026, 3, 1), ends_on=date(2026, 2, 1))


def test_schedule_at_picks_latest_in_force() -> None:
    schedules = [schedule(1, V1_START), schedule(2, V2_START)]
    assert schedule_at(schedules, V2_START + timedelta(days=1)).version == 2
    assert schedule_at(list(reversed(schedules)), V1_START).version == 1
