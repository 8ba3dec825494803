"""Paying partners what the ledger says they are owed, once per partner, period and currency.

A run for period ``YYYY-MM`` pays each partner's balance from sales and refunds up to the
end of that month, less every payout already made or started, through
``PaymentProvider.create_payout``. Paying twice is prevented three ways:

1. **Claim** — a ``pending`` row is inserted under the unique ``(partner, period,
   currency)``; a concurrent run's insert fails and it goes on to step 2 with that row.
2. **Pay under a row lock** — the row is locked (``SELECT … FOR UPDATE``; SQLite's writer
   lock does the same) while the provider is called and until the row says ``paid`` and
   the payout's journal entry is written, so a second run waits, then sees ``paid``.
3. **Idempotency key** — derived from partner, currency and period, so a run that died
   after the provider paid but before the commit gets the same transfer back on the next
   run instead of a second one.

A failed transfer leaves the row ``failed`` (with the reason); running that period again
retries the same amount with the same key, and later periods leave that amount to it.
Partners without a connected account are skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace.billing.errors import BillingError
from marketplace.billing.interfaces import PaymentProvider
from marketplace.billing.models import PayoutRequest
from marketplace.db import Database, utcnow
from marketplace.ledger.journal import Account, EntryKind, credit, debit, post
from marketplace.ledger.models import JournalEntry, JournalLine, Payout
from marketplace.ledger.statements import month_bounds

DestinationLookup = Callable[[uuid.UUID], str | None]
"""The partner's connected account id at the provider, or None if it has none."""

Status = Literal["paid", "already paid", "skipped", "failed"]


@dataclass(frozen=True, slots=True)
class PayoutOutcome:
    partner_id: uuid.UUID
    currency: str
    status: Status
    amount: int = 0
    transfer_id: str | None = None
    reason: str = ""


def earned(session: Session, before: datetime, partner_id: uuid.UUID | None = None,
           ) -> dict[tuple[uuid.UUID, str], int]:
    """Owed per (partner, currency) from sales and refunds before ``before`` (no payouts)."""
    statement = (
        select(JournalLine.partner_id, JournalLine.currency, func.sum(JournalLine.amount))
        .join(JournalEntry, col(JournalEntry.id) == col(JournalLine.entry_id))
        .where(JournalLine.account == Account.PARTNER_PAYABLE.value,
               JournalEntry.kind != EntryKind.PAYOUT.value,
               col(JournalLine.occurred_at) < before)
        .group_by(col(JournalLine.partner_id), col(JournalLine.currency)))
    if partner_id is not None:
        statement = statement.where(JournalLine.partner_id == partner_id)
    rows = session.exec(statement).all()
    return {(partner, currency): -int(total) for partner, currency, total in rows
            if partner is not None}


def _paid_or_started(session: Session, partner_id: uuid.UUID, currency: str) -> int:
    """Every payout row's amount: paid, pending, or failed (kept for a retry of its period,
    so a later period never pays the same money as well)."""
    total = session.exec(select(func.sum(Payout.amount)).where(
        Payout.partner_id == partner_id, Payout.currency == currency)).one()
    return int(total or 0)


def _row(session: Session, partner_id: uuid.UUID, period: str, currency: str, *,
         lock: bool = False) -> Payout | None:
    statement = select(Payout).where(Payout.partner_id == partner_id, Payout.period == period,
                                     Payout.currency == currency)
    return session.exec(statement.with_for_update() if lock else statement).first()


def request_for(partner_id: uuid.UUID, period: str, currency: str, destination: str,
                amount: int) -> PayoutRequest:
    """The provider request; its idempotency key is ``payout-{partner}-{currency}-{period}``."""
    return PayoutRequest(partner_id=f"{partner_id}-{currency.lower()}", period=period,
                         destination_account=destination, amount=amount, currency=currency,
                         metadata={"ledger_partner_id": str(partner_id)})


def _claim(db: Database, partner_id: uuid.UUID, period: str, currency: str,
           destination: str, end: datetime) -> PayoutOutcome | None:
    """Insert the pending row, or leave the existing one; an outcome if nothing is due."""
    with db.write() as session:
        existing = _row(session, partner_id, period, currency)
        if existing is not None:
            return None
        due = earned(session, end, partner_id).get((partner_id, currency), 0) \
            - _paid_or_started(session, partner_id, currency)
        if due <= 0 and _row(session, partner_id, period, currency) is not None:
            return None  # a concurrent run claimed this period between our two reads
        if due <= 0:
            return PayoutOutcome(partner_id, currency, "skipped", due,
                                 reason="nothing is owed" if due == 0 else
                                 f"the partner owes {-due} (carried forward)")
        request = request_for(partner_id, period, currency, destination, due)
        session.add(Payout(partner_id=partner_id, period=period, currency=currency,
                           amount=due, status="pending", destination_account=destination,
                           idempotency_key=request.idempotency_key))
        try:
            session.commit()
        except IntegrityError:  # a concurrent run claimed it first; it is paid below
            session.rollback()
    return None


def _pay(db: Database, provider: PaymentProvider, partner_id: uuid.UUID, period: str,
         currency: str) -> PayoutOutcome:
    with db.write() as session:
        row = _row(session, partner_id, period, currency, lock=True)
        assert row is not None
        if row.status == "paid":
            return PayoutOutcome(partner_id, currency, "already paid", row.amount,
                                 row.transfer_id)
        request = request_for(partner_id, period, currency, row.destination_account,
                              row.amount)
        try:
            transfer = provider.create_payout(request)
        except BillingError as error:
            row.status, row.failure = "failed", str(error)[:500]
            session.add(row)
            session.commit()
            return PayoutOutcome(partner_id, currency, "failed", row.amount,
                                 reason=str(error))
        at = utcnow()
        entry = post(session, kind=EntryKind.PAYOUT, reference=transfer.id, occurred_at=at,
                     partner_id=partner_id, memo=f"payout {period}", lines=[
                         debit(Account.PARTNER_PAYABLE, currency, row.amount, partner_id),
                         credit(Account.PROVIDER_BALANCE, currency, row.amount)])
        row.status, row.failure, row.transfer_id = "paid", None, transfer.id
        row.paid_at, row.entry_id = at, entry.id
        session.add(row)
        session.commit()
        return PayoutOutcome(partner_id, currency, "paid", row.amount, transfer.id)


def run_payouts(db: Database, provider: PaymentProvider, period: str,
                destination_for: DestinationLookup) -> list[PayoutOutcome]:
    """Pay every partner's balance for ``period`` (YYYY-MM); one outcome per partner and
    currency that has ledger activity up to the period's end."""
    _, end = month_bounds(period)
    with db.read() as session:
        candidates = sorted(earned(session, end), key=lambda pair: (str(pair[0]), pair[1]))
    outcomes: list[PayoutOutcome] = []
    for partner_id, currency in candidates:
        destination = destination_for(partner_id)
        if destination is None:
            outcomes.append(PayoutOutcome(partner_id, currency, "skipped",
                                          reason="no connected account at the provider"))
            continue
        nothing_due = _claim(db, partner_id, period, currency, destination, end)
        outcomes.append(nothing_due or _pay(db, provider, partner_id, period, currency))
    return outcomes


__all__ = ["DestinationLookup", "PayoutOutcome", "earned", "request_for", "run_payouts"]
