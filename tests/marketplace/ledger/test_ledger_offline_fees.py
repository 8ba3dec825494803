"""On the offline provider's default fee schedule, every sale and refund balances to the unit.

For many amounts and currencies (KRW and JPY without a minor unit, BHD with three digits):
partner share + platform share = gross, the processing fee is what the provider took, each
journal entry sums to zero, and the reconciliation finds the ledger and the offline
provider's balance transactions in agreement, fees included.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from marketplace.billing import BillingSettings, OfflineProvider, build_payment_provider
from marketplace.billing.fees import FeeSchedule
from marketplace.db import Database
from marketplace.ledger import record_sale
from marketplace.ledger.models import JournalLine, SaleEntry
from marketplace.ledger.reconcile import reconcile
from tests.marketplace.ledger.conftest import SALE_TIME, Shop, entry_totals

CURRENCIES = ["KRW", "JPY", "USD", "EUR", "BHD"]


def test_sales_and_refunds_with_offline_fees_balance_and_reconcile(
        db: Database, seller: uuid.UUID) -> None:
    provider = build_payment_provider(BillingSettings())
    assert isinstance(provider, OfflineProvider)
    shop = Shop(db, provider)
    shop.onboard(seller)
    schedule = FeeSchedule()
    fees_seen: list[int] = []

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(amount=st.integers(min_value=1, max_value=99_999_999),
           currency=st.sampled_from(CURRENCIES), refund_share=st.floats(0, 1))
    def sell(amount: int, currency: str, refund_share: float) -> None:
        payment = shop.sell(seller, amount, currency, record=False)
        assert payment.latest_charge is not None
        fee = provider.get_charge(payment.latest_charge).fee
        assert fee == schedule(amount, currency) and 0 <= fee <= amount
        with db.write() as session:
            sale = record_sale(session, sale_id=f"sale-{payment.id}", partner_id=seller,
                               skill_name="hello", amount=amount, currency=currency,
                               occurred_at=SALE_TIME, provider_payment_id=payment.id,
                               provider_fee=fee)
            session.commit()
            assert sale.partner_share + sale.platform_share == amount
            assert sale.provider_fee == fee
            lines = session.exec(select(JournalLine).where(
                JournalLine.entry_id == sale.entry_id)).all()
            by_account: dict[str, int] = {}
            for line in lines:
                by_account[line.account] = by_account.get(line.account, 0) + line.amount
            assert sum(by_account.values()) == 0
            assert by_account.get("processing_fees", 0) == fee
            assert -by_account.get("platform_revenue", 0) == sale.platform_share
            # the platform keeps the application fee less the processing fee
            assert by_account.get("provider_balance", 0) == sale.application_fee - fee
        fees_seen.append(fee)
        refund = int(amount * refund_share)
        if refund:
            shop.refund(payment, refund)

    sell()
    assert sum(fees_seen) > 0
    with db.read() as session:
        assert all(total == 0 for total in entry_totals(session).values())
        sales = session.exec(select(SaleEntry)).all()
        assert all(s.partner_share + s.platform_share == s.gross for s in sales)
        report = reconcile(session, provider)
    assert report.differences == [], report.differences[:3]
