"""record_sale / record_refund: the split, idempotency, refusals, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from marketplace.db import Database
from marketplace.errors import Conflict, NotFound, Unprocessable
from marketplace.ledger import record_refund, record_sale
from marketplace.ledger.models import JournalEntry, RefundEntry, SaleEntry
from tests.marketplace.ledger.conftest import SALE_TIME, account_balance, entry_totals


def sell(db: Database, seller: uuid.UUID, sale_id: str = "sale-1", amount: int = 10_000,
         currency: str = "USD", fee: int = 0, payment: str | None = None) -> SaleEntry:
    with db.write() as session:
        sale = record_sale(session, sale_id=sale_id, partner_id=seller, skill_name="hello",
                           amount=amount, currency=currency, occurred_at=SALE_TIME,
                           provider_payment_id=payment or f"pi_{sale_id}", provider_fee=fee)
        session.commit()
        session.refresh(sale)
        return sale


def refund(db: Database, sale_id: str, refund_id: str, amount: int) -> RefundEntry:
    with db.write() as session:
        entry = record_refund(session, sale_id=sale_id, refund_id=refund_id, amount=amount,
                              occurred_at=SALE_TIME + timedelta(days=1))
        session.commit()
        session.refresh(entry)
        return entry


def count(db: Database, model: type[JournalEntry] | type[SaleEntry] | type[RefundEntry]) -> int:
    from sqlmodel import select
    with db.read() as session:
        return len(session.exec(select(model)).all())


def test_a_krw_sale_is_split_by_the_tier_rate_and_records_its_source(
        db: Database, seller: uuid.UUID) -> None:
    sale = sell(db, seller, amount=12_345, currency="krw", fee=400)
    assert (sale.currency, sale.gross) == ("KRW", 12_345)
    assert sale.partner_share == 12_345 * 3000 // 10_000 == 3703
    assert sale.platform_share == 12_345 - 3703
    assert (sale.tier, sale.partner_share_bps, sale.platform_fee_bps) == ("registered", 3000,
                                                                          7000)
    assert (sale.rate_source, sale.schedule_version, sale.rounding) == ("schedule", 1,
                                                                        "partner-floor")
    with db.read() as session:
        assert all(total == 0 for total in entry_totals(session).values())
        # A destination charge moved the partner's share at once: nothing is left owed.
        assert account_balance(session, "partner_payable", "KRW", seller) == 0
        assert account_balance(session, "processing_fees", "KRW") == 400
        assert account_balance(session, "platform_revenue", "KRW") == -(12_345 - 3703)
        assert account_balance(session, "provider_balance", "KRW") == 12_345 - 3703 - 400


def test_a_charge_that_kept_the_gross_leaves_the_share_owed_to_the_partner(
        db: Database, seller: uuid.UUID) -> None:
    with db.write() as session:
        sale = record_sale(session, sale_id="s", partner_id=seller, skill_name="hello",
                           amount=10_001, currency="USD", occurred_at=SALE_TIME,
                           provider_payment_id="pi", application_fee=10_001)
        session.commit()
        assert (sale.partner_share, sale.application_fee) == (3000, 10_001)
        assert account_balance(session, "partner_payable", "USD", seller) == -3000
        assert account_balance(session, "provider_balance", "USD") == 10_001


def test_recording_a_sale_twice_writes_once_and_other_values_conflict(
        db: Database, seller: uuid.UUID) -> None:
    first = sell(db, seller)
    again = sell(db, seller)
    assert again.id == first.id
    assert count(db, JournalEntry) == 1
    with pytest.raises(Conflict, match="gross"):
        sell(db, seller, amount=9_999)
    with pytest.raises(Conflict, match="already recorded as sale 'sale-1'"):
        sell(db, seller, sale_id="sale-2", payment="pi_sale-1")
    assert count(db, SaleEntry) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"amount": 0}, "between 1 and"),
    ({"amount": -5}, "between 1 and"),
    ({"amount": 100_000_000}, "between 1 and"),
    ({"amount": 10.5}, "integer"),
    ({"currency": "XYZ"}, "ISO 4217"),
    ({"provider_fee": 20_000}, "cannot exceed"),
    ({"occurred_at": datetime(2026, 3, 1)}, "time zone"),
    ({"sale_id": ""}, "sale_id"),
])
def test_bad_sales_are_refused_with_one_sentence_and_nothing_written(
        db: Database, seller: uuid.UUID, kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "sale_id": "s", "partner_id": seller, "skill_name": "hello", "amount": 10_000,
        "currency": "USD", "occurred_at": SALE_TIME, "provider_payment_id": "pi_1"}
    values.update(kwargs)
    with db.write() as session, pytest.raises(Unprocessable, match=message):
        record_sale(session, **values)  # type: ignore[arg-type]
    assert count(db, JournalEntry) == 0


def test_unknown_partner_and_time_before_any_schedule(db: Database, seller: uuid.UUID) -> None:
    with db.write() as session, pytest.raises(NotFound, match="No such partner"):
        record_sale(session, sale_id="s", partner_id=uuid.uuid4(), skill_name="x", amount=1,
                    currency="USD", occurred_at=SALE_TIME, provider_payment_id="pi")
    with db.write() as session, pytest.raises(Conflict, match="No revenue-share schedule"):
        record_sale(session, sale_id="s", partner_id=seller, skill_name="x", amount=1,
                    currency="USD", occurred_at=SALE_TIME.replace(year=2025),
                    provider_payment_id="pi")
    assert count(db, JournalEntry) == 0


def test_partial_then_full_refunds_reverse_the_split_exactly(
        db: Database, seller: uuid.UUID) -> None:
    sale = sell(db, seller, amount=999, currency="JPY", fee=30)
    first = refund(db, "sale-1", "re_1", 333)
    assert first.partner_part + first.platform_part == 333
    rest = refund(db, "sale-1", "re_2", 666)
    assert first.partner_part + rest.partner_part == sale.partner_share
    assert first.platform_part + rest.platform_part == sale.platform_share
    with db.read() as session:
        assert all(total == 0 for total in entry_totals(session).values())
        assert account_balance(session, "partner_payable", "JPY", seller) == 0
        assert account_balance(session, "platform_revenue", "JPY") == 0
        # Stripe keeps its processing fee: the platform bears it after a full refund.
        assert account_balance(session, "provider_balance", "JPY") == -30


def test_refund_idempotency_and_refusals(db: Database, seller: uuid.UUID) -> None:
    sell(db, seller, amount=1_000)
    first = refund(db, "sale-1", "re_1", 400)
    assert refund(db, "sale-1", "re_1", 400).id == first.id
    with pytest.raises(Conflict, match="amount"):
        refund(db, "sale-1", "re_1", 300)
    with pytest.raises(Unprocessable, match="Only 600 USD of this sale can still be refunded"):
        refund(db, "sale-1", "re_2", 601)
    with pytest.raises(NotFound, match="No sale 'nope'"):
        refund(db, "nope", "re_3", 1)
    assert count(db, RefundEntry) == 1
    assert count(db, JournalEntry) == 2
    with db.read() as session:
        from marketplace.ledger import find_sale
        found = find_sale(session, "sale-1")
        assert found is not None and found.refunded == 400
