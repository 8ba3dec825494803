"""The partner program in the marketplace: load a partner's state, apply a decision, save it.

The rules are :mod:`partners.program`'s (pure functions); this module loads what they need
from the tables, computes the figures the marketplace knows (active deployments from the
catalog service; annual revenue from the ledger), applies one transition and
persists the one entry it appended. Other domains ask here, never the tables:

* :func:`tier_of` — the tier in force at a moment (billing asks at the sale time);
* :func:`may_publish_paid_skills` — whether a partner may set a price on a skill now;
* :func:`rate_for_sale` — the revenue-share rate (schedule or contract) for a sale.

Every saved decision also writes the tier then in force to ``partner.tier`` (the catalog's
``tier=`` filter) through :mod:`~marketplace.partners.tier_mirror`, which bumps the index
serial when it changes; :func:`sync_tiers` does the same for changes that take effect later
(an approval with a future ``effective_at``, a demotion at the end of its notice).

Concurrency: every change to one partner first locks its profile row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serializes writers) and then
reads the history, so two simultaneous approvals of one request apply once; the unique
``(partner_id, seq)`` and ``refers_to`` constraints hold even if that were bypassed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Final

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

import partners.program as program
from marketplace.accounts import service as accounts
from marketplace.accounts.models import Partner, TokenRole
from marketplace.accounts.service import Principal
from marketplace.catalog import search as catalog_search
from marketplace.catalog import service as catalog
from marketplace.catalog.models import Role as SkillRole
from marketplace.db import Database
from marketplace.errors import Conflict, Forbidden, NotFound, Unprocessable
from marketplace.messages import N_, from_validation
from marketplace.partners import schemas, tier_mirror
from marketplace.partners.models import (
    PartnerEvidence,
    PartnerProfile,
    ScheduleRateRow,
    ScheduleRow,
    StrategicContractRow,
    TierChangeRow,
)
from partners.program import (
    Actor,
    AppliedRate,
    Evidence,
    PartnerMetrics,
    PartnerState,
    PartnerType,
    Program,
    RevenueShareSchedule,
    Role,
    ShareRate,
    StrategicBounds,
    StrategicContract,
    Tier,
    TierChange,
)
from robeing_sdk.models import Money

REVENUE_CURRENCY: Final = "USD"


def the_program() -> Program:
    """The program in force (the data shipped with the ``partners`` package)."""
    return program.default_program()


def now() -> datetime:
    return datetime.now(UTC)


def _invalid(exc: ValidationError) -> Unprocessable:
    """A program model refused the values: one sentence, said through the catalogs."""
    return Unprocessable(from_validation(exc.errors(), skip=()))


def commit(session: Session) -> None:
    """Commit; a unique constraint lost to a concurrent change answers 409."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(N_("A concurrent change to this partner won; reload and retry.")) from None


# ── who acts ──────────────────────────────────────────────────────────────────────────────
def actor_for(principal: Principal) -> Actor:
    """The program's view of the caller: staff, or a partner's admin or member."""
    if principal.is_staff:
        return Actor(id=f"staff:{principal.partner_name}"[:200], role=Role.STAFF)
    role = Role.PARTNER_ADMIN if principal.role is TokenRole.ADMIN else Role.PARTNER_MEMBER
    token = f" (token {principal.token_id})" if principal.token_id else ""
    return Actor(id=f"{principal.partner_name}{token}"[:200], role=role,
                 partner_id=principal.partner_id)


def require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden(N_("Only marketplace staff may do this."))


def require_partner(principal: Principal) -> None:
    if principal.is_staff:
        raise Forbidden(N_("Staff accounts are not partners; this acts for a partner."))


def own_partner(session: Session, principal: Principal) -> Partner:
    require_partner(principal)
    partner = accounts.find_partner(session, principal.partner_id)
    if partner is None:  # pragma: no cover - tokens belong to partners
        raise NotFound(N_("No such partner."))
    return partner


