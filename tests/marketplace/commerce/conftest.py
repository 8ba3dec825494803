"""Commerce fixtures: a certified seller with a paid skill, staff, and webhook helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.partners.conftest import make_staff, promote, staff  # noqa: F401

PAID = 'kind = "one_time"\namount = 30000\ncurrency = "KRW"'


@dataclass
class Seller:
    partner: PartnerHandle
    skill: str


@pytest.fixture
def certified(client: TestClient, make_partner: Callable[..., PartnerHandle],
              staff: PartnerHandle) -> Callable[..., PartnerHandle]:  # noqa: F811
    def make(name: str = "acme") -> PartnerHandle:
        partner = make_partner(name)
        promote(client, staff, partner)
        return partner

    return make


@pytest.fixture
def seller(certified: Callable[..., PartnerHandle], wheels: Any, upload_file: Any) -> Seller:
    partner = certified()
    response = upload_file(partner, wheels(price=PAID))
    assert response.status_code == 200, response.text
    return Seller(partner, "hello-skill")


def set_price(client: TestClient, seller: Seller, kind: str = "one_time", amount: int = 30000,
              currency: str = "KRW") -> Any:
    return client.put(f"/v1/skills/{seller.skill}/price", headers=seller.partner.bearer,
                      json={"kind": kind, "amount": amount, "currency": currency})


def buy(client: TestClient, skill: str = "hello-skill", email: str = "buyer@example.com",
        **extra: Any) -> Any:
    return client.post(f"/v1/skills/{skill}/purchases", json={"email": email, **extra})
