"""The whole walk through the Stripe path, with real servers and the real pip.

price → purchase (a PaymentIntent at the local Stripe test server, through the official
``StripeClient``) → the buyer confirms → the test server sends signed webhooks to the
marketplace over HTTP → licence → ``pip install`` with the key → partial and full refunds
(webhooks again) → licence revoked → pip gets 403. The ledger balances to the unit.
Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func
from sqlmodel import select

from marketplace.billing import StripeProvider
from marketplace.billing.stripe_testserver import (
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    StripeTestServer,
    serve_in_thread,
)
from marketplace.db import Database
from marketplace.ledger.models import JournalLine, SaleEntry
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


def pip_install(url: str, key: str, target: Path) -> subprocess.CompletedProcess[str]:
    host = url.removeprefix("http://")
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--isolated", "--no-deps", "--no-input", "-v",
         "--disable-pip-version-check", "--no-cache-dir", "--target", str(target),
         "--index-url", f"http://__licence__:{key}@{host}/simple/", "hello-skill"],
        capture_output=True, text=True, timeout=300, check=False)


def test_buy_install_refund_revoke(live: str, seller: Seller, staff: PartnerHandle,
                                   stripe_server: StripeTestServer, db: Database,
                                   tmp_path: Path) -> None:
    with httpx.Client(base_url=live, timeout=30) as api:
        walk(api, live, seller, staff, stripe_server, tmp_path)
    assert_ledger_balanced(db, gross=30000, refunded=30000)


def walk(api: httpx.Client, live: str, seller: Seller, staff: PartnerHandle,
         stripe_server: StripeTestServer, tmp_path: Path) -> None:
    priced = api.put("/v1/skills/hello-skill/price", headers=seller.partner.bearer,
                     json={"kind": "one_time", "amount": 30000, "currency": "KRW"})
    assert priced.status_code == 200, priced.text
    bought = api.post("/v1/skills/hello-skill/purchases", json={"email": "kim@example.com"},
                      params={"locale": "ko"})
    assert bought.status_code == 201, bought.text
    purchase = bought.json()
    assert purchase["status"] == "pending" and purchase["client_secret"]
    assert purchase["provider"] == "stripe" and purchase["display"] == "₩30,000"
    key = purchase["licence_key"]
    intent = stripe_server.simulator.objects[purchase["payment_id"]]
    assert intent["transfer_data"]["destination"].startswith("acct_")
    # the platform's part from the program's schedule: certified partners get 30 %
    assert intent["application_fee_amount"] == 21000
    assert pip_install(live, key, tmp_path / "early").returncode != 0  # not paid yet

    stripe_server.simulator.complete_payment(purchase["payment_id"])  # the buyer confirms
    stripe_server.deliver_pending()
    assert all(a.status_code == 200 for a in stripe_server.attempts), stripe_server.attempts
    installed = pip_install(live, key, tmp_path / "t1")
    assert installed.returncode == 0, installed.stderr
    assert list((tmp_path / "t1").glob("hello_skill-1.0.0.dist-info"))
    auth = {"Authorization": "Basic " + base64.b64encode(f"__licence__:{key}".encode()).decode()}
    page = api.get("/simple/hello-skill/", headers={
        **auth, "Accept": "application/vnd.pypi.simple.v1+json"}).json()
    file_url = page["files"][0]["url"]
    assert api.get(file_url, headers=auth).status_code == 200

    stripe_server.redeliver(stripe_server.events_of_type("payment_intent.succeeded"), times=2)
    refund = api.post(f"/v1/purchases/{purchase['purchase_id']}/refunds",
                      headers=staff.bearer, json={"amount": 10000})
    assert refund.status_code == 201, refund.text
    assert pip_install(live, key, tmp_path / "t2").returncode == 0  # partial: still valid
    refund = api.post(f"/v1/purchases/{purchase['purchase_id']}/refunds",
                      headers=staff.bearer, json={})
    assert refund.status_code == 201, refund.text
    denied = pip_install(live, key, tmp_path / "t3")
    assert denied.returncode != 0 and "No matching distribution" in denied.stderr
    assert api.get("/simple/hello-skill/", headers=auth).status_code == 403
    assert api.get(file_url, headers=auth).status_code == 403
    assert api.get(file_url).status_code == 401
    verdict = api.get("/v1/licences/verify", params={"skill": "hello-skill"}, headers=auth)
    assert verdict.status_code == 200 and verdict.json()["reason"] == "revoked"
    assert "revoked (refunded)" in verdict.json()["detail"]


def assert_ledger_balanced(db: Database, *, gross: int, refunded: int) -> None:
    with db.read() as session:
        (sale,) = session.exec(select(SaleEntry)).all()
        assert (sale.gross, sale.refunded) == (gross, refunded)
        assert sale.partner_share + sale.platform_share == sale.gross
        for currency in session.exec(select(JournalLine.currency).distinct()).all():
            total: Any = session.exec(select(func.sum(JournalLine.amount)).where(
                JournalLine.currency == currency)).one()
            assert total == 0
