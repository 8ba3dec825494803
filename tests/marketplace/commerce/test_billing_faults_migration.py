"""Migration ad000000billingfaults: its tables and columns come and go, and an upgrade links
the payments already in the ledger to their licences."""

from __future__ import annotations

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import select

from marketplace import schema
from marketplace.commerce.models import LicencePayment
from marketplace.db import Database
from tests.marketplace.commerce.conftest import Seller, buy, set_price

BEFORE = "ac000000localepref"


def test_downgrade_and_upgrade_keep_purchases_and_link_their_payments(
        client: TestClient, seller: Seller, db: Database) -> None:
    assert set_price(client, seller).status_code == 200
    bought = buy(client, payment_method="pm_card_visa").json()
    assert bought["status"] == "active"
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE licence SET status = 'suspended'"))
        command.downgrade(schema.alembic_config(connection), BEFORE)
    with db.engine.connect() as connection:
        found = inspect(connection)
        assert not {"pending_refund", "licence_payment"} & set(found.get_table_names())
        assert "suspended_reason" not in {c["name"] for c in found.get_columns("licence")}
        assert "attempts" not in {c["name"] for c in found.get_columns("usage_charge")}
        assert connection.execute(text("SELECT status FROM licence")).scalar() == "active"
    schema.upgrade(db)
    with db.read() as session:
        (link,) = session.exec(select(LicencePayment)).all()
        assert (link.payment_id, link.kind) == (bought["payment_id"], "purchase")
        assert str(link.licence_id) == bought["purchase_id"]
        assert link.sale_id == f"licence-{bought['purchase_id']}"
