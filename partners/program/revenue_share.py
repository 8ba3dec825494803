"""Versioned, effective-dated revenue-share schedules and strategic contracts.

Every rate stores **both sides** in basis points (1 bp = 0.01 %): ``partner_share_bps`` is
what the partner receives of each sale and ``platform_fee_bps`` what the marketplace keeps;
they always add up to 10,000. The seed's "certified 30 %, gold 40 %" are partner shares.

A schedule takes effect at ``effective_from`` and stays in force until the next version's
``effective_from``. :func:`rate_for` picks the schedule in force *at the sale time*, so a new
schedule (or a tier change, whose effective time the caller resolves with
:func:`partners.program.history.tier_at`) never touches earlier sales. Strategic partners are
paid by a :class:`StrategicContract` within the bounds staff set in the schedule; outside
its dates they get the schedule's strategic rate. Every :class:`AppliedRate` says which
schedule version or contract produced it, so each sale can record it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from partners.program.errors import (
    ContractError,
    NoScheduleInEffectError,
    RetroactiveChangeError,
    ScheduleConflictError,
    invalid,
    require_aware,
)
from partners.program.tiers import Tier
from robeing_sdk.errors import N_

WHOLE: Final = 10_000
"""Basis points in 100 %."""

Bps = Annotated[int, Field(ge=0, le=WHOLE)]
"""A share in basis points, 0 to 10,000."""


def _check_sides(partner_share_bps: int, platform_fee_bps: int) -> None:
    if partner_share_bps + platform_fee_bps != WHOLE:
        raise invalid(N_("partner_share_bps ({partner}) and platform_fee_bps ({platform}) must "
                         "add up to {whole}"), partner=partner_share_bps,
                      platform=platform_fee_bps, whole=WHOLE)


class ShareRate(BaseModel):
    """Both sides of a sale in basis points: what the partner gets, what the platform keeps."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner_share_bps: Bps
    platform_fee_bps: Bps

    @model_validator(mode="after")
    def _sides_add_up(self) -> Self:
        _check_sides(self.partner_share_bps, self.platform_fee_bps)
        return self

    @classmethod
    def partner(cls, partner_share_bps: int) -> Self:
        """The rate that gives the partner ``partner_share_bps``; the platform keeps the rest."""
        return cls(partner_share_bps=partner_share_bps,
                   platform_fee_bps=WHOLE - partner_share_bps)


class StrategicBounds(BaseModel):
    """The range of partner shares staff may agree in a strategic contract."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_partner_share_bps: Bps
    max_partner_share_bps: Bps

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_partner_share_bps > self.max_partner_share_bps:
            raise invalid(N_("min_partner_share_bps cannot exceed max_partner_share_bps"))
        return self

    def allows(self, partner_share_bps: int) -> bool:
        return self.min_partner_share_bps <= partner_share_bps <= self.max_partner_share_bps


class RevenueShareSchedule(BaseModel):
    """One version of the rates per tier, in force from ``effective_from``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    effective_from: AwareDatetime
    published_at: AwareDatetime
    published_by: str = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=2000)
    rates: dict[Tier, ShareRate] = Field(
        description="Every tier's rate; strategic's applies when no contract is in force.")
    strategic_bounds: StrategicBounds

    @model_validator(mode="after")
    def _complete_and_prospective(self) -> Self:
        missing = [t.value for t in Tier if t not in self.rates]
        if missing:
            raise invalid(N_("schedule version {version} has no rate for {missing}"),
                          version=self.version, missing=", ".join(missing))
        if self.effective_from < self.published_at:
            raise invalid(N_("schedule version {version} takes effect before it was published"),
                          version=self.version)
        strategic = self.rates[Tier.STRATEGIC].partner_share_bps
        if not self.strategic_bounds.allows(strategic):
            raise invalid(N_("schedule version {version}'s strategic rate lies outside its own "
                             "bounds"), version=self.version)
        return self


class StrategicContract(BaseModel):
    """A strategic partner's negotiated share, in force on ``starts_on`` … ``ends_on``.

    Both dates are inclusive calendar days in UTC. ``rate_bps`` is the partner's share.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str = Field(min_length=1, max_length=200, description="The contract number.")
    rate_bps: Bps
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.ends_on < self.starts_on:
            raise invalid(N_("contract {reference} ends before it starts"),
                          reference=repr(self.reference))
        return self

    @property
    def share(self) -> ShareRate:
        return ShareRate.partner(self.rate_bps)

    def covers(self, at: datetime) -> bool:
        """True when ``at`` falls on one of the contract's days (UTC)."""
        day = require_aware(at, "at").astimezone(UTC).date()
        return self.starts_on <= day <= self.ends_on


class RateSource(StrEnum):
    SCHEDULE = "schedule"
    CONTRACT = "contract"


