"""A subscription's events in every order, with duplicates: the ledger and the licence end
the same, and a renewal's refund that comes before its ``invoice.paid`` is kept, then
applied once.

The offline provider keeps its signed webhooks in an outbox, so the test delivers them to
the webhook endpoint itself, in the order (and as often) hypothesis chooses.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import col, select

from marketplace.billing import OfflineProvider, RefundRequest
from marketplace.billing.webhooks import WebhookDelivery, make_delivery
from marketplace.commerce import refunds
from marketplace.commerce.events import apply_webhook
from marketplace.commerce.models import Licence, PendingRefund
from marketplace.db import Database
from marketplace.ledger.models import JournalLine, RefundEntry, SaleEntry
from marketplace.ledger.reconcile import reconcile
from tests.marketplace.commerce.conftest import Seller, buy, set_price

URL = "/v1/billing/stripe/webhook"
USED = {"invoice.paid", "payment_intent.succeeded", "charge.refunded",
        "customer.subscription.created", "customer.subscription.updated"}
PRICE = 9_999
EVENTS = 9
"""invoice.paid, payment_intent.succeeded and a subscription event for the purchase and
the renewal, and three charge.refunded."""


class Clock:
    """Seconds that move only when told to, so each step's events share one second."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def tick(self) -> None:
        self.now += 1


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def offline(app: FastAPI, clock: Clock) -> Iterator[OfflineProvider]:
    provider = OfflineProvider(webhook_secret="whsec_orders", clock=clock,
                               processing_fee=lambda amount, currency: amount // 50)
    app.state.payments = provider
    yield provider


def send(client: TestClient, delivery: WebhookDelivery) -> str:
    response = client.post(URL, content=delivery.payload, headers={
        "Stripe-Signature": delivery.signature_header, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


def scenario(client: TestClient, provider: OfflineProvider, clock: Clock, db: Database,
             email: str) -> tuple[Licence, list[WebhookDelivery], dict[str, Any]]:
    """A subscription bought, renewed, its renewal refunded in two parts and its first
    payment refunded by 1 unit; returns the licence and the webhooks, undelivered."""
    bought = buy(client, email=email, payment_method="pm_card_visa")
    assert bought.status_code == 201, bought.text
    with db.read() as session:
        row = session.get(Licence, uuid.UUID(bought.json()["purchase_id"]))
        assert row is not None and row.subscription_id is not None
    sim = provider.simulator
    clock.tick()
    sim.renew_subscription(row.subscription_id)
    provider.take_outbox()  # renew_subscription records events outside a request
    intents = [e["data"]["object"]["payment_intent"] for e in sim.events
               if e["type"] == "invoice.paid"
               and e["data"]["object"]["subscription"] == row.subscription_id]
    first, renewal = intents
    clock.tick()
    provider.create_refund(RefundRequest(payment_id=renewal, amount=4_000,
                                         idempotency_key=f"{email}-part"))
    clock.tick()
    provider.create_refund(RefundRequest(payment_id=renewal, idempotency_key=f"{email}-rest"))
    clock.tick()
    provider.create_refund(RefundRequest(payment_id=first, amount=1,
                                         idempotency_key=f"{email}-first"))
    provider.take_outbox()
    mine = {row.subscription_id, first, renewal}
    chosen = [e for e in sim.events if e["type"] in USED and _concerns(e["data"]["object"], mine)]
    deliveries = [make_delivery(e, "whsec_orders", int(clock())) for e in chosen]
    subscription = sim.objects[row.subscription_id]
    return row, deliveries, {"first": first, "renewal": renewal,
                             "period_end": int(subscription["current_period_end"])}


def _concerns(obj: dict[str, Any], ids: set[str]) -> bool:
    return bool({obj.get("id"), obj.get("subscription"), obj.get("payment_intent")} & ids)


def assert_settled(db: Database, licence_id: Any, facts: dict[str, Any]) -> None:
    with db.read() as session:
        row = session.get(Licence, licence_id)
        assert row is not None
        assert row.status == "active", row  # neither a renewal's refund nor 1 unit revokes
        assert row.refunded_amount == 1
        assert row.expires_at is not None
        assert int(row.expires_at.timestamp()) == facts["period_end"]
        sales = {s.provider_payment_id: s for s in session.exec(select(SaleEntry).where(
            col(SaleEntry.provider_payment_id).in_([facts["first"], facts["renewal"]])))}
        first, renewal = sales[facts["first"]], sales[facts["renewal"]]
        assert first.sale_id == f"licence-{licence_id}" and first.refunded == 1
        assert renewal.sale_id.startswith("invoice-") and renewal.refunded == PRICE
        given_back = session.exec(select(RefundEntry).where(col(RefundEntry.sale_id).in_(
            [first.sale_id, renewal.sale_id]))).all()
        assert sum(r.amount for r in given_back) == PRICE + 1
        assert sum(r.partner_part for r in given_back if r.sale_id == renewal.sale_id) \
            == renewal.partner_share  # a full refund takes back the whole share
        assert session.exec(select(PendingRefund).where(
            col(PendingRefund.payment_id).in_([facts["first"], facts["renewal"]]),
            col(PendingRefund.applied_at).is_(None))).all() == []


def assert_journal_balances(db: Database) -> None:
    with db.read() as session:
        off = session.exec(select(JournalLine.entry_id, JournalLine.currency,
                                  func.sum(JournalLine.amount))
                           .group_by(col(JournalLine.entry_id), col(JournalLine.currency))
                           .having(func.sum(JournalLine.amount) != 0)).all()
        assert off == []


def test_every_order_and_duplicate_of_a_renewal_and_its_refunds_applies_once(
        client: TestClient, seller: Seller, offline: OfflineProvider, clock: Clock,
        db: Database) -> None:
    assert set_price(client, seller, kind="subscription", amount=PRICE).status_code == 200
    emails = (f"buyer{n}@example.com" for n in itertools.count())
    kept_seen: list[bool] = []

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        # Draw first: hypothesis may abandon an example while drawing, and the provider's
        # side of a scenario, once made, must be delivered for the ledger to match it.
        extra = data.draw(st.lists(st.sampled_from(range(EVENTS)), max_size=5))
        order = data.draw(st.permutations([*range(EVENTS), *extra]))
        row, deliveries, facts = scenario(client, offline, clock, db, next(emails))
        assert len(deliveries) == EVENTS
        outcomes = [send(client, deliveries[i]) for i in order]
        kept_seen.append(any(o.startswith("kept:") for o in outcomes))
        assert outcomes.count("duplicate") == len(extra)
        assert_settled(db, row.id, facts)

    run()
    assert any(kept_seen), "no order delivered a refund before its sale"
    assert_journal_balances(db)
    with db.read() as session:
        assert refunds.waiting(session) == []
        report = reconcile(session, offline)
    assert report.differences == [], report.differences[:5]


def test_a_renewal_refund_before_its_invoice_is_kept_then_applied_once(
        client: TestClient, seller: Seller, offline: OfflineProvider, clock: Clock,
        db: Database) -> None:
    assert set_price(client, seller, kind="subscription", amount=PRICE).status_code == 200
    row, deliveries, facts = scenario(client, offline, clock, db, "early@example.com")
    refunds_first = [d for d in deliveries if d.event_type == "charge.refunded"]
    rest = [d for d in deliveries if d.event_type != "charge.refunded"]
    said = [send(client, d) for d in refunds_first]
    renewal_refunds = [s for s in said if s.startswith("kept:")]
    assert len(renewal_refunds) == 3, said  # no sale of either payment is known yet
    with db.read() as session:
        (waiting,) = [r for r in refunds.waiting(session)
                      if r.payment_id == facts["renewal"]]
        assert waiting.amount_refunded == PRICE  # the larger cumulative total is kept
    for delivery in rest + refunds_first:
        send(client, delivery)
    assert_settled(db, row.id, facts)
    with db.read() as session:
        assert refunds.waiting(session) == []
        assert reconcile(session, offline).differences == []


def apply_together(delivery: WebhookDelivery, *, barrier: Barrier, db: Database,
                   provider: OfflineProvider) -> str:
    """Verify, wait for the other worker, then apply (what each webhook worker does)."""
    event = provider.parse_webhook(delivery.payload, delivery.signature_header)
    barrier.wait()
    return apply_webhook(db, event, provider)


def test_a_renewal_and_its_refund_racing_on_two_workers_meet_once(
        client: TestClient, seller: Seller, offline: OfflineProvider, clock: Clock,
        db: Database) -> None:
    """Real threads: ``invoice.paid`` and ``charge.refunded`` of one renewal applied at the
    same moment; the per-payment lock makes one wait for the other, so the refund is either
    applied directly or kept and then applied by the sale, never lost or doubled."""
    assert set_price(client, seller, kind="subscription", amount=PRICE).status_code == 200
    for n in range(6):
        row, deliveries, facts = scenario(client, offline, clock, db, f"race{n}@example.com")
        refunds_of_renewal = [d for d in deliveries if d.event_type == "charge.refunded"
                              and facts["renewal"].encode() in d.payload]
        renewal_paid = [d for d in deliveries if d.event_type == "invoice.paid"
                        and facts["renewal"].encode() in d.payload]
        racing = [renewal_paid[0], refunds_of_renewal[-1]]  # the total of 9,999
        for delivery in deliveries:
            if delivery not in racing and delivery not in refunds_of_renewal:
                send(client, delivery)
        apply = partial(apply_together, barrier=Barrier(2), db=db, provider=offline)
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(apply, racing))
        assert not any(o == "duplicate" for o in outcomes), outcomes
        with db.read() as session:
            (sale,) = session.exec(select(SaleEntry).where(
                SaleEntry.provider_payment_id == facts["renewal"])).all()
            assert sale.refunded == PRICE, outcomes
        for delivery in deliveries:  # everything again: nothing changes
            send(client, delivery)
        assert_settled(db, row.id, facts)
    assert_journal_balances(db)
