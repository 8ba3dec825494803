"""Money on the wire: integer minor units, exactly, for KRW and JPY (no minor unit) too.

Property-based: any amount in any of KRW, JPY, USD and EUR goes through Stripe's form
encoding, the official client, the test server and back without changing by a unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from marketplace.billing import (
    AccountRequest,
    OfflineProvider,
    PaymentRequest,
    PayoutRequest,
    RefundRequest,
    StripeProvider,
)
from marketplace.billing.money import MAX_AMOUNT, minor_unit_digits, normalize_currency
from marketplace.billing.stripe_shapes import payment_params
from marketplace.billing.wire import decode_form, encode_form

from .conftest import RunningServer

CURRENCIES = st.sampled_from(["KRW", "JPY", "USD", "EUR"])
AMOUNTS = st.integers(min_value=1, max_value=MAX_AMOUNT)
EXAMPLES = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def wire_provider(shared_stripe_server: RunningServer) -> Iterator[tuple[StripeProvider, str]]:
    provider = shared_stripe_server.provider()
    account = provider.create_connected_account(AccountRequest(
        partner_id="p-amounts", country="KR", idempotency_key="acct-amounts"))
    yield provider, account.id
    provider.close()


@pytest.fixture(scope="module")
def offline() -> tuple[OfflineProvider, str]:
    provider = OfflineProvider(webhook_secret="whsec_amounts")
    account = provider.create_connected_account(AccountRequest(
        partner_id="p-amounts", country="KR", idempotency_key="acct-amounts"))
    return provider, account.id


def _stringified(value: Any) -> Any:
    """What the form carries: string leaves; ``None`` and empty hashes leave no pair."""
    if isinstance(value, dict):
        return {key: _stringified(item) for key, item in value.items()
                if item is not None and item != {}}
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@EXAMPLES
@given(amount=AMOUNTS, currency=CURRENCIES, fee_share=st.integers(0, 100))
def test_amounts_round_trip_through_stripe_client_and_test_server(
        wire_provider: tuple[StripeProvider, str], shared_stripe_server: RunningServer,
        amount: int, currency: str, fee_share: int) -> None:
    provider, account = wire_provider
    fee = amount * fee_share // 100
    request = PaymentRequest(amount=amount, currency=currency, destination_account=account,
                             application_fee=fee, idempotency_key=f"amt-{amount}-{currency}-"
                             f"{fee}")
    assert f"amount={amount}&" in encode_form(payment_params(request))  # sent as-is
    payment = provider.create_payment(request)
    assert (payment.amount, payment.currency, payment.application_fee) == (amount, currency,
                                                                           fee)
    stored = shared_stripe_server.server.simulator.objects[payment.id]
    assert (stored["amount"], stored["currency"]) == (amount, currency.lower())


@EXAMPLES
@given(amount=AMOUNTS, currency=CURRENCIES, refund_share=st.integers(1, 100))
def test_offline_amounts_and_refund_split_are_exact(
        offline: tuple[OfflineProvider, str], amount: int, currency: str,
        refund_share: int) -> None:
    provider, account = offline
    fee = amount * 3 // 10
    key = f"off-{amount}-{currency}-{refund_share}"
    payment = provider.create_payment(PaymentRequest(
        amount=amount, currency=currency, destination_account=account, application_fee=fee,
        idempotency_key=key))
    assert payment.amount == amount and payment.amount_received == amount
    part = max(1, amount * refund_share // 100)
    refund = provider.create_refund(RefundRequest(payment_id=payment.id, amount=part,
                                                  idempotency_key=f"{key}-refund"))
    assert refund.amount == part
    charge = provider.simulator.objects[str(payment.latest_charge)]
    fee_object = provider.simulator.objects[str(charge["application_fee"])] if fee else None
    if fee_object is not None:
        assert fee_object["amount_refunded"] == fee * part // amount


metadata_keys = st.text(min_size=1, max_size=40).filter(lambda k: "[" not in k and "]" not in k)


@given(params=st.fixed_dictionaries({
    "amount": AMOUNTS,
    "currency": CURRENCIES,
    "confirm": st.booleans(),
    "metadata": st.dictionaries(metadata_keys, st.text(max_size=500), max_size=10),
    "transfer_data": st.fixed_dictionaries({"destination": st.from_regex(r"acct_[a-z0-9]{8}",
                                                                          fullmatch=True)}),
}))
def test_form_encoding_round_trips(params: dict[str, Any]) -> None:
    assert decode_form(encode_form(params)) == _stringified(params)


@given(amount=AMOUNTS, currency=CURRENCIES)
def test_payout_amounts_are_sent_unchanged(amount: int, currency: str) -> None:
    request = PayoutRequest(partner_id="p1", period="2026-11", destination_account="acct_1",
                            amount=amount, currency=currency)
    assert request.idempotency_key == "payout-p1-2026-11"
    assert request.amount == amount


def test_minor_units_per_currency() -> None:
    assert [minor_unit_digits(code) for code in ("KRW", "JPY", "USD", "EUR", "BHD")] == \
        [0, 0, 2, 2, 3]
    assert normalize_currency("krw") == "KRW"


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "100", MAX_AMOUNT + 1, 10**30])
def test_bad_amounts_are_refused_before_any_call(amount: object) -> None:
    with pytest.raises(ValidationError):
        PaymentRequest(amount=amount, currency="KRW",
                       destination_account="acct_1", application_fee=0,
                       idempotency_key="k")


@pytest.mark.parametrize("currency", ["XYZ", "", "KRWX", "DEM", "usdollar"])
def test_unknown_or_retired_currencies_are_refused(currency: str) -> None:
    with pytest.raises(ValidationError):
        PaymentRequest(amount=100, currency=currency, destination_account="acct_1",
                       application_fee=0, idempotency_key="k")


@pytest.mark.parametrize("changes", [
    {"application_fee": 101},
    {"application_fee": -1},
    {"idempotency_key": ""},
    {"idempotency_key": "has space"},
    {"idempotency_key": "k" * 256},
    {"metadata": {f"k{i}": "v" for i in range(51)}},
    {"metadata": {"a[b]": "v"}},
    {"metadata": {"k": "v" * 501}},
    {"destination_account": "acct_1; drop"},
    {"unexpected": "field"},
])
def test_invalid_payment_requests_are_refused(changes: dict[str, Any]) -> None:
    base: dict[str, Any] = {"amount": 100, "currency": "USD", "destination_account": "acct_1",
                            "application_fee": 30, "idempotency_key": "k"}
    with pytest.raises(ValidationError):
        PaymentRequest(**(base | changes))


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-11", "2026-00", "2026-11-01"])
def test_payout_periods_are_months(period: str) -> None:
    with pytest.raises(ValidationError):
        PayoutRequest(partner_id="p1", period=period, destination_account="acct_1",
                      amount=1, currency="KRW")
