"""Commerce API: prices, purchases, refunds, the Stripe webhook, licence checks, usage."""

from __future__ import annotations

import uuid
from typing import Annotated, cast

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from marketplace.billing import PaymentProvider, WebhookVerificationError
from marketplace.catalog import service as catalog
from marketplace.commerce import purchases, service, usage
from marketplace.commerce.events import apply_webhook
from marketplace.commerce.schemas import (
    LicenceReason,
    LicenceVerdict,
    PaymentMethodPublic,
    PaymentMethodSet,
    PricePublic,
    PriceSet,
    PurchaseCreate,
    PurchasePayment,
    PurchasePublic,
    RefundCreate,
    RefundPublic,
    UsageAccepted,
    UsageBatch,
    WebhookOutcome,
)
from marketplace.db import utcnow
from marketplace.deps import (
    CurrentPrincipal,
    DatabaseDep,
    ReadSession,
    SkillName,
    VisibleSkill,
    WriteSession,
)
from marketplace.errors import BadRequest, Forbidden, Unauthorized
from marketplace.i18n import request_locale
from marketplace.messages import N_, Message
from marketplace.openapi import problem_responses
from robeing_sdk.manifest import PriceKind

router = APIRouter(tags=["commerce"])
LocaleQuery = Annotated[str | None, Query(
    max_length=35, description="e.g. ko, ja-JP; the marketplace negotiates the request's "
    "locale from it (else Accept-Language) for every request.")]


def provider_of(request: Request) -> PaymentProvider:
    provider: PaymentProvider = request.app.state.payments
    return provider


@router.get("/v1/skills/{name}/price", summary="A skill's price, shown in the buyer's locale",
            responses=problem_responses(400, 404, 422))
def get_price(skill: VisibleSkill, session: ReadSession, request: Request,
              locale: LocaleQuery = None) -> PricePublic:
    provider = provider_of(request)
    return service.public_price(session, skill, request_locale(request),
                                provider=provider.name, livemode=provider.livemode)


@router.put("/v1/skills/{name}/price", summary="Set a skill's price (owners; paid: certified+)",
            responses=problem_responses(400, 401, 403, 404, 422))
def put_price(name: SkillName, data: PriceSet, session: WriteSession,
              principal: CurrentPrincipal, request: Request,
              locale: LocaleQuery = None) -> PricePublic:
    skill = catalog.get_skill(session, name)
    service.set_price(session, skill, principal, data)
    provider = provider_of(request)
    answer = service.public_price(session, skill, request_locale(request),
                                  provider=provider.name, livemode=provider.livemode)
    session.commit()
    return answer


@router.post("/v1/skills/{name}/purchases", status_code=201,
             summary="Buy a skill: a payment to its seller; the licence key is shown once",
             responses=problem_responses(400, 402, 404, 409, 422, 502))
def create_purchase(name: SkillName, data: PurchaseCreate, request: Request, db: DatabaseDep,
                    locale: LocaleQuery = None) -> PurchasePublic:
    return purchases.purchase(db, provider_of(request), name, data, request_locale(request))


@router.post("/v1/purchases/{purchase_id}/refunds", status_code=201,
             summary="Refund a purchase, a renewal or a usage charge in full or in part "
             "(staff)",
             responses=problem_responses(401, 403, 404, 409, 422))
def create_refund(purchase_id: uuid.UUID, data: RefundCreate, request: Request,
                  db: DatabaseDep, principal: CurrentPrincipal) -> RefundPublic:
    if not principal.is_staff:
        raise Forbidden(N_("Only marketplace staff may refund purchases."))
    return purchases.refund(db, provider_of(request), purchase_id, data)


@router.get("/v1/purchases/{purchase_id}/payments",
            summary="A purchase's recorded payments: its own, renewals, usage charges (staff)",
            responses=problem_responses(401, 403, 404, 422))
def list_purchase_payments(purchase_id: uuid.UUID, db: DatabaseDep,
                           principal: CurrentPrincipal) -> list[PurchasePayment]:
    if not principal.is_staff:
        raise Forbidden(N_("Only marketplace staff may refund purchases."))
    return purchases.payments_of(db, purchase_id)


@router.post("/v1/billing/stripe/webhook", summary="Stripe's webhook endpoint",
             responses=problem_responses(400))
async def stripe_webhook(request: Request, db: DatabaseDep) -> WebhookOutcome:
    body = await request.body()
    provider = provider_of(request)
    try:
        event = provider.parse_webhook(body, request.headers.get("stripe-signature"))
    except WebhookVerificationError as error:
        raise BadRequest(Message.of(error.template, error.params)) from None
    outcome = await run_in_threadpool(apply_webhook, db, event, provider)
    return WebhookOutcome(event_id=event.id, outcome=outcome)


@router.get("/v1/licences/verify", summary="Check a licence key for a skill (the runtime)",
            responses=problem_responses(401, 404))
def verify_licence(request: Request, session: ReadSession,
                   skill: Annotated[str, Query(max_length=64)]) -> LicenceVerdict:
    """200 with ``valid`` and, if not, a ``reason`` and one sentence; 401 without a key."""
    found = catalog.get_skill(session, skill)
    key = service.key_from_authorization(request.headers.get("authorization"))
    if key is None:
        raise Unauthorized(N_("Send the licence key (Bearer, or HTTP Basic as __licence__)."))
    licence = service.find_licence(session, key)
    now = utcnow()
    if licence is None or licence.skill_id != found.id:
        return LicenceVerdict(valid=False, skill=found.name, reason="unknown_key",
                              detail=Message.of(N_("This licence key is not valid for {skill}."),
                                                {"skill": found.name}).english(),
                              kind=None, expires_at=None, checked_at=now)
    problem = service.licence_problem(licence, now)
    return LicenceVerdict(valid=problem is None, skill=found.name,
                          reason=cast(LicenceReason, problem[0]) if problem else None,
                          detail=problem[1].english() if problem else None,
                          kind=PriceKind(licence.kind), expires_at=licence.expires_at,
                          checked_at=now)


@router.post("/v1/subscriptions/cancel", summary="Cancel my subscription now (licence key)",
             responses=problem_responses(401, 403, 404, 409, 502))
def cancel_subscription(request: Request, db: DatabaseDep,
                        skill: Annotated[str, Query(max_length=64)]) -> dict[str, str]:
    key = service.key_from_authorization(request.headers.get("authorization"))
    status = purchases.cancel_subscription(db, provider_of(request), key, skill)
    return {"status": status}


@router.put("/v1/licences/payment-method",
            summary="Change the card a usage licence is charged to (licence key); failed "
            "charges are tried again at once", responses=problem_responses(401, 403, 404, 409,
                                                                          422))
def put_payment_method(data: PaymentMethodSet, request: Request, db: DatabaseDep,
                       skill: Annotated[str, Query(max_length=64)]) -> PaymentMethodPublic:
    key = service.key_from_authorization(request.headers.get("authorization"))
    return usage.change_payment_method(db, provider_of(request), key, skill, data)


@router.post("/v1/usage", summary="Report metered calls (batched; retries are harmless)",
             responses=problem_responses(401, 403, 409, 422))
def report_usage(batch: UsageBatch, request: Request, session: WriteSession) -> UsageAccepted:
    key = service.key_from_authorization(request.headers.get("authorization"))
    answer = usage.record_usage(session, key, batch)
    session.commit()
    return answer
