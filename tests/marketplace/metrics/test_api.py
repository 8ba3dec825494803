"""GET /v1/staff/metrics on SQLite and PostgreSQL, from purchases made through the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from marketplace.commerce.models import Licence
from marketplace.commerce.usage import bill_period
from marketplace.db import Database
from marketplace.ledger.models import SaleEntry
from tests.marketplace.commerce.conftest import Seller, buy, set_price
from tests.marketplace.conftest import PartnerHandle

PATH = "/v1/staff/metrics"


def month_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def this_month_start() -> datetime:
    return datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def backdate(db: Database, email: str, to: datetime) -> None:
    """Move a buyer's licences back in time: the API can only buy now."""
    with db.write() as session:
        for licence in session.exec(select(Licence).where(Licence.buyer_email == email)):
            licence.activated_at = licence.created_at = to
            session.add(licence)
        session.commit()


def test_only_staff_read_the_metrics(client: TestClient, staff: PartnerHandle,
                                     make_partner: Callable[..., PartnerHandle]) -> None:
    assert client.get(PATH).status_code == 401
    partner = make_partner("plain")
    denied = client.get(PATH, headers=partner.bearer)
    assert denied.status_code == 403 and denied.json()["detail"] == \
        "Only marketplace staff may do this."
    assert client.get(PATH, headers=staff.bearer).status_code == 200


def test_bad_and_future_months_are_422(client: TestClient,
                                       staff: PartnerHandle) -> None:
    bad = client.get(PATH, params={"month": "2026-13"}, headers=staff.bearer)
    assert bad.status_code == 422
    future = client.get(PATH, params={"month": "2999-01", "locale": "ko"},
                        headers=staff.bearer)
    assert future.status_code == 422
    assert future.json()["detail"] == ("2999-01은(는) 아직 시작되지 않았습니다. 지표는 지난 "
                                       "달이나 이번 달만 볼 수 있습니다.")
    assert client.get(PATH, params={"robeings": 0}, headers=staff.bearer).status_code == 422


def test_an_empty_marketplace_reports_nulls_with_reasons(client: TestClient,
                                                         staff: PartnerHandle,
                                                         ) -> None:
    body = client.get(PATH, params={"locale": "ko"}, headers=staff.bearer).json()
    assert body["costs"]["total"] == {"amount": 21_310_000, "currency": "KRW",
                                      "display": "₩21,310,000"}
    unit = body["unit_economics"]
    assert unit["active_robeings"]["value"] == 0
    assert unit["cost_per_robeing"]["value"] is None
    assert unit["cost_per_robeing"]["reason"] == ("활성 로빙이 없음: 이번 달 유효한 라이선스가 "
                                                  "없었습니다")
    assert unit["robeings_needed_for_profit"]["value"] == 93
    assert unit["target_price"]["value"]["amount"] == 300_000
    assert body["churn"]["value"] is None and body["churn"]["reason"]
    assert body["revenue"] == []
    assert body["cac"] == {"value": None, "source": body["cac"]["source"],
                           "reason": "설정 안 됨: 비용 데이터에 고객 획득 비용이 없습니다"}
    what_if = client.get(PATH, params={"robeings": 100}, headers=staff.bearer).json()
    assert what_if["unit_economics"]["cost_per_robeing"]["value"]["amount"] == 213_100
    assert what_if["unit_economics"]["break_even_price"]["value"]["amount"] == 277_030
    assert "what-if" in what_if["unit_economics"]["active_robeings"]["source"]


