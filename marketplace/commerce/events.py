"""Applying the payment provider's webhook events: each event id once, in effect order.

``apply_webhook`` inserts the event id (primary key) and makes the change in one
transaction: a duplicate delivery, or two racing ones, apply it once; a crash before the
commit leaves neither, so Stripe's next delivery applies it. Events may come out of order:

- ``charge.refunded`` before ``payment_intent.succeeded``: a refunded charge was paid, so
  the sale is recorded first (the ledger is idempotent on the sale id), then the refund.
  Refunds are applied by the charge's cumulative ``amount_refunded``, so an older, smaller
  total arriving late changes nothing.
- a ``charge.refunded`` whose sale is not recorded yet (a renewal's before its
  ``invoice.paid``) is kept and applied when the sale is recorded
  (:mod:`marketplace.commerce.refunds`).
- subscription events carry the event time; one older than the last applied is ignored,
  a cancelled subscription is not reopened, and a paid period never moves back.

Each sale goes to the ledger with what the provider really did: the processing fee of the
charge's balance transaction (``PaymentProvider.get_charge``) and the application fee the
charge kept, so the ledger reconciles with the provider's balance transactions even when
the partner's tier changed between the purchase and the webhook. The provider is asked only
when a sale is about to be recorded for the first time.

A full refund and a dispute revoke the licence for good; a failed usage charge suspends
it until a payment succeeds (:mod:`marketplace.commerce.suspension`). A lapsed subscription
(past due, unpaid, or cancelled at period end) keeps the licence until the paid period
ends; a deleted (cancelled now) subscription ends it at once. Payments whose webhook never
came are recovered by :mod:`marketplace.commerce.recovery`.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from marketplace.billing import BillingError, PaymentProvider, ProviderEvent
from marketplace.commerce import refunds, suspension
from marketplace.commerce.models import (
    Licence,
    LicencePayment,
    LicenceStatus,
    UsageCharge,
    WebhookEvent,
)
from marketplace.commerce.purchases import ProviderTrouble, month_after
from marketplace.db import Database
from marketplace.ledger import service as ledger
from marketplace.ledger.models import SaleEntry
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


def record_sale(session: Session, provider: PaymentProvider, *, sale_id: str,
                 licence: Licence, amount: int, currency: str, at: datetime,
                 payment_id: str, charge_id: str | None, kind: str) -> None:
    """Record a sale once, with the charge's real fees (asked only the first time), link
    its payment to the licence, and apply any refund of it that came first."""
    refunds.lock_payment(session, payment_id)
    if ledger.find_sale(session, sale_id) is None:
        fee, kept = charge_fees(provider, charge_id, payment_id)
        ledger.record_sale(session, sale_id=sale_id, partner_id=licence.seller_id,
                           skill_name=licence.skill_name, amount=amount, currency=currency,
                           occurred_at=at, provider_payment_id=payment_id, provider_fee=fee,
                           application_fee=kept)
    if session.get(LicencePayment, payment_id) is None:
        session.add(LicencePayment(payment_id=payment_id, licence_id=licence.id,
                                   sale_id=sale_id, kind=kind))
        session.flush()
    sale = ledger.find_sale(session, sale_id, lock=True)
    assert sale is not None
    if refunds.apply_kept(session, sale, charge_id):
        _after_refund(session, sale, at)


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
    record_sale(session, provider, sale_id=f"licence-{licence.id}", licence=licence,
                 amount=amount, currency=licence.currency, at=at, payment_id=intent_id,
                 charge_id=charge_id, kind="purchase")
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
        record_sale(session, provider, sale_id=f"usage-{charge.id}", licence=licence,
                     amount=amount, currency=charge.currency, at=event.created,
                     payment_id=intent_id, charge_id=latest, kind="usage")
        charge.status, charge.payment_id = "paid", intent_id
        session.add(charge)
        resumed = suspension.resume_if_settled(session, licence)
        return f"usage charge {charge.id} paid" + (f"; licence {licence.id} resumed"
                                                   if resumed else "")
    licence = _licence_for(session, obj, payment_id=intent_id)
    if licence is None:
        return "ignored: no purchase for this payment"
    paid(session, provider, licence, intent_id, latest, amount, event.created)
    return f"licence {licence.id} {licence.status}"


def _payment_failed(session: Session, event: ProviderEvent, obj: dict[str, Any],
                    provider: PaymentProvider) -> str:
    charge = _usage_charge_for(session, obj)
    if charge is not None:
        return _usage_charge_failed(session, event, charge, _id_of(obj.get("id")))
    licence = _licence_for(session, obj, payment_id=str(obj.get("id")))
    if licence is None:
        return "ignored: no purchase for this payment"
    if licence.status == LicenceStatus.PENDING:
        licence.status = LicenceStatus.FAILED.value
        session.add(licence)
    return f"licence {licence.id} {licence.status}"


def _usage_charge_failed(session: Session, event: ProviderEvent, charge: UsageCharge,
                         payment_id: str | None) -> str:
    if charge.status != "paid" and payment_id is not None:
        charge.payment_id = payment_id
    licence = suspension.charge_failed(session, charge, event.created)
    state = f"; licence {licence.id} {licence.status}" if licence is not None else ""
    return f"usage charge {charge.id} {charge.status}{state}"


def _invoice_failed(session: Session, event: ProviderEvent, obj: dict[str, Any],
                    provider: PaymentProvider) -> str:
    """A usage charge billed as an invoice suspends its licence; a subscription's failed
    invoice changes nothing here (its ``customer.subscription.updated`` says past due)."""
    charge = _usage_charge_for(session, obj)
    if charge is not None:
        return _usage_charge_failed(session, event, charge, _id_of(obj.get("payment_intent")))
    return "ignored: a subscription invoice failed; the subscription's status decides"


def _revoke(licence: Licence, reason: str, at: datetime) -> None:
    if licence.status != LicenceStatus.REVOKED:
        licence.status = LicenceStatus.REVOKED.value
        licence.revoked_reason, licence.revoked_at = reason, at


def _charge_refunded(session: Session, event: ProviderEvent, obj: dict[str, Any],
                     provider: PaymentProvider) -> str:
    """A charge's cumulative refund: applied to the sale of its payment, or kept until
    that sale is recorded (:mod:`marketplace.commerce.refunds`)."""
    charge_id = str(obj.get("id"))
    intent_id = _id_of(obj.get("payment_intent"))
    total = int(obj.get("amount_refunded") or 0)
    refunds.lock_payment(session, intent_id or charge_id)
    sale = ledger.find_sale_by_payment(session, intent_id, lock=True) if intent_id else None
    if sale is None:
        licence = _licence_for(session, obj, payment_id=intent_id) or session.exec(
            select(Licence).where(Licence.charge_id == charge_id)).first()
        if licence is not None and licence.kind != "subscription" \
                and licence.payment_id in (None, intent_id):
            # The purchase's own charge, refunded before its success arrived: a refunded
            # charge was paid, so the sale is recorded first (idempotent on the licence).
            paid(session, provider, licence, str(intent_id or licence.payment_id), charge_id,
                 int(obj.get("amount") or 0), _at(obj.get("created"), event.created))
            sale = ledger.find_sale(session, f"licence-{licence.id}", lock=True)
    if sale is None:
        kept = refunds.keep(session, charge_id=charge_id, payment_id=intent_id, total=total,
                            currency=str(obj.get("currency") or "usd").upper(),
                            event_id=event.id, at=event.created)
        return f"kept: refund of {kept.amount_refunded} waits for the sale of charge {charge_id}"
    refunds.refund_sale(session, sale, charge_id, total, event.created)
    return _after_refund(session, sale, event.created)


def _licence_of_sale(session: Session, sale: SaleEntry) -> tuple[Licence | None, str]:
    """The licence a sale belongs to and the sale's kind (purchase, renewal or usage)."""
    link = session.get(LicencePayment, sale.provider_payment_id)
    if link is not None:
        return session.get(Licence, link.licence_id), link.kind
    if sale.sale_id.startswith("licence-"):  # recorded before payments were linked
        try:
            return session.get(Licence, uuid.UUID(sale.sale_id.removeprefix("licence-"))), \
                "purchase"
        except ValueError:
            pass
    return None, "renewal" if sale.sale_id.startswith("invoice-") else "usage"