def any_partner(session: Session, partner_id: uuid.UUID) -> Partner:
    """A partner organization by id (staff accounts are not partners): 404 if none."""
    partner = accounts.find_partner(session, partner_id)
    if partner is None or partner.is_staff:
        raise NotFound(N_("No such partner."))
    return partner


def visible_partner(session: Session, principal: Principal, partner_id: uuid.UUID) -> Partner:
    """Staff see every partner; a partner sees only itself (others: 404, no hint)."""
    if not principal.is_staff and principal.partner_id != partner_id:
        raise NotFound(N_("No such partner."))
    return any_partner(session, partner_id)


# ── state ─────────────────────────────────────────────────────────────────────────────────
def active_deployments(session: Session, partner_id: uuid.UUID) -> int:
    """Downloads of the skills the partner owns, from the catalog service.

    The marketplace has no install telemetry yet; every download counts as a deployment.
    """
    total, cursor = 0, None
    while True:
        skills, cursor = catalog_search.search(session, catalog_search.Query(
            partner_ids=(partner_id,), sort=catalog_search.Sort.DOWNLOADS,
            limit=catalog_search.MAX_PAGE, cursor=cursor))
        total += sum(skill.downloads for skill in skills
                     if catalog.role_of(session, skill, partner_id) is SkillRole.OWNER)
        if cursor is None:
            return total


def metrics_for(session: Session, partner_id: uuid.UUID, at: datetime) -> PartnerMetrics:
    """Figures from the marketplace's own data: annual revenue is the ledger's USD sales
    of the last 365 days less refunds in them (other currencies are not converted and
    not counted)."""
    from marketplace.ledger import statements as ledger  # the ledger asks us for rates

    revenue = ledger.net_sales(session, partner_id, REVENUE_CURRENCY, at - timedelta(days=365),
                               at + timedelta(microseconds=1))
    return PartnerMetrics(measured_at=at, annual_revenue=Money(amount=max(revenue, 0),
                                                                currency=REVENUE_CURRENCY),
                          active_deployments=active_deployments(session, partner_id))


def _change(row: TierChangeRow) -> TierChange:
    return TierChange(
        id=row.id, kind=program.ChangeKind(row.kind), from_tier=Tier(row.from_tier),
        to_tier=Tier(row.to_tier), by=row.by, by_role=Role(row.by_role), at=row.at,
        effective_at=row.effective_at, reason=row.reason, refers_to=row.refers_to)


def _evidence(row: PartnerEvidence) -> Evidence:
    return Evidence(id=row.id, requirement_id=row.requirement_id, confirmed_by=row.confirmed_by,
                    confirmed_at=row.confirmed_at, note=row.note,
                    document_ref=row.document_ref, expires_at=row.expires_at)


def history_of(session: Session, partner_id: uuid.UUID) -> list[TierChange]:
    rows = session.exec(select(TierChangeRow).where(TierChangeRow.partner_id == partner_id)
                        .order_by(col(TierChangeRow.seq))).all()
    return [_change(row) for row in rows]


def evidence_of(session: Session, partner_id: uuid.UUID) -> list[Evidence]:
    rows = session.exec(select(PartnerEvidence).where(PartnerEvidence.partner_id == partner_id)
                        .order_by(col(PartnerEvidence.confirmed_at))).all()
    return [_evidence(row) for row in rows]


def state_of(session: Session, partner: Partner, at: datetime, *,
             with_metrics: bool = True) -> PartnerState:
    profile = session.get(PartnerProfile, partner.id)
    return PartnerState(
        partner_id=partner.id,
        partner_type=PartnerType(profile.partner_type) if profile else PartnerType.TECHNOLOGY,
        joined_at=profile.joined_at if profile else partner.created_at,
        evidence=tuple(evidence_of(session, partner.id)),
        metrics=metrics_for(session, partner.id, at) if with_metrics else None,
        history=tuple(history_of(session, partner.id)))


