"""The partner program: tiers, requirements, benefits and revenue share as data and pure functions.

Ask it anything about the program without a database or a web request: which tier a partner
qualifies for (:func:`evaluate`), what a tier may do (:func:`may_publish_paid_skills`), which
rate applies to a sale (:func:`rate_for`) and how the sale splits (:func:`split_sale`,
:func:`refund_split`). Tier changes are pure transitions that append to a history.
See ``docs/partners/program.md``.
"""

from __future__ import annotations

from partners.program.actors import (
    Actor,
    Role,
)
from partners.program.benefits import (
    Benefit,
    Capability,
    benefits_for,
    has_benefit,
    may,
    may_publish_paid_skills,
)
from partners.program.definition import (
    Program,
    ReviewPolicy,
    default_program,
    default_schedules,
    load_program,
    parse_program,
)
from partners.program.errors import (
    ContractError,
    CurrencyMismatchError,
    InvalidAmountError,
    InvalidTransitionError,
    NaiveTimestampError,
    NoScheduleInEffectError,
    NotPermittedError,
    ProgramDataError,
    ProgramError,
    RefundExceedsPaymentError,
    RequirementsNotMetError,
    RetroactiveChangeError,
    RevenueShareError,
    ScheduleConflictError,
    SplitError,
    TransitionError,
)
from partners.program.evaluation import (
    Evaluation,
    RequirementResult,
    check,
    evaluate,
)
from partners.program.evidence import (
    Evidence,
    PartnerMetrics,
)
from partners.program.history import (
    ChangeKind,
    TierChange,
    pending_demotion,
    pending_request,
    tier_at,
)
from partners.program.requirements import (
    Metric,
    Requirement,
    RequirementKind,
    Slug,
)
from partners.program.revenue_share import (
    WHOLE,
    AppliedRate,
    Bps,
    RateSource,
    RevenueShareSchedule,
    ShareRate,
    StrategicBounds,
    StrategicContract,
    check_contract,
    check_schedules,
    publish_schedule,
    rate_for,
    schedule_at,
)
from partners.program.split import (
    RefundSplit,
    RoundingRule,
    Split,
    refund_split,
    split_sale,
)
from partners.program.state import (
    PartnerState,
)
from partners.program.tiers import (
    TIERS,
    PartnerType,
    Tier,
)
from partners.program.transitions import (
    approve_promotion,
    give_demotion_notice,
    record_evidence,
    reject_promotion,
    request_promotion,
    withdraw_demotion_notice,
)

__all__ = [
    "TIERS",
    "WHOLE",
    "Actor",
    "AppliedRate",
    "Benefit",
    "Bps",
    "Capability",
    "ChangeKind",
    "ContractError",
    "CurrencyMismatchError",
    "Evaluation",
    "Evidence",
    "InvalidAmountError",
    "InvalidTransitionError",
    "Metric",
    "NaiveTimestampError",
    "NoScheduleInEffectError",
    "NotPermittedError",
    "PartnerMetrics",
    "PartnerState",
    "PartnerType",
    "Program",
    "ProgramDataError",
    "ProgramError",
    "RateSource",
    "RefundExceedsPaymentError",
    "RefundSplit",
    "Requirement",
    "RequirementKind",
    "RequirementResult",
    "RequirementsNotMetError",
    "RetroactiveChangeError",
    "RevenueShareError",
    "RevenueShareSchedule",
    "ReviewPolicy",
    "Role",
    "RoundingRule",
    "ScheduleConflictError",
    "ShareRate",
    "Slug",
    "Split",
    "SplitError",
    "StrategicBounds",
    "StrategicContract",
    "Tier",
    "TierChange",
    "TransitionError",
    "approve_promotion",
    "benefits_for",
    "check",
    "check_contract",
    "check_schedules",
    "default_program",
    "default_schedules",
    "evaluate",
    "give_demotion_notice",
    "has_benefit",
    "load_program",
    "may",
    "may_publish_paid_skills",
    "parse_program",
    "pending_demotion",
    "pending_request",
    "publish_schedule",
    "rate_for",
    "record_evidence",
    "refund_split",
    "reject_promotion",
    "request_promotion",
    "schedule_at",
    "split_sale",
    "tier_at",
    "withdraw_demotion_notice",
]
