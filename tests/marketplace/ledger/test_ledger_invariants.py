"""Random sequences of sales and refunds never unbalance the journal (hypothesis).

Over many amounts, currencies (USD, KRW, JPY with no minor unit, BHD with three), rates
and refund orders: every entry's debits equal its credits per currency, every split sums to
its gross, refunds never exceed the sale, and a full refund returns both shares exactly.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from marketplace.db import Database
from marketplace.errors import Unprocessable
from marketplace.ledger import record_refund, record_sale
from marketplace.ledger.journal import (
    Account,
    UnbalancedEntryError,
    check_balanced,
    credit,
    debit,
)
from marketplace.ledger.models import JournalLine, RefundEntry, SaleEntry
from tests.marketplace.ledger.conftest import SALE_TIME, entry_totals

COUNTER = itertools.count()
CURRENCIES = st.sampled_from(["USD", "KRW", "JPY", "BHD", "EUR"])
SALE = st.tuples(st.integers(1, 99_999_999), CURRENCIES, st.integers(0, 100),
                 st.booleans(),
                 st.lists(st.integers(1, 99_999_999), max_size=4))


def test_post_refuses_an_unbalanced_entry() -> None:
    with pytest.raises(UnbalancedEntryError, match="USD"):
        check_balanced([debit(Account.PROVIDER_BALANCE, "USD", 100),
                        credit(Account.PLATFORM_REVENUE, "USD", 99)])
    with pytest.raises(UnbalancedEntryError, match="KRW"):  # balanced overall, not per currency
        check_balanced([debit(Account.PROVIDER_BALANCE, "USD", 100),
                        credit(Account.PLATFORM_REVENUE, "KRW", 100)])
    with pytest.raises(UnbalancedEntryError, match="name a partner"):
        check_balanced([debit(Account.PROVIDER_BALANCE, "USD", 1),
                        credit(Account.PARTNER_PAYABLE, "USD", 1)])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sales=st.lists(SALE, min_size=1, max_size=4))
def test_random_sales_and_refunds_keep_every_entry_balanced(
        db: Database, seller: uuid.UUID,
        sales: list[tuple[int, str, int, bool, list[int]]]) -> None:
    for gross, currency, fee_percent, keep_gross, refunds in sales:
        sale_id = f"s{next(COUNTER)}"
        with db.write() as session:
            sale = record_sale(session, sale_id=sale_id, partner_id=seller, skill_name="x",
                               amount=gross, currency=currency, occurred_at=SALE_TIME,
                               provider_payment_id=f"pi_{sale_id}",
                               provider_fee=gross * fee_percent // 1000,
                               application_fee=gross if keep_gross else None)
            session.commit()
            session.refresh(sale)
            session.expunge(sale)
        assert sale.partner_share + sale.platform_share == gross
        assert sale.partner_share == gross * sale.partner_share_bps // 10_000
        remaining = gross
        for number, asked in enumerate(refunds):
            with db.write() as session:
                if asked > remaining:
                    with pytest.raises(Unprocessable, match="can still be refunded"):
                        record_refund(session, sale_id=sale_id, refund_id=f"{sale_id}-{number}",
                                      amount=asked, occurred_at=SALE_TIME)
                    continue
                record_refund(session, sale_id=sale_id, refund_id=f"{sale_id}-{number}",
                              amount=asked, occurred_at=SALE_TIME + timedelta(hours=number))
                session.commit()
                remaining -= asked
        with db.read() as session:
            parts = session.exec(select(RefundEntry).where(
                RefundEntry.sale_id == sale_id)).all()
            stored = session.exec(select(SaleEntry).where(SaleEntry.sale_id == sale_id)).one()
        assert stored.refunded == gross - remaining
        assert all(p.partner_part >= 0 and p.platform_part >= 0 for p in parts)
        assert sum(p.partner_part for p in parts) <= sale.partner_share
        assert sum(p.platform_part for p in parts) <= sale.platform_share
        if remaining == 0:
            assert sum(p.partner_part for p in parts) == sale.partner_share
            assert sum(p.platform_part for p in parts) == sale.platform_share
    with db.read() as session:
        assert all(total == 0 for total in entry_totals(session).values())
        per_currency: dict[str, int] = defaultdict(int)
        for line in session.exec(select(JournalLine)).all():
            per_currency[line.currency] += line.amount
        assert set(per_currency.values()) <= {0}