def _after_refund(session: Session, sale: SaleEntry, at: datetime) -> str:
    """Follow a sale's refund on its licence: the purchase's own payment, fully refunded,
    revokes it; a renewal or a usage charge does not (the subscription, not one invoice,
    decides the end)."""
    licence, kind = _licence_of_sale(session, sale)
    if licence is None or kind != "purchase":
        label = "renewal" if kind == "renewal" else "sale"
        return f"{label} {sale.sale_id} refunded {sale.refunded}"
    licence.refunded_amount = max(licence.refunded_amount, sale.refunded)
    if sale.refunded >= sale.gross:
        _revoke(licence, "refunded", at)
    session.add(licence)
    return f"licence {licence.id} refunded {licence.refunded_amount} ({licence.status})"


def _dispute_created(session: Session, event: ProviderEvent, obj: dict[str, Any],
                     provider: PaymentProvider) -> str:
    intent_id = obj.get("payment_intent")
    licence = _licence_for(session, obj, payment_id=intent_id if isinstance(intent_id, str)
                           else None)
    if licence is None and isinstance(obj.get("charge"), str):
        licence = session.exec(select(Licence).where(
            Licence.charge_id == obj["charge"])).first()
    link = session.get(LicencePayment, intent_id) if isinstance(intent_id, str) else None
    if licence is None and link is not None:  # a renewal's or a usage charge's payment
        licence = session.get(Licence, link.licence_id)
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
    if licence.subscription_status == "canceled" and status != "canceled":
        return f"ignored: the subscription of licence {licence.id} was cancelled"
    period_end = _at(obj.get("current_period_end"), licence.expires_at or event.created)
    licence.subscription_id, licence.subscription_status = sub_id, status
    licence.subscription_event_at = event.created
    if status in ("active", "trialing") and licence.status in (LicenceStatus.PENDING,
                                                               LicenceStatus.FAILED):
        licence.status, licence.activated_at = LicenceStatus.ACTIVE.value, event.created
    if event.type == "customer.subscription.deleted" or status == "canceled":
        ended = _at(obj.get("ended_at") or obj.get("canceled_at"), event.created)
        licence.expires_at = min(period_end, ended)
    else:  # active, trialing or lapsing: usable until the paid period ends, which only
        # moves forward (an event of the same second may come after a later one)
        licence.expires_at = max(period_end, licence.expires_at or period_end)
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
        # later ones are renewals, each its own sale. Stripe says which in
        # ``billing_reason``: a renewal's invoice.paid may arrive before the first one's.
        reason = obj.get("billing_reason")
        first = reason == "subscription_create" if isinstance(reason, str) \
            else licence.payment_id is None or licence.payment_id == intent
        record_sale(session, provider, sale_id=f"licence-{licence.id}" if first
                     else f"invoice-{obj.get('id')}", licence=licence, amount=amount,
                     currency=licence.currency, at=event.created, payment_id=intent,
                     charge_id=_id_of(obj.get("charge")),
                     kind="purchase" if first else "renewal")
        if first:
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
    "invoice.payment_failed": _invoice_failed,
}
