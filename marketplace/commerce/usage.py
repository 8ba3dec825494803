"""Metered calls of usage-priced skills: recorded once each, charged once a month.

A runtime sends batches of records, each with an id it made itself; ``(licence, id)`` is
unique, so a retried batch counts nothing twice. ``bill_period`` writes one ``usage_charge``
per licence and month (unique) before asking the provider, with an idempotency key derived
from that row, so running it again, or after a crash half-way, charges nobody twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from marketplace.billing import BillingError, PaymentDeclined, PaymentProvider, PaymentRequest
from marketplace.catalog import service as catalog
from marketplace.commerce import service, suspension
from marketplace.commerce.models import Licence, LicenceStatus, UsageCharge, UsageRecord
from marketplace.commerce.purchases import application_fee, month_after, seller_account
from marketplace.commerce.schemas import (
    PaymentMethodPublic,
    PaymentMethodSet,
    UsageAccepted,
    UsageBatch,
)
from marketplace.db import Database, utcnow
from marketplace.errors import Conflict, Forbidden, Unauthorized, Unprocessable
from marketplace.messages import N_, Message
from robeing_sdk.manifest import PriceKind


def record_usage(session: Session, key: str | None, batch: UsageBatch) -> UsageAccepted:
    if not key:
        raise Unauthorized(N_("Usage reports need the licence key (Bearer or __licence__)."))
    licence = service.find_licence(session, key)
    if licence is None:
        raise Forbidden(N_("This licence key is not valid."))
    if licence.kind != PriceKind.USAGE.value:
        raise Conflict(N_("{skill} is not priced by usage; there is nothing to meter."),
                       skill=licence.skill_name)
    if licence.status != LicenceStatus.ACTIVE:
        problem = service.licence_problem(licence, utcnow())
        raise Forbidden(problem[1] if problem else Message.of(
            N_("This licence is not active."), {}))
    ids = [record.id for record in batch.records]
    if len(set(ids)) != len(ids):
        raise Unprocessable(N_("A batch repeats a record id; each call record needs its own "
                               "id."))
    for record in batch.records:
        if record.occurred_at.tzinfo is None:
            raise Unprocessable(N_("Record {record}: occurred_at needs a time zone."),
                                record=record.id)
    rows = [{"id": uuid.uuid4(), "licence_id": licence.id, "client_id": record.id,
             "calls": record.calls, "occurred_at": record.occurred_at.astimezone(UTC),
             "received_at": utcnow()} for record in batch.records]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(UsageRecord).values(rows).on_conflict_do_nothing(
        index_elements=["licence_id", "client_id"]).returning(
        UsageRecord.__table__.c.client_id)  # type: ignore[attr-defined]
    accepted = len(session.execute(statement).all())  # rows new to us; the rest were retries
    return UsageAccepted(accepted=accepted, duplicates=len(rows) - accepted)


def period_bounds(period: str) -> tuple[datetime, datetime]:
    try:
        start = datetime.strptime(period, "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        raise Unprocessable(N_("{period} is not a month; use YYYY-MM."),
                            period=repr(period)) from None
    return start, month_after(start)


@dataclass(frozen=True, slots=True)
class BilledLicence:
    licence_id: uuid.UUID
    skill: str
    calls: int
    amount: int
    currency: str
    status: str
    payment_id: str | None


def _prepare(db: Database, period: str) -> list[uuid.UUID]:
    """Write this period's charge rows (once each); return those still to be charged."""
    start, end = period_bounds(period)
    if end > utcnow():
        raise Conflict(N_("{period} has not ended yet; bill a month once it is over."),
                       period=period)
    with db.write() as session:
        licences = session.exec(select(Licence).where(
            Licence.kind == PriceKind.USAGE.value)).all()
        for licence in licences:
            exists = session.exec(select(UsageCharge).where(
                UsageCharge.licence_id == licence.id, UsageCharge.period == period)).first()
            if exists is not None:
                continue
            calls = session.exec(select(func.coalesce(func.sum(UsageRecord.calls), 0)).where(
                UsageRecord.licence_id == licence.id, UsageRecord.occurred_at >= start,
                UsageRecord.occurred_at < end)).one()
            amount = int(calls) * licence.amount
            session.add(UsageCharge(licence_id=licence.id, period=period, calls=int(calls),
                                    amount=amount, currency=licence.currency,
                                    status="pending" if amount > 0 else "nothing"))
        session.commit()
        return [charge.id for charge in session.exec(select(UsageCharge).where(
            UsageCharge.period == period, or_(
                (col(UsageCharge.status) == "pending") & col(UsageCharge.payment_id).is_(None),
                col(UsageCharge.status) == "failed")))]


