"""Which payment provider runs, chosen by ``ROBEING_STRIPE_*`` settings.

No Stripe key configured → ``OfflineProvider`` (test mode, in-process; its processing fees
follow ``ROBEING_OFFLINE_FEE_*``, see :mod:`marketplace.billing.fees`). A secret key and a
webhook secret → ``StripeProvider``; ``ROBEING_STRIPE_API_BASE`` sends its calls to another
Stripe-compatible server (the local test server in development). A key without a webhook
secret, or the other way round, is refused: payments whose webhooks cannot be verified
would never become licences.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketplace.billing.errors import BillingConfigurationError
from marketplace.billing.fees import DEFAULT_FIXED, DEFAULT_PERCENT_BPS, FeeSchedule
from marketplace.billing.interfaces import PaymentProvider
from marketplace.billing.offline_provider import OfflineProvider
from marketplace.billing.stripe_provider import StripeProvider
from marketplace.billing.webhooks import DEFAULT_TOLERANCE, WebhookSink


class BillingSettings(BaseSettings):
    """Billing settings from the environment; tests build their own."""

    model_config = SettingsConfigDict(env_prefix="ROBEING_", extra="ignore")

    stripe_secret_key: SecretStr | None = Field(
        None, description="sk_test_/sk_live_/rk_... key; unset runs the offline provider.")
    stripe_webhook_secret: SecretStr | None = Field(
        None, description="whsec_... secret of the marketplace's Stripe webhook endpoint.")
    stripe_api_base: str | None = Field(
        None, pattern=r"^https?://", description="Default https://api.stripe.com.")
    stripe_max_network_retries: int = Field(2, ge=0, le=5)
    stripe_timeout_seconds: float = Field(30.0, gt=0, le=120)
    webhook_tolerance_seconds: int = Field(
        DEFAULT_TOLERANCE, ge=1, le=DEFAULT_TOLERANCE,
        description="Largest accepted difference between a webhook's signed time and now.")
    offline_webhook_secret: SecretStr = Field(
        SecretStr("whsec_offline_test_mode"),
        description="Signs the offline provider's own webhooks (test mode only).")
    offline_fee_percent_bps: int = Field(
        DEFAULT_PERCENT_BPS, ge=0, le=10_000,
        description="The offline provider's processing fee: basis points of each charge, "
        "rounded half up to a minor unit (290 = 2.9 %).")
    offline_fee_fixed: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_FIXED),
        description="Plus a fixed part per charge, in minor units per currency (JSON, e.g. "
        '{"USD": 30, "KRW": 400}); unlisted currencies: 0.')

    @field_validator("offline_fee_fixed")
    @classmethod
    def _fixed_fees(cls, value: dict[str, int]) -> dict[str, int]:
        return dict(FeeSchedule(0, value).fixed)  # currency codes and amounts checked

    def offline_fees(self) -> FeeSchedule:
        return FeeSchedule(self.offline_fee_percent_bps, self.offline_fee_fixed)


def build_payment_provider(settings: BillingSettings, *,
                           on_offline_webhook: WebhookSink | None = None,
                           clock: Callable[[], float] = time.time) -> PaymentProvider:
    """The configured provider; ``on_offline_webhook`` receives the offline provider's
    signed webhooks (the marketplace feeds them to its webhook handler)."""
    key, webhook = settings.stripe_secret_key, settings.stripe_webhook_secret
    if key is None and webhook is None:
        return OfflineProvider(
            webhook_secret=settings.offline_webhook_secret.get_secret_value(),
            on_webhook=on_offline_webhook, clock=clock,
            tolerance=settings.webhook_tolerance_seconds,
            processing_fee=settings.offline_fees())
    if key is None or webhook is None:
        raise BillingConfigurationError(
            "Set both ROBEING_STRIPE_SECRET_KEY and ROBEING_STRIPE_WEBHOOK_SECRET, or neither "
            "(the offline test-mode provider).")
    provider = StripeProvider.from_keys(
        key.get_secret_value(), webhook.get_secret_value(), api_base=settings.stripe_api_base,
        max_network_retries=settings.stripe_max_network_retries,
        timeout=settings.stripe_timeout_seconds, tolerance=settings.webhook_tolerance_seconds)
    if provider.livemode and settings.stripe_api_base is not None:
        raise BillingConfigurationError(
            "A live Stripe key must talk to Stripe itself; unset ROBEING_STRIPE_API_BASE.")
    return provider


__all__ = ["BillingSettings", "build_payment_provider"]
