"""Concurrent posting on PostgreSQL: the same sale from several webhook workers is recorded
once, and racing refunds never refund more than was paid."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from marketplace.db import Database
from marketplace.errors import Unprocessable
from marketplace.ledger import record_refund, record_sale
from marketplace.ledger.models import JournalEntry, RefundEntry, SaleEntry
from tests.marketplace.ledger.conftest import SALE_TIME, entry_totals

pytestmark = pytest.mark.postgres
WORKERS = 6


def race(db: Database, work: Callable[[Any], Any]) -> tuple[list[Any], list[BaseException]]:
    if db.is_sqlite:
        pytest.skip("races need PostgreSQL (SQLite serializes writers)")
    barrier = threading.Barrier(WORKERS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with db.write() as session:
                barrier.wait()
                results.append(work(session))
                session.commit()
        except BaseException as error:  # noqa: BLE001 - collected for the assertions
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_the_same_sale_from_many_workers_is_recorded_once(db: Database,
                                                          seller: uuid.UUID) -> None:
    results, errors = race(db, lambda session: record_sale(
        session, sale_id="licence-1", partner_id=seller, skill_name="hello", amount=30_000,
        currency="KRW", occurred_at=SALE_TIME, provider_payment_id="pi_1").id)
    assert errors == [] and len(set(results)) == 1 and len(results) == WORKERS
    with db.read() as session:
        assert len(session.exec(select(SaleEntry)).all()) == 1
        assert len(session.exec(select(JournalEntry)).all()) == 1


def test_racing_refunds_never_exceed_the_sale(db: Database, seller: uuid.UUID) -> None:
    with db.write() as session:
        record_sale(session, sale_id="s", partner_id=seller, skill_name="hello",
                    amount=1_000, currency="USD", occurred_at=SALE_TIME,
                    provider_payment_id="pi_s")
        session.commit()
    results, errors = race(db, lambda session: record_refund(
        session, sale_id="s", refund_id=f"re_{uuid.uuid4().hex}", amount=400,
        occurred_at=SALE_TIME).id)
    assert len(results) == 2  # 400 + 400 fit into 1,000; a third would not
    assert len(errors) == WORKERS - 2
    assert all(isinstance(error, Unprocessable) for error in errors)
    with db.read() as session:
        refunds = session.exec(select(RefundEntry)).all()
        assert sum(r.amount for r in refunds) == 800
        (sale,) = session.exec(select(SaleEntry)).all()
        assert sale.refunded == 800
        assert all(total == 0 for total in entry_totals(session).values())
