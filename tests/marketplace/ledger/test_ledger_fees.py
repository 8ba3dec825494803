"""Stripe's processing fee and the application fee reach the ledger as Stripe took them.

The local Stripe test server charges Stripe's card pricing on every charge; a purchase, a
partial refund and the webhooks go through the marketplace over HTTP, and the operator's
``robeing marketplace reconcile`` then finds no difference, on SQLite and PostgreSQL, even
when the application fee asked of Stripe is not the split the ledger computes at webhook
time (a tier change between the purchase and the payment).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select
from typer.testing import CliRunner

from marketplace.billing import StripeProvider
from marketplace.billing.simulator import StripeFee
from marketplace.billing.stripe_testserver import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    StripeTestServer,
    serve_in_thread,
)
from marketplace.db import Database
from marketplace.ledger.models import SaleEntry
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
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
FEE = StripeFee()


@dataclass
class Live:
    url: str
    stripe_url: str
    stripe: StripeTestServer


@pytest.fixture
def live(app: FastAPI) -> Iterator[Live]:
    stripe = StripeTestServer(processing_fee=FEE)
    with stripe.running() as stripe_url, serve_in_thread(app) as url:
        app.state.payments = StripeProvider.from_keys(
            DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, api_base=stripe_url,
            max_network_retries=0)
        stripe.add_webhook_url(f"{url}/v1/billing/stripe/webhook")
        yield Live(url, stripe_url, stripe)
        app.state.payments.close()


def reconcile_cli(live: Live, settings: Settings,
                  monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    if settings.database_url:
        monkeypatch.setenv("ROBEING_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ROBEING_STRIPE_SECRET_KEY", DEFAULT_SECRET_KEY)
    monkeypatch.setenv("ROBEING_STRIPE_WEBHOOK_SECRET", DEFAULT_WEBHOOK_SECRET)
    monkeypatch.setenv("ROBEING_STRIPE_API_BASE", live.stripe_url)
    result = CliRunner().invoke(build_app(), [
        "marketplace", "reconcile", "--data-dir", str(settings.data_dir), "--json"])
    report: dict[str, object] = json.loads(result.output)
    assert result.exit_code == (0 if report["balanced"] else 1), result.output
    return report


@pytest.mark.parametrize("asked_fee", [None, 20_000], ids=["split", "tier-changed"])
def test_a_purchase_and_a_partial_refund_with_fees_reconcile_to_nothing(
        live: Live, seller: Seller, staff: PartnerHandle, db: Database,  # noqa: F811
        settings: Settings, monkeypatch: pytest.MonkeyPatch, asked_fee: int | None) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as api:
        priced = api.put("/v1/skills/hello-skill/price", headers=seller.partner.bearer,
                         json={"kind": "one_time", "amount": 30000, "currency": "KRW"})
        assert priced.status_code == 200, priced.text
        bought = api.post("/v1/skills/hello-skill/purchases", json={"email": "kim@example.com"})
        assert bought.status_code == 201, bought.text
        purchase = bought.json()
        intent = live.stripe.simulator.objects[purchase["payment_id"]]
        assert intent["application_fee_amount"] == 21000  # certified: 70 % to the platform
        if asked_fee is not None:  # asked at another tier than the one in force at payment
            intent["application_fee_amount"] = asked_fee
        live.stripe.simulator.complete_payment(purchase["payment_id"])
        live.stripe.deliver_pending()
        refunded = api.post(f"/v1/purchases/{purchase['purchase_id']}/refunds",
                            headers=staff.bearer, json={"amount": 10000})
        assert refunded.status_code == 201, refunded.text
        live.stripe.deliver_pending()
    assert all(a.status_code == 200 for a in live.stripe.attempts), live.stripe.attempts
    with db.read() as session:
        (sale,) = session.exec(select(SaleEntry)).all()
        assert sale.provider_fee == FEE(30000, "krw") == 870
        assert sale.application_fee == (asked_fee or 21000)
        assert (sale.partner_share, sale.platform_share, sale.refunded) == (9000, 21000, 10000)
        assert all(total == 0 for total in entry_totals(session).values())
    report = reconcile_cli(live, settings, monkeypatch)
    assert report["differences"] == [] and report["balanced"] is True
    assert report["ledger_movements"] == report["provider_movements"] == 6
