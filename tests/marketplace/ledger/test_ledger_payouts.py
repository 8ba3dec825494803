"""Payouts through the official Stripe client and the local Stripe test server: once per
partner, period and currency, even with several runs at once (PostgreSQL) or a crash."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlmodel import select

from marketplace.billing import PayoutRequest, StripeProvider, Transfer
from marketplace.db import Database
from marketplace.ledger.models import Payout
from marketplace.ledger.payouts import run_payouts
from marketplace.ledger.statements import owed
from marketplace.settings import Settings
from tests.marketplace.conftest import PartnerFactory
from tests.marketplace.ledger.conftest import RunningServer, Shop, entry_totals


@pytest.fixture
def provider(stripe_server: RunningServer) -> Iterator[StripeProvider]:
    made = stripe_server.provider()
    yield made
    made.close()


def transfers_to(server: RunningServer, account: str) -> list[dict[str, object]]:
    return [obj for obj in server.server.simulator.objects.values()
            if obj.get("object") == "transfer" and obj.get("destination") == account
            and obj.get("source_transaction") is None]


def balanced(db: Database) -> bool:
    with db.read() as session:
        return all(total == 0 for total in entry_totals(session).values())


def test_a_payout_run_pays_what_is_owed_once_and_skips_who_cannot_be_paid(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider,
        stripe_server: RunningServer) -> None:
    shop = Shop(db, provider)
    acme, lone = make_partner("acme"), make_partner("lone")
    account = shop.onboard(acme.id)
    shop.sell(acme.id, 1_234, "USD", keep_gross=True)        # share 370 owed
    shop.sell(acme.id, 12_345, "KRW", keep_gross=True)       # share 3,703 owed
    shop.sell(acme.id, 5_000, "USD")                         # share paid with the charge
    onboarded_later = shop.onboard(lone.id)
    shop.sell(lone.id, 1_000, "USD", keep_gross=True)
    shop.accounts.pop(lone.id)                               # no connected account now
    outcomes = {(o.partner_id, o.currency): o for o in run_payouts(db, provider, "2026-03",
                                                                   shop.destination)}
    assert outcomes[(acme.id, "USD")].status == "paid"
    assert outcomes[(acme.id, "USD")].amount == 370
    assert outcomes[(acme.id, "KRW")].amount == 3_703
    assert outcomes[(lone.id, "USD")].status == "skipped"
    assert outcomes[(lone.id, "USD")].reason == "no connected account at the provider"
    assert sorted(int(t["amount"]) for t in transfers_to(stripe_server, account)) == [370,
                                                                                     3_703]
    again = run_payouts(db, provider, "2026-03", shop.destination)
    assert {o.status for o in again if o.partner_id == acme.id} == {"already paid"}
    assert len(transfers_to(stripe_server, account)) == 2
    with db.read() as session:
        assert owed(session, acme.id) == {"USD": 0, "KRW": 0}
        assert owed(session, lone.id) == {"USD": 300}
    assert transfers_to(stripe_server, onboarded_later) == []
    assert balanced(db)


def test_nothing_owed_or_owed_by_the_partner_is_skipped_and_carried(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider) -> None:
    shop = Shop(db, provider)
    acme = make_partner("acme")
    shop.onboard(acme.id)
    shop.sell(acme.id, 999, "JPY")  # destination charge: the share already reached it
    (outcome,) = run_payouts(db, provider, "2026-03", shop.destination)
    assert (outcome.status, outcome.reason) == ("skipped", "nothing is owed")
    with db.read() as session:
        assert session.exec(select(Payout)).all() == []


class CountingProvider:
    """Counts create_payout calls; optionally crashes after the provider paid."""

    def __init__(self, inner: StripeProvider, crash: bool = False) -> None:
        self.inner, self.crash, self.calls = inner, crash, 0
        self.lock = threading.Lock()

    def create_payout(self, request: PayoutRequest) -> Transfer:
        with self.lock:
            self.calls += 1
        transfer = self.inner.create_payout(request)
        if self.crash:
            raise RuntimeError("worker killed after Stripe paid")
        return transfer


def test_a_crash_after_the_provider_paid_is_repaired_by_the_next_run_with_one_transfer(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider,
        stripe_server: RunningServer) -> None:
    shop = Shop(db, provider)
    acme = make_partner("acme")
    account = shop.onboard(acme.id)
    shop.sell(acme.id, 10_000, "USD", keep_gross=True)
    crashing = CountingProvider(provider, crash=True)
    with pytest.raises(RuntimeError):
        run_payouts(db, crashing, "2026-03", shop.destination)  # type: ignore[arg-type]
    with db.read() as session:
        (row,) = session.exec(select(Payout)).all()
        assert (row.status, row.amount) == ("pending", 3_000)
        assert owed(session, acme.id) == {"USD": 3_000}
    (outcome,) = run_payouts(db, provider, "2026-03", shop.destination)
    assert (outcome.status, outcome.amount) == ("paid", 3_000)
    assert len(transfers_to(stripe_server, account)) == 1  # same idempotency key
    assert balanced(db)


@pytest.mark.postgres
def test_concurrent_payout_runs_pay_each_partner_once(
        db: Database, make_partner: PartnerFactory, stripe_server: RunningServer) -> None:
    if db.is_sqlite:
        pytest.skip("the concurrency test is for PostgreSQL (SQLite has one writer)")
    setup = stripe_server.provider()
    shop = Shop(db, setup)
    partners = [make_partner(f"p{n}") for n in range(3)]
    for number, partner in enumerate(partners):
        shop.onboard(partner.id)
        shop.sell(partner.id, 10_000 + number, "USD", keep_gross=True)
    runners = [CountingProvider(stripe_server.provider()) for _ in range(6)]
    barrier = threading.Barrier(len(runners))
    errors: list[BaseException] = []

    def run(counting: CountingProvider) -> None:
        try:
            barrier.wait()
            run_payouts(db, counting, "2026-03", shop.destination)  # type: ignore[arg-type]
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r.calls for r in runners) == len(partners)  # one provider call per partner
    with db.read() as session:
        rows = session.exec(select(Payout)).all()
        assert sorted((r.status, r.amount) for r in rows) == [("paid", 3_000)] * 3
        for partner in partners:
            assert owed(session, partner.id) == {"USD": 0}
    for partner in partners:
        assert len(transfers_to(stripe_server, shop.accounts[partner.id])) == 1
    assert balanced(db)
    for runner in [*runners]:
        runner.inner.close()
    setup.close()


def test_a_period_must_be_a_month(db: Database, provider: StripeProvider) -> None:
    from marketplace.errors import Unprocessable

    with pytest.raises(Unprocessable, match="YYYY-MM"):
        run_payouts(db, provider, "2026-3", lambda _: None)


def test_payout_cli_pays_through_the_configured_provider(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider,
        stripe_server: RunningServer, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from marketplace.commerce.models import SellerAccount
    from robeing_sdk.cli import build_app

    shop = Shop(db, provider)
    acme = make_partner("acme")
    account = shop.onboard(acme.id)
    with db.write() as session:  # what commerce keeps when it opens the seller's account
        session.add(SellerAccount(partner_id=acme.id, provider="stripe", account_id=account))
        session.commit()
    shop.sell(acme.id, 2_000, "USD", keep_gross=True)
    if settings.database_url:
        monkeypatch.setenv("ROBEING_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ROBEING_STRIPE_SECRET_KEY", stripe_server.server.secret_key)
    monkeypatch.setenv("ROBEING_STRIPE_WEBHOOK_SECRET", stripe_server.server.webhook_secret)
    monkeypatch.setenv("ROBEING_STRIPE_API_BASE", stripe_server.url)
    args = ["marketplace", "payouts", "run", "--period", "2026-03", "--data-dir",
            str(settings.data_dir), "--json"]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    (outcome,) = json.loads(result.output)
    assert (outcome["status"], outcome["amount"]) == ("paid", 600)
    again = CliRunner().invoke(build_app(), args)
    assert json.loads(again.output)[0]["status"] == "already paid"
    assert len(transfers_to(stripe_server, account)) == 1


@pytest.mark.postgres
def test_payout_runs_in_several_processes_at_once_pay_once(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider,
        stripe_server: RunningServer, settings: Settings) -> None:
    import json
    import os
    import subprocess
    import sys

    from marketplace.commerce.models import SellerAccount

    if settings.database_url is None:
        pytest.skip("several processes share a PostgreSQL database")
    shop = Shop(db, provider)
    partners = [make_partner(f"p{n}") for n in range(2)]
    with db.write() as session:
        for partner in partners:
            session.add(SellerAccount(partner_id=partner.id, provider="stripe",
                                      account_id=shop.onboard(partner.id)))
        session.commit()
    for partner in partners:
        shop.sell(partner.id, 20_000, "USD", keep_gross=True)
    env = {**os.environ, "ROBEING_DATABASE_URL": settings.database_url,
           "ROBEING_STRIPE_SECRET_KEY": stripe_server.server.secret_key,
           "ROBEING_STRIPE_WEBHOOK_SECRET": stripe_server.server.webhook_secret,
           "ROBEING_STRIPE_API_BASE": stripe_server.url}
    command = [sys.executable, "-c", "from robeing_sdk.cli import main; main()", "marketplace",
               "payouts", "run", "--period", "2026-03", "--data-dir", str(settings.data_dir),
               "--json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    statuses = sorted(o["status"] for out, _ in outputs for o in json.loads(out))
    assert statuses == ["already paid"] * 4 + ["paid"] * 2
    for partner in partners:
        assert len(transfers_to(stripe_server, shop.accounts[partner.id])) == 1
    with db.read() as session:
        assert all(owed(session, p.id) == {"USD": 0} for p in partners)
    assert balanced(db)


def test_a_refused_transfer_is_retried_by_its_period_and_never_paid_twice(
        db: Database, make_partner: PartnerFactory, provider: StripeProvider,
        stripe_server: RunningServer) -> None:
    from marketplace.ledger import record_sale
    from tests.marketplace.ledger.conftest import SALE_TIME

    shop = Shop(db, provider)
    acme = make_partner("acme")
    account = shop.onboard(acme.id)
    with db.write() as session:  # owed in the ledger, but the platform holds nothing yet
        record_sale(session, sale_id="early", partner_id=acme.id, skill_name="hello",
                    amount=10_000, currency="USD", occurred_at=SALE_TIME,
                    provider_payment_id="pi_early", application_fee=10_000)
        session.commit()
    (failed,) = run_payouts(db, provider, "2026-03", shop.destination)
    assert failed.status == "failed" and "insufficient" in failed.reason
    (later,) = run_payouts(db, provider, "2026-04", shop.destination)
    assert (later.status, later.reason) == ("skipped", "nothing is owed")
    shop.sell(acme.id, 50_000, "USD", keep_gross=True, record=False)  # funds arrive
    (retried,) = run_payouts(db, provider, "2026-03", shop.destination)
    assert (retried.status, retried.amount) == ("paid", 3_000)
    assert [int(t["amount"]) for t in transfers_to(stripe_server, account)] == [3_000]
    with db.read() as session:
        assert owed(session, acme.id) == {"USD": 0}
    assert balanced(db)
