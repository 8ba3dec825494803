"""Request and response shapes of the partner program API.

Request bodies forbid unknown fields: a partner cannot slip in ``tier``, ``partner_share_bps``
or ``approved``; who acted and when are always taken from the authenticated caller and the
clock, never from the body. Responses reuse the program's own models (``Requirement``,
``Benefit``, ``Evidence``, ``TierChange``, ``RevenueShareSchedule``, ``AppliedRate``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from marketplace.accounts.models import TokenRole
from marketplace.messages import N_
from partners.program import (
    WHOLE,
    AppliedRate,
    Benefit,
    Bps,
    Capability,
    Evaluation,
    Evidence,
    PartnerMetrics,
    PartnerType,
    Requirement,
    RequirementResult,
    RevenueShareSchedule,
    ReviewPolicy,
    ShareRate,
    Slug,
    StrategicBounds,
    Tier,
    TierChange,
)
from partners.program.errors import invalid
from robeing_sdk.models import Money

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ── the program ───────────────────────────────────────────────────────────────────────────
class TierPublic(BaseModel):
    tier: Tier
    rank: int
    requirements: list[Requirement] = Field(description="This tier's own requirements "
                                            "(a tier also needs those of the tiers below).")
    benefits: list[Benefit] = Field(description="This tier's own benefits (a tier also "
                                    "enjoys those of the tiers below).")


class ProgramPublic(BaseModel):
    tiers: list[TierPublic]
    partner_types: list[PartnerType]
    capabilities: dict[Capability, Tier] = Field(
        description="The lowest tier that has each capability.")
    review: ReviewPolicy
    current_schedule: RevenueShareSchedule


# ── a partner ─────────────────────────────────────────────────────────────────────────────
class PartnerMe(BaseModel):
    """The calling account and, for a partner, its place in the program."""

    id: uuid.UUID
    name: str
    email: str
    created_at: datetime
    role: TokenRole = Field(description="The calling token's role within the partner.")
    locale: str | None = Field(description="The account's language for API texts and the "
                               "portal (ko, en, ja, zh, es); null follows Accept-Language.")
    staff: bool = Field(description="True for a marketplace staff account.")
    partner_type: PartnerType | None = Field(description="None for staff accounts.")
    tier: Tier | None = Field(description="The tier in force now (None for staff).")
    benefits: list[Benefit]
    capabilities: dict[Capability, bool] = Field(
        description="What the tier in force allows, e.g. publish_paid_skills.")
    may_publish_paid_skills: bool
    revenue_share: AppliedRate | None = Field(
        description="The rate a sale made now would get (None for staff).")


class TierStatus(BaseModel):
    """The program's evaluation, the figures it used and any decision still waiting."""

    partner_id: uuid.UUID
    at: datetime
    current_tier: Tier = Field(description="The tier in force now.")
    qualifying_tier: Tier = Field(description="The highest tier whose requirements (and "
                                  "those of every tier below) are all met.")
    next_tier: Tier | None = Field(description="The tier above the qualifying one.")
    may_request: Tier | None = Field(description="The tier the partner may ask for now.")
    results: list[RequirementResult] = Field(description="Every requirement, met or not, "
                                             "and why.")
    missing_for_next: list[RequirementResult]
    lapsed: list[RequirementResult] = Field(description="Unmet requirements of the current "
                                            "tier or below (grounds for a demotion review).")
    metrics: PartnerMetrics = Field(description="Computed by the marketplace, never typed in.")
    pending_request: TierChange | None
    pending_demotion: TierChange | None


class ProfileUpdate(_Body):
    """What an account may change about itself: the organization's type (partner admins)
    and its language (anyone on the account, staff too). Omitted fields stay as they are."""

    partner_type: PartnerType | None = Field(None, description="Partner admins only.")
    locale: str | None = Field(None, max_length=35, description="ko, en, ja, zh or es (a "
                               "tag such as ko-KR or zh-Hant-TW is mapped to one of them); "
                               "null removes the preference.")

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise invalid(N_("give partner_type, locale or both"))
        if "partner_type" in self.model_fields_set and self.partner_type is None:
            raise invalid(N_("partner_type cannot be null; omit it to keep it"))
        return self


class PromotionRequestCreate(_Body):
    to_tier: Tier | None = Field(None, description="Default: the tier the partner may ask for.")
    reason: Reason


class EvidenceCreate(_Body):
    requirement_id: Slug
    note: str = Field("", max_length=2000)
    document_ref: str | None = Field(None, min_length=1, max_length=500)
    expires_at: AwareDatetime | None = None


