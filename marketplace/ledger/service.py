"""Posting sales and refunds to the ledger: the API the commerce domain calls.

Both functions are keyword-only, add rows and flush; **the caller owns the transaction** and
commits. Both are idempotent on the external id: the same ``sale_id`` (or ``refund_id``) with
the same values returns the entry already recorded and writes nothing (its first
``occurred_at`` stands); with other values it raises :class:`~marketplace.errors.Conflict`.
Bad values raise :class:`~marketplace.errors.Unprocessable`; an unknown sale or partner
:class:`~marketplace.errors.NotFound`; a sale before the first revenue-share schedule
:class:`~marketplace.errors.Conflict`. Nothing is written when an error is raised.

A sale is split with the partner program's rule (:func:`partners.program.split_sale`,
partner share rounded down, remainder to the platform) at the rate in force at the sale time
(:func:`marketplace.partners.service.rate_for_sale`), and the sale row records the tier,
schedule version, contract and basis points used. A refund reverses the split
proportionally (:func:`partners.program.refund_split`); the provider's processing fee is
not returned, as Stripe does not return it.

Payments are Stripe Connect destination charges: the provider moves ``gross -
application_fee`` to the partner's account at charge time, and on a refund (with
``reverse_transfer`` and ``refund_application_fee``, the ``RefundRequest`` defaults) takes
back the refund less the proportional application-fee refund (cumulative floor, as Stripe
and our test server do). The ledger posts both movements against ``partner_payable``, so
what is left there is exactly what the partner is still owed (or owes): the payout run pays
that, never the share again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import partners.program as program
from marketplace.accounts import service as accounts
from marketplace.billing.money import MAX_AMOUNT, normalize_currency
from marketplace.errors import Conflict, NotFound, Unprocessable, from_program_error
from marketplace.ledger.journal import Account, EntryKind, credit, debit, post
from marketplace.ledger.models import RefundEntry, SaleEntry
from marketplace.messages import N_
from marketplace.partners import service as partners
from robeing_sdk.models import Money

_Row = TypeVar("_Row", SaleEntry, RefundEntry)


# ── checks ────────────────────────────────────────────────────────────────────────────────
def _external_id(value: str, what: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 255 or not value.isprintable():
        raise Unprocessable(N_("{field} must be 1 to 255 printable characters."), field=what)
    return value


def _amount(value: int, what: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unprocessable(N_("{field} must be an integer number of minor units."),
                            field=what)
    if not minimum <= value <= MAX_AMOUNT:
        raise Unprocessable(N_("{field} must be between {minimum} and {maximum} minor units; "
                               "got {value}."), field=what, minimum=minimum,
                            maximum=MAX_AMOUNT, value=value)
    return value


def _currency(value: str) -> str:
    try:
        return normalize_currency(value)
    except (ValueError, AttributeError):
        raise Unprocessable(N_("{currency} is not an ISO 4217 currency in use."),
                            currency=repr(value)) from None


def _aware(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None \
            or value.tzinfo.utcoffset(value) is None:
        raise Unprocessable(N_("{field} must be a datetime with a time zone."), field=what)
    return value


def _same_or_conflict(existing: object, given: dict[str, object], template: str,
                      external_id: str) -> None:
    differ = [name for name, value in given.items() if getattr(existing, name) != value]
    if differ:
        raise Conflict(template, id=repr(external_id), fields=", ".join(differ))


SALE_RECORDED_DIFFERENTLY = N_("Sale {id} was already recorded with a different {fields}; an "
                               "external id is recorded once.")
REFUND_RECORDED_DIFFERENTLY = N_("Refund {id} was already recorded with a different {fields}; "
                                 "an external id is recorded once.")


def _insert_once(session: Session, build: Callable[[], _Row],
                 existing: Callable[[], _Row | None]) -> _Row:
    """Write in a savepoint; if a concurrent writer won the unique id, return its row."""
    try:
        with session.begin_nested():
            return build()
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found


# ── sales ─────────────────────────────────────────────────────────────────────────────────
def find_sale(session: Session, sale_id: str, *, lock: bool = False) -> SaleEntry | None:
    statement = select(SaleEntry).where(SaleEntry.sale_id == sale_id)
    return session.exec(statement.with_for_update() if lock else statement).first()


def find_sale_by_payment(session: Session, provider_payment_id: str, *,
                         lock: bool = False) -> SaleEntry | None:
    """The sale recorded for a provider payment (each payment is recorded at most once)."""
    statement = select(SaleEntry).where(SaleEntry.provider_payment_id == provider_payment_id)
    return session.exec(statement.with_for_update() if lock else statement).first()


def record_sale(session: Session, *, sale_id: str, partner_id: uuid.UUID, skill_name: str,
                amount: int, currency: str, occurred_at: datetime,
                provider_payment_id: str, provider_fee: int = 0,
                application_fee: int | None = None) -> SaleEntry:
    """Record one succeeded payment, split between the partner and the platform.

    ``application_fee`` is what the destination charge kept for the platform (``None``:
    the split's platform share, which is what commerce asks the provider for).
    """
    sale_id = _external_id(sale_id, "sale_id")
    provider_payment_id = _external_id(provider_payment_id, "provider_payment_id")
    if not isinstance(skill_name, str) or not 1 <= len(skill_name) <= 64:
        raise Unprocessable(N_("{field} must be 1 to 64 characters."), field="skill_name")
    amount = _amount(amount, "amount")
    provider_fee = _amount(provider_fee, "provider_fee", minimum=0)
    if provider_fee > amount:
        raise Unprocessable(N_("{field} ({fee}) cannot exceed the amount ({amount})."),
                            field="provider_fee", fee=provider_fee, amount=amount)
    if application_fee is not None:
        application_fee = _amount(application_fee, "application_fee", minimum=0)
        if application_fee > amount:
            raise Unprocessable(N_("{field} ({fee}) cannot exceed the amount ({amount})."),
                                field="application_fee", fee=application_fee, amount=amount)
    currency = _currency(currency)
    occurred_at = _aware(occurred_at, "occurred_at")
    given: dict[str, object] = {
        "partner_id": partner_id, "skill_name": skill_name, "gross": amount,
        "currency": currency, "provider_payment_id": provider_payment_id,
        "provider_fee": provider_fee}
    if application_fee is not None:
        given["application_fee"] = application_fee

    def existing() -> SaleEntry | None:
        found = find_sale(session, sale_id)
        if found is not None:
            _same_or_conflict(found, given, SALE_RECORDED_DIFFERENTLY, sale_id)
            return found
        by_payment = session.exec(select(SaleEntry).where(
            SaleEntry.provider_payment_id == provider_payment_id)).first()
        if by_payment is not None:
            raise Conflict(N_("Payment {payment} is already recorded as sale {sale}."),
                           payment=repr(provider_payment_id), sale=repr(by_payment.sale_id))
        return None

    found = existing()
    if found is not None:
        return found
    partner = accounts.find_partner(session, partner_id)
    if partner is None or partner.is_staff:
        raise NotFound(N_("No such partner: {partner}."), partner=str(partner_id))
    try:
        rate = partners.rate_for_sale(session, partner_id, occurred_at)
        split = program.split_sale(Money(amount=amount, currency=currency), rate)
    except program.ProgramError as exc:
        raise from_program_error(exc) from None
    kept = split.platform.amount if application_fee is None else application_fee
    moved = amount - kept  # reached the partner's account with the charge

    def build() -> SaleEntry:
        entry = post(session, kind=EntryKind.SALE, reference=sale_id, occurred_at=occurred_at,
                     partner_id=partner_id, memo=f"sale of {skill_name}", lines=[
                         debit(Account.PROVIDER_BALANCE, currency, amount),
                         credit(Account.PARTNER_PAYABLE, currency, split.partner.amount,
                                partner_id),
                         credit(Account.PLATFORM_REVENUE, currency, split.platform.amount),
                         debit(Account.PROCESSING_FEES, currency, provider_fee),
                         credit(Account.PROVIDER_BALANCE, currency, provider_fee),
                         debit(Account.PARTNER_PAYABLE, currency, moved, partner_id),
                         credit(Account.PROVIDER_BALANCE, currency, moved)])
        sale = SaleEntry(
            sale_id=sale_id, partner_id=partner_id, skill_name=skill_name, currency=currency,
            gross=amount, partner_share=split.partner.amount,
            platform_share=split.platform.amount, provider_fee=provider_fee,
            application_fee=kept,
            provider_payment_id=provider_payment_id, occurred_at=occurred_at,
            tier=rate.tier.value, partner_share_bps=rate.partner_share_bps,
            platform_fee_bps=rate.platform_fee_bps, rate_source=rate.source.value,
            schedule_version=rate.schedule_version,
            contract_reference=rate.contract_reference, rounding=split.rounding.value,
            entry_id=entry.id)
        session.add(sale)
        session.flush()
        return sale

    return _insert_once(session, build, existing)


def split_of(sale: SaleEntry) -> program.Split:
    """The sale's split as the partner program models it (rate and rule included)."""
    rate = program.AppliedRate(
        tier=program.Tier(sale.tier), partner_share_bps=sale.partner_share_bps,
        platform_fee_bps=sale.platform_fee_bps, source=program.RateSource(sale.rate_source),
        schedule_version=sale.schedule_version, contract_reference=sale.contract_reference,
        sale_time=sale.occurred_at)
    return program.Split(partner=Money(amount=sale.partner_share, currency=sale.currency),
                         platform=Money(amount=sale.platform_share, currency=sale.currency),
                         rate=rate, rounding=program.RoundingRule(sale.rounding))


# ── refunds ───────────────────────────────────────────────────────────────────────────────
def find_refund(session: Session, refund_id: str) -> RefundEntry | None:
    return session.exec(select(RefundEntry).where(RefundEntry.refund_id == refund_id)).first()


def record_refund(session: Session, *, sale_id: str, refund_id: str, amount: int,
                  occurred_at: datetime) -> RefundEntry:
    """Record a full or partial refund; each side gives back its proportional part.

    Refunds beyond what remains of the sale are refused (422) and write nothing.
    """
    sale_id = _external_id(sale_id, "sale_id")
    refund_id = _external_id(refund_id, "refund_id")
    amount = _amount(amount, "amount")
    occurred_at = _aware(occurred_at, "occurred_at")
    given: dict[str, object] = {"sale_id": sale_id, "amount": amount}

    def existing() -> RefundEntry | None:
        found = find_refund(session, refund_id)
        if found is not None:
            _same_or_conflict(found, given, REFUND_RECORDED_DIFFERENTLY, refund_id)
        return found

    found = existing()
    if found is not None:
        return found
    sale = find_sale(session, sale_id, lock=True)  # serializes refunds of one sale
    if sale is None:
        raise NotFound(N_("No sale {sale} is recorded in the ledger."), sale=repr(sale_id))
    found = existing()  # a concurrent refund may have committed while we waited
    if found is not None:
        return found
    currency = sale.currency
    try:
        part = program.refund_split(split_of(sale), Money(amount=amount, currency=currency),
                                    Money(amount=sale.refunded, currency=currency))
    except program.ProgramError as exc:
        raise from_program_error(exc) from None
    fee_back = (sale.application_fee * part.refunded_total.amount // sale.gross
                - sale.application_fee * sale.refunded // sale.gross)
    reversed_from_partner = amount - fee_back

    def build() -> RefundEntry:
        entry = post(session, kind=EntryKind.REFUND, reference=refund_id,
                     occurred_at=occurred_at, partner_id=sale.partner_id,
                     memo=f"refund of sale {sale_id}", lines=[
                         debit(Account.PARTNER_PAYABLE, currency, part.partner.amount,
                               sale.partner_id),
                         debit(Account.PLATFORM_REVENUE, currency, part.platform.amount),
                         credit(Account.PROVIDER_BALANCE, currency, amount),
                         debit(Account.PROVIDER_BALANCE, currency, reversed_from_partner),
                         credit(Account.PARTNER_PAYABLE, currency, reversed_from_partner,
                                sale.partner_id)])
        refund = RefundEntry(
            refund_id=refund_id, sale_id=sale_id, partner_id=sale.partner_id,
            currency=currency, amount=amount, partner_part=part.partner.amount,
            platform_part=part.platform.amount, refunded_total=part.refunded_total.amount,
            reversed_from_partner=reversed_from_partner,
            occurred_at=occurred_at, entry_id=entry.id)
        sale.refunded = part.refunded_total.amount
        session.add(refund)
        session.add(sale)
        session.flush()
        return refund

    return _insert_once(session, build, existing)


__all__ = ["find_refund", "find_sale", "find_sale_by_payment", "record_refund", "record_sale",
           "split_of"]
