"""The ledger end to end with commerce: a certified partner sells a KRW skill through the
local Stripe test server (official ``StripeClient``, signed webhooks over HTTP), refunds part
of it, and its statement, the journal and the reconciliation all agree to the unit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

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
from marketplace.db import Database
from marketplace.ledger.reconcile import reconcile
from tests.marketplace.commerce.conftest import (  # noqa: F401 - fixtures
    Seller,
    certified,
    make_staff,
    seller,
    staff,
)
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.ledger.conftest import entry_totals

pytestmark = pytest.mark.e2e


@pytest.fixture
def stripe() -> StripeTestServer:
    return StripeTestServer()


@pytest.fixture
def live(app: FastAPI, stripe: StripeTestServer) -> Iterator[str]:
    with stripe.running() as stripe_url, serve_in_thread(app) as url:
        app.state.payments = StripeProvider.from_keys(
            DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, api_base=stripe_url,
            max_network_retries=0)
        stripe.add_webhook_url(f"{url}/v1/billing/stripe/webhook")
        yield url
        app.state.payments.close()


def krw(statement: dict[str, Any]) -> dict[str, Any]:
    (row,) = statement["currencies"]
    assert row["currency"] == "KRW"
    return row


def test_a_krw_sale_and_a_partial_refund_on_the_partners_statement(
        live: str, app: FastAPI, seller: Seller, staff: PartnerHandle,  # noqa: F811
        stripe: StripeTestServer, db: Database) -> None:
    month = datetime.now(UTC).strftime("%Y-%m")
    auth = seller.partner.bearer
    with httpx.Client(base_url=live, timeout=30) as api:
        priced = api.put("/v1/skills/hello-skill/price", headers=auth,
                         json={"kind": "one_time", "amount": 30000, "currency": "KRW"})
        assert priced.status_code == 200, priced.text
        bought = api.post("/v1/skills/hello-skill/purchases",
                          json={"email": "kim@example.com"})
        assert bought.status_code == 201, bought.text
        purchase = bought.json()
        stripe.simulator.complete_payment(purchase["payment_id"])
        stripe.deliver_pending()
        sold = krw(api.get(f"/v1/partners/me/statements/{month}", headers=auth).json())
        # certified: 30 % to the partner, which reached its account with the charge
        assert (sold["gross_sales"], sold["partner_share"], sold["paid_with_charges"],
                sold["closing_balance"]) == (30000, 9000, 9000, 0)
        refunded = api.post(f"/v1/purchases/{purchase['purchase_id']}/refunds",
                            headers=staff.bearer, json={"amount": 10000})
        assert refunded.status_code == 201, refunded.text
        stripe.deliver_pending()
        after = krw(api.get(f"/v1/partners/me/statements/{month}", headers=auth).json())
        assert (after["refunded"], after["refunded_share"], after["paid_with_charges"],
                after["closing_balance"]) == (10000, 3000, 6000, 0)
        other = api.get(f"/v1/partners/{seller.partner.id}/statements/{month}",
                        headers=staff.bearer)
        assert other.status_code == 200 and krw(other.json()) == after
    with db.read() as session:
        assert all(total == 0 for total in entry_totals(session).values())
        report = reconcile(session, app.state.payments)
    assert report.differences == [] and report.ledger_movements == 6