class AppliedRate(BaseModel):
    """The rate that applies to one sale, and where it came from (record it with the sale)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: Tier
    partner_share_bps: Bps
    platform_fee_bps: Bps
    source: RateSource
    schedule_version: int = Field(ge=1, description="The schedule in force at the sale time.")
    contract_reference: str | None = None
    sale_time: AwareDatetime

    @model_validator(mode="after")
    def _sides_add_up(self) -> Self:
        _check_sides(self.partner_share_bps, self.platform_fee_bps)
        if (self.source is RateSource.CONTRACT) != (self.contract_reference is not None):
            raise invalid(N_("a contract reference goes with, and only with, a contract rate"))
        return self


def schedule_at(schedules: Sequence[RevenueShareSchedule], at: datetime) -> RevenueShareSchedule:
    """The schedule in force at ``at``: the latest ``effective_from`` not after it."""
    require_aware(at, "at")
    in_force = [s for s in schedules if s.effective_from <= at]
    if not in_force:
        raise NoScheduleInEffectError.localizable(
            N_("No revenue-share schedule was in force at {at}."), context={"at": at},
            at=at.isoformat())
    return max(in_force, key=lambda s: (s.effective_from, s.version))


def check_schedules(schedules: Sequence[RevenueShareSchedule]) -> None:
    """Raise :class:`ScheduleConflictError` unless versions run 1, 2, 3 … with later dates."""
    for position, schedule in enumerate(schedules):
        if schedule.version != position + 1:
            raise ScheduleConflictError.localizable(
                N_("Schedule versions must run 1, 2, 3 … in order; found {version} in "
                   "position {position}."), context={"version": schedule.version},
                version=schedule.version, position=position + 1)
        if position and schedule.effective_from <= schedules[position - 1].effective_from:
            raise ScheduleConflictError.localizable(
                N_("Schedule version {version} must take effect after version {previous}."),
                context={"version": schedule.version}, version=schedule.version,
                previous=schedule.version - 1)


def publish_schedule(published: Sequence[RevenueShareSchedule], new: RevenueShareSchedule,
                     *, now: datetime) -> tuple[RevenueShareSchedule, ...]:
    """Append ``new`` to the published schedules; it may only take effect from ``now`` on.

    Raises :class:`RetroactiveChangeError` for an ``effective_from`` before ``now`` and
    :class:`ScheduleConflictError` unless ``new`` is the next version with a later date.
    """
    require_aware(now, "now")
    if new.effective_from < now:
        raise RetroactiveChangeError.localizable(
            N_("Schedule version {version} would take effect at {at}, before it is "
               "published; schedules apply only to future sales."),
            context={"effective_from": new.effective_from}, version=new.version,
            at=new.effective_from.isoformat())
    result = (*published, new)
    check_schedules(result)
    return result


def check_contract(contract: StrategicContract,
                   schedules: Sequence[RevenueShareSchedule]) -> RevenueShareSchedule:
    """The schedule whose bounds govern ``contract``: the one in force on its first day
    (the first schedule for a contract that starts before any).

    Raises :class:`ContractError` when the rate lies outside those bounds. A contract signed
    within bounds stays valid when a later schedule narrows them.
    """
    first_day = datetime.combine(contract.starts_on, time(), tzinfo=UTC)
    if schedules and all(s.effective_from > first_day for s in schedules):
        governing = min(schedules, key=lambda s: s.effective_from)  # signed before schedule 1
    else:
        governing = schedule_at(schedules, first_day)
    bounds = governing.strategic_bounds
    if not bounds.allows(contract.rate_bps):
        raise ContractError.localizable(
            N_("Contract {reference} gives the partner {rate} bp, outside the {low}–{high} bp "
               "staff allow in schedule version {version}."), context={"contract": contract},
            reference=repr(contract.reference), rate=contract.rate_bps,
            low=bounds.min_partner_share_bps, high=bounds.max_partner_share_bps,
            version=governing.version)
    return governing


def rate_for(tier: Tier, sale_time: datetime, schedules: Sequence[RevenueShareSchedule],
             contract: StrategicContract | None = None) -> AppliedRate:
    """The rate for a sale by a partner at ``tier`` (its tier *at the sale time*).

    A strategic partner's contract applies on its days; otherwise the schedule in force at
    ``sale_time`` gives the tier's rate. Raises :class:`NoScheduleInEffectError` before the
    first schedule and :class:`ContractError` for a contract given with another tier or
    outside the staff's bounds.
    """
    schedule = schedule_at(schedules, sale_time)
    if contract is not None:
        if tier is not Tier.STRATEGIC:
            raise ContractError.localizable(
                N_("Contract {reference} applies to strategic partners only; this sale is at "
                   "tier {tier}."), context={"contract": contract},
                reference=repr(contract.reference), tier=tier.value)
        if contract.covers(sale_time):
            check_contract(contract, schedules)
            return AppliedRate(
                tier=tier, partner_share_bps=contract.share.partner_share_bps,
                platform_fee_bps=contract.share.platform_fee_bps, source=RateSource.CONTRACT,
                schedule_version=schedule.version, contract_reference=contract.reference,
                sale_time=sale_time)
    rate = schedule.rates[tier]
    return AppliedRate(
        tier=tier, partner_share_bps=rate.partner_share_bps,
        platform_fee_bps=rate.platform_fee_bps, source=RateSource.SCHEDULE,
        schedule_version=schedule.version, sale_time=sale_time)


__all__ = [
    "WHOLE",
    "AppliedRate",
    "Bps",
    "RateSource",
    "RevenueShareSchedule",
    "ShareRate",
    "StrategicBounds",
    "StrategicContract",
    "check_contract",
    "check_schedules",
    "publish_schedule",
    "rate_for",
    "schedule_at",
]