def bill_period(db: Database, provider: PaymentProvider, period: str) -> list[BilledLicence]:
    """Charge every usage licence for ``period``; safe to run again (idempotent).

    A charge that failed is tried again on each run with the licence's current payment
    method and a new idempotency key (``usage-{charge}-{attempt}``); a charge still being
    created (pending) keeps its key, so a crash half-way charges nobody twice.
    """
    for charge_id in _prepare(db, period):
        _charge(db, provider, charge_id)
    return billed(db, period)


def retry_failed(db: Database, provider: PaymentProvider, licence_id: uuid.UUID) -> list[str]:
    """Try the licence's failed charges again now (after its payment method changed);
    returns their statuses. A success resumes the licence (through its webhook)."""
    with db.read() as session:
        failed = session.exec(select(UsageCharge.id).where(
            UsageCharge.licence_id == licence_id, UsageCharge.status == "failed")
            .order_by(col(UsageCharge.period))).all()
    for charge_id in failed:
        _charge(db, provider, charge_id)
    with db.read() as session:
        return [row.status for row in session.exec(select(UsageCharge).where(
            col(UsageCharge.id).in_(failed)))]


def _charge(db: Database, provider: PaymentProvider, charge_id: uuid.UUID) -> None:
    with db.write() as session:
        charge = session.get(UsageCharge, charge_id)
        assert charge is not None
        licence = session.get(Licence, charge.licence_id)
        assert licence is not None
        if charge.status == "failed":  # pending again under a new key, so a crash
            # before the answer is written replays this attempt instead of a third
            charge.attempts += 1
            charge.status, charge.payment_id = "pending", None
        key = f"usage-{charge.id}" if charge.attempts == 0 \
            else f"usage-{charge.id}-{charge.attempts}"
        session.add(charge)
        session.commit()
        session.refresh(charge)
        session.refresh(licence)
        fee = application_fee(session, licence.seller_id, charge.amount, charge.currency,
                              utcnow())
    destination = seller_account(db, provider, licence.seller_id)
    try:
        payment = provider.create_payment(PaymentRequest(
            amount=charge.amount, currency=charge.currency,
            destination_account=destination, application_fee=fee,
            payment_method=licence.payment_method,
            description=f"{licence.skill_name}: {charge.calls} calls in {charge.period}",
            metadata={"usage_charge_id": str(charge.id), "skill": licence.skill_name,
                      "period": charge.period},
            idempotency_key=key))
        payment_id: str | None = payment.id
    except PaymentDeclined:
        payment_id = None
    except BillingError:
        return  # unchanged: the next run retries (a pending charge with the same key)
    with db.write() as session:
        row = session.get(UsageCharge, charge_id)
        assert row is not None
        if payment_id is None:  # declined: the licence is suspended until paid
            suspension.charge_failed(session, row, utcnow())
        elif row.status != "paid":
            row.payment_id = payment_id  # this attempt's webhook settles it
        session.add(row)
        session.commit()


def billed(db: Database, period: str) -> list[BilledLicence]:
    with db.read() as session:
        rows = session.exec(select(UsageCharge, Licence).where(
            UsageCharge.licence_id == Licence.id, UsageCharge.period == period)).all()
        return [BilledLicence(licence.id, licence.skill_name, charge.calls, charge.amount,
                              charge.currency, charge.status, charge.payment_id)
                for charge, licence in rows]


def change_payment_method(db: Database, provider: PaymentProvider, key: str | None,
                          skill: str, data: PaymentMethodSet) -> PaymentMethodPublic:
    """The buyer (by licence key) sets the card its usage is charged to; failed charges are
    tried again at once, so a suspended licence resumes when the new card pays."""
    if not key:
        raise Unauthorized(N_("Send the licence key (Bearer, or HTTP Basic as __licence__)."))
    with db.write() as session:
        found = catalog.get_skill(session, skill)
        licence = service.find_licence(session, key)
        if licence is None or licence.skill_id != found.id:
            raise Forbidden(N_("This licence key is not valid for {skill}."), skill=found.name)
        if licence.kind != PriceKind.USAGE.value:
            raise Conflict(N_("{skill} is not priced by usage; there is nothing to meter."),
                           skill=licence.skill_name)
        if licence.status == LicenceStatus.REVOKED:
            problem = service.licence_problem(licence, utcnow())
            assert problem is not None
            raise Conflict(problem[1])
        licence.payment_method = data.payment_method
        session.add(licence)
        session.commit()
        licence_id, name = licence.id, licence.skill_name
    retried = retry_failed(db, provider, licence_id)
    with db.read() as session:
        row = session.get(Licence, licence_id)
        assert row is not None
        return PaymentMethodPublic(skill=name, status=row.status, retried=retried)
