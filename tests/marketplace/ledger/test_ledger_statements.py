"""Monthly statements and balances over REST and the CLI; annual revenue in the metrics."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from marketplace.accounts import service as accounts
from marketplace.accounts.models import PartnerCreate
from marketplace.db import Database
from marketplace.ledger import record_refund, record_sale
from marketplace.partners import service as partners
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.conftest import PartnerFactory, PartnerHandle, TestClient

MARCH = datetime(2026, 3, 5, tzinfo=UTC)
FIELDS = ("sales", "gross_sales", "partner_share", "refunds", "refunded", "refunded_share",
          "paid_with_charges", "payouts")


def sell(db: Database, partner: uuid.UUID, sale_id: str, amount: int, currency: str,
         at: datetime, **kwargs: Any) -> None:
    with db.write() as session:
        record_sale(session, sale_id=sale_id, partner_id=partner, skill_name="hello",
                    amount=amount, currency=currency, occurred_at=at,
                    provider_payment_id=f"pi_{sale_id}", **kwargs)
        session.commit()


def refund(db: Database, sale_id: str, amount: int, at: datetime) -> None:
    with db.write() as session:
        record_refund(session, sale_id=sale_id, refund_id=f"re_{sale_id}_{amount}",
                      amount=amount, occurred_at=at)
        session.commit()


@pytest.fixture
def activity(db: Database, make_partner: PartnerFactory) -> PartnerHandle:
    """March: a USD sale kept on the platform (share owed), a KRW destination sale with a
    partial refund; April: another USD sale."""
    acme = make_partner("acme")
    sell(db, acme.id, "usd-1", 1_234, "USD", MARCH, application_fee=1_234)
    sell(db, acme.id, "krw-1", 12_345, "KRW", MARCH + timedelta(days=1))
    refund(db, "krw-1", 5_000, MARCH + timedelta(days=2))
    sell(db, acme.id, "usd-2", 1_000, "USD", MARCH + timedelta(days=30),
         application_fee=1_000)
    return acme


def by_currency(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["currency"]: row for row in body["currencies"]}


def test_a_partner_reads_its_statement_and_the_balances_add_up(
        client: TestClient, activity: PartnerHandle) -> None:
    march = client.get("/v1/partners/me/statements/2026-03", headers=activity.bearer)
    assert march.status_code == 200, march.text
    rows = by_currency(march.json())
    assert {k: rows["USD"][k] for k in ("opening_balance", "sales", "gross_sales",
                                        "partner_share", "paid_with_charges",
                                        "closing_balance")} == {
        "opening_balance": 0, "sales": 1, "gross_sales": 1_234, "partner_share": 370,
        "paid_with_charges": 0, "closing_balance": 370}
    krw = rows["KRW"]
    assert (krw["gross_sales"], krw["partner_share"], krw["refunded"]) == (12_345, 3_703,
                                                                          5_000)
    assert krw["refunded_share"] == 3_703 - 7_345 * 3_000 // 10_000
    for row in rows.values():
        assert row["closing_balance"] == (row["opening_balance"] + row["partner_share"]
                                          - row["refunded_share"] - row["paid_with_charges"]
                                          - row["payouts"])
    april = by_currency(client.get("/v1/partners/me/statements/2026-04",
                                   headers=activity.bearer).json())
    assert april["USD"]["opening_balance"] == 370
    assert april["USD"]["closing_balance"] == 370 + 300
    balance = client.get("/v1/partners/me/balance", headers=activity.bearer)
    assert balance.status_code == 200
    assert by_currency(balance.json())["USD"]["owed"] == 670


def test_who_may_read_which_statement(client: TestClient, db: Database,
                                      activity: PartnerHandle,
                                      make_partner: PartnerFactory) -> None:
    other = make_partner("other")
    with db.write() as session:
        staff = accounts.create_staff(session, PartnerCreate(name="sam",
                                                             email="sam@robeing.dev"))
        token = accounts.issue_token(session, staff.id).token
        session.commit()
    staff_auth = {"Authorization": f"Bearer {token}"}
    path = f"/v1/partners/{activity.id}/statements/2026-03"
    assert client.get(path, headers=staff_auth).status_code == 200
    assert client.get(path, headers=activity.bearer).status_code == 200
    hidden = client.get(path, headers=other.bearer)
    assert hidden.status_code == 404 and hidden.json()["detail"] == "No such partner."
    assert client.get(f"/v1/partners/{activity.id}/balance",
                      headers=other.bearer).status_code == 404
    assert client.get("/v1/partners/me/balance", headers=staff_auth).status_code == 403
    assert client.get("/v1/partners/me/balance").status_code == 401
    for bad in ("2026-13", "26-03", "1969-12"):
        answer = client.get(f"/v1/partners/me/statements/{bad}", headers=activity.bearer)
        assert answer.status_code == 422, bad
        assert answer.headers["content-type"].startswith("application/problem+json")
    empty = client.get("/v1/partners/me/statements/2026-03", headers=other.bearer)
    assert empty.status_code == 200 and empty.json()["currencies"] == []


def test_the_cli_prints_the_same_statement(client: TestClient, activity: PartnerHandle,
                                           settings: Settings,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if settings.database_url:
        monkeypatch.setenv("ROBEING_DATABASE_URL", settings.database_url)
    base = ["marketplace", "statements", "--month", "2026-03", "--data-dir",
            str(settings.data_dir)]
    result = CliRunner().invoke(build_app(), [*base[:2], "acme", *base[2:], "--json"])
    assert result.exit_code == 0, result.output
    api = client.get("/v1/partners/me/statements/2026-03", headers=activity.bearer).json()
    assert json.loads(result.output) == api
    text = CliRunner().invoke(build_app(), [*base[:2], str(activity.id), *base[2:]])
    assert text.exit_code == 0 and "KRW: opening 0" in text.output
    unknown = CliRunner().invoke(build_app(), [*base[:2], "nobody", *base[2:]])
    assert unknown.exit_code == 1 and "No partner 'nobody'" in unknown.output


def test_annual_revenue_counts_usd_sales_of_the_last_365_days_less_refunds(
        db: Database, make_partner: PartnerFactory) -> None:
    acme = make_partner("acme")
    now = datetime(2027, 2, 1, tzinfo=UTC)
    sell(db, acme.id, "old", 50_000, "USD", now - timedelta(days=366))
    sell(db, acme.id, "new", 20_000, "USD", now - timedelta(days=10))
    sell(db, acme.id, "won", 9_000_000, "KRW", now - timedelta(days=10))
    refund(db, "new", 5_000, now - timedelta(days=5))
    with db.read() as session:
        metrics = partners.metrics_for(session, acme.id, now)
    assert (metrics.annual_revenue.amount, metrics.annual_revenue.currency) == (15_000, "USD")
