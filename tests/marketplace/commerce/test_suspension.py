"""A failed monthly usage charge suspends the licence; a later payment resumes it.

Offline: the decline comes back from ``bill_period`` at once (and as the provider's own
webhook); the buyer changes the card and the failed charge is tried again. Through the
Stripe test server: ``payment_intent.payment_failed`` suspends, and the buyer completing
the same payment with another card (``payment_intent.succeeded``) resumes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.billing import StripeProvider
from marketplace.billing.stripe_testserver import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    StripeTestServer,
    serve_in_thread,
)
from marketplace.commerce.models import Licence, UsageCharge
from marketplace.commerce.usage import bill_period
from marketplace.db import Database
from marketplace.ledger.models import RefundEntry, SaleEntry
from robeing_sdk.licensing import LicenceChecker, LicenceError
from tests.marketplace.commerce.conftest import Seller, buy, set_price
from tests.marketplace.commerce.test_offline_flow import licence_auth
from tests.marketplace.commerce.test_prices_and_usage import last_month
from tests.marketplace.conftest import PartnerHandle

DECLINING = "pm_card_chargeDeclined"


def usage_licence(client: TestClient, seller: Seller, card: str) -> str:
    assert set_price(client, seller, kind="usage", amount=7, currency="KRW").status_code == 200
    bought = buy(client, payment_method=card)
    assert bought.status_code == 201 and bought.json()["status"] == "active", bought.text
    key = str(bought.json()["licence_key"])
    _, moment = last_month()
    reported = client.post("/v1/usage", headers={"Authorization": f"Bearer {key}"}, json={
        "records": [{"id": "call-0001", "occurred_at": moment.isoformat(), "calls": 3}]})
    assert reported.status_code == 200, reported.text
    return key


def licence(db: Database) -> Licence:
    with db.read() as session:
        (row,) = session.exec(select(Licence)).all()
        return row


def verdict(client: TestClient, key: str) -> dict[str, Any]:
    answer = client.get("/v1/licences/verify", params={"skill": "hello-skill"},
                        headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    return dict(answer.json())


def assert_suspended(client: TestClient, key: str, period: str) -> None:
    said = verdict(client, key)
    assert (said["valid"], said["reason"]) == (False, "suspended")
    assert period in said["detail"] and "suspended" in said["detail"]
    page = client.get("/simple/hello-skill/", headers=licence_auth(key))
    assert page.status_code == 403
    assert page.json()["detail"] == said["detail"]  # pip shows this one sentence
    korean = client.get("/simple/hello-skill/", headers={**licence_auth(key),
                                                         "Accept-Language": "ko"})
    assert korean.status_code == 403 and korean.json()["detail"] != said["detail"]
    assert period in korean.json()["detail"]
    calls = client.post("/v1/usage", headers={"Authorization": f"Bearer {key}"}, json={
        "records": [{"id": "call-0002", "occurred_at": "2026-01-01T00:00:00+00:00"}]})
    assert calls.status_code == 403 and period in calls.json()["detail"]


def test_an_offline_declined_usage_charge_suspends_until_a_new_card_pays(
        client: TestClient, seller: Seller, app: FastAPI, db: Database,
        staff: PartnerHandle) -> None:
    key = usage_licence(client, seller, DECLINING)
    period, _ = last_month()
    (charge,) = bill_period(db, app.state.payments, period)
    assert (charge.status, charge.amount) == ("failed", 21)
    assert licence(db).status == "suspended" and licence(db).suspended_reason == period
    assert_suspended(client, key, period)
    with serve_in_thread(app) as url, pytest.raises(LicenceError) as refused:
        LicenceChecker(url, {"hello-skill": key}).check("hello-skill")
    assert refused.value.reason == "suspended"
    assert "usage charge failed" in str(refused.value)
    twice = buy(client, payment_method="pm_card_visa")  # buying again is no way out
    assert twice.status_code == 409 and "suspended" in twice.json()["detail"]
    (again,) = bill_period(db, app.state.payments, period)  # same card: fails again
    assert again.status == "failed" and licence(db).status == "suspended"
    bad = client.put("/v1/licences/payment-method", params={"skill": "hello-skill"},
                     json={"payment_method": "pm card"},
                     headers={"Authorization": f"Bearer {key}"})
    assert bad.status_code == 422
    assert client.put("/v1/licences/payment-method", params={"skill": "hello-skill"},
                      json={"payment_method": "pm_card_visa"}).status_code == 401
    fixed = client.put("/v1/licences/payment-method", params={"skill": "hello-skill"},
                       json={"payment_method": "pm_card_visa"},
                       headers={"Authorization": f"Bearer {key}"})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json() == {"skill": "hello-skill", "status": "active", "retried": ["paid"]}
    assert verdict(client, key)["valid"] is True
    assert client.get("/simple/hello-skill/", headers=licence_auth(key)).status_code == 200
    with db.read() as session:
        (row,) = session.exec(select(UsageCharge)).all()
        assert (row.status, row.attempts) == ("paid", 2)
        (sale,) = session.exec(select(SaleEntry)).all()
        assert sale.sale_id == f"usage-{row.id}" and sale.gross == 21
        assert sale.provider_payment_id == row.payment_id
    (settled,) = bill_period(db, app.state.payments, period)  # nothing left to charge
    assert settled.status == "paid"
    # the month's charge is a payment of the purchase that staff may refund, in part
    refunded = client.post(f"/v1/purchases/{licence(db).id}/refunds", headers=staff.bearer,
                           json={"payment_id": row.payment_id, "amount": 10})
    assert refunded.status_code == 201, refunded.text
    with db.read() as session:
        (back,) = session.exec(select(RefundEntry)).all()
        assert (back.sale_id, back.amount) == (f"usage-{row.id}", 10)
    assert licence(db).status == "active"  # a usage refund does not end the licence


@pytest.fixture
def stripe(app: FastAPI) -> Iterator[StripeTestServer]:
    server = StripeTestServer(auto_deliver=False)
    with server.running() as base:
        app.state.payments = StripeProvider.from_keys(
            DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, api_base=base, max_network_retries=0)
        yield server
        app.state.payments.close()


def deliver_pending(client: TestClient, server: StripeTestServer) -> list[str]:
    outcomes = []
    for event in server.simulator.take_events():
        delivery = server.delivery_for(event)
        answer = client.post("/v1/billing/stripe/webhook", content=delivery.payload,
                             headers={"Stripe-Signature": delivery.signature_header})
        assert answer.status_code == 200, answer.text
        outcomes.append(str(answer.json()["outcome"]))
    return outcomes


def test_stripe_payment_failed_suspends_and_the_buyers_later_payment_resumes(
        client: TestClient, seller: Seller, app: FastAPI, db: Database,
        stripe: StripeTestServer) -> None:
    key = usage_licence(client, seller, DECLINING)
    period, _ = last_month()
    deliver_pending(client, stripe)
    (charge,) = bill_period(db, app.state.payments, period)
    assert charge.status == "failed"
    outcomes = deliver_pending(client, stripe)
    assert any(o.endswith("failed; licence " + str(licence(db).id) + " suspended")
               for o in outcomes), outcomes
    assert_suspended(client, key, period)
    with db.read() as session:
        (row,) = session.exec(select(UsageCharge)).all()
    assert row.payment_id is not None  # the declined payment, from its webhook
    stripe.simulator.complete_payment(row.payment_id, "pm_card_visa")  # buyer pays it
    outcomes = deliver_pending(client, stripe)
    assert any(o.endswith(f"paid; licence {licence(db).id} resumed") for o in outcomes)
    assert verdict(client, key)["valid"] is True
    with db.read() as session:
        (sale,) = session.exec(select(SaleEntry)).all()
        assert sale.gross == 21 and sale.sale_id == f"usage-{row.id}"


def test_invoice_payment_failed_for_a_usage_charge_suspends_too(
        client: TestClient, seller: Seller, app: FastAPI, db: Database,
        stripe: StripeTestServer) -> None:
    usage_licence(client, seller, "pm_card_visa")
    period, _ = last_month()
    (charge,) = bill_period(db, app.state.payments, period)
    assert charge.status == "pending"  # paid at Stripe; its webhook settles it
    deliver_pending(client, stripe)
    assert licence(db).status == "active"
    with db.read() as session:
        (row,) = session.exec(select(UsageCharge)).all()
    assert row.status == "paid"
    invoice = {"id": "in_usage_1", "object": "invoice", "payment_intent": "pi_other",
               "metadata": {"usage_charge_id": str(row.id)}}
    late = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type":
            "invoice.payment_failed", "created": int(time.time()), "livemode": False,
            "data": {"object": invoice}}
    delivery = stripe.delivery_for(late)
    answer = client.post("/v1/billing/stripe/webhook", content=delivery.payload,
                         headers={"Stripe-Signature": delivery.signature_header})
    assert answer.json()["outcome"].startswith(f"usage charge {row.id} paid")  # paid stays
    assert licence(db).status == "active"
    with db.write() as session:  # a second month, not paid yet
        unpaid = UsageCharge(licence_id=row.licence_id, period="2000-01", calls=1, amount=7,
                             currency="KRW")
        session.add(unpaid)
        session.commit()
        unpaid_id = unpaid.id
    invoice["metadata"] = {"usage_charge_id": str(unpaid_id)}
    failed = stripe.delivery_for({**late, "id": f"evt_{uuid.uuid4().hex}"})
    answer = client.post("/v1/billing/stripe/webhook", content=failed.payload,
                         headers={"Stripe-Signature": failed.signature_header})
    assert answer.json()["outcome"].endswith("suspended"), answer.text
    assert licence(db).suspended_reason == "2000-01"
