"""The Stripe webhook endpoint: signatures, duplicates, order, disputes, subscriptions, crashes.

Payments go through the official ``StripeClient`` to the local Stripe test server; its events
are delivered to the endpoint by the tests, in the order (and as often) each case needs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.billing import RefundRequest, StripeProvider
from marketplace.billing.stripe_testserver import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    StripeTestServer,
)
from marketplace.billing.webhooks import WebhookDelivery
from marketplace.commerce.models import Licence, WebhookEvent
from marketplace.db import Database
from marketplace.ledger.models import RefundEntry, SaleEntry
from tests.marketplace.commerce.conftest import Seller, buy, set_price

URL = "/v1/billing/stripe/webhook"


@pytest.fixture
def stripe(app: FastAPI) -> Iterator[StripeTestServer]:
    server = StripeTestServer(auto_deliver=False)
    with server.running() as base:
        app.state.payments = StripeProvider.from_keys(
            DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, api_base=base, max_network_retries=0)
        yield server
        app.state.payments.close()


def send(client: TestClient, delivery: WebhookDelivery) -> Any:
    return client.post(URL, content=delivery.payload,
                       headers={"Stripe-Signature": delivery.signature_header,
                                "Content-Type": "application/json"})


def deliver(client: TestClient, server: StripeTestServer, event: dict[str, Any]) -> Any:
    response = send(client, server.delivery_for(event))
    assert response.status_code == 200, response.text
    return response.json()["outcome"]


def licence(db: Database) -> Licence:
    with db.read() as session:
        (row,) = session.exec(select(Licence)).all()
        return row


def paid_purchase(client: TestClient, seller: Seller, server: StripeTestServer,
                  kind: str = "one_time") -> dict[str, Any]:
    assert set_price(client, seller, kind=kind).status_code == 200
    bought = buy(client)
    assert bought.status_code == 201, bought.text
    server.simulator.complete_payment(bought.json()["payment_id"])
    return dict(bought.json())


def test_bad_signatures_stale_and_future_timestamps_are_refused(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database) -> None:
    paid_purchase(client, seller, stripe)
    (event,) = stripe.events_of_type("payment_intent.succeeded")
    now = int(time.time())
    for delivery in (stripe.delivery_for(event, secret="whsec_forged"),
                     stripe.delivery_for(event, timestamp=now - 400),
                     stripe.delivery_for(event, timestamp=now + 400)):
        response = send(client, delivery)
        assert response.status_code == 400
        assert response.json()["detail"].count(".") <= 2
    unsigned = client.post(URL, content=b"{}")
    assert unsigned.status_code == 400 and "Stripe-Signature" in unsigned.json()["detail"]
    future = stripe.delivery_for(event, timestamp=now + 400)
    said = client.post(URL, content=future.payload, headers={
        "Stripe-Signature": future.signature_header, "Accept-Language": "ja"}).json()
    assert re.fullmatch(r"Webhook は [34]\d\d 秒先の時刻で署名されています。許容されるのは最大 300 "
                        r"秒です。", said["detail"]), said
    with db.read() as session:
        assert session.exec(select(WebhookEvent)).all() == []
    assert licence(db).status == "pending"


def test_duplicates_and_a_refund_before_the_success_apply_once_in_effect_order(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database,
        app: FastAPI) -> None:
    bought = paid_purchase(client, seller, stripe)
    app.state.payments.create_refund(RefundRequest(payment_id=bought["payment_id"],
                                                   idempotency_key="r1"))
    (refunded,) = stripe.events_of_type("charge.refunded")
    (succeeded,) = stripe.events_of_type("payment_intent.succeeded")
    assert deliver(client, stripe, refunded).endswith("(revoked)")
    assert deliver(client, stripe, refunded) == "duplicate"
    deliver(client, stripe, succeeded)  # late: the sale is known already, nothing reopens
    assert deliver(client, stripe, succeeded) == "duplicate"
    row = licence(db)
    assert row.status == "revoked" and row.refunded_amount == 30000
    with db.read() as session:
        (sale,) = session.exec(select(SaleEntry)).all()
        (refund,) = session.exec(select(RefundEntry)).all()
        assert sale.gross == refund.amount == 30000 and sale.refunded == 30000


def test_partial_refunds_keep_the_licence_and_count_each_unit_once(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database,
        app: FastAPI) -> None:
    bought = paid_purchase(client, seller, stripe)
    for event in stripe.simulator.take_events():
        send(client, stripe.delivery_for(event))
    for amount, key in ((1000, "p1"), (2500, "p2")):
        app.state.payments.create_refund(RefundRequest(payment_id=bought["payment_id"],
                                                       amount=amount, idempotency_key=key))
    first, second = stripe.events_of_type("charge.refunded")
    deliver(client, stripe, second)
    deliver(client, stripe, first)  # older cumulative total: nothing more to take back
    row = licence(db)
    assert row.status == "active" and row.refunded_amount == 3500
    with db.read() as session:
        assert sum(r.amount for r in session.exec(select(RefundEntry)).all()) == 3500


def test_a_dispute_revokes_and_unknown_events_and_objects_are_answered(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database) -> None:
    bought = paid_purchase(client, seller, stripe)
    (succeeded,) = stripe.events_of_type("payment_intent.succeeded")
    deliver(client, stripe, succeeded)
    charge = licence(db).charge_id
    dispute = event("charge.dispute.created", {
        "id": "dp_1", "object": "dispute", "charge": charge, "amount": 30000,
        "payment_intent": bought["payment_id"], "reason": "fraudulent"})
    assert deliver(client, stripe, dispute).endswith("revoked (dispute)")
    assert licence(db).revoked_reason == "charge disputed"
    assert deliver(client, stripe, event("customer.created", {"id": "cus_1"})).startswith(
        "ignored")
    stranger = event("payment_intent.succeeded", {"id": "pi_unknown", "object":
                                                  "payment_intent", "amount": 5,
                                                  "metadata": {}})
    assert deliver(client, stripe, stranger) == "ignored: no purchase for this payment"


_counter = iter(range(1, 10_000))


def event(type_: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
    return {"id": f"evt_test_{next(_counter)}_{type_}", "object": "event", "type": type_,
            "created": created or int(time.time()), "livemode": False,
            "api_version": "2024-06-20", "data": {"object": obj}}


def deliver_pending(client: TestClient, server: StripeTestServer) -> list[str]:
    return [deliver(client, server, event) for event in server.simulator.take_events()]


def test_a_subscription_renews_lapses_and_cancels_through_stripe(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database) -> None:
    assert set_price(client, seller, kind="subscription").status_code == 200
    assert buy(client).status_code == 409  # charged monthly: a payment method is needed
    bought = buy(client, payment_method="pm_card_visa")
    assert bought.status_code == 201 and bought.json()["status"] == "pending", bought.text
    key = bought.json()["licence_key"]
    first = licence(db)
    assert first.subscription_id is not None and first.subscription_id.startswith("sub_")
    subscription = stripe.simulator.objects[first.subscription_id]
    assert subscription["application_fee_percent"] == "70"  # certified: platform 70 %
    assert subscription["transfer_data"]["destination"].startswith("acct_")
    deliver_pending(client, stripe)  # invoice.paid comes before subscription.created
    paid = licence(db)
    assert paid.status == "active" and paid.expires_at is not None
    assert timedelta(days=27) < paid.expires_at - datetime.now(UTC) < timedelta(days=32)
    stripe.simulator.renew_subscription(first.subscription_id)
    outcomes = deliver_pending(client, stripe)
    assert any("renewed" in outcome for outcome in outcomes)
    renewed = licence(db)
    assert renewed.expires_at is not None and renewed.expires_at > paid.expires_at
    with db.read() as session:
        assert sorted(s.sale_id.split("-")[0] for s in session.exec(select(SaleEntry))) == [
            "invoice", "licence"]
    stripe.simulator.renew_subscription(first.subscription_id, "pm_card_chargeDeclined")
    assert any("(lapsing)" in outcome for outcome in deliver_pending(client, stripe))
    lapsed = licence(db)  # past due: usable until the paid period ends, not beyond
    assert lapsed.status == "active" and lapsed.expires_at == renewed.expires_at
    stale = event("customer.subscription.updated", {
        "id": first.subscription_id, "object": "subscription", "status": "active",
        "current_period_end": int(time.time()) + 90 * 86400}, created=int(time.time()) - 3600)
    assert deliver(client, stripe, stale).startswith("ignored: older")
    cancelled = client.post("/v1/subscriptions/cancel", params={"skill": "hello-skill"},
                            headers={"Authorization": f"Bearer {key}"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "canceled"
    deliver_pending(client, stripe)
    verdict = client.get("/v1/licences/verify", params={"skill": "hello-skill"},
                         headers={"Authorization": f"Bearer {key}"}).json()
    assert verdict["valid"] is False and verdict["reason"] == "expired"


def test_renewal_invoices_are_sales_and_their_refunds_reach_the_ledger(
        client: TestClient, app: FastAPI, seller: Seller, stripe: StripeTestServer,
        db: Database) -> None:
    from marketplace.ledger.reconcile import reconcile

    stripe.simulator.processing_fee = lambda amount, currency: amount // 40
    assert set_price(client, seller, kind="subscription", amount=9_999).status_code == 200
    assert buy(client, payment_method="pm_card_visa").status_code == 201
    deliver_pending(client, stripe)
    subscription = licence(db).subscription_id
    assert subscription is not None
    stripe.simulator.renew_subscription(subscription)
    stripe.simulator.renew_subscription(subscription)
    deliver_pending(client, stripe)
    intents = [e["data"]["object"]["payment_intent"]
               for e in stripe.events_of_type("invoice.paid")]
    assert len(intents) == 3
    provider = app.state.payments
    provider.create_refund(RefundRequest(payment_id=intents[1], amount=4_000,
                                         idempotency_key="renewal-1-part"))
    provider.create_refund(RefundRequest(payment_id=intents[1], idempotency_key="renewal-1-rest"))
    provider.create_refund(RefundRequest(payment_id=intents[2], amount=1,
                                         idempotency_key="renewal-2-part"))
    outcomes = deliver_pending(client, stripe)
    assert sum(o.startswith("renewal invoice-") for o in outcomes) == 3, outcomes
    for refunded in stripe.events_of_type("charge.refunded"):  # replays change nothing
        assert deliver(client, stripe, {**refunded, "id": refunded["id"] + "_again"}) \
            .startswith("renewal invoice-")
    with db.read() as session:
        sales = {s.provider_payment_id: s for s in session.exec(select(SaleEntry))}
        assert [sales[i].sale_id.split("-")[0] for i in intents] == [
            "licence", "invoice", "invoice"]
        assert [sales[i].refunded for i in intents] == [0, 9_999, 1]
        assert all(sales[i].provider_fee == 9_999 // 40 for i in intents)
        refunds = session.exec(select(RefundEntry)).all()
        assert sorted((r.sale_id == sales[intents[1]].sale_id, r.amount) for r in refunds) \
            == [(False, 1), (True, 4_000), (True, 5_999)]
        report = reconcile(session, provider)
    assert report.differences == []
    assert licence(db).status == "active"  # the subscription, not one invoice, decides


def test_a_crash_before_the_licence_write_is_repaired_by_the_next_delivery(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from marketplace.commerce import events

    paid_purchase(client, seller, stripe)
    (succeeded,) = stripe.events_of_type("payment_intent.succeeded")
    real = events.ledger.record_sale

    def crash(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(events.ledger, "record_sale", crash)
    with pytest.raises(RuntimeError):
        send(client, stripe.delivery_for(succeeded))
    monkeypatch.setattr(events.ledger, "record_sale", real)
    assert licence(db).status == "pending"
    with db.read() as session:
        assert session.exec(select(WebhookEvent)).all() == []
        assert session.exec(select(SaleEntry)).all() == []
    assert deliver(client, stripe, succeeded).endswith("active")  # Stripe's retry
    with db.read() as session:
        assert len(session.exec(select(SaleEntry)).all()) == 1


def test_reconcile_applies_a_success_whose_webhook_never_came(
        client: TestClient, seller: Seller, stripe: StripeTestServer, db: Database,
        app: FastAPI) -> None:
    from marketplace.commerce.recovery import reconcile

    paid_purchase(client, seller, stripe)
    assert reconcile(db, app.state.payments) == [str(licence(db).id)]
    assert licence(db).status == "active"
    assert reconcile(db, app.state.payments) == []
    deliver_pending(client, stripe)  # the late webhooks change nothing more
    with db.read() as session:
        assert len(session.exec(select(SaleEntry)).all()) == 1
    assert licence(db).status == "active"