def test_real_purchases_give_n_mrr_churn_ltv_and_cac(
        client: TestClient, seller: Seller, staff: PartnerHandle,
        db: Database, app: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start = this_month_start()
    last_month = start - timedelta(days=5)
    # one-time licence (A), two subscriptions (B, C) and one usage licence (D), all bought
    # through the API on the offline provider, then moved into last month
    assert set_price(client, seller).status_code == 200
    assert buy(client, email="a@example.com").status_code == 201
    assert set_price(client, seller, kind="subscription", amount=300_000).status_code == 200
    keys = {}
    for email in ("b@example.com", "c@example.com"):
        bought = buy(client, email=email, payment_method="pm_card_visa")
        assert bought.status_code == 201 and bought.json()["status"] == "active", bought.text
        keys[email] = bought.json()["licence_key"]
    assert set_price(client, seller, kind="usage", amount=7).status_code == 200
    usage = buy(client, email="d@example.com", payment_method="pm_card_visa").json()
    for email in ("a@example.com", "b@example.com", "c@example.com", "d@example.com"):
        backdate(db, email, last_month)
    # D called the skill 10 times last month, billed once it is over
    recorded = client.post("/v1/usage", headers={"Authorization": f"Bearer "
                                                 f"{usage['licence_key']}"},
                           json={"records": [{"id": str(uuid.uuid4()), "calls": 10,
                                              "occurred_at": last_month.isoformat()}]})
    assert recorded.status_code == 200
    (charge,) = bill_period(db, app.state.payments, month_of(last_month))
    assert (charge.amount, charge.status) == (70, "paid")
    # B cancels now: a lapsed licence this month
    cancelled = client.post("/v1/subscriptions/cancel", params={"skill": seller.skill},
                            headers={"Authorization": f"Bearer {keys['b@example.com']}"})
    assert cancelled.status_code == 200, cancelled.text
    # a new buyer (E) this month
    assert buy(client, email="e@example.com", payment_method="pm_card_visa").status_code == 201

    body = client.get(PATH, headers=staff.bearer).json()
    unit = body["unit_economics"]
    assert unit["active_robeings"]["value"] == 5  # A, B (until it lapsed), C, D, E
    assert unit["cost_per_robeing"]["value"]["amount"] == 4_262_000  # 21,310,000 / 5
    assert unit["break_even_price"]["value"]["amount"] == 5_540_600
    assert body["new_paying_buyers"]["value"] == 1  # E
    assert body["churn"]["value"] == "0.250000"  # B of A, B, C, D
    (krw,) = body["revenue"]
    assert krw["currency"] == "KRW"
    assert krw["mrr"]["value"]["amount"] == 300_070  # C's subscription + D's usage charge
    assert krw["mrr_previous"]["value"]["amount"] == 600_000  # B and C at this month's start
    assert krw["growth"]["value"] == "-0.499883"
    assert krw["arpu"]["value"]["amount"] == 60_014  # 300,070 / 5
    assert krw["ltv"]["value"]["amount"] == 240_056  # (300,070 / 5) / (1 / 4)
    with db.read() as session:
        sales = session.exec(select(SaleEntry)).all()
    expected = sum(sale.gross for sale in sales if sale.occurred_at >= start)
    assert krw["net_sales"]["value"]["amount"] == expected > 0
    assert body["cac"]["value"] is None

    # the month before: everyone but E was new; nobody held a licence at its start
    before = client.get(PATH, params={"month": month_of(last_month)},
                        headers=staff.bearer).json()
    assert before["complete"] is True
    assert before["unit_economics"]["active_robeings"]["value"] == 4
    assert before["new_paying_buyers"]["value"] == 4
    assert before["churn"]["value"] is None
    assert before["revenue"][0]["ltv"]["reason"].startswith("not enough data")

    # an operator's spend makes CAC: 1,000,001 for 4 new buyers rounds up
    path = tmp_path / "costs.toml"
    from marketplace.metrics.costs import shipped_text

    path.write_text(shipped_text() + f'\n[acquisition.months]\n"{month_of(last_month)}" = '
                    f'1000001\n', encoding="utf-8")
    monkeypatch.setenv("ROBEING_METRICS_COSTS_FILE", str(path))
    cac = client.get(PATH, params={"month": month_of(last_month)},
                     headers=staff.bearer).json()["cac"]
    assert cac["value"]["amount"] == 250_001 and cac["reason"] is None
    broken = tmp_path / "broken.toml"
    broken.write_text("currency = 'KRW'\n", encoding="utf-8")
    monkeypatch.setenv("ROBEING_METRICS_COSTS_FILE", str(broken))
    failed = client.get(PATH, headers=staff.bearer)
    assert failed.status_code == 500
    assert failed.json()["detail"].startswith(f"The cost data in {broken} is invalid: ")
