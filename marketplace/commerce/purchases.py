"""Buying a skill: a licence row first, then the provider's payment, never the other way.

The pending licence is committed before the provider is called (and no database lock is
held during the call), so the provider's webhooks, which may arrive before the call returns,
always find it through the payment's ``licence_id`` metadata. Every create at the provider
carries an idempotency key derived from our row's id, so a retried call creates nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace.accounts.service import find_partner
from marketplace.billing import (
    AccountRequest,
    BillingError,
    PaymentDeclined,
    PaymentProvider,
    PaymentRequest,
    RefundRequest,
    SubscriptionRequest,
)
from marketplace.catalog import service as catalog
from marketplace.commerce import service
from marketplace.commerce.models import Licence, LicencePayment, LicenceStatus, SellerAccount
from marketplace.commerce.schemas import (
    PurchaseCreate,
    PurchasePayment,
    PurchasePublic,
    RefundCreate,
    RefundPublic,
)
from marketplace.db import Database, utcnow
from marketplace.errors import Conflict, MarketplaceError, NotFound
from marketplace.ledger import service as ledger
from marketplace.messages import N_
from marketplace.partners import service as partners
from partners.program.split import split_sale
from robeing_sdk.manifest import PriceKind
from robeing_sdk.models import Money


class PaymentFailed(MarketplaceError):
    status = 402
    title = N_("Payment failed")
    slug = "payment-failed"


class ProviderTrouble(MarketplaceError):
    status = 502
    title = N_("Payment provider error")
    slug = "payment-provider"


def seller_account(db: Database, provider: PaymentProvider, partner_id: uuid.UUID) -> str:
    """The partner's connected account at ``provider``, created once (idempotent key)."""
    with db.read() as session:
        known = service.connected_account_of(session, partner_id, provider.name)
        # The offline provider keeps its accounts in memory: a new process (the billing
        # command) makes the account again; the same key gives the same id.
        if known is not None and provider.name != "offline":
            return known
    try:
        account = provider.create_connected_account(AccountRequest(
            partner_id=str(partner_id), country="US",
            idempotency_key=f"seller-{partner_id}",
            metadata={"partner_id": str(partner_id)}))
    except BillingError as error:
        raise ProviderTrouble(N_("The payment provider could not open the seller's account: "
                                 "{error}"), error=str(error)) from None
    if known is not None:
        return account.id
    with db.write() as session:
        session.add(SellerAccount(partner_id=partner_id, provider=provider.name,
                                  account_id=account.id))
        try:
            session.commit()
        except IntegrityError:  # another request made it first; same id (same key)
            session.rollback()
    return account.id


def _start(session: Session, name: str, data: PurchaseCreate, provider: PaymentProvider,
           key: str) -> Licence:
    skill = catalog.get_skill(session, name)
    price = service.price_of(session, skill)
    if price is None or price.kind == PriceKind.FREE.value:
        raise Conflict(N_("{skill} is free (or has no price yet); install it without buying."),
                       skill=skill.name)
    seller = find_partner(session, price.seller_id)
    email = data.email.strip().lower()
    if seller is not None and seller.email.strip().lower() == email:
        raise Conflict(N_("{email} is the seller of {skill}; a partner cannot buy its own "
                          "skill."), email=email, skill=skill.name)
    now = utcnow()
    for held in session.exec(select(Licence).where(
            Licence.skill_id == skill.id, Licence.buyer_email == email,
            col(Licence.status).in_([LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED]))):
        if held.status == LicenceStatus.SUSPENDED:  # the unpaid month stays owed
            raise Conflict(N_("{email} holds a suspended licence for {skill}; give it a "
                              "working payment method to resume it instead of buying "
                              "again."), email=email, skill=skill.name)
        if service.licence_problem(held, now) is None:  # expired ones may be bought again
            raise Conflict(N_("{email} already holds an active licence for {skill}."),
                           email=email, skill=skill.name)
    if price.kind in (PriceKind.USAGE.value, PriceKind.SUBSCRIPTION.value) \
            and data.payment_method is None:
        raise Conflict(N_("A {kind} price needs a payment_method: it is charged monthly."),
                       kind=price.kind)
    licence = Licence(skill_id=skill.id, skill_name=skill.name, seller_id=price.seller_id,
                      buyer_email=email, kind=price.kind, amount=price.amount,
                      currency=price.currency, key_hash=service.hash_key(key),
                      key_hint=key[-4:], provider=provider.name,
                      payment_method=data.payment_method)
    if price.kind == PriceKind.USAGE.value:  # nothing to pay now; charged monthly
        licence.status, licence.activated_at = LicenceStatus.ACTIVE.value, now
    session.add(licence)
    return licence


