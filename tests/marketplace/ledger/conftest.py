"""Ledger fixtures: a partner to sell for, and helpers that post and sum the journal."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

import partners.program as program
from marketplace.accounts import service as accounts
from marketplace.billing import (
    AccountRequest,
    Payment,
    PaymentProvider,
    PaymentRequest,
    RefundRequest,
)
from marketplace.db import Database
from marketplace.ledger import record_refund, record_sale
from marketplace.ledger.models import JournalLine, SaleEntry
from marketplace.partners import service as partners
from robeing_sdk.models import Money
from tests.marketplace.billing.conftest import RunningServer
from tests.marketplace.billing.conftest import _start as start_stripe_server

SALE_TIME = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def seller(db: Database) -> uuid.UUID:
    """A registered partner (the seeded schedule gives it 30 %)."""
    with db.write() as session:
        partner = accounts.ensure_partner(session, "seller", "seller@example.com")
        session.commit()
        return partner.id


def entry_totals(session: Session) -> dict[tuple[uuid.UUID, str], int]:
    """Sum of signed amounts per (entry, currency): all zero in a balanced journal."""
    totals: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for line in session.exec(select(JournalLine)).all():
        totals[(line.entry_id, line.currency)] += line.amount
    return totals


def account_balance(session: Session, account: str, currency: str,
                    partner_id: uuid.UUID | None = None) -> int:
    return sum(line.amount for line in session.exec(select(JournalLine)).all()
               if line.account == account and line.currency == currency
               and (partner_id is None or line.partner_id == partner_id))


@pytest.fixture
def stripe_server() -> Iterator[RunningServer]:
    """The project's local Stripe-compatible server (as the billing tests start it)."""
    yield from start_stripe_server()


class Shop:
    """Sells through a real provider and records the sale in the ledger, as commerce does."""

    def __init__(self, db: Database, provider: PaymentProvider) -> None:
        self.db, self.provider = db, provider
        self.accounts: dict[uuid.UUID, str] = {}

    def onboard(self, partner_id: uuid.UUID) -> str:
        account = self.provider.create_connected_account(AccountRequest(
            partner_id=str(partner_id), country="US", idempotency_key=f"acct-{partner_id}"))
        self.accounts[partner_id] = account.id
        return account.id

    def destination(self, partner_id: uuid.UUID) -> str | None:
        return self.accounts.get(partner_id)

    def sell(self, partner_id: uuid.UUID, amount: int, currency: str, *,
             at: datetime = SALE_TIME, keep_gross: bool = False, provider_fee: int = 0,
             record: bool = True) -> Payment:
        sale_id = f"sale-{uuid.uuid4().hex[:12]}"
        with self.db.read() as session:
            rate = partners.rate_for_sale(session, partner_id, at)
        split = program.split_sale(Money(amount=amount, currency=currency), rate)
        fee = amount if keep_gross else split.platform.amount
        payment = self.provider.create_payment(PaymentRequest(
            amount=amount, currency=currency, destination_account=self.accounts[partner_id],
            application_fee=fee, payment_method="pm_card_visa", idempotency_key=sale_id))
        assert payment.status == "succeeded"
        if record:
            with self.db.write() as session:
                record_sale(session, sale_id=sale_id, partner_id=partner_id,
                            skill_name="hello", amount=amount, currency=currency,
                            occurred_at=at, provider_payment_id=payment.id,
                            provider_fee=provider_fee,
                            application_fee=fee if keep_gross else None)
                session.commit()
        return payment

    def refund(self, payment: Payment, amount: int, *, at: datetime = SALE_TIME) -> str:
        made = self.provider.create_refund(RefundRequest(
            payment_id=payment.id, amount=amount, idempotency_key=f"re-{uuid.uuid4()}"))
        with self.db.write() as session:
            sale = find_sale_by_payment(session, payment.id)
            record_refund(session, sale_id=sale, refund_id=made.id, amount=amount,
                          occurred_at=at + timedelta(days=1))
            session.commit()
        return made.id


def find_sale_by_payment(session: Session, payment_id: str) -> str:
    return session.exec(select(SaleEntry.sale_id).where(
        SaleEntry.provider_payment_id == payment_id)).one()
