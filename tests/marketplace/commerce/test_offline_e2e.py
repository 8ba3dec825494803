"""A fresh machine: no Stripe keys, the built-in offline provider, the real pip.

The marketplace runs in a real server with the embedded default provider (what
``create_app`` chooses without ``ROBEING_STRIPE_*``). A certified partner prices its skill
in KRW, a buyer buys it (confirmed at once, the licence active without any outside webhook,
everything labelled as test mode), installs it with pip and the licence key; the partner's
statement shows its share; a partial refund keeps the licence, a full one revokes it; the
ledger balances to the unit. The portal's Money page says test mode. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from marketplace.billing import OfflineProvider
from marketplace.billing.stripe_testserver import serve_in_thread
from marketplace.db import Database
from tests.marketplace.commerce.conftest import Seller
from tests.marketplace.commerce.test_stripe_e2e import assert_ledger_balanced, pip_install
from tests.marketplace.conftest import PartnerHandle
from tests.marketplace.portal.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_buy_install_refund_with_the_offline_provider(
        app: FastAPI, seller: Seller, staff: PartnerHandle, db: Database,
        tmp_path: Path) -> None:
    assert isinstance(app.state.payments, OfflineProvider)  # the default without keys
    month = datetime.now(UTC).strftime("%Y-%m")
    auth = seller.partner.bearer
    with serve_in_thread(app) as live, httpx.Client(base_url=live, timeout=30) as api:
        priced = api.put("/v1/skills/hello-skill/price", headers=auth,
                         json={"kind": "one_time", "amount": 30000, "currency": "KRW"})
        assert priced.status_code == 200, priced.text
        shown = api.get("/v1/skills/hello-skill/price", params={"locale": "ko"}).json()
        assert (shown["display"], shown["provider"], shown["livemode"],
                shown["test_mode"]) == ("₩30,000", "offline", False, True)
        bought = api.post("/v1/skills/hello-skill/purchases", json={"email": "kim@example.com"})
        assert bought.status_code == 201, bought.text
        purchase = bought.json()
        assert (purchase["status"], purchase["provider"], purchase["livemode"],
                purchase["test_mode"]) == ("active", "offline", False, True)
        assert purchase["payment_id"].startswith("offline_pi_")
        key = purchase["licence_key"]

        installed = pip_install(live, key, tmp_path / "t1")
        assert installed.returncode == 0, installed.stderr
        assert list((tmp_path / "t1").glob("hello_skill-1.0.0.dist-info"))
        statement = api.get(f"/v1/partners/me/statements/{month}", headers=auth).json()
        (krw,) = statement["currencies"]
        # certified: 30 % to the partner, which reached its account with the charge
        assert (krw["gross_sales"], krw["partner_share"], krw["paid_with_charges"],
                krw["closing_balance"]) == (30000, 9000, 9000, 0)
        # the offline provider's default fee: 2.9 % of ₩30,000 + ₩400, the platform's cost
        assert krw["processing_fees"] == 870 + 400

        refund = api.post(f"/v1/purchases/{purchase['purchase_id']}/refunds",
                          headers=staff.bearer, json={"amount": 10000})
        assert refund.status_code == 201, refund.text
        assert pip_install(live, key, tmp_path / "t2").returncode == 0  # partial: still valid
        after = api.get(f"/v1/partners/me/statements/{month}", headers=auth).json()
        assert (after["currencies"][0]["refunded"],
                after["currencies"][0]["refunded_share"]) == (10000, 3000)
        assert api.post(f"/v1/purchases/{purchase['purchase_id']}/refunds",
                        headers=staff.bearer, json={}).status_code == 201
        denied = pip_install(live, key, tmp_path / "t3")
        assert denied.returncode != 0 and "No matching distribution" in denied.stderr

        assert sign_in(api, seller.partner.token).status_code == 303
        money = api.get("/portal/money")
        assert money.status_code == 200 and 'id="test-mode"' in money.text
        assert "offline test provider" in money.text
        korean = api.get("/portal/money", headers={"Accept-Language": "ko"})
        assert "테스트 모드" in korean.text
    assert_ledger_balanced(db, gross=30000, refunded=30000)
