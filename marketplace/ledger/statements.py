"""Monthly statements and balances per partner, computed from the journal.

Balances come from the journal lines alone (``partner_payable``, credit-normal: what the
marketplace owes the partner); the statement's flows come from the sale, refund and payout
rows of the month, and add up to the difference between the two balances.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from marketplace.errors import Unprocessable
from marketplace.ledger.journal import Account
from marketplace.ledger.models import JournalLine, Payout, RefundEntry, SaleEntry
from marketplace.ledger.schemas import Balance, CurrencyBalance, CurrencyStatement, Statement
from marketplace.messages import N_

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``"2026-03"`` → (2026-03-01 00:00 UTC, 2026-04-01 00:00 UTC)."""
    match = _MONTH.match(month)
    if match is None:
        raise Unprocessable(N_("{month} is not a month; use YYYY-MM, e.g. 2026-03."),
                            month=repr(month))
    year, number = int(match.group(1)), int(match.group(2))
    if year < 1970:
        raise Unprocessable(N_("{month} is before 1970."), month=repr(month))
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def owed(session: Session, partner_id: uuid.UUID,
         before: datetime | None = None) -> dict[str, int]:
    """What the marketplace owes the partner per currency (entries before ``before``)."""
    statement = (select(JournalLine.currency, func.sum(JournalLine.amount))
                 .where(JournalLine.account == Account.PARTNER_PAYABLE.value,
                        JournalLine.partner_id == partner_id)
                 .group_by(col(JournalLine.currency)))
    if before is not None:
        statement = statement.where(col(JournalLine.occurred_at) < before)
    return {currency: -int(total) for currency, total in session.exec(statement).all()}


def balance(session: Session, partner_id: uuid.UUID, at: datetime) -> Balance:
    now_owed = owed(session, partner_id)
    pending: dict[str, int] = defaultdict(int)
    for payout in session.exec(select(Payout).where(Payout.partner_id == partner_id,
                                                    Payout.status == "pending")).all():
        pending[payout.currency] += payout.amount
    currencies = sorted(set(now_owed) | set(pending))
    return Balance(partner_id=partner_id, as_of=at, currencies=[
        CurrencyBalance(currency=c, owed=now_owed.get(c, 0), pending_payouts=pending.get(c, 0))
        for c in currencies])


def _in(column: Any, start: datetime, end: datetime) -> Any:
    return (col(column) >= start) & (col(column) < end)


def statement(session: Session, partner_id: uuid.UUID, month: str) -> Statement:
    """The partner's month per currency, summed in the database."""
    start, end = month_bounds(month)
    opening, closing = owed(session, partner_id, start), owed(session, partner_id, end)
    flows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for currency, count, gross, share, moved, fees in session.connection().execute(
            sa_select(col(SaleEntry.currency), func.count(), func.sum(col(SaleEntry.gross)),
                      func.sum(col(SaleEntry.partner_share)),
                      func.sum(col(SaleEntry.gross) - col(SaleEntry.application_fee)),
                      func.sum(col(SaleEntry.provider_fee)))
            .where(col(SaleEntry.partner_id) == partner_id,
                   _in(SaleEntry.occurred_at, start, end))
            .group_by(col(SaleEntry.currency))).all():
        flows[currency].update(sales=int(count), gross_sales=int(gross),
                               partner_share=int(share), paid_with_charges=int(moved),
                               processing_fees=int(fees))
    for currency, count, amount, share, back in session.connection().execute(
            sa_select(col(RefundEntry.currency), func.count(), func.sum(col(RefundEntry.amount)),
                      func.sum(col(RefundEntry.partner_part)),
                      func.sum(col(RefundEntry.reversed_from_partner)))
            .where(col(RefundEntry.partner_id) == partner_id,
                   _in(RefundEntry.occurred_at, start, end))
            .group_by(col(RefundEntry.currency))).all():
        row = flows[currency]
        row.update(refunds=int(count), refunded=int(amount), refunded_share=int(share))
        row["paid_with_charges"] -= int(back)
    for currency, paid in session.exec(
            select(Payout.currency, func.sum(Payout.amount))
            .where(Payout.partner_id == partner_id, Payout.status == "paid",
                   _in(Payout.paid_at, start, end))
            .group_by(col(Payout.currency))).all():
        flows[currency]["payouts"] = int(paid)
    currencies = sorted(set(opening) | set(closing) | set(flows))
    return Statement(partner_id=partner_id, month=month, period_start=start, period_end=end,
                     currencies=[CurrencyStatement(
                         currency=c, opening_balance=opening.get(c, 0),
                         closing_balance=closing.get(c, 0), **{
                             name: flows[c].get(name, 0) for name in (
                                 "sales", "gross_sales", "partner_share", "refunds",
                                 "refunded", "refunded_share", "paid_with_charges",
                                 "payouts", "processing_fees")}) for c in currencies])


def net_sales(session: Session, partner_id: uuid.UUID, currency: str, since: datetime,
              until: datetime) -> int:
    """Gross sales in ``currency`` made in [since, until), less refunds made in it.

    Other currencies are not converted and not counted (the ledger keeps no FX rates).
    """
    gross = session.exec(select(func.sum(SaleEntry.gross)).where(
        SaleEntry.partner_id == partner_id, SaleEntry.currency == currency,
        col(SaleEntry.occurred_at) >= since, col(SaleEntry.occurred_at) < until)).one()
    refunded = session.exec(select(func.sum(RefundEntry.amount)).where(
        RefundEntry.partner_id == partner_id, RefundEntry.currency == currency,
        col(RefundEntry.occurred_at) >= since, col(RefundEntry.occurred_at) < until)).one()
    return int(gross or 0) - int(refunded or 0)
__all__ = ["balance", "month_bounds", "net_sales", "owed", "statement"]