def application_fee(session: Session, partner_id: uuid.UUID, amount: int, currency: str,
                    at: datetime) -> int:
    """The platform's part of a sale, from the partner program's rate at ``at``."""
    rate = partners.rate_for_sale(session, partner_id, at)
    return split_sale(Money(amount=amount, currency=currency), rate).platform.amount


def platform_percent(session: Session, partner_id: uuid.UUID, at: datetime) -> str:
    """The platform's part as Stripe's ``application_fee_percent`` (basis points / 100)."""
    rate = partners.rate_for_sale(session, partner_id, at)
    return f"{Decimal(rate.platform_fee_bps) / 100:f}"


def _subscribe(db: Database, provider: PaymentProvider, licence: Licence, destination: str,
               payment_method: str) -> str:
    with db.read() as session:
        percent = platform_percent(session, licence.seller_id, utcnow())
    subscription = provider.create_subscription(SubscriptionRequest(
        customer_email=licence.buyer_email, product_name=f"{licence.skill_name} licence",
        amount=licence.amount, currency=licence.currency, destination_account=destination,
        application_fee_percent=percent, payment_method=payment_method,
        metadata={"licence_id": str(licence.id), "skill": licence.skill_name,
                  "kind": licence.kind},
        idempotency_key=f"licence-{licence.id}"))
    with db.write() as session:
        row = session.get(Licence, licence.id)
        assert row is not None
        row.subscription_id = row.subscription_id or subscription.id
        session.add(row)
        session.commit()
        return row.status


def purchase(db: Database, provider: PaymentProvider, name: str, data: PurchaseCreate,
             locale: str) -> PurchasePublic:
    key = service.new_key()
    with db.read() as session:
        skill = catalog.get_skill(session, name)
        price = service.price_of(session, skill)
        seller_id = price.seller_id if price is not None \
            and price.kind != PriceKind.FREE.value else None
    destination = seller_account(db, provider, seller_id) if seller_id else None
    with db.write() as session:
        licence = _start(session, name, data, provider, key)
        fee = application_fee(session, licence.seller_id, licence.amount, licence.currency,
                              utcnow())
        session.commit()
        session.refresh(licence)
    answer = PurchasePublic(
        purchase_id=licence.id, skill=licence.skill_name, kind=PriceKind(licence.kind),
        amount=licence.amount, currency=licence.currency,
        display=service.display(licence.amount, licence.currency, locale),
        status=licence.status, provider=provider.name, livemode=provider.livemode,
        test_mode=not provider.livemode, payment_id=None, client_secret=None, licence_key=key)
    if licence.kind == PriceKind.USAGE.value:
        return answer
    assert destination is not None
    if licence.kind == PriceKind.SUBSCRIPTION.value:
        assert data.payment_method is not None
        try:
            status = _subscribe(db, provider, licence, destination, data.payment_method)
        except BillingError as error:
            raise ProviderTrouble(N_("The payment provider could not start the subscription "
                                     "{purchase}: {error}"), purchase=str(licence.id),
                                  error=str(error)) from None
        return answer.model_copy(update={"status": status})
    try:
        payment = provider.create_payment(PaymentRequest(
            amount=licence.amount, currency=licence.currency, destination_account=destination,
            application_fee=fee, payment_method=data.payment_method,
            description=f"{licence.skill_name} licence ({licence.kind})",
            metadata={"licence_id": str(licence.id), "skill": licence.skill_name,
                      "kind": licence.kind},
            idempotency_key=f"licence-{licence.id}"))
    except PaymentDeclined as error:
        _set_status(db, licence.id, LicenceStatus.FAILED)
        raise PaymentFailed(N_("The payment was declined: {error}"), error=str(error)) \
            from None
    except BillingError as error:
        raise ProviderTrouble(N_("The payment provider failed; the purchase {purchase} is "
                                 "pending and can be retried: {error}"),
                              purchase=str(licence.id), error=str(error)) from None
    with db.write() as session:
        row = session.get(Licence, licence.id)
        assert row is not None
        row.payment_id = row.payment_id or payment.id
        if provider.name == "offline" and payment.status == "succeeded" \
                and row.status == LicenceStatus.PENDING:
            # The offline provider confirms at once and has applied its own success webhook
            # in-process; should that delivery have been lost, apply the same success path
            # here (idempotent: the ledger sale is keyed by the licence).
            from marketplace.commerce.events import paid

            paid(session, provider, row, payment.id, payment.latest_charge,
                 payment.amount_received, payment.created)
        session.add(row)
        session.commit()
        status = row.status
    return answer.model_copy(update={"payment_id": payment.id, "status": status,
                                     "client_secret": payment.client_secret})


