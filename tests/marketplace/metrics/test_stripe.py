"""The metrics of a sale made through the Stripe path (the project's Stripe test server, the
official ``StripeClient``, signed webhooks over HTTP), refunded in part and then in full."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from marketplace.billing import StripeProvider
from marketplace.billing.stripe_testserver import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    StripeTestServer,
    serve_in_thread,
)
from tests.marketplace.commerce.conftest import Seller
from tests.marketplace.conftest import PartnerHandle

pytestmark = pytest.mark.e2e


@pytest.fixture
def stripe_server() -> StripeTestServer:
    return StripeTestServer()


@pytest.fixture
def live(app: FastAPI, stripe_server: StripeTestServer) -> Iterator[str]:
    with stripe_server.running() as stripe_url, serve_in_thread(app) as url:
        app.state.payments = StripeProvider.from_keys(
            DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, api_base=stripe_url,
            max_network_retries=0)
        stripe_server.add_webhook_url(f"{url}/v1/billing/stripe/webhook")
        yield url
        app.state.payments.close()


def figures(api: httpx.Client, staff: PartnerHandle) -> dict[str, object]:
    response = api.get("/v1/staff/metrics", headers=staff.bearer)
    assert response.status_code == 200, response.text
    body = response.json()
    (krw,) = body["revenue"]
    return {"n": body["unit_economics"]["active_robeings"]["value"],
            "deployments": body["deployments"]["value"],
            "new": body["new_paying_buyers"]["value"],
            "net_sales": krw["net_sales"]["value"]["amount"],
            "platform": krw["platform_revenue"]["value"]["amount"],
            "mrr": krw["mrr"]["value"]["amount"]}


def test_a_stripe_sale_and_its_refunds_in_the_metrics(live: str, seller: Seller,
                                                      staff: PartnerHandle,
                                                      stripe_server: StripeTestServer) -> None:
    with httpx.Client(base_url=live, timeout=30) as api:
        assert api.put("/v1/skills/hello-skill/price", headers=seller.partner.bearer,
                       json={"kind": "one_time", "amount": 30000,
                             "currency": "KRW"}).status_code == 200
        bought = api.post("/v1/skills/hello-skill/purchases",
                          json={"email": "kim@example.com"}).json()
        assert bought["status"] == "pending"
        pending = api.get("/v1/staff/metrics", headers=staff.bearer).json()
        assert pending["unit_economics"]["active_robeings"]["value"] == 0  # not paid yet
        stripe_server.simulator.complete_payment(bought["payment_id"])
        stripe_server.deliver_pending()
        auth = {"Authorization": "Basic " + base64.b64encode(
            f"__licence__:{bought['licence_key']}".encode()).decode()}
        page = api.get("/simple/hello-skill/", headers={
            **auth, "Accept": "application/vnd.pypi.simple.v1+json"}).json()
        assert api.get(page["files"][0]["url"], headers=auth).status_code == 200
        # a certified partner's share is 30 %: the platform keeps 21,000; one-time: no MRR
        assert figures(api, staff) == {"n": 1, "deployments": 1, "new": 1, "net_sales": 30000,
                                       "platform": 21000, "mrr": 0}
        refund = api.post(f"/v1/purchases/{bought['purchase_id']}/refunds",
                          headers=staff.bearer, json={"amount": 10000})
        assert refund.status_code == 201, refund.text
        assert figures(api, staff) == {"n": 1, "deployments": 1, "new": 1, "net_sales": 20000,
                                       "platform": 14000, "mrr": 0}
        assert api.post(f"/v1/purchases/{bought['purchase_id']}/refunds",
                        headers=staff.bearer, json={}).status_code == 201
        # revoked now, but it was active this month: still one robeing, no sales left
        assert figures(api, staff) == {"n": 1, "deployments": 1, "new": 1, "net_sales": 0,
                                       "platform": 0, "mrr": 0}
