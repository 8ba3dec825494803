"""Racing deliveries of one webhook event and racing usage retries, with real threads."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.billing.webhooks import make_delivery
from marketplace.commerce.events import apply_webhook
from marketplace.commerce.models import Licence, UsageRecord
from marketplace.commerce.schemas import UsageBatch
from marketplace.commerce.usage import record_usage
from marketplace.db import Database
from marketplace.ledger.models import RefundEntry
from tests.marketplace.commerce.conftest import Seller, buy, set_price


def race(count: int, work: Any) -> list[Any]:
    results: list[Any] = []
    barrier = threading.Barrier(count)

    def run() -> None:
        barrier.wait()
        results.append(work())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_one_event_delivered_by_racing_workers_is_applied_once(
        client: TestClient, seller: Seller, app: FastAPI, db: Database) -> None:
    assert set_price(client, seller).status_code == 200
    assert buy(client).status_code == 201
    with db.read() as session:
        (licence,) = session.exec(select(Licence)).all()
    charge = {"id": licence.charge_id, "object": "charge", "amount": 30000,
              "amount_refunded": 12000, "payment_intent": licence.payment_id,
              "metadata": {"licence_id": str(licence.id)}}
    event = {"id": "evt_race_refund", "object": "event", "type": "charge.refunded",
             "created": int(datetime.now(UTC).timestamp()), "livemode": False,
             "data": {"object": charge}}
    provider = app.state.payments
    delivery = make_delivery(event, "whsec_offline_test_mode", int(datetime.now(UTC).timestamp()))
    parsed = provider.parse_webhook(delivery.payload, delivery.signature_header)
    outcomes = race(6, lambda: apply_webhook(db, parsed, provider))
    assert sorted(outcomes).count("duplicate") == 5, outcomes
    with db.read() as session:
        (refund,) = session.exec(select(RefundEntry)).all()
        assert refund.amount == 12000
        assert session.get(Licence, licence.id).refunded_amount == 12000  # type: ignore[union-attr]


def test_racing_retries_of_one_usage_batch_count_each_call_once(client: TestClient,
                                                               seller: Seller,
                                                               db: Database) -> None:
    assert set_price(client, seller, kind="usage", amount=5).status_code == 200
    key = buy(client, payment_method="pm_card_visa").json()["licence_key"]
    batch = UsageBatch.model_validate({"records": [
        {"id": str(uuid.uuid4()), "occurred_at": datetime.now(UTC).isoformat(), "calls": 1}
        for _ in range(20)]})

    def send() -> int:
        with db.write() as session:
            accepted = record_usage(session, key, batch).accepted
            session.commit()
            return accepted

    assert sum(race(4, send)) == 20
    with db.read() as session:
        assert len(session.exec(select(UsageRecord)).all()) == 20
