"""Accounts API: my API tokens (list, issue, revoke).

``GET /v1/partners/me`` (who am I, with my place in the partner program) is served by
:mod:`marketplace.partners.routes`.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from marketplace.accounts import service
from marketplace.accounts.models import ApiTokenCreate, ApiTokenIssued, ApiTokenPublic
from marketplace.deps import CurrentPrincipal, ReadSession, WriteSession
from marketplace.openapi import problem_responses

router = APIRouter(prefix="/v1", tags=["accounts"])


@router.get("/tokens", response_model=list[ApiTokenPublic], summary="My API tokens",
            responses=problem_responses(401))
def list_tokens(principal: CurrentPrincipal, session: ReadSession) -> list[ApiTokenPublic]:
    return service.list_tokens(session, principal.partner_id)


@router.post("/tokens", response_model=ApiTokenIssued, status_code=201,
             summary="Issue a new API token (the secret is shown only in this response)",
             responses=problem_responses(401, 403, 503))
def issue_token(data: ApiTokenCreate, principal: CurrentPrincipal,
                session: WriteSession) -> ApiTokenIssued:
    service.check_may_issue(principal, data)
    issued = service.issue_token(session, principal.partner_id, data)
    service.touch_token(session, principal)
    session.commit()
    return issued


@router.delete("/tokens/{token_id}", response_model=ApiTokenPublic, summary="Revoke a token",
               responses=problem_responses(401, 403, 404, 503))
def revoke_token(token_id: uuid.UUID, principal: CurrentPrincipal,
                 session: WriteSession) -> ApiTokenPublic:
    revoked = service.revoke_token(session, principal.partner_id, token_id, principal.role)
    session.commit()
    return revoked
