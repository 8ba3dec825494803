"""Money: the partner's statements and balance.

PLACEHOLDER until the ledger exists: the marketplace records no sales yet (no
``marketplace.ledger`` service), so the page says "no sales yet" and shows what each sale
would earn at the partner's current rate. It computes nothing it cannot know.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

import partners.program as program
from marketplace.deps import DatabaseDep
from marketplace.partners import service as partners
from marketplace.portal.auth import SignedInUser
from marketplace.portal.calls import read
from marketplace.portal.render import page
from robeing_sdk.models import Money

EXAMPLE = Money(amount=10_000, currency="USD")  # USD 100.00

router = APIRouter()


@router.get("/money")
def money(request: Request, user: SignedInUser, db: DatabaseDep) -> Response:
    at = partners.now()

    def load(session: Session) -> dict[str, Any]:
        partners.own_partner(session, user.principal)
        rate = partners.rate_for_sale(session, user.principal.partner_id, at)
        return {"rate": rate, "example": program.split_sale(EXAMPLE, rate)}

    return page(request, "money.html", user, **read(db, load), currency=EXAMPLE.currency)
