"""Staff refund a subscription's renewal through the API, in part and in full, and the
ledger reverses its split in proportion, exactly as for the purchase's own payment."""

from __future__ import annotations

import time
import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import col, select

from marketplace.billing import OfflineProvider
from marketplace.billing.webhooks import make_delivery
from marketplace.commerce.models import Licence
from marketplace.db import Database
from marketplace.ledger.models import RefundEntry, SaleEntry
from marketplace.ledger.reconcile import reconcile
from tests.marketplace.commerce.conftest import Seller, buy, set_price
from tests.marketplace.conftest import PartnerHandle

PRICE = 12_345


def test_staff_refund_a_renewal_in_part_then_in_full(
        client: TestClient, app: FastAPI, seller: Seller, staff: PartnerHandle,
        db: Database) -> None:
    provider: OfflineProvider = app.state.payments
    assert set_price(client, seller, kind="subscription", amount=PRICE).status_code == 200
    bought = buy(client, payment_method="pm_card_visa")
    assert bought.status_code == 201, bought.text
    purchase = bought.json()["purchase_id"]
    with db.read() as session:
        licence = session.get(Licence, uuid.UUID(purchase))
        assert licence is not None and licence.subscription_id is not None
    provider.simulator.renew_subscription(licence.subscription_id)
    provider.deliver_pending()
    url = f"/v1/purchases/{purchase}"
    assert client.get(f"{url}/payments").status_code == 401
    assert client.get(f"{url}/payments", headers=seller.partner.bearer).status_code == 403
    payments = client.get(f"{url}/payments", headers=staff.bearer)
    assert payments.status_code == 200, payments.text
    first, renewal = payments.json()
    assert (first["kind"], renewal["kind"]) == ("purchase", "renewal")
    assert renewal["amount"] == PRICE and renewal["sale_id"].startswith("invoice-")

    def refund(body: dict[str, object]) -> dict[str, object]:
        answer = client.post(f"{url}/refunds", headers=staff.bearer, json=body)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    part = refund({"payment_id": renewal["payment_id"], "amount": 5_000})
    assert (part["amount"], part["payment_id"]) == (5_000, renewal["payment_id"])
    refund({"payment_id": first["payment_id"], "amount": 5_000})  # same, on the purchase
    rest = refund({"payment_id": renewal["payment_id"]})
    assert rest["amount"] == PRICE - 5_000
    again = client.post(f"{url}/refunds", headers=staff.bearer,
                        json={"payment_id": renewal["payment_id"]})
    assert again.status_code == 409 and "refund" in again.json()["detail"]
    with db.read() as session:
        sales = {s.sale_id: s for s in session.exec(select(SaleEntry))}
        by_sale: dict[str, list[RefundEntry]] = {}
        for back in session.exec(select(RefundEntry).order_by(
                col(RefundEntry.refunded_total))):
            by_sale.setdefault(back.sale_id, []).append(back)
        renewal_sale, first_sale = sales[renewal["sale_id"]], sales[first["sale_id"]]
        (first_part,) = by_sale[first["sale_id"]]
        renewal_part, renewal_rest = by_sale[renewal["sale_id"]]
        # the renewal's partial refund reverses the split exactly like the purchase's
        assert (renewal_part.partner_part, renewal_part.platform_part) == (
            first_part.partner_part, first_part.platform_part)
        assert renewal_part.partner_part + renewal_part.platform_part == 5_000
        assert renewal_part.partner_part == renewal_sale.partner_share * 5_000 // PRICE \
            or renewal_part.partner_part == -(-renewal_sale.partner_share * 5_000 // PRICE)
        # in full: each side gives back exactly its share
        assert renewal_part.partner_part + renewal_rest.partner_part == \
            renewal_sale.partner_share
        assert renewal_part.platform_part + renewal_rest.platform_part == \
            renewal_sale.platform_share
        assert renewal_sale.refunded == PRICE and first_sale.refunded == 5_000
        row = session.get(Licence, uuid.UUID(purchase))
        assert row is not None and row.status == "active"  # the subscription decides
        assert row.refunded_amount == 5_000
        assert reconcile(session, provider).differences == []
    listed = client.get(f"{url}/payments", headers=staff.bearer).json()
    assert [p["refunded"] for p in listed] == [5_000, PRICE]


def test_a_payment_of_another_purchase_is_not_refunded(
        client: TestClient, app: FastAPI, seller: Seller, staff: PartnerHandle) -> None:
    assert set_price(client, seller, kind="one_time", amount=PRICE).status_code == 200
    mine = buy(client, email="a@example.com").json()
    theirs = buy(client, email="b@example.com").json()
    wrong = client.post(f"/v1/purchases/{mine['purchase_id']}/refunds", headers=staff.bearer,
                        json={"payment_id": theirs["payment_id"]})
    assert wrong.status_code == 404
    assert theirs["payment_id"] in wrong.json()["detail"]
    unknown = client.post(f"/v1/purchases/{uuid.uuid4()}/refunds", headers=staff.bearer,
                          json={"payment_id": "pi_nothing"})
    assert unknown.status_code == 404
    bad = client.post(f"/v1/purchases/{mine['purchase_id']}/refunds", headers=staff.bearer,
                      json={"payment_id": "pi with spaces"})
    assert bad.status_code == 422


def test_a_dispute_of_a_renewal_revokes_the_licence(
        client: TestClient, app: FastAPI, seller: Seller, db: Database) -> None:
    provider: OfflineProvider = app.state.payments
    assert set_price(client, seller, kind="subscription", amount=PRICE).status_code == 200
    bought = buy(client, payment_method="pm_card_visa").json()
    with db.read() as session:
        licence = session.get(Licence, uuid.UUID(bought["purchase_id"]))
        assert licence is not None and licence.subscription_id is not None
    provider.simulator.renew_subscription(licence.subscription_id)
    provider.deliver_pending()
    with db.read() as session:
        renewal = session.exec(select(SaleEntry).where(
            col(SaleEntry.sale_id).startswith("invoice-"))).one()
    dispute = {"id": "evt_dispute_renewal", "object": "event", "type": "charge.dispute.created",
               "created": int(time.time()), "livemode": False, "data": {"object": {
                   "id": "dp_1", "object": "dispute", "amount": PRICE, "charge": "ch_x",
                   "payment_intent": renewal.provider_payment_id, "reason": "fraudulent"}}}
    delivery = make_delivery(dispute, "whsec_offline_test_mode", int(time.time()))
    answer = client.post("/v1/billing/stripe/webhook", content=delivery.payload,
                         headers={"Stripe-Signature": delivery.signature_header})
    assert answer.status_code == 200 and answer.json()["outcome"].endswith("(dispute)")
    with db.read() as session:
        row = session.get(Licence, licence.id)
        assert row is not None and (row.status, row.revoked_reason) == (
            "revoked", "charge disputed")