def _set_status(db: Database, licence_id: uuid.UUID, status: LicenceStatus) -> None:
    with db.write() as session:
        row = session.get(Licence, licence_id)
        if row is not None and row.status == LicenceStatus.PENDING:
            row.status = status.value
            session.add(row)
            session.commit()


def refund(db: Database, provider: PaymentProvider, purchase_id: uuid.UUID,
           data: RefundCreate) -> RefundPublic:
    """Ask the provider for a refund of one of the purchase's payments (its own, a
    renewal's or a usage charge's); the ledger and the licence follow its webhook."""
    with db.read() as session:
        licence = session.get(Licence, purchase_id)
        if licence is None:
            raise NotFound(N_("No such purchase."))
        if data.payment_id is None:
            if licence.payment_id is None:
                raise Conflict(N_("This purchase has no payment to refund."))
            payment_id, prefix = licence.payment_id, f"refund-{purchase_id}"
        else:
            link = session.get(LicencePayment, data.payment_id)
            if link is None or link.licence_id != licence.id:
                raise NotFound(N_("{payment} is not a recorded payment of purchase "
                                  "{purchase}."), payment=data.payment_id,
                               purchase=str(purchase_id))
            payment_id, prefix = link.payment_id, f"refund-{purchase_id}-{link.payment_id}"
        sale = ledger.find_sale_by_payment(session, payment_id)
        refunded = sale.refunded if sale is not None else licence.refunded_amount
    key = f"{prefix}-{refunded}-{data.amount or 'all'}"
    try:
        result = provider.create_refund(RefundRequest(payment_id=payment_id, amount=data.amount,
                                                      idempotency_key=key))
    except BillingError as error:
        raise Conflict(N_("The refund was refused: {error}"), error=str(error)) from None
    return RefundPublic(refund_id=result.id, amount=result.amount, currency=result.currency,
                        status=result.status, payment_id=payment_id)


def payments_of(db: Database, purchase_id: uuid.UUID) -> list[PurchasePayment]:
    """The purchase's recorded payments, its own first, then the others oldest first,
    with what each has had refunded."""
    with db.read() as session:
        if session.get(Licence, purchase_id) is None:
            raise NotFound(N_("No such purchase."))
        links = session.exec(select(LicencePayment).where(
            LicencePayment.licence_id == purchase_id)).all()
        answer = []
        for link in links:
            sale = ledger.find_sale(session, link.sale_id)
            if sale is None:
                continue
            answer.append(PurchasePayment.model_validate({
                "payment_id": link.payment_id, "sale_id": sale.sale_id, "kind": link.kind,
                "amount": sale.gross, "refunded": sale.refunded, "currency": sale.currency,
                "occurred_at": sale.occurred_at}))
        return sorted(answer, key=lambda row: (row.kind != "purchase", row.occurred_at,
                                               row.sale_id))


def cancel_subscription(db: Database, provider: PaymentProvider, key: str | None,
                        skill: str) -> str:
    """The buyer (by licence key) cancels now; the ``deleted`` webhook ends the licence."""
    with db.read() as session:
        found = catalog.get_skill(session, skill)
        licence = service.check_licence(session, found, key)
        if licence.subscription_id is None:
            raise Conflict(N_("The licence for {skill} is not a subscription."),
                           skill=found.name)
        subscription_id = licence.subscription_id
    try:
        return provider.cancel_subscription(subscription_id).status
    except BillingError as error:
        raise ProviderTrouble(N_("The payment provider could not cancel: {error}"),
                              error=str(error)) from None


def month_after(moment: datetime) -> datetime:
    """Same day and time next month (clamped to the month's last day)."""
    import calendar

    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day).astimezone(UTC)
