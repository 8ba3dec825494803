"""Refunds reaching the ledger, even when the refund is announced before its sale.

Stripe delivers events in no particular order: a renewal's ``charge.refunded`` may come
before the ``invoice.paid`` that records the renewal as a sale (likewise a usage charge's
refund before its ``payment_intent.succeeded``). Such a refund is not dropped: it is kept
as a :class:`PendingRefund` row (one per charge, the largest cumulative ``amount_refunded``
seen) and applied by :func:`apply_kept` in the transaction that records the sale, so it
reaches the ledger exactly once whatever the order and however many duplicates arrive.

Refunds are applied by the charge's cumulative total (:func:`refund_sale`): the ledger gets
only what is new beyond the sale's ``refunded``, so an older, smaller total changes nothing.

Both sides first take a lock on the payment (:func:`lock_payment`): on PostgreSQL a
transaction-scoped advisory lock, on SQLite nothing (its write transactions are serialized
already). Without it, a refund and its sale committing at the same moment on two workers
could each miss the other's row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from marketplace.commerce.models import PendingRefund
from marketplace.db import utcnow
from marketplace.ledger import service as ledger
from marketplace.ledger.models import SaleEntry


def lock_payment(session: Session, payment_id: str) -> None:
    """Serialize the writers of one payment until the transaction ends (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                        {"key": f"payment:{payment_id}"})


def refund_sale(session: Session, sale: SaleEntry, charge_id: str, total: int,
                at: datetime) -> int:
    """Bring the sale's refunded amount up to the charge's cumulative ``total``.

    Returns the minor units newly given back (0 for a replay or an older total). A total
    beyond the gross is capped at the gross: a charge cannot give back more than it took.
    """
    total = min(total, sale.gross)
    if total <= sale.refunded:
        return 0
    delta = total - sale.refunded
    ledger.record_refund(session, sale_id=sale.sale_id, refund_id=f"{charge_id}-refunded-{total}",
                         amount=delta, occurred_at=at)
    return delta


def keep(session: Session, *, charge_id: str, payment_id: str | None, total: int,
         currency: str, event_id: str, at: datetime) -> PendingRefund:
    """Remember a refund whose sale is unknown; a larger total replaces a smaller one."""
    row = session.get(PendingRefund, charge_id, with_for_update=True)
    if row is None:
        row = PendingRefund(charge_id=charge_id, payment_id=payment_id, amount_refunded=total,
                            currency=currency, event_id=event_id, occurred_at=at)
    elif total > row.amount_refunded:
        row.amount_refunded, row.event_id, row.occurred_at = total, event_id, at
    row.payment_id = row.payment_id or payment_id
    session.add(row)
    session.flush()
    return row


def apply_kept(session: Session, sale: SaleEntry, charge_id: str | None) -> list[PendingRefund]:
    """Apply the kept refunds of the sale's payment (or of ``charge_id``) once each."""
    match = [col(PendingRefund.payment_id) == sale.provider_payment_id]
    if charge_id is not None:
        match.append(col(PendingRefund.charge_id) == charge_id)
    rows = session.exec(select(PendingRefund).where(
        col(PendingRefund.applied_at).is_(None), or_(*match))
        .order_by(col(PendingRefund.charge_id)).with_for_update()).all()
    for row in rows:
        refund_sale(session, sale, row.charge_id, row.amount_refunded, row.occurred_at)
        row.applied_at, row.sale_id = utcnow(), sale.sale_id
        session.add(row)
    session.flush()
    return list(rows)


def waiting(session: Session) -> list[PendingRefund]:
    """Refunds still waiting for their sale, oldest first (the reconciliation lists them)."""
    return list(session.exec(select(PendingRefund).where(
        col(PendingRefund.applied_at).is_(None)).order_by(col(PendingRefund.received_at))))


def waiting_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(PendingRefund).where(
        col(PendingRefund.applied_at).is_(None))).one())


__all__ = ["apply_kept", "keep", "lock_payment", "refund_sale", "waiting", "waiting_count"]