def _lock(session: Session, partner: Partner) -> None:
    """Lock the partner's profile row (made on first use) until the transaction ends."""
    statement = (select(PartnerProfile).where(PartnerProfile.partner_id == partner.id)
                 .with_for_update())
    if session.exec(statement).first() is None:
        session.add(PartnerProfile(partner_id=partner.id, joined_at=partner.created_at))
        session.flush()


def _locked_state(session: Session, partner: Partner, at: datetime) -> PartnerState:
    """Lock the partner, then read its state (so no concurrent decision slips in between)."""
    _lock(session, partner)
    return state_of(session, partner, at)


def _save_last(session: Session, state: PartnerState) -> TierChange:
    change = state.history[-1]
    session.add(TierChangeRow(
        id=change.id, partner_id=state.partner_id, seq=len(state.history),
        kind=change.kind.value, from_tier=change.from_tier.value,
        to_tier=change.to_tier.value, by=change.by, by_role=change.by_role.value, at=change.at,
        effective_at=change.effective_at, reason=change.reason, refers_to=change.refers_to))
    profile = session.get(PartnerProfile, state.partner_id)
    if profile is not None:
        profile.updated_at = change.at
        session.add(profile)
    session.flush()
    tier_mirror.record_tier(session, state.partner_id, program.tier_at(state.history, change.at))
    return change


def tier_of(session: Session, partner_id: uuid.UUID, at: datetime) -> Tier:
    """The tier in force at ``at`` (``registered`` for a partner with no history)."""
    return program.tier_at(history_of(session, partner_id), at)


def partners_to_sync(session: Session) -> list[uuid.UUID]:
    """Partners whose ``partner.tier`` may differ from their tier in force: those with a
    history, and those whose column is not the entry tier's."""
    entry = tier_mirror.column_value(Tier.REGISTERED)
    with_history = select(TierChangeRow.partner_id).distinct()
    rows = session.exec(select(Partner.id).where(
        col(Partner.is_staff).is_(False),
        col(Partner.id).in_(with_history) | (col(Partner.tier) != entry))
        .order_by(col(Partner.created_at))).all()
    return list(rows)


def sync_tier(session: Session, partner_id: uuid.UUID, at: datetime) -> bool:
    """Write the partner's tier in force at ``at`` to ``partner.tier`` (bumping the index
    serial if it changed), under the partner's lock so no decision slips in between."""
    partner = any_partner(session, partner_id)
    _lock(session, partner)
    return tier_mirror.record_tier(session, partner_id, tier_of(session, partner_id, at))


def sync_tiers(db: Database, at: datetime | None = None) -> int:
    """Apply tier changes that have come into force since they were decided (run daily, and
    once after upgrading); one transaction per partner. How many partners changed."""
    with db.read() as session:
        partner_ids = partners_to_sync(session)
    changed = 0
    for partner_id in partner_ids:
        with db.write() as session:
            try:
                changed += sync_tier(session, partner_id, at or now())
            except NotFound:  # deleted or made staff since the list was read
                continue
            commit(session)
    return changed


def may_publish_paid_skills(session: Session, partner_id: uuid.UUID,
                            at: datetime | None = None) -> bool:
    """Whether the partner may set a price on a skill (certified or above, by the data)."""
    return program.may_publish_paid_skills(tier_of(session, partner_id, at or now()),
                                           the_program())


def status_of(session: Session, partner: Partner, at: datetime) -> schemas.TierStatus:
    state = state_of(session, partner, at)
    assert state.metrics is not None
    evaluation = program.evaluate(state, the_program(), at=at)
    return schemas.tier_status(evaluation, state.metrics,
                               program.pending_request(state.history),
                               program.pending_demotion(state.history, at))


