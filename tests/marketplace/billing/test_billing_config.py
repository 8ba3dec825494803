"""Provider choice by settings, and billing's public face."""

from __future__ import annotations

import types

import pytest

import marketplace.billing as billing
from marketplace.billing import (
    BillingConfigurationError,
    BillingSettings,
    OfflineProvider,
    StripeProvider,
    build_payment_provider,
)
from marketplace.billing.errors import BillingError, PaymentProviderError

from .conftest import RunningServer

ENV = ("ROBEING_STRIPE_SECRET_KEY", "ROBEING_STRIPE_WEBHOOK_SECRET", "ROBEING_STRIPE_API_BASE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_no_keys_means_the_offline_test_mode_provider() -> None:
    provider = build_payment_provider(BillingSettings())
    assert isinstance(provider, OfflineProvider)
    assert (provider.name, provider.livemode) == ("offline", False)


def test_environment_names(monkeypatch: pytest.MonkeyPatch, stripe_server: RunningServer
                           ) -> None:
    monkeypatch.setenv("ROBEING_STRIPE_SECRET_KEY", stripe_server.server.secret_key)
    monkeypatch.setenv("ROBEING_STRIPE_WEBHOOK_SECRET", stripe_server.server.webhook_secret)
    monkeypatch.setenv("ROBEING_STRIPE_API_BASE", stripe_server.url)
    provider = build_payment_provider(BillingSettings())
    assert isinstance(provider, StripeProvider)
    assert (provider.name, provider.livemode) == ("stripe", False)
    assert provider.list_balance_transactions().data == []  # it talks to the test server
    provider.close()


@pytest.mark.parametrize("settings", [
    {"stripe_secret_key": "sk_test_x"},
    {"stripe_webhook_secret": "whsec_x"},
    {"stripe_secret_key": "pk_test_publishable", "stripe_webhook_secret": "whsec_x"},
    {"stripe_secret_key": "sk_live_x", "stripe_webhook_secret": "whsec_x",
     "stripe_api_base": "http://127.0.0.1:1"},
])
def test_incomplete_or_unsafe_settings_are_refused(settings: dict[str, str]) -> None:
    with pytest.raises(BillingConfigurationError):
        build_payment_provider(BillingSettings.model_validate(settings))


def test_live_key_is_live() -> None:
    provider = build_payment_provider(BillingSettings(
        stripe_secret_key="sk_live_x", stripe_webhook_secret="whsec_x"))
    assert provider.livemode is True
    provider.close()


def test_window_cannot_be_widened() -> None:
    with pytest.raises(ValueError):
        BillingSettings(webhook_tolerance_seconds=3600)


def test_public_names_and_all_agree() -> None:
    public = {name for name, value in vars(billing).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(billing.__all__) == public
    assert billing.__all__ == sorted(billing.__all__)


def test_one_exception_tree() -> None:
    errors = [getattr(billing, name) for name in billing.__all__
              if isinstance(getattr(billing, name), type)
              and issubclass(getattr(billing, name), Exception)]
    assert all(issubclass(error, BillingError) for error in errors)
    assert issubclass(billing.IdempotencyKeyReused, billing.InvalidPaymentRequest)
    assert issubclass(billing.ProviderUnavailable, PaymentProviderError)
