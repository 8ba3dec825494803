"""Applying the payment provider's webhook events: each event id once, in effect order.

``apply_webhook`` inserts the event id (primary key) and makes the change in one
transaction: a duplicate delivery, or two racing ones, apply it once; a crash before the
commit leaves neither, so Stripe's next delivery applies it. Events may come out of order:

- ``charge.refunded`` before ``payment_intent.succeeded``: a refunded charge was paid, so
  the sale is recorded first (the ledger is idempotent on the sale id), then the refund.
  Refunds are applied by the charge's cumulative ``amount_refunded``, so an older, smaller
  total arriving late changes nothing.
- subscription events carry the event time; one older than the last applied is ignored.

Each sale goes to the ledger with what the provider really did: the processing fee of the
charge's balance transaction (``PaymentProvider.get_charge``) and the application fee the
charge kept, so the ledger reconciles with the provider's balance transactions even when
the partner's tier changed between the purchase and the webhook. The provider is asked only
when a sale is about to be recorded for the first time.

A full refund and a dispute revoke the licence for good. A lapsed subscription (past due,
unpaid, or cancelled at period end) keeps the licence until the paid period ends; a deleted
(cancelled now) subscription ends it at once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from marketplace.billing import BillingError, PaymentProvider, ProviderEvent
from marketplace.commerce.models import Licence, LicenceStatus, UsageCharge, WebhookEvent
from marketplace.commerce.purchases import ProviderTrouble, month_after
from marketplace.db import Database
from marketplace.ledger import service as ledger
from marketplace.messages import N_

log = logging.getLogger("marketplace.commerce")
LAPSING = frozenset({"past_due", "unpaid", "incomplete_expired", "paused"})


def apply_webhook(db: Database, event: ProviderEvent, provider: PaymentProvider) -> str:
    """Apply a verified event once; returns what happened (``duplicate`` on a replay).

    ``provider`` is asked for a new sale's fees (:func:`charge_fees`); if it cannot answer,
    :class:`ProviderTrouble` (502) is raised, nothing is applied and the provider's next
    delivery tries again."""
    with db.write() as session:
        if session.get(WebhookEvent, event.id) is not None:
            return "duplicate"
        row = WebhookEvent(id=event.id, type=event.type, outcome="")
        session.add(row)
        try:
            session.flush()  # claims the id first: a racing delivery waits, then fails
        except IntegrityError:
            session.rollback()
            return "duplicate"
        outcome = apply_event(session, event, provider)
        row.outcome = outcome[:200]
        session.add(row)
        session.commit()
    log.info("webhook %s (%s): %s", event.id, event.type, outcome)
    return outcome


def apply_event(session: Session, event: ProviderEvent, provider: PaymentProvider) -> str:
    handler = _HANDLERS.get(event.type)
    if handler is None:
        return f"ignored: {event.type} is not used"
    return handler(session, event, event.data_object, provider)


def _id_of(value: Any) -> str | None:
    """An id, whether Stripe sent it bare or as an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def charge_fees(provider: PaymentProvider, charge_id: str | None,
                payment_id: str | None) -> tuple[int, int | None]:
    """(processing fee, application fee kept) of a payment's charge, as the provider says.

    Without a charge to ask about: ``(0, None)`` (the ledger then assumes the split's
    platform share was the application fee).
    """
    try:
        if charge_id is None and payment_id is not None:
            charge_id = provider.get_payment(payment_id).latest_charge
        if charge_id is None:
            return 0, None
        charge = provider.get_charge(charge_id)
    except BillingError as error:
        raise ProviderTrouble(N_("The payment provider could not tell the fees of charge "
                                 "{charge}: {error}"), charge=charge_id or payment_id,
                              error=str(error)) from None
    return charge.fee, charge.application_fee


def _record_sale(session: Session, provider: PaymentProvider, *, sale_id: str,
                 licence: Licence, amount: int, currency: str, at: datetime,
                 payment_id: str, charge_id: str | None) -> None:
    """Record a sale once, with the charge's real fees (asked only the first time)."""
    if ledger.find_sale(session, sale_id) is not None:
        return
    fee, kept = charge_fees(provider, charge_id, payment_id)
    ledger.record_sale(session, sale_id=sale_id, partner_id=licence.seller_id,
                       skill_name=licence.skill_name, amount=amount, currency=currency,
                       occurred_at=at, provider_payment_id=payment_id, provider_fee=fee,
                       application_fee=kept)


def _at(value: Any, fallback: datetime) -> datetime:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int) else fallback


def _licence_for(session: Session, obj: dict[str, Any], *,
                 payment_id: str | None = None) -> Licence | None:
    metadata = obj.get("metadata") or {}
    raw = metadata.get("licence_id") if isinstance(metadata, dict) else None
    if isinstance(raw, str):
        try:
            found = session.get(Licence, uuid.UUID(raw))
        except ValueError:
            found = None
        if found is not None:
            return found
    if payment_id:
        return session.exec(select(Licence).where(Licence.payment_id == payment_id)).first()
    return None


