"""The seller's connected account, as the ledger's payouts ask commerce for it."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from marketplace.commerce.service import connected_account_of
from marketplace.db import Database
from tests.marketplace.commerce.conftest import Seller, buy, set_price


def test_the_account_commerce_opened_for_the_first_sale(client: TestClient, seller: Seller,
                                                        db: Database) -> None:
    with db.read() as session:
        assert connected_account_of(session, seller.partner.id, "offline") is None
    assert set_price(client, seller).status_code == 200
    assert buy(client).status_code == 201
    with db.read() as session:
        account = connected_account_of(session, seller.partner.id, "offline")
        assert account is not None and account.startswith("offline_acct_")
        assert connected_account_of(session, seller.partner.id, "stripe") is None
        assert connected_account_of(session, uuid.uuid4(), "offline") is None