def me(session: Session, principal: Principal, at: datetime) -> schemas.PartnerMe:
    account = accounts.find_partner(session, principal.partner_id)
    if account is None:  # pragma: no cover - tokens belong to partners
        raise NotFound(N_("No such partner."))
    base = {"id": account.id, "name": account.name, "email": account.email,
            "created_at": account.created_at, "role": principal.role,
            "staff": account.is_staff, "locale": account.locale}
    if account.is_staff:
        return schemas.PartnerMe(**base, partner_type=None, tier=None, benefits=[],
                                 capabilities={c: False for c in program.Capability},
                                 may_publish_paid_skills=False, revenue_share=None)
    rules = the_program()
    profile = session.get(PartnerProfile, account.id)
    tier = tier_of(session, account.id, at)
    return schemas.PartnerMe(
        **base, partner_type=PartnerType(profile.partner_type) if profile
        else PartnerType.TECHNOLOGY, tier=tier,
        benefits=list(program.benefits_for(tier, rules)),
        capabilities={c: program.may(tier, c, rules) for c in program.Capability},
        may_publish_paid_skills=program.may_publish_paid_skills(tier, rules),
        revenue_share=rate_for_sale(session, account.id, at))


def update_profile(session: Session, principal: Principal, data: schemas.ProfileUpdate,
                   at: datetime) -> None:
    """Apply the fields given: the organization's type (a partner admin; it changes no tier,
    share or right) and the account's language (anyone on the account, staff too). Both
    are checked before either is written."""
    new_locale = "locale" in data.model_fields_set
    locale = accounts.chosen_locale(data.locale) if new_locale else None
    if data.partner_type is not None:
        _set_partner_type(session, principal, data.partner_type, at)
    if new_locale:
        accounts.set_locale(session, principal.partner_id, locale)


def _set_partner_type(session: Session, principal: Principal, partner_type: PartnerType,
                      at: datetime) -> None:
    partner = own_partner(session, principal)
    if principal.role is not TokenRole.ADMIN:
        raise Forbidden(N_("Only an admin of the partner may change its profile."))
    _lock(session, partner)
    profile = session.get(PartnerProfile, partner.id)
    assert profile is not None
    profile.partner_type = partner_type.value
    profile.updated_at = at
    session.add(profile)
    session.flush()


# ── transitions ───────────────────────────────────────────────────────────────────────────
def request_promotion(session: Session, principal: Principal,
                      data: schemas.PromotionRequestCreate, at: datetime) -> TierChange:
    partner = own_partner(session, principal)
    state = _locked_state(session, partner, at)
    target = data.to_tier
    if target is None:
        evaluation = program.evaluate(state, the_program(), at=at)
        target = evaluation.may_request or evaluation.current_tier.next
        if target is None:
            raise program.InvalidTransitionError.localizable(
                N_("The partner is already at the top tier."),
                context={"partner_id": partner.id})
    after = program.request_promotion(state, to_tier=target, by=actor_for(principal), at=at,
                                      reason=data.reason, program=the_program())
    return _save_last(session, after)


def _pending(state: PartnerState, entry_id: uuid.UUID, pending: TierChange | None,
             decided: str, missing: str) -> None:
    """404 (``missing``) for an id that is not this partner's; 409 (``decided``) for one
    already decided."""
    if pending is not None and pending.id == entry_id:
        return
    if any(change.id == entry_id for change in state.history):
        raise Conflict(decided)
    raise NotFound(missing)


def _requested(state: PartnerState, request_id: uuid.UUID) -> None:
    request = next((c for c in state.history if c.id == request_id), None)
    if request is None or request.kind is not program.ChangeKind.PROMOTION_REQUESTED:
        raise NotFound(N_("No such promotion request."))
    _pending(state, request_id, program.pending_request(state.history),
             N_("This promotion request has already been decided."),
             N_("No such promotion request."))


def approve_promotion(session: Session, principal: Principal, partner_id: uuid.UUID,
                      request_id: uuid.UUID, data: schemas.ApprovalCreate,
                      at: datetime) -> TierChange:
    require_staff(principal)
    state = _locked_state(session, any_partner(session, partner_id), at)
    _requested(state, request_id)
    after = program.approve_promotion(state, by=actor_for(principal), at=at, reason=data.reason,
                                      program=the_program(), effective_at=data.effective_at)
    return _save_last(session, after)