def _usage_charge_for(session: Session, obj: dict[str, Any]) -> UsageCharge | None:
    metadata = obj.get("metadata") or {}
    raw = metadata.get("usage_charge_id") if isinstance(metadata, dict) else None
    try:
        return session.get(UsageCharge, uuid.UUID(raw)) if isinstance(raw, str) else None
    except ValueError:
        return None


def paid(session: Session, provider: PaymentProvider, licence: Licence, intent_id: str,
          charge_id: str | None, amount: int, at: datetime) -> None:
    """The licence's payment succeeded: record the sale, activate unless revoked since."""
    _record_sale(session, provider, sale_id=f"licence-{licence.id}", licence=licence,
                 amount=amount, currency=licence.currency, at=at, payment_id=intent_id,
                 charge_id=charge_id)
    licence.payment_id = licence.payment_id or intent_id
    licence.charge_id = licence.charge_id or charge_id
    if licence.status in (LicenceStatus.PENDING, LicenceStatus.FAILED):
        licence.status = LicenceStatus.ACTIVE.value
        licence.activated_at = at
        if licence.kind == "subscription" and licence.expires_at is None:
            licence.expires_at = month_after(at)
    session.add(licence)


def _payment_succeeded(session: Session, event: ProviderEvent, obj: dict[str, Any],
                       provider: PaymentProvider) -> str:
    intent_id = str(obj.get("id"))
    amount = int(obj.get("amount_received") or obj.get("amount") or 0)
    latest = _id_of(obj.get("latest_charge"))
    charge = _usage_charge_for(session, obj)
    if charge is not None:
        licence = session.get(Licence, charge.licence_id)
        assert licence is not None
        _record_sale(session, provider, sale_id=f"usage-{charge.id}", licence=licence,
                     amount=amount, currency=charge.currency, at=event.created,
                     payment_id=intent_id, charge_id=latest)
        charge.status, charge.payment_id = "paid", charge.payment_id or intent_id
        session.add(charge)
        return f"usage charge {charge.id} paid"
    licence = _licence_for(session, obj, payment_id=intent_id)
    if licence is None:
        return "ignored: no purchase for this payment"
    paid(session, provider, licence, intent_id, latest, amount, event.created)
    return f"licence {licence.id} {licence.status}"


def _payment_failed(session: Session, event: ProviderEvent, obj: dict[str, Any],
                    provider: PaymentProvider) -> str:
    charge = _usage_charge_for(session, obj)
    if charge is not None:
        if charge.status != "paid":
            charge.status = "failed"
            session.add(charge)
        return f"usage charge {charge.id} {charge.status}"
    licence = _licence_for(session, obj, payment_id=str(obj.get("id")))
    if licence is None:
        return "ignored: no purchase for this payment"
    if licence.status == LicenceStatus.PENDING:
        licence.status = LicenceStatus.FAILED.value
        session.add(licence)
    return f"licence {licence.id} {licence.status}"


def _revoke(licence: Licence, reason: str, at: datetime) -> None:
    if licence.status != LicenceStatus.REVOKED:
        licence.status = LicenceStatus.REVOKED.value
        licence.revoked_reason, licence.revoked_at = reason, at


def _charge_refunded(session: Session, event: ProviderEvent, obj: dict[str, Any],
                     provider: PaymentProvider) -> str:
    intent_id = obj.get("payment_intent")
    charge_id = str(obj.get("id"))
    licence = _licence_for(session, obj, payment_id=intent_id if isinstance(intent_id, str)
                           else None)
    if licence is None:
        licence = session.exec(select(Licence).where(Licence.charge_id == charge_id)).first()
    if isinstance(intent_id, str) and (licence is None or licence.payment_id not in (
            None, intent_id)):
        renewal = _renewal_refunded(session, event, obj, intent_id, charge_id)
        if renewal is not None:
            return renewal
    if licence is None:
        return "ignored: no purchase for this charge"
    amount, total = int(obj.get("amount") or 0), int(obj.get("amount_refunded") or 0)
    if licence.activated_at is None or licence.charge_id is None:  # refund came first
        paid(session, provider, licence, str(intent_id or licence.payment_id), charge_id,
              amount, _at(obj.get("created"), event.created))
    delta = total - licence.refunded_amount
    if delta > 0:
        ledger.record_refund(session, sale_id=f"licence-{licence.id}",
                             refund_id=f"{charge_id}-refunded-{total}", amount=delta,
                             occurred_at=event.created)
        licence.refunded_amount = total
    if total >= amount > 0:
        _revoke(licence, "refunded", event.created)
    session.add(licence)
    return f"licence {licence.id} refunded {licence.refunded_amount} ({licence.status})"


