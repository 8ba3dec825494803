"""The offline provider's processing fee schedule: exact, configurable, never zero by default."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from marketplace.billing import (
    AccountRequest,
    BillingSettings,
    FeeSchedule,
    OfflineProvider,
    PaymentRequest,
    build_payment_provider,
)
from marketplace.billing.fees import DEFAULT_FIXED, NO_FEES
from marketplace.billing.money import MAX_AMOUNT, minor_unit_digits

CURRENCIES = ["KRW", "JPY", "USD", "EUR", "GBP", "BHD", "CHF"]
amounts = st.integers(min_value=1, max_value=MAX_AMOUNT)


def expected(amount: int, currency: str, bps: int, fixed: dict[str, int]) -> int:
    """The documented rule, computed another way: decimal percent, half up, plus fixed."""
    percent = (Decimal(amount) * Decimal(bps) / Decimal(10_000)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return min(int(percent) + fixed.get(currency, 0), amount)


@given(amount=amounts, currency=st.sampled_from(CURRENCIES),
       bps=st.integers(min_value=0, max_value=10_000),
       fixed=st.dictionaries(st.sampled_from(CURRENCIES),
                             st.integers(min_value=0, max_value=10_000), max_size=4))
def test_the_fee_follows_the_documented_rule_in_every_currency(
        amount: int, currency: str, bps: int, fixed: dict[str, int]) -> None:
    fee = FeeSchedule(bps, fixed)(amount, currency)
    assert isinstance(fee, int) and 0 <= fee <= amount
    assert fee == expected(amount, currency, bps, fixed)
    assert fee == FeeSchedule(bps, fixed)(amount, currency.lower())  # Stripe's lower case


@given(amount=amounts, currency=st.sampled_from(CURRENCIES))
def test_the_default_schedule_charges_a_fee_on_every_charge(amount: int, currency: str) -> None:
    fee = FeeSchedule()(amount, currency)
    assert fee == expected(amount, currency, 290, dict(DEFAULT_FIXED))
    assert fee > 0 or (amount * 290 < 5_000 and currency not in DEFAULT_FIXED)
    assert NO_FEES(amount, currency) == 0


def test_zero_decimal_currencies_get_whole_units() -> None:
    assert minor_unit_digits("KRW") == minor_unit_digits("JPY") == 0
    schedule = FeeSchedule()
    assert schedule(30_000, "KRW") == 870 + 400  # 2.9 % of ₩30,000 + ₩400
    assert schedule(1_000, "JPY") == 29 + 40
    assert schedule(1_017, "KRW") == 29 + 400  # 29.493 rounds down
    assert schedule(1_018, "KRW") == 30 + 400  # 29.522 rounds up
    assert schedule(100, "KRW") == 100  # never more than the charge
    assert schedule(1_000, "USD") == 29 + 30  # $10.00: 29 cents + 30 cents


def test_the_schedule_is_configured_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROBEING_OFFLINE_FEE_PERCENT_BPS", "150")
    monkeypatch.setenv("ROBEING_OFFLINE_FEE_FIXED", '{"krw": 100}')
    settings = BillingSettings()
    assert settings.offline_fees() == FeeSchedule(150, {"KRW": 100})
    assert settings.offline_fees()(10_000, "KRW") == 250
    monkeypatch.setenv("ROBEING_OFFLINE_FEE_PERCENT_BPS", "0")
    monkeypatch.setenv("ROBEING_OFFLINE_FEE_FIXED", "{}")
    assert BillingSettings().offline_fees()(10_000, "KRW") == 0
    for name, value in (("ROBEING_OFFLINE_FEE_PERCENT_BPS", "-1"),
                        ("ROBEING_OFFLINE_FEE_PERCENT_BPS", "10001"),
                        ("ROBEING_OFFLINE_FEE_FIXED", '{"XYZ": 5}'),
                        ("ROBEING_OFFLINE_FEE_FIXED", '{"KRW": -5}'),
                        ("ROBEING_OFFLINE_FEE_FIXED", '{"KRW": 1.5}')):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValidationError):
            BillingSettings()
        monkeypatch.setenv(name, "0" if name.endswith("BPS") else "{}")
    with pytest.raises(ValueError, match="percent_bps"):
        FeeSchedule(10_001)


def test_the_offline_provider_charges_the_configured_fee_and_stays_labelled(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROBEING_STRIPE_SECRET_KEY", raising=False)
    monkeypatch.delenv("ROBEING_STRIPE_WEBHOOK_SECRET", raising=False)
    provider = build_payment_provider(BillingSettings())
    assert isinstance(provider, OfflineProvider)
    assert (provider.name, provider.livemode) == ("offline", False)
    account = provider.create_connected_account(AccountRequest(
        partner_id="p1", country="US", idempotency_key="acct-p1"))
    payment = provider.create_payment(PaymentRequest(
        amount=30_000, currency="KRW", destination_account=account.id, application_fee=21_000,
        payment_method="pm_card_visa", idempotency_key="pay-1"))
    assert payment.latest_charge is not None and payment.id.startswith("offline_")
    charge = provider.get_charge(payment.latest_charge)
    assert (charge.fee, charge.application_fee) == (1_270, 21_000)
    (movement,) = [m for m in provider.list_balance_transactions().data if m.type == "charge"]
    assert (movement.amount, movement.fee, movement.net) == (30_000, 1_270, 28_730)