class ApprovalCreate(_Body):
    reason: Reason
    effective_at: AwareDatetime | None = Field(
        None, description="From when the tier applies; the approval time or later.")


class RejectionCreate(_Body):
    reason: Reason


class DemotionNoticeCreate(_Body):
    to_tier: Tier
    reason: Reason
    notice_days: int | None = Field(None, ge=1, le=365, description="Default and least: "
                                    "the program's review.demotion_notice_days.")


class WithdrawalCreate(_Body):
    reason: Reason


class PromotionRequestPublic(BaseModel):
    partner_id: uuid.UUID
    partner_name: str
    request: TierChange


# ── revenue share ─────────────────────────────────────────────────────────────────────────
class ScheduleCreate(_Body):
    """A new schedule version; the version number and publication come from the server."""

    effective_from: AwareDatetime = Field(description="Now or later; never retroactive.")
    note: str = Field("", max_length=2000)
    rates: dict[Tier, ShareRate] = Field(description="Every tier, both sides in basis points.")
    strategic_bounds: StrategicBounds


class _ContractSides(_Body):
    partner_share_bps: Bps | None = None
    platform_fee_bps: Bps | None = None

    @model_validator(mode="after")
    def _sides(self) -> Self:
        given = (self.partner_share_bps is None, self.platform_fee_bps is None)
        if given == (False, False):
            assert self.partner_share_bps is not None and self.platform_fee_bps is not None
            if self.partner_share_bps + self.platform_fee_bps != WHOLE:
                raise invalid(N_("partner_share_bps and platform_fee_bps must add up to "
                                 "{whole}"), whole=WHOLE)
        elif given != (True, True):
            raise invalid(N_("give both partner_share_bps and platform_fee_bps, or neither"))
        return self


class ContractCreate(_ContractSides):
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=200)]
    partner_share_bps: Bps
    platform_fee_bps: Bps
    starts_on: date = Field(description="First day (UTC), today or later.")
    ends_on: date = Field(description="Last day (UTC), inclusive.")


class ContractUpdate(_ContractSides):
    """Change a contract from now on: the rate only before it starts, the end never into
    the past."""

    ends_on: date | None = None


class ContractPublic(BaseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    reference: str
    partner_share_bps: int
    platform_fee_bps: int
    starts_on: date
    ends_on: date
    created_by: str
    created_at: datetime
    updated_at: datetime


__all__ = [
    "ApprovalCreate",
    "ContractCreate",
    "ContractPublic",
    "ContractUpdate",
    "DemotionNoticeCreate",
    "Evidence",
    "EvidenceCreate",
    "PartnerMe",
    "ProfileUpdate",
    "ProgramPublic",
    "PromotionRequestCreate",
    "PromotionRequestPublic",
    "RejectionCreate",
    "ScheduleCreate",
    "TierChange",
    "TierPublic",
    "TierStatus",
    "WithdrawalCreate",
    "said_in",
    "tier_status",
]


def said_in(status: TierStatus, locale: str) -> TierStatus:
    """``status`` with every result's ``why`` in ``locale`` (money as the locale writes it);
    a sentence the catalogs lack stays English."""
    from marketplace.i18n import catalogs
    from marketplace.messages import Message

    found = catalogs(locale)

    def said(result: RequirementResult) -> RequirementResult:
        if not result.why_template or locale == "en":
            return result
        values = {key: value.format(locale) if isinstance(value, Money) else value
                  for key, value in result.why_values.items()}
        why = Message(result.why_template, values).say(found)
        return result.model_copy(update={"why": why}) if why else result

    return status.model_copy(update={
        "results": [said(r) for r in status.results],
        "missing_for_next": [said(r) for r in status.missing_for_next],
        "lapsed": [said(r) for r in status.lapsed]})


def tier_status(evaluation: Evaluation, metrics: PartnerMetrics, pending_request: TierChange
                | None, pending_demotion: TierChange | None) -> TierStatus:
    return TierStatus(
        partner_id=evaluation.partner_id, at=evaluation.at,
        current_tier=evaluation.current_tier, qualifying_tier=evaluation.qualifying_tier,
        next_tier=evaluation.next_tier, may_request=evaluation.may_request,
        results=list(evaluation.results), missing_for_next=list(evaluation.missing_for_next),
        lapsed=list(evaluation.lapsed), metrics=metrics, pending_request=pending_request,
        pending_demotion=pending_demotion)
