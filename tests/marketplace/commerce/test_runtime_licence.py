"""The runtime's licence check against a real running marketplace (uvicorn in a thread)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from marketplace.billing.stripe_testserver import serve_in_thread
from robeing_sdk import FakeLLM, Message, Runtime, RuntimeConfig
from robeing_sdk.i18n.catalogs import load_translations
from robeing_sdk.i18n.locales import fallback_chain
from robeing_sdk.licensing import LicenceChecker, LicenceError, keys_from_environment
from tests.marketplace.commerce.conftest import Seller, buy, set_price
from tests.marketplace.conftest import PartnerHandle

SDK_TEXTS = Path(__file__).resolve().parents[3] / "robeing_sdk" / "locales"


@pytest.fixture
def database_url() -> None:
    """The checker's behaviour does not depend on the database: SQLite only."""
    return None


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def key(live: str, seller: Seller, client: Any) -> str:
    assert set_price(client, seller).status_code == 200
    bought = buy(client, payment_method="pm_card_visa")
    assert bought.status_code == 201 and bought.json()["status"] == "active", bought.text
    return str(bought.json()["licence_key"])


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta.total_seconds()


def reason_of(error: pytest.ExceptionInfo[LicenceError]) -> str:
    return str(error.value.reason)


def test_valid_cached_offline_grace_and_revocation(live: str, key: str, tmp_path: Path,
                                                   client: Any, staff: PartnerHandle) -> None:
    clock = Clock()
    cache = tmp_path / "cache.json"
    checker = LicenceChecker(live, {"hello-skill": key}, cache_path=cache, clock=clock)
    checker.check("hello-skill")
    assert key not in cache.read_text()  # only the key's hash is kept
    # the marketplace goes away: the last valid answer holds for the grace period
    offline = LicenceChecker("http://127.0.0.1:9", {"hello-skill": key}, cache_path=cache,
                             clock=clock, timeout=1.0)
    clock.advance(timedelta(days=6))
    offline.check("hello-skill")
    clock.advance(timedelta(days=2))
    with pytest.raises(LicenceError) as unreachable:
        offline.check("hello-skill")
    assert reason_of(unreachable) == "unreachable"
    assert "older than 7 days" in str(unreachable.value)
    # a refund revokes it; the next check after the refresh interval says so
    purchase = client.get("/v1/licences/verify", params={"skill": "hello-skill"},
                          headers={"Authorization": f"Bearer {key}"}).json()
    assert purchase["valid"] is True
    licence_id = _licence_id(client, key)
    assert client.post(f"/v1/purchases/{licence_id}/refunds", headers=staff.bearer,
                       json={}).status_code == 201
    with pytest.raises(LicenceError) as revoked:
        checker.check("hello-skill")
    assert reason_of(revoked) == "revoked"


def _licence_id(client: Any, key: str) -> str:
    from marketplace.commerce.service import find_licence

    with client.app.state.db.read() as session:
        licence = find_licence(session, key)
        assert licence is not None
        return str(licence.id)


def test_missing_and_wrong_keys_explain_themselves_in_the_users_language(live: str, key: str,
                                                                        tmp_path: Path) -> None:
    checker = LicenceChecker(live, {"hello-skill": "rbl_not-a-real-key"})
    with pytest.raises(LicenceError) as wrong:
        checker.check("hello-skill")
    assert reason_of(wrong) == "unknown_key"
    with pytest.raises(LicenceError) as missing:
        LicenceChecker(live, {}).check("hello-skill")
    assert reason_of(missing) == "missing"
    korean = load_translations(SDK_TEXTS, fallback_chain("ko"))
    assert missing.value.localized(korean.gettext) != str(missing.value)
    assert "hello-skill" in missing.value.localized(korean.gettext)


def test_keys_come_from_the_environment_and_the_licence_file(tmp_path: Path) -> None:
    file = tmp_path / "licences.toml"
    file.write_text('[licences]\n"Hello_Skill" = "rbl_from_file"\nother = "rbl_other"\n')
    keys = keys_from_environment({"ROBEING_LICENCE_FILE": str(file),
                                  "ROBEING_LICENCE_KEYS": "other=rbl_env, bad-entry"})
    assert keys == {"hello-skill": "rbl_from_file", "other": "rbl_env"}


PAID = '[price]\nkind = "one_time"\namount = 30000\ncurrency = "KRW"\n'


def test_the_runtime_checks_a_paid_skill_before_running_it(live: str, key: str,
                                                           install_skill: Any) -> None:
    install_skill("hello-skill", keywords=("zorblax",), extra=PAID)

    def make(keys: dict[str, str]) -> Runtime:
        return Runtime.from_environment(RuntimeConfig(), llm=FakeLLM(["x"]),
                                        licences=LicenceChecker(live, keys))

    refused = make({}).ask_sync("zorblax", locale="ko", skill="hello-skill")
    assert refused.ok is False and refused.error is not None
    assert refused.error.type == "licence_required"
    assert "hello-skill" in refused.reply.text and "licence" not in refused.reply.text
    answered = make({"hello-skill": key}).ask_sync("zorblax", skill="hello-skill")
    assert answered.ok is True, answered
    reply = asyncio.run(make({"hello-skill": key}).call(
        "hello-skill", Message(text="hello", locale="en")))
    assert reply.text.startswith("hello-skill")


def test_a_marketplace_error_counts_as_unreachable(tmp_path: Path) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, request=request)

    checker = LicenceChecker("http://marketplace.test", {"hello-skill": "rbl_x"},
                             transport=httpx.MockTransport(broken))
    with pytest.raises(LicenceError) as error:
        checker.check("hello-skill")
    assert reason_of(error) == "unreachable"