def reject_promotion(session: Session, principal: Principal, partner_id: uuid.UUID,
                     request_id: uuid.UUID, data: schemas.RejectionCreate,
                     at: datetime) -> TierChange:
    require_staff(principal)
    state = _locked_state(session, any_partner(session, partner_id), at)
    _requested(state, request_id)
    after = program.reject_promotion(state, by=actor_for(principal), at=at, reason=data.reason)
    return _save_last(session, after)


def give_demotion_notice(session: Session, principal: Principal, partner_id: uuid.UUID,
                         data: schemas.DemotionNoticeCreate, at: datetime) -> TierChange:
    require_staff(principal)
    state = _locked_state(session, any_partner(session, partner_id), at)
    notice = timedelta(days=data.notice_days) if data.notice_days is not None else None
    after = program.give_demotion_notice(state, to_tier=data.to_tier, by=actor_for(principal),
                                         at=at, reason=data.reason, program=the_program(),
                                         notice=notice)
    return _save_last(session, after)


def withdraw_demotion_notice(session: Session, principal: Principal, partner_id: uuid.UUID,
                             notice_id: uuid.UUID, data: schemas.WithdrawalCreate,
                             at: datetime) -> TierChange:
    require_staff(principal)
    state = _locked_state(session, any_partner(session, partner_id), at)
    notice = next((c for c in state.history if c.id == notice_id), None)
    if notice is None or notice.kind is not program.ChangeKind.DEMOTION_NOTICED:
        raise NotFound(N_("No such demotion notice."))
    _pending(state, notice_id, program.pending_demotion(state.history, at),
             N_("This demotion notice has already been decided."),
             N_("No such demotion notice."))
    after = program.withdraw_demotion_notice(state, by=actor_for(principal), at=at,
                                             reason=data.reason)
    return _save_last(session, after)


def record_evidence(session: Session, principal: Principal, partner_id: uuid.UUID,
                    data: schemas.EvidenceCreate, at: datetime) -> Evidence:
    require_staff(principal)
    actor = actor_for(principal)
    state = _locked_state(session, any_partner(session, partner_id), at)
    try:
        evidence = Evidence(requirement_id=data.requirement_id, confirmed_by=actor.id,
                            confirmed_at=at, note=data.note, document_ref=data.document_ref,
                            expires_at=data.expires_at)
    except ValidationError as exc:
        raise _invalid(exc) from None
    after = program.record_evidence(state, evidence, by=actor, program=the_program())
    saved = after.evidence[-1]
    session.add(PartnerEvidence(
        id=saved.id, partner_id=partner_id, requirement_id=saved.requirement_id,
        confirmed_by=saved.confirmed_by, confirmed_at=saved.confirmed_at, note=saved.note,
        document_ref=saved.document_ref, expires_at=saved.expires_at))
    session.flush()
    return saved


def review_queue(session: Session, principal: Principal) -> list[schemas.PromotionRequestPublic]:
    """Promotion requests nobody has decided yet, oldest first (staff only)."""
    require_staff(principal)
    answered = select(TierChangeRow.refers_to).where(col(TierChangeRow.refers_to).is_not(None))
    rows = session.exec(select(TierChangeRow, Partner)
                        .join(Partner, col(Partner.id) == col(TierChangeRow.partner_id))
                        .where(TierChangeRow.kind == program.ChangeKind.PROMOTION_REQUESTED.value,
                               col(TierChangeRow.id).not_in(answered))
                        .order_by(col(TierChangeRow.at))).all()
    return [schemas.PromotionRequestPublic(partner_id=partner.id, partner_name=partner.name,
                                           request=_change(row)) for row, partner in rows]