def _renewal_refunded(session: Session, event: ProviderEvent, obj: dict[str, Any],
                      intent_id: str, charge_id: str) -> str | None:
    """A refund of a subscription's renewal invoice: its own ledger sale (``invoice-{id}``,
    found by the invoice's payment) gives back what is new in the cumulative total. The
    licence keeps running: the subscription, not one invoice, decides its end."""
    sale = ledger.find_sale_by_payment(session, intent_id, lock=True)
    if sale is None or not sale.sale_id.startswith("invoice-"):
        return None
    total = int(obj.get("amount_refunded") or 0)
    if total > sale.refunded:
        ledger.record_refund(session, sale_id=sale.sale_id,
                             refund_id=f"{charge_id}-refunded-{total}",
                             amount=total - sale.refunded, occurred_at=event.created)
    return f"renewal {sale.sale_id} refunded {sale.refunded}"


def _dispute_created(session: Session, event: ProviderEvent, obj: dict[str, Any],
                     provider: PaymentProvider) -> str:
    intent_id = obj.get("payment_intent")
    licence = _licence_for(session, obj, payment_id=intent_id if isinstance(intent_id, str)
                           else None)
    if licence is None and isinstance(obj.get("charge"), str):
        licence = session.exec(select(Licence).where(
            Licence.charge_id == obj["charge"])).first()
    if licence is None:
        return "ignored: no purchase for this dispute"
    _revoke(licence, "charge disputed", event.created)
    session.add(licence)
    return f"licence {licence.id} revoked (dispute)"


def _subscription(session: Session, event: ProviderEvent, obj: dict[str, Any],
                  provider: PaymentProvider) -> str:
    sub_id = str(obj.get("id"))
    licence = session.exec(select(Licence).where(Licence.subscription_id == sub_id)).first() \
        or _licence_for(session, obj)
    if licence is None:
        return "ignored: no licence for this subscription"
    if licence.subscription_event_at is not None and event.created < \
            licence.subscription_event_at:
        return f"ignored: older than the last subscription event of licence {licence.id}"
    status = str(obj.get("status") or "")
    period_end = _at(obj.get("current_period_end"), licence.expires_at or event.created)
    licence.subscription_id, licence.subscription_status = sub_id, status
    licence.subscription_event_at = event.created
    if status in ("active", "trialing") and licence.status in (LicenceStatus.PENDING,
                                                               LicenceStatus.FAILED):
        licence.status, licence.activated_at = LicenceStatus.ACTIVE.value, event.created
    if event.type == "customer.subscription.deleted" or status == "canceled":
        ended = _at(obj.get("ended_at") or obj.get("canceled_at"), event.created)
        licence.expires_at = min(period_end, ended)
    else:  # active, trialing or lapsing: usable until the paid period ends
        licence.expires_at = period_end
    session.add(licence)
    lapsed = " (lapsing)" if status in LAPSING else ""
    return f"licence {licence.id} subscription {status}{lapsed} until {licence.expires_at}"


def _invoice_paid(session: Session, event: ProviderEvent, obj: dict[str, Any],
                  provider: PaymentProvider) -> str:
    sub_id = obj.get("subscription")
    licence = session.exec(select(Licence).where(Licence.subscription_id == sub_id)).first() \
        if isinstance(sub_id, str) else None
    licence = licence or _licence_for(session, obj) \
        or _licence_for(session, obj.get("subscription_details") or {})
    if licence is None:
        return "ignored: no licence for this invoice"
    amount = int(obj.get("amount_paid") or 0)
    intent = str(obj.get("payment_intent") or obj.get("id"))
    if amount > 0:
        # The first invoice is the purchase itself (refunds of it reverse this sale);
        # later ones are renewals, each its own sale.
        first = licence.payment_id is None or licence.payment_id == intent
        _record_sale(session, provider, sale_id=f"licence-{licence.id}" if first
                     else f"invoice-{obj.get('id')}", licence=licence, amount=amount,
                     currency=licence.currency, at=event.created, payment_id=intent,
                     charge_id=_id_of(obj.get("charge")))
        licence.payment_id = licence.payment_id or intent
    if isinstance(sub_id, str):
        licence.subscription_id = licence.subscription_id or sub_id
    lines = ((obj.get("lines") or {}).get("data") or [{}])
    period_end = _at(((lines[0] or {}).get("period") or {}).get("end"), event.created)
    if licence.expires_at is None or period_end > licence.expires_at:
        licence.expires_at = period_end
    if licence.status in (LicenceStatus.PENDING, LicenceStatus.FAILED):
        licence.status, licence.activated_at = LicenceStatus.ACTIVE.value, event.created
    session.add(licence)
    return f"licence {licence.id} renewed until {licence.expires_at}"


_HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
    "customer.subscription.created": _subscription,
    "customer.subscription.updated": _subscription,
    "customer.subscription.deleted": _subscription,
    "invoice.paid": _invoice_paid,
}


def reconcile(db: Database, provider: PaymentProvider) -> list[str]:
    """Repair purchases whose success webhook never landed (a crash, a lost delivery).

    Asks the provider for every pending purchase with a payment and applies the success it
    reports, as the webhook would have (the ledger is idempotent on the sale id).
    """
    with db.read() as session:
        pending = [(row.id, row.payment_id) for row in session.exec(select(Licence).where(
            Licence.status == LicenceStatus.PENDING, Licence.payment_id != None))]  # noqa: E711
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
    return repaired
