"""Statements and balances: a partner reads its own, staff read any partner's.

A partner token reaches ``/v1/partners/me/...`` (staff tokens get 403 there: staff are not
partners); ``/v1/partners/{partner_id}/...`` answers staff for any partner and a partner
for itself only (another partner's id: 404, no hint that it exists).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from marketplace.deps import CurrentPrincipal, ReadSession
from marketplace.ledger import statements
from marketplace.ledger.schemas import Balance, Statement
from marketplace.openapi import problem_responses
from marketplace.partners import service as partners

router = APIRouter(prefix="/v1", tags=["ledger"])

Month = Annotated[str, Path(description="The month, YYYY-MM (UTC).", examples=["2026-03"],
                            pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
PartnerId = Annotated[uuid.UUID, Path(description="The partner's id.")]
OWN = problem_responses(401, 403)
ANY = problem_responses(401, 404)


@router.get("/partners/me/statements/{month}", response_model=Statement, responses=OWN,
            summary="My monthly statement: sales, refunds, share, payouts, balances")
def my_statement(month: Month, principal: CurrentPrincipal,
                 session: ReadSession) -> Statement:
    partner = partners.own_partner(session, principal)
    return statements.statement(session, partner.id, month)


@router.get("/partners/me/balance", response_model=Balance, responses=OWN,
            summary="What the marketplace owes me now, per currency")
def my_balance(principal: CurrentPrincipal, session: ReadSession) -> Balance:
    partner = partners.own_partner(session, principal)
    return statements.balance(session, partner.id, partners.now())


@router.get("/partners/{partner_id}/statements/{month}", response_model=Statement,
            responses=ANY, summary="A partner's monthly statement (staff; or the partner)")
def partner_statement(partner_id: PartnerId, month: Month, principal: CurrentPrincipal,
                      session: ReadSession) -> Statement:
    partner = partners.visible_partner(session, principal, partner_id)
    return statements.statement(session, partner.id, month)


@router.get("/partners/{partner_id}/balance", response_model=Balance, responses=ANY,
            summary="A partner's balance (staff; or the partner)")
def partner_balance(partner_id: PartnerId, principal: CurrentPrincipal,
                    session: ReadSession) -> Balance:
    partner = partners.visible_partner(session, principal, partner_id)
    return statements.balance(session, partner.id, partners.now())
