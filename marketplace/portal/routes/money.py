"""Money: the partner's balance, its monthly statement, and what one sale earns it.

Everything comes from the ledger's statements service (balances from the journal, the
month's sales, refunds and payouts from their rows) and the partner program's split; the
page adds nothing up itself. A partner the ledger knows nothing of sees "no sales yet".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

import partners.program as program
from marketplace.deps import DatabaseDep
from marketplace.errors import Unprocessable
from marketplace.ledger import statements
from marketplace.partners import service as partners
from marketplace.portal.auth import SignedInUser
from marketplace.portal.calls import read
from marketplace.portal.render import page
from robeing_sdk.models import Money

EXAMPLE = Money(amount=10_000, currency="USD")  # USD 100.00


def _month(value: str | None, now: datetime) -> str:
    """The asked month if it is one (else this month), never after this month."""
    this = f"{now.year:04d}-{now.month:02d}"
    if value and len(value) == 7 and value <= this:
        try:
            statements.month_bounds(value)
            return value
        except Unprocessable:  # not a month: show this one
            return this
    return this


def _shift(month: str, by: int) -> str:
    year, number = int(month[:4]), int(month[5:]) - 1 + by
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


router = APIRouter()


@router.get("/money")
def money(request: Request, user: SignedInUser, db: DatabaseDep,
          month: str | None = None) -> Response:
    at = partners.now()
    chosen = _month(month, at.astimezone(UTC))

    def load(session: Session) -> dict[str, Any]:
        partner = partners.own_partner(session, user.principal)
        rate = partners.rate_for_sale(session, partner.id, at)
        return {"rate": rate, "example": program.split_sale(EXAMPLE, rate),
                "balance": statements.balance(session, partner.id, at),
                "statement": statements.statement(session, partner.id, chosen)}

    data = read(db, load)
    this_month = _month(None, at.astimezone(UTC))
    return page(request, "money.html", user, **data, currency=EXAMPLE.currency,
                month=chosen, previous=_shift(chosen, -1),
                next=_shift(chosen, 1) if chosen < this_month else None,
                month_start=statements.month_bounds(chosen)[0])
