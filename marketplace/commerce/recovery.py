"""Recovering payments whose webhook never landed (a crash, a lost delivery).

``robeing marketplace purchases reconcile`` runs :func:`reconcile`: it asks the provider
about every pending purchase with a payment and every usage charge whose payment is not
settled, and applies what the provider reports exactly as the webhook would have (the
ledger is idempotent on the sale id, so a late webhook afterwards changes nothing). It also
lists refunds still waiting for their sale (:func:`waiting_refunds`).
"""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from marketplace.billing import Payment, PaymentProvider
from marketplace.commerce import refunds, suspension
from marketplace.commerce.events import paid, record_sale
from marketplace.commerce.models import Licence, LicenceStatus, PendingRefund, UsageCharge
from marketplace.db import Database, utcnow


def reconcile(db: Database, provider: PaymentProvider) -> list[str]:
    """Repair payments whose webhook never landed (a crash, a lost delivery).

    Asks the provider about every pending purchase with a payment and every usage charge
    whose payment was created but not settled, and applies what it reports as the webhook
    would have (the ledger is idempotent on the sale id): a success records the sale and
    activates (or resumes) the licence; a usage payment the provider declined suspends it.
    Returns the ids repaired (licences and usage charges).
    """
    with db.read() as session:
        pending = [(row.id, row.payment_id) for row in session.exec(select(Licence).where(
            Licence.status == LicenceStatus.PENDING, col(Licence.payment_id).is_not(None)))]
        charges = [(row.id, row.payment_id) for row in session.exec(select(UsageCharge).where(
            UsageCharge.status == "pending", col(UsageCharge.payment_id).is_not(None)))]
    repaired = []
    for licence_id, payment_id in pending:
        assert payment_id is not None
        payment = provider.get_payment(payment_id)
        if payment.status != "succeeded":
            continue
        with db.write() as session:
            licence = session.get(Licence, licence_id)
            if licence is None or licence.status != LicenceStatus.PENDING:
                continue
            paid(session, provider, licence, payment.id, payment.latest_charge,
                 payment.amount_received, payment.created)
            session.commit()
        repaired.append(str(licence_id))
    for charge_id, payment_id in charges:
        assert payment_id is not None
        if _settle_usage_charge(db, provider, charge_id, provider.get_payment(payment_id)):
            repaired.append(str(charge_id))
    return repaired


def _settle_usage_charge(db: Database, provider: PaymentProvider, charge_id: uuid.UUID,
                         payment: Payment) -> bool:
    if payment.status not in ("succeeded", "requires_payment_method", "canceled"):
        return False  # still processing: its webhook (or the next run) settles it
    with db.write() as session:
        charge = session.get(UsageCharge, charge_id)
        if charge is None or charge.status != "pending" or charge.payment_id != payment.id:
            return False
        licence = session.get(Licence, charge.licence_id)
        assert licence is not None
        if payment.status == "succeeded":
            record_sale(session, provider, sale_id=f"usage-{charge.id}", licence=licence,
                         amount=payment.amount_received, currency=charge.currency,
                         at=payment.created, payment_id=payment.id,
                         charge_id=payment.latest_charge, kind="usage")
            charge.status = "paid"
            session.add(charge)
            suspension.resume_if_settled(session, licence)
        else:
            suspension.charge_failed(session, charge, utcnow())
        session.commit()
    return True


def waiting_refunds(db: Database) -> list[PendingRefund]:
    """Refunds still waiting for their sale (the reconcile command lists them)."""
    with db.read() as session:
        return refunds.waiting(session)