# ── revenue share ─────────────────────────────────────────────────────────────────────────
def schedules(session: Session) -> tuple[RevenueShareSchedule, ...]:
    """Every published schedule, oldest first."""
    rows = session.exec(select(ScheduleRow).order_by(col(ScheduleRow.version))).all()
    rates = session.exec(select(ScheduleRateRow)).all()
    by_version: dict[int, dict[Tier, ShareRate]] = {}
    for rate in rates:
        by_version.setdefault(rate.schedule_version, {})[Tier(rate.tier)] = ShareRate(
            partner_share_bps=rate.partner_share_bps, platform_fee_bps=rate.platform_fee_bps)
    return tuple(RevenueShareSchedule(
        version=row.version, effective_from=row.effective_from, published_at=row.published_at,
        published_by=row.published_by, note=row.note, rates=by_version.get(row.version, {}),
        strategic_bounds=StrategicBounds(
            min_partner_share_bps=row.strategic_min_partner_share_bps,
            max_partner_share_bps=row.strategic_max_partner_share_bps)) for row in rows)


def current_schedule(session: Session, at: datetime) -> RevenueShareSchedule:
    return program.schedule_at(schedules(session), at)


def publish_schedule(session: Session, principal: Principal, data: schemas.ScheduleCreate,
                     at: datetime) -> RevenueShareSchedule:
    """Publish the next version; it takes effect at ``effective_from`` (never before now)."""
    require_staff(principal)
    session.exec(select(ScheduleRow).order_by(col(ScheduleRow.version).desc()).limit(1)
                 .with_for_update()).first()
    published = schedules(session)
    version = len(published) + 1
    if data.effective_from < at:
        raise program.RetroactiveChangeError.localizable(
            N_("Schedule version {version} would take effect at {at}, before it is "
               "published; schedules apply only to future sales."),
            context={"effective_from": data.effective_from}, version=version,
            at=data.effective_from.isoformat())
    try:
        new = RevenueShareSchedule(version=version, effective_from=data.effective_from,
                                   published_at=at, published_by=actor_for(principal).id,
                                   note=data.note, rates=data.rates,
                                   strategic_bounds=data.strategic_bounds)
    except ValidationError as exc:
        raise _invalid(exc) from None
    program.publish_schedule(published, new, now=at)
    session.add(ScheduleRow(
        version=new.version, effective_from=new.effective_from, published_at=new.published_at,
        published_by=new.published_by, note=new.note,
        strategic_min_partner_share_bps=new.strategic_bounds.min_partner_share_bps,
        strategic_max_partner_share_bps=new.strategic_bounds.max_partner_share_bps))
    session.flush()
    for tier, rate in new.rates.items():
        session.add(ScheduleRateRow(schedule_version=new.version, tier=tier.value,
                                    partner_share_bps=rate.partner_share_bps,
                                    platform_fee_bps=rate.platform_fee_bps))
    session.flush()
    return new


def _contract(row: StrategicContractRow) -> StrategicContract:
    return StrategicContract(reference=row.reference, rate_bps=row.partner_share_bps,
                             starts_on=row.starts_on, ends_on=row.ends_on)


def _contract_rows(session: Session, partner_id: uuid.UUID) -> Sequence[StrategicContractRow]:
    return session.exec(select(StrategicContractRow)
                        .where(StrategicContractRow.partner_id == partner_id)
                        .order_by(col(StrategicContractRow.starts_on))).all()


def rate_for_sale(session: Session, partner_id: uuid.UUID, sale_time: datetime) -> AppliedRate:
    """The rate for one of the partner's sales at ``sale_time``: its tier then, and a
    strategic contract covering that day if it has one. Record the result with the sale."""
    tier = tier_of(session, partner_id, sale_time)
    contract = None
    if tier is Tier.STRATEGIC:
        contract = next((_contract(row) for row in _contract_rows(session, partner_id)
                         if _contract(row).covers(sale_time)), None)
    return program.rate_for(tier, sale_time, schedules(session), contract)


def contracts_of(session: Session, principal: Principal,
                 partner_id: uuid.UUID) -> list[schemas.ContractPublic]:
    visible_partner(session, principal, partner_id)
    return [schemas.ContractPublic.model_validate(row, from_attributes=True)
            for row in _contract_rows(session, partner_id)]


def _contract_row(session: Session, partner_id: uuid.UUID,
                  contract_id: uuid.UUID) -> StrategicContractRow:
    row = session.get(StrategicContractRow, contract_id)
    if row is None or row.partner_id != partner_id:
        raise NotFound(N_("No such contract."))
    return row


