"""Prices (who may set them, what is refused, how they read) and metered usage billing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from typer.testing import CliRunner

from marketplace.commerce.usage import bill_period
from marketplace.db import Database
from marketplace.ledger.models import SaleEntry
from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.commerce.conftest import Seller, buy, set_price
from tests.marketplace.conftest import PartnerHandle


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "one_time", "amount": 0, "currency": "KRW"}, "amount"),
    ({"kind": "one_time", "amount": -5, "currency": "KRW"}, "amount"),
    ({"kind": "one_time", "amount": 10**12, "currency": "KRW"}, "amount"),
    ({"kind": "one_time", "amount": 12.5, "currency": "USD"}, "amount"),
    ({"kind": "one_time", "amount": "100", "currency": "USD"}, "amount"),
    ({"kind": "one_time", "amount": 100, "currency": "XYZ"}, "currency"),
    ({"kind": "free", "amount": 100, "currency": "USD"}, "free"),
    ({"kind": "lifetime", "amount": 100, "currency": "USD"}, "kind"),
    ({"kind": "one_time", "amount": 100, "currency": "USD", "owner": "me"}, "owner"),
])
def test_bad_prices_are_422_and_change_nothing(client: TestClient, seller: Seller,
                                               body: dict[str, Any], field: str) -> None:
    response = client.put("/v1/skills/hello-skill/price", headers=seller.partner.bearer,
                          json=body)
    assert response.status_code == 422, response.text
    assert field in response.text
    assert client.get("/v1/skills/hello-skill/price").json()["updated_at"] is None


def test_only_certified_owners_may_sell(client: TestClient, seller: Seller,
                                       make_partner: Any, wheels: Any,
                                       upload_file: Any) -> None:
    stranger = make_partner("stranger")
    response = client.put("/v1/skills/hello-skill/price", headers=stranger.bearer,
                          json={"kind": "one_time", "amount": 100, "currency": "USD"})
    assert response.status_code == 403
    assert client.put("/v1/skills/hello-skill/price",
                      json={"kind": "free"}).status_code == 401
    assert upload_file(stranger, wheels("free-skill")).status_code == 200
    paid = client.put("/v1/skills/free-skill/price", headers=stranger.bearer,
                      json={"kind": "subscription", "amount": 900, "currency": "USD"})
    assert paid.status_code == 403 and "certified" in paid.json()["detail"]
    free = client.put("/v1/skills/free-skill/price", headers=stranger.bearer,
                      json={"kind": "free"})
    assert free.status_code == 200 and free.json()["display"] == "$0.00"
    assert client.get("/simple/free-skill/").status_code == 200  # free stays anonymous


def test_prices_read_in_the_buyers_locale(client: TestClient, seller: Seller) -> None:
    assert set_price(client, seller, amount=1250, currency="usd").json()["currency"] == "USD"
    # the marketplace's negotiation decides the locale (supported: en, ko, ja, zh, es)
    shown = client.get("/v1/skills/hello-skill/price",
                       headers={"Accept-Language": "es-ES,es;q=0.9"}).json()
    assert (shown["display"], shown["locale"]) == ("12,50\xa0US$", "es")
    assert client.get("/v1/skills/hello-skill/price",  # not supported: the default
                      headers={"Accept-Language": "de-DE,de;q=0.9"}).json()["display"] \
        == "$12.50"
    assert set_price(client, seller, amount=1250, currency="JPY").status_code == 200
    assert client.get("/v1/skills/hello-skill/price",
                      params={"locale": "ja"}).json()["display"] == "￥1,250"
    # a locale typed by a person that does not exist is refused by the negotiation
    assert client.get("/v1/skills/hello-skill/price",
                      params={"locale": "xx-nope"}).status_code == 400
    refused = client.post("/v1/skills/hello-skill/purchases", params={"locale": "ko"},
                          json={"email": "acme@example.com"})
    assert refused.status_code == 409 and "구매할 수 없습니다" in refused.json()["detail"]


def test_own_skill_and_free_skill_purchases_are_refused(client: TestClient,
                                                       seller: Seller) -> None:
    assert buy(client).status_code == 409  # no price set yet
    set_price(client, seller)
    own = buy(client, email="ACME@example.com")
    assert own.status_code == 409 and "cannot buy its own" in own.json()["detail"]
    assert buy(client, email="not-an-email").status_code == 422
    declined = buy(client, payment_method="pm_card_chargeDeclined")
    assert declined.status_code == 402 and "declined" in declined.json()["detail"]
    assert buy(client).status_code == 201  # a declined attempt does not block a new one


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.integers(min_value=1, max_value=99_999_999),
       currency=st.sampled_from(["KRW", "JPY", "USD", "EUR", "BHD"]))
def test_any_price_round_trips_and_displays(client: TestClient, seller: Seller, amount: int,
                                            currency: str) -> None:
    saved = set_price(client, seller, amount=amount, currency=currency)
    assert saved.status_code == 200, saved.text
    shown = client.get("/v1/skills/hello-skill/price", params={"locale": "ko"}).json()
    assert (shown["amount"], shown["currency"]) == (amount, currency)
    assert shown["display"]


def usage_licence(client: TestClient, seller: Seller) -> str:
    assert set_price(client, seller, kind="usage", amount=7, currency="KRW").status_code == 200
    assert buy(client).status_code == 409  # a usage price needs a payment method
    bought = buy(client, payment_method="pm_card_visa")
    assert bought.status_code == 201 and bought.json()["status"] == "active", bought.text
    return str(bought.json()["licence_key"])


def last_month() -> tuple[str, datetime]:
    first = datetime.now(UTC).replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    moment = first - timedelta(days=3)
    return moment.strftime("%Y-%m"), moment


def test_usage_is_counted_once_and_billed_once(client: TestClient, seller: Seller,
                                               app: FastAPI, db: Database) -> None:
    key = usage_licence(client, seller)
    period, moment = last_month()
    records = [{"id": str(uuid.uuid4()), "occurred_at": moment.isoformat(), "calls": 2}
               for _ in range(5)]
    auth = {"Authorization": f"Bearer {key}"}
    first = client.post("/v1/usage", json={"records": records[:3]}, headers=auth)
    assert first.json() == {"accepted": 3, "duplicates": 0}
    retry = client.post("/v1/usage", json={"records": records}, headers=auth)
    assert retry.json() == {"accepted": 2, "duplicates": 3}
    this_month = {"id": str(uuid.uuid4()), "occurred_at": datetime.now(UTC).isoformat()}
    assert client.post("/v1/usage", json={"records": [this_month]},
                       headers=auth).status_code == 200
    assert client.post("/v1/usage", json={"records": records[:1]}).status_code == 401
    assert client.post("/v1/usage", json={"records": [records[0], records[0]]},
                       headers=auth).status_code == 422
    (charge,) = bill_period(db, app.state.payments, period)
    assert (charge.calls, charge.amount, charge.currency) == (10, 70, "KRW")
    assert charge.payment_id is not None
    (again,) = bill_period(db, app.state.payments, period)
    assert again.payment_id == charge.payment_id
    with db.read() as session:
        (sale,) = session.exec(select(SaleEntry)).all()
        assert sale.gross == 70 and sale.sale_id.startswith("usage-")


def test_the_billing_command_is_idempotent(client: TestClient, seller: Seller,
                                           settings: Settings, db: Database,
                                           staff: PartnerHandle) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command reads the embedded database of the data dir")
    key = usage_licence(client, seller)
    period, moment = last_month()
    client.post("/v1/usage", headers={"Authorization": f"Bearer {key}"}, json={"records": [
        {"id": "call-0001", "occurred_at": moment.isoformat(), "calls": 3}]})
    runner = CliRunner()
    args = ["marketplace", "usage", "bill", "--period", period, "--data-dir",
            str(Path(settings.data_dir)), "--json"]
    first = runner.invoke(build_app(), args)
    assert first.exit_code == 0, first.output
    second = runner.invoke(build_app(), args)
    assert second.exit_code == 0 and first.output == second.output
    assert '"amount": 21' in first.output and '"status": "paid"' in first.output
    future = runner.invoke(build_app(), [*args[:3], "--period", "2999-01", *args[5:]])
    assert future.exit_code != 0 and "has not ended yet" in future.output
    with db.read() as session:
        assert len(session.exec(select(SaleEntry)).all()) == 1
