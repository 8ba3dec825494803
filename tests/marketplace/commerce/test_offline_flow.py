"""Prices, purchases and licences on the offline test-mode provider (in-process webhooks)."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from tests.marketplace.commerce.conftest import Seller, buy, set_price


def licence_auth(key: str) -> dict[str, str]:
    raw = base64.b64encode(f"__licence__:{key}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def test_price_purchase_licence_and_index(client: TestClient, seller: Seller) -> None:
    # a paid upload without a price is already closed to anonymous downloads
    assert client.get("/simple/hello-skill/").status_code == 401
    response = set_price(client, seller)
    assert response.status_code == 200, response.text
    assert response.json()["display"] == "₩30,000"
    shown = client.get("/v1/skills/hello-skill/price", params={"locale": "ko"}).json()
    assert shown["display"] == "₩30,000" and shown["amount"] == 30000
    bought = buy(client)
    assert bought.status_code == 201, bought.text
    body = bought.json()
    assert body["provider"] == "offline" and body["livemode"] is False
    assert body["status"] == "active"  # offline: confirmed at once, webhook applied in-process
    key = body["licence_key"]
    page = client.get("/simple/hello-skill/", headers=licence_auth(key))
    assert page.status_code == 200 and "hello_skill-1.0.0" in page.text
    assert page.headers["cache-control"] == "private, no-store"
    anonymous = client.get("/simple/hello-skill/")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Basic")
    assert client.get("/simple/hello-skill/",
                      headers=licence_auth("rbl_wrong")).status_code == 403
    verdict = client.get("/v1/licences/verify", params={"skill": "hello-skill"},
                         headers={"Authorization": f"Bearer {key}"})
    assert verdict.status_code == 200 and verdict.json()["valid"] is True
    again = buy(client)
    assert again.status_code == 409 and "already holds" in again.json()["detail"]


def test_an_offline_subscription_is_active_at_once_and_cancels(client: TestClient,
                                                               seller: Seller) -> None:
    assert set_price(client, seller, kind="subscription", amount=900,
                     currency="USD").status_code == 200
    bought = buy(client, payment_method="pm_card_visa")
    assert bought.status_code == 201 and bought.json()["status"] == "active", bought.text
    key = bought.json()["licence_key"]
    assert client.get("/simple/hello-skill/", headers=licence_auth(key)).status_code == 200
    cancelled = client.post("/v1/subscriptions/cancel", params={"skill": "hello-skill"},
                            headers={"Authorization": f"Bearer {key}"})
    assert cancelled.status_code == 200, cancelled.text
    denied = client.get("/simple/hello-skill/", headers=licence_auth(key))
    assert denied.status_code == 403 and "expired" in denied.json()["detail"]


def test_a_price_change_reaches_the_cached_index_at_once(client: TestClient,
                                                         seller: Seller) -> None:
    assert set_price(client, seller, kind="free", amount=0).status_code == 200
    assert client.get("/simple/hello-skill/").status_code == 200  # free now: anonymous
    assert client.get("/simple/hello-skill/").status_code == 200  # (and from the cache)
    assert set_price(client, seller).status_code == 200
    assert client.get("/simple/hello-skill/").status_code == 401  # paid again: never cached