def get_contract(session: Session, principal: Principal, partner_id: uuid.UUID,
                 contract_id: uuid.UUID) -> schemas.ContractPublic:
    visible_partner(session, principal, partner_id)
    row = _contract_row(session, partner_id, contract_id)
    return schemas.ContractPublic.model_validate(row, from_attributes=True)


def _check_contract(session: Session, row: StrategicContractRow) -> None:
    try:
        contract = _contract(row)
    except ValidationError as exc:
        raise _invalid(exc) from None
    program.check_contract(contract, schedules(session))
    for other in _contract_rows(session, row.partner_id):
        if other.id != row.id and other.starts_on <= row.ends_on \
                and row.starts_on <= other.ends_on:
            raise Conflict(N_("Contract {reference} would overlap contract {reference2} "
                              "({starts_on} to {ends_on})."),
                           reference=repr(row.reference), reference2=repr(other.reference),
                           starts_on=other.starts_on, ends_on=other.ends_on)


def _today(at: datetime) -> date:
    return at.astimezone(UTC).date()


def create_contract(session: Session, principal: Principal, partner_id: uuid.UUID,
                    data: schemas.ContractCreate, at: datetime) -> schemas.ContractPublic:
    require_staff(principal)
    _lock(session, any_partner(session, partner_id))
    if data.starts_on < _today(at):
        raise Unprocessable(N_("A contract cannot start before today ({at}); rates never apply "
                               "retroactively."), at=_today(at))
    if session.exec(select(StrategicContractRow)
                    .where(StrategicContractRow.reference == data.reference)).first():
        raise Conflict(N_("A contract with reference {reference} already exists."),
                       reference=repr(data.reference))
    row = StrategicContractRow(
        partner_id=partner_id, reference=data.reference,
        partner_share_bps=data.partner_share_bps, platform_fee_bps=data.platform_fee_bps,
        starts_on=data.starts_on, ends_on=data.ends_on, created_by=actor_for(principal).id,
        created_at=at, updated_at=at)
    _check_contract(session, row)
    session.add(row)
    session.flush()
    return schemas.ContractPublic.model_validate(row, from_attributes=True)


def update_contract(session: Session, principal: Principal, partner_id: uuid.UUID,
                    contract_id: uuid.UUID, data: schemas.ContractUpdate,
                    at: datetime) -> schemas.ContractPublic:
    """The rate may change only before the contract starts; the end never into the past."""
    require_staff(principal)
    _lock(session, any_partner(session, partner_id))
    row = _contract_row(session, partner_id, contract_id)
    today = _today(at)
    if data.partner_share_bps is not None and data.platform_fee_bps is not None:
        if row.starts_on <= today:
            raise Conflict(N_("Contract {reference} has started; its rate cannot change (end "
                              "it and sign a new one)."), reference=repr(row.reference))
        row.partner_share_bps = data.partner_share_bps
        row.platform_fee_bps = data.platform_fee_bps
    if data.ends_on is not None:
        if data.ends_on < today:
            raise Unprocessable(N_("A contract cannot end before today ({today}); sales "
                                   "already made keep their rate."), today=today)
        row.ends_on = data.ends_on
    row.updated_at = at
    _check_contract(session, row)
    session.add(row)
    session.flush()
    return schemas.ContractPublic.model_validate(row, from_attributes=True)


def delete_contract(session: Session, principal: Principal, partner_id: uuid.UUID,
                    contract_id: uuid.UUID, at: datetime) -> None:
    """Only a contract that has not started may be deleted; a running one is ended."""
    require_staff(principal)
    _lock(session, any_partner(session, partner_id))
    row = _contract_row(session, partner_id, contract_id)
    if row.starts_on <= _today(at):
        raise Conflict(N_("Contract {reference} has started; set ends_on to end it instead "
                          "(past sales keep their rate)."), reference=repr(row.reference))
    session.delete(row)
    session.flush()
