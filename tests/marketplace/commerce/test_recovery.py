"""Faults between the provider's success and our write, and events for unknown objects.

A usage charge whose webhooks never arrive is settled by the reconciliation run (and the
late webhooks then change nothing); a refund of a charge we have no sale for is kept, not
dropped, and the reconcile command lists it until its sale arrives.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from marketplace.billing import StripeProvider
from marketplace.billing.stripe_testserver import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    StripeTestServer,
)
from marketplace.commerce.models import UsageCharge
from marketplace.commerce.recovery import reconcile
from marketplace.commerce.usage import bill_period
from marketplace.db import Database
from marketplace.ledger.models import SaleEntry
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.commerce.conftest import Seller
from tests.marketplace.commerce.test_prices_and_usage import last_month
from tests.marketplace.commerce.test_suspension import deliver_pending, usage_licence


@pytest.fixture
def stripe(app: FastAPI) -> Iterator[StripeTestServer]:
    server = StripeTestServer(auto_deliver=False)
    with server.running() as base:
        app.state.payments = StripeProvider.from_keys(
            DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, api_base=base, max_network_retries=0)
        yield server
        app.state.payments.close()


def test_a_usage_charge_whose_webhooks_were_lost_is_settled_by_reconcile(
        client: TestClient, seller: Seller, app: FastAPI, db: Database,
        stripe: StripeTestServer) -> None:
    usage_licence(client, seller, "pm_card_visa")
    deliver_pending(client, stripe)
    period, _ = last_month()
    (charge,) = bill_period(db, app.state.payments, period)
    assert charge.status == "pending" and charge.payment_id is not None  # paid at Stripe
    lost = stripe.simulator.take_events()  # ... but its webhooks never came
    with db.read() as session:
        assert session.exec(select(SaleEntry)).all() == []
        (row,) = session.exec(select(UsageCharge)).all()
    assert reconcile(db, app.state.payments) == [str(row.id)]
    assert reconcile(db, app.state.payments) == []
    for event in lost:  # Stripe's late deliveries change nothing more
        delivery = stripe.delivery_for(event)
        assert client.post("/v1/billing/stripe/webhook", content=delivery.payload, headers={
            "Stripe-Signature": delivery.signature_header}).status_code == 200
    with db.read() as session:
        (sale,) = session.exec(select(SaleEntry)).all()
        assert (sale.sale_id, sale.gross) == (f"usage-{row.id}", 21)
        (settled,) = session.exec(select(UsageCharge)).all()
        assert settled.status == "paid"


def test_a_refund_of_an_unknown_charge_is_kept_and_listed(
        client: TestClient, settings: Settings, stripe: StripeTestServer) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command reads the embedded database of the data dir")
    charge = {"id": "ch_nobody", "object": "charge", "amount": 5_000, "currency": "krw",
              "amount_refunded": 2_000, "payment_intent": "pi_nobody", "metadata": {}}
    event = {"id": "evt_unknown_refund", "object": "event", "type": "charge.refunded",
             "created": int(time.time()), "livemode": False, "data": {"object": charge}}
    delivery = stripe.delivery_for(event)
    answer = client.post("/v1/billing/stripe/webhook", content=delivery.payload,
                         headers={"Stripe-Signature": delivery.signature_header})
    assert answer.status_code == 200
    assert answer.json()["outcome"].startswith("kept: refund of 2000 waits")
    result = CliRunner().invoke(build_app(), [
        "marketplace", "purchases", "reconcile", "--data-dir", str(Path(settings.data_dir)),
        "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["repaired"] == []
    (waiting,) = body["waiting_refunds"]
    assert (waiting["charge_id"], waiting["amount_refunded"], waiting["currency"]) == (
        "ch_nobody", 2_000, "KRW")
