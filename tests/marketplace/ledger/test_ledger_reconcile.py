"""Reconciliation against the provider's balance transactions, through the official Stripe
client and the local Stripe test server: a faithful ledger shows no difference, and every
kind of difference is listed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from marketplace.billing import StripeProvider
from marketplace.db import Database
from marketplace.ledger.payouts import run_payouts
from marketplace.ledger.reconcile import reconcile
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.conftest import PartnerFactory
from tests.marketplace.ledger.conftest import RunningServer, Shop


def stripe_fee(amount: int, currency: str) -> int:
    return amount * 29 // 1000 + (30 if currency == "usd" else 0)


@pytest.fixture
def provider(stripe_server: RunningServer) -> Iterator[StripeProvider]:
    stripe_server.server.simulator.processing_fee = stripe_fee
    made = stripe_server.provider()
    yield made
    made.close()


def test_sales_refunds_and_payouts_recorded_faithfully_reconcile_to_nothing(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider) -> None:
    shop = Shop(db, provider)
    acme = make_partner("acme")
    shop.onboard(acme.id)
    krw = shop.sell(acme.id, 12_345, "KRW", provider_fee=stripe_fee(12_345, "krw"))
    shop.refund(krw, 5_000)
    shop.refund(krw, 7_345)
    usd = shop.sell(acme.id, 1_234, "USD", keep_gross=True,
                    provider_fee=stripe_fee(1_234, "usd"))
    shop.refund(usd, 333)
    outcomes = {o.currency: o for o in run_payouts(db, provider, "2026-03",
                                                   shop.destination)}
    assert (outcomes["USD"].status, outcomes["USD"].amount) == ("paid", 370 - 100)
    assert (outcomes["KRW"].status, outcomes["KRW"].reason) == ("skipped", "nothing is owed")
    with db.read() as session:
        report = reconcile(session, provider)
    assert report.differences == []
    assert report.balanced and report.ledger_movements == report.provider_movements == 16


def test_every_difference_is_listed(db: Database, make_partner: PartnerFactory,
                                    provider: StripeProvider) -> None:
    shop = Shop(db, provider)
    acme = make_partner("acme")
    shop.onboard(acme.id)
    shop.sell(acme.id, 2_000, "USD", provider_fee=0)                      # fee differs
    shop.sell(acme.id, 3_000, "USD", provider_fee=stripe_fee(3_000, "usd"),
              record=False)                                             # not in the ledger
    from marketplace.ledger import record_sale
    from tests.marketplace.ledger.conftest import SALE_TIME
    with db.write() as session:                                          # not at Stripe
        record_sale(session, sale_id="ghost", partner_id=acme.id, skill_name="hello",
                    amount=500, currency="USD", occurred_at=SALE_TIME,
                    provider_payment_id="pi_ghost")
        session.commit()
    with db.read() as session:
        report = reconcile(session, provider)
    found = sorted((d.kind, d.type, d.ledger_amount, d.provider_amount)
                   for d in report.differences)
    assert found == sorted([
        ("amount differs", "charge", 2_000, 2_000),
        ("missing in ledger", "charge", None, 3_000),
        ("missing in ledger", "transfer", None, -3_000),
        ("missing in ledger", "application_fee", None, 3_000 - 900),
        ("missing in provider", "charge", 500, None),
        ("missing in provider", "transfer", -500, None),
        ("missing in provider", "application_fee", 350, None),
    ])
    differs = next(d for d in report.differences if d.kind == "amount differs")
    assert "fee 0" in differs.detail and f"fee {stripe_fee(2_000, 'usd')}" in differs.detail


def test_reconcile_cli_lists_differences_and_exits_1(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider,
        stripe_server: RunningServer, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shop = Shop(db, provider)
    acme = make_partner("acme")
    shop.onboard(acme.id)
    shop.sell(acme.id, 1_000, "JPY", provider_fee=stripe_fee(1_000, "jpy"))
    if settings.database_url:
        monkeypatch.setenv("ROBEING_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ROBEING_STRIPE_SECRET_KEY", stripe_server.server.secret_key)
    monkeypatch.setenv("ROBEING_STRIPE_WEBHOOK_SECRET", stripe_server.server.webhook_secret)
    monkeypatch.setenv("ROBEING_STRIPE_API_BASE", stripe_server.url)
    args = ["marketplace", "reconcile", "--data-dir", str(settings.data_dir)]
    clean = CliRunner().invoke(build_app(), [*args, "--json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.output)["balanced"] is True
    shop.sell(acme.id, 700, "JPY", record=False)
    dirty = CliRunner().invoke(build_app(), args)
    assert dirty.exit_code == 1
    assert "missing in ledger: charge JPY" in dirty.output
    monkeypatch.setenv("ROBEING_STRIPE_SECRET_KEY", "sk_test_wrong")
    failed = CliRunner().invoke(build_app(), args)
    assert failed.exit_code == 1 and "payment provider failed" in failed.output
