"""My tier (evaluation, what is missing, promotion request, history, benefits, shares) and
the staff review queue. Every decision is the partners service's; these pages only show it.

Staff pages: anonymous visitors are sent to sign in, partners get 403.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

import partners.program as program
from marketplace.deps import DatabaseDep
from marketplace.partners import schemas
from marketplace.partners import service as partners
from marketplace.portal import texts as names
from marketplace.portal.auth import SignedInUser, StaffUser, check_csrf
from marketplace.portal.calls import Refused, read, write
from marketplace.portal.i18n import Texts, pick_locale, texts_for
from marketplace.portal.render import page

router = APIRouter()
Field = Annotated[str, Form(max_length=4096)]


def namers(texts: Texts) -> dict[str, Any]:
    """Template helpers that name the program's data in the page's language."""
    def metric_value(value: Any) -> str:
        if isinstance(value, int):
            return texts.number(value)
        return texts.money(value.amount, value.currency)

    return {
        "tier_name": lambda tier: names.named(texts, names.TIERS, str(tier)),
        "requirement_name": lambda r: names.named(texts, names.REQUIREMENTS, r.id, r.title),
        "benefit_name": lambda b: names.named(texts, names.BENEFITS, b.id, b.title),
        "change_name": lambda kind: names.named(texts, names.CHANGES, str(kind)),
        "metric_value": metric_value,
    }


def _program_page(request: Request, user: SignedInUser, db: DatabaseDep, *,
                  status: int = 200, error: str | None = None) -> Response:
    at = partners.now()

    def load(session: Session) -> dict[str, Any]:
        partner = partners.own_partner(session, user.principal)
        return {"me": partners.me(session, user.principal, at),
                "standing": partners.status_of(session, partner, at),
                "history": partners.history_of(session, partner.id),
                "schedule": partners.current_schedule(session, at)}

    data = read(db, load)
    texts = texts_for(pick_locale(request))
    return page(request, "program.html", user, status=status, error=error, **data,
                **namers(texts))


@router.get("/program")
def my_tier(request: Request, user: SignedInUser, db: DatabaseDep) -> Response:
    return _program_page(request, user, db)


@router.post("/program/promotion")
def request_promotion(request: Request, user: SignedInUser, db: DatabaseDep,
                      csrf_token: Field = "", to_tier: Field = "",
                      reason: Field = "") -> Response:
    """Ask for a promotion. Sending the form twice asks once: the second finds a request
    already waiting and the page shows it."""
    check_csrf(user, csrf_token)
    try:
        data = schemas.PromotionRequestCreate(to_tier=program.Tier(to_tier) if to_tier
                                              in set(program.Tier) else None, reason=reason)
    except ValidationError:
        texts = texts_for(pick_locale(request))
        return _program_page(request, user, db, status=422,
                             error=texts.gettext("Say why you ask for the promotion."))
    try:
        write(db, lambda s: partners.request_promotion(s, user.principal, data, partners.now()))
    except Refused as exc:
        return _program_page(request, user, db, status=exc.status,
                             error=exc.say(pick_locale(request)))
    return RedirectResponse("/portal/program", status_code=303)


def _queue_page(request: Request, user: StaffUser, db: DatabaseDep, *, status: int = 200,
                error: str | None = None, notice: str | None = None) -> Response:
    at = partners.now()

    def load(session: Session) -> list[dict[str, Any]]:
        queue = []
        for item in partners.review_queue(session, user.principal):
            partner = partners.any_partner(session, item.partner_id)
            evaluation = partners.status_of(session, partner, at)
            missing = [r for r in evaluation.results
                       if not r.met and r.requirement.tier <= item.request.to_tier]
            queue.append({"partner_id": item.partner_id, "partner_name": item.partner_name,
                          "request": item.request, "missing": missing})
        return queue

    queue = read(db, load)
    texts = texts_for(pick_locale(request))
    return page(request, "reviews.html", user, status=status, error=error, notice=notice,
                queue=queue, **namers(texts))


@router.get("/staff/reviews")
def review_queue(request: Request, user: StaffUser, db: DatabaseDep) -> Response:
    return _queue_page(request, user, db)


@router.post("/staff/reviews/{partner_id}/{request_id}")
def decide(request: Request, partner_id: uuid.UUID, request_id: uuid.UUID, user: StaffUser,
           db: DatabaseDep, csrf_token: Field = "", decision: Field = "",
           reason: Field = "") -> Response:
    """Approve or reject; a second click on a decided request says so (409), once."""
    check_csrf(user, csrf_token)
    texts = texts_for(pick_locale(request))
    try:
        if decision == "approve":
            body = schemas.ApprovalCreate(reason=reason)
            write(db, lambda s: partners.approve_promotion(
                s, user.principal, partner_id, request_id, body, partners.now()))
        elif decision == "reject":
            rejection = schemas.RejectionCreate(reason=reason)
            write(db, lambda s: partners.reject_promotion(
                s, user.principal, partner_id, request_id, rejection, partners.now()))
        else:
            return _queue_page(request, user, db, status=422,
                               error=texts.gettext("Choose approve or reject."))
    except ValidationError:
        return _queue_page(request, user, db, status=422,
                           error=texts.gettext("Give a reason for the decision."))
    except Refused as exc:
        return _queue_page(request, user, db, status=exc.status,
                           error=exc.say(pick_locale(request)))
    return RedirectResponse("/portal/staff/reviews", status_code=303)
