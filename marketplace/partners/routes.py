"""Partner program API: the program, my tier, promotion, evidence, demotion, revenue share.

Handlers parse, call :mod:`marketplace.partners.service` and shape the response; who may do
what is decided there (staff-only actions: 401 anonymous, 403 partners; another partner's
ids: 404) and by the program's transitions. Program errors become problem details in the
one error handler (:mod:`marketplace.openapi`).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import AwareDatetime

from marketplace.deps import CurrentPrincipal, ReadSession, WriteSession
from marketplace.i18n import prefer_profile, request_locale
from marketplace.openapi import problem_responses
from marketplace.partners import schemas, service
from partners.program import TIERS, Evidence, PartnerType, RevenueShareSchedule, TierChange

router = APIRouter(prefix="/v1", tags=["partners"])

PartnerId = Annotated[uuid.UUID, Path(description="The partner's id.")]
EntryId = Annotated[uuid.UUID, Path(description="The history entry's id.")]
ContractId = Annotated[uuid.UUID, Path(description="The contract's id.")]

READ = problem_responses(401, 404)
STAFF = problem_responses(401, 403, 404, 409, 503)


@router.get("/partners/program", response_model=schemas.ProgramPublic,
            summary="The partner program: tiers, requirements, benefits, current schedule",
            responses=problem_responses(409))
def get_program(session: ReadSession) -> schemas.ProgramPublic:
    rules = service.the_program()
    return schemas.ProgramPublic(
        tiers=[schemas.TierPublic(tier=tier, rank=tier.rank,
                                  requirements=list(rules.requirements_for(tier)),
                                  benefits=[b for b in rules.benefits if b.tier is tier])
               for tier in TIERS],
        partner_types=list(PartnerType), capabilities=dict(rules.capabilities),
        review=rules.review, current_schedule=service.current_schedule(session, service.now()))


@router.get("/partners/me", response_model=schemas.PartnerMe,
            summary="The calling account, its tier, benefits and capabilities",
            responses=problem_responses(401))
def get_me(principal: CurrentPrincipal, session: ReadSession) -> schemas.PartnerMe:
    return service.me(session, principal, service.now())


@router.patch("/partners/me", response_model=schemas.PartnerMe,
              summary="Set my language (anyone) or my organization's partner type (admins)",
              responses=problem_responses(400, 401, 403, 503))
def update_me(data: schemas.ProfileUpdate, principal: CurrentPrincipal,
              session: WriteSession, request: Request) -> schemas.PartnerMe:
    at = service.now()
    service.update_profile(session, principal, data, at)
    service.commit(session)
    me = service.me(session, principal, at)
    prefer_profile(request, me.locale)  # this answer already speaks the new choice
    return me


@router.get("/partners/me/tier", response_model=schemas.TierStatus,
            summary="My tier: current, qualifying, what the next tier needs",
            responses=problem_responses(401, 403))
def get_my_tier(principal: CurrentPrincipal, session: ReadSession,
                request: Request) -> schemas.TierStatus:
    partner = service.own_partner(session, principal)
    return schemas.said_in(service.status_of(session, partner, service.now()),
                           request_locale(request))


@router.post("/partners/me/promotion-requests", response_model=TierChange, status_code=201,
             summary="Ask for a promotion (partner admins; staff decide)",
             responses=problem_responses(401, 403, 409, 503))
def request_promotion(data: schemas.PromotionRequestCreate, principal: CurrentPrincipal,
                      session: WriteSession) -> TierChange:
    change = service.request_promotion(session, principal, data, service.now())
    service.commit(session)
    return change


@router.get("/partners/promotion-requests",
            response_model=list[schemas.PromotionRequestPublic],
            summary="Promotion requests waiting for a decision (staff)",
            responses=problem_responses(401, 403))
def review_queue(principal: CurrentPrincipal,
                 session: ReadSession) -> list[schemas.PromotionRequestPublic]:
    return service.review_queue(session, principal)


@router.get("/partners/{partner_id}/tier", response_model=schemas.TierStatus,
            summary="A partner's tier evaluation (staff, or the partner itself)",
            responses=READ)
def get_tier(partner_id: PartnerId, principal: CurrentPrincipal,
             session: ReadSession, request: Request) -> schemas.TierStatus:
    partner = service.visible_partner(session, principal, partner_id)
    return schemas.said_in(service.status_of(session, partner, service.now()),
                           request_locale(request))


@router.get("/partners/{partner_id}/history", response_model=list[TierChange],
            summary="A partner's append-only tier history (staff, or the partner itself)",
            responses=READ)
def get_history(partner_id: PartnerId, principal: CurrentPrincipal,
                session: ReadSession) -> list[TierChange]:
    service.visible_partner(session, principal, partner_id)
    return service.history_of(session, partner_id)


@router.get("/partners/{partner_id}/evidence", response_model=list[Evidence],
            summary="Evidence confirmed for a partner (staff, or the partner itself)",
            responses=READ)
def list_evidence(partner_id: PartnerId, principal: CurrentPrincipal,
                  session: ReadSession) -> list[Evidence]:
    service.visible_partner(session, principal, partner_id)
    return service.evidence_of(session, partner_id)


@router.post("/partners/{partner_id}/evidence", response_model=Evidence, status_code=201,
             summary="Confirm an attested requirement (staff)", responses=STAFF)
def record_evidence(partner_id: PartnerId, data: schemas.EvidenceCreate,
                    principal: CurrentPrincipal, session: WriteSession) -> Evidence:
    evidence = service.record_evidence(session, principal, partner_id, data, service.now())
    service.commit(session)
    return evidence


@router.post("/partners/{partner_id}/promotion-requests/{request_id}/approve",
             response_model=TierChange, summary="Approve a promotion request (staff)",
             responses=STAFF)
def approve_promotion(partner_id: PartnerId, request_id: EntryId,
                      data: schemas.ApprovalCreate, principal: CurrentPrincipal,
                      session: WriteSession) -> TierChange:
    change = service.approve_promotion(session, principal, partner_id, request_id, data,
                                       service.now())
    service.commit(session)
    return change


@router.post("/partners/{partner_id}/promotion-requests/{request_id}/reject",
             response_model=TierChange, summary="Reject a promotion request (staff)",
             responses=STAFF)
def reject_promotion(partner_id: PartnerId, request_id: EntryId,
                     data: schemas.RejectionCreate, principal: CurrentPrincipal,
                     session: WriteSession) -> TierChange:
    change = service.reject_promotion(session, principal, partner_id, request_id, data,
                                      service.now())
    service.commit(session)
    return change


@router.post("/partners/{partner_id}/demotion-notices", response_model=TierChange,
             status_code=201, summary="Give notice of a demotion (staff)", responses=STAFF)
def give_demotion_notice(partner_id: PartnerId, data: schemas.DemotionNoticeCreate,
                         principal: CurrentPrincipal, session: WriteSession) -> TierChange:
    change = service.give_demotion_notice(session, principal, partner_id, data, service.now())
    service.commit(session)
    return change


@router.post("/partners/{partner_id}/demotion-notices/{notice_id}/withdraw",
             response_model=TierChange, summary="Withdraw a demotion notice (staff)",
             responses=STAFF)
def withdraw_demotion_notice(partner_id: PartnerId, notice_id: EntryId,
                             data: schemas.WithdrawalCreate, principal: CurrentPrincipal,
                             session: WriteSession) -> TierChange:
    change = service.withdraw_demotion_notice(session, principal, partner_id, notice_id, data,
                                              service.now())
    service.commit(session)
    return change


@router.get("/partners/{partner_id}/contracts", response_model=list[schemas.ContractPublic],
            summary="A partner's strategic contracts (staff, or the partner itself)",
            responses=READ)
def list_contracts(partner_id: PartnerId, principal: CurrentPrincipal,
                   session: ReadSession) -> list[schemas.ContractPublic]:
    return service.contracts_of(session, principal, partner_id)


@router.post("/partners/{partner_id}/contracts", response_model=schemas.ContractPublic,
             status_code=201, summary="Sign a strategic contract (staff)", responses=STAFF)
def create_contract(partner_id: PartnerId, data: schemas.ContractCreate,
                    principal: CurrentPrincipal,
                    session: WriteSession) -> schemas.ContractPublic:
    contract = service.create_contract(session, principal, partner_id, data, service.now())
    service.commit(session)
    return contract


@router.get("/partners/{partner_id}/contracts/{contract_id}",
            response_model=schemas.ContractPublic, summary="One strategic contract",
            responses=READ)
def get_contract(partner_id: PartnerId, contract_id: ContractId, principal: CurrentPrincipal,
                 session: ReadSession) -> schemas.ContractPublic:
    return service.get_contract(session, principal, partner_id, contract_id)


@router.patch("/partners/{partner_id}/contracts/{contract_id}",
              response_model=schemas.ContractPublic,
              summary="Change a contract's end, or its rate before it starts (staff)",
              responses=STAFF)
def update_contract(partner_id: PartnerId, contract_id: ContractId,
                    data: schemas.ContractUpdate, principal: CurrentPrincipal,
                    session: WriteSession) -> schemas.ContractPublic:
    contract = service.update_contract(session, principal, partner_id, contract_id, data,
                                       service.now())
    service.commit(session)
    return contract


@router.delete("/partners/{partner_id}/contracts/{contract_id}", status_code=204,
               summary="Delete a contract that has not started (staff)", responses=STAFF)
def delete_contract(partner_id: PartnerId, contract_id: ContractId,
                    principal: CurrentPrincipal, session: WriteSession) -> Response:
    service.delete_contract(session, principal, partner_id, contract_id, service.now())
    service.commit(session)
    return Response(status_code=204)


@router.get("/revenue-share/schedules", response_model=list[RevenueShareSchedule],
            tags=["revenue share"], summary="Published schedules, oldest first")
def list_schedules(session: ReadSession, from_version: Annotated[int, Query(
        ge=1, le=1_000_000, description="Leave out versions before this one.")] = 1,
                   ) -> list[RevenueShareSchedule]:
    return [s for s in service.schedules(session) if s.version >= from_version]


@router.get("/revenue-share/schedules/current", response_model=RevenueShareSchedule,
            tags=["revenue share"], summary="The schedule in force now (or at `at`)",
            responses=problem_responses(409))
def get_current_schedule(session: ReadSession, at: Annotated[AwareDatetime | None, Query(
        description="A moment with a time zone; default now.")] = None) -> RevenueShareSchedule:
    return service.current_schedule(session, at or service.now())


@router.post("/revenue-share/schedules", response_model=RevenueShareSchedule,
             status_code=201, tags=["revenue share"],
             summary="Publish a new effective-dated schedule (staff; never retroactive)",
             responses=problem_responses(401, 403, 409, 503))
def publish_schedule(data: schemas.ScheduleCreate, principal: CurrentPrincipal,
                     session: WriteSession) -> RevenueShareSchedule:
    schedule = service.publish_schedule(session, principal, data, service.now())
    service.commit(session)
    return schedule
