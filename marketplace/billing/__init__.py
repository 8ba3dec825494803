"""Billing: the payment provider interface and its two implementations.

``build_payment_provider(BillingSettings())`` gives the configured ``PaymentProvider``:
``StripeProvider`` (the official ``stripe`` library's ``StripeClient``) when Stripe keys
are set, otherwise ``OfflineProvider`` (test mode, no network). The local Stripe-compatible
test server lives in ``marketplace.billing.stripe_testserver`` and is not re-exported: it is
test tooling, not part of the service.
"""

from marketplace.billing.config import BillingSettings, build_payment_provider
from marketplace.billing.errors import (
    BillingConfigurationError,
    BillingError,
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    PaymentDeclined,
    PaymentProviderError,
    ProviderAuthenticationError,
    ProviderObjectNotFound,
    ProviderUnavailable,
    WebhookVerificationError,
)
from marketplace.billing.fees import FeeSchedule
from marketplace.billing.interfaces import PaymentProvider
from marketplace.billing.models import (
    AccountRequest,
    BalanceTransaction,
    BalanceTransactionPage,
    ConnectedAccount,
    Payment,
    PaymentRequest,
    PayoutRequest,
    ProviderEvent,
    Refund,
    RefundRequest,
    Subscription,
    SubscriptionRequest,
    Transfer,
)
from marketplace.billing.offline_provider import OfflineProvider
from marketplace.billing.stripe_provider import StripeProvider
from marketplace.billing.webhooks import WebhookDelivery, sign_payload, verify_webhook

__all__ = [
    "AccountRequest",
    "BalanceTransaction",
    "BalanceTransactionPage",
    "BillingConfigurationError",
    "BillingError",
    "BillingSettings",
    "ConnectedAccount",
    "FeeSchedule",
    "IdempotencyKeyReused",
    "InvalidPaymentRequest",
    "OfflineProvider",
    "Payment",
    "PaymentDeclined",
    "PaymentProvider",
    "PaymentProviderError",
    "PaymentRequest",
    "PayoutRequest",
    "ProviderAuthenticationError",
    "ProviderEvent",
    "ProviderObjectNotFound",
    "ProviderUnavailable",
    "Refund",
    "RefundRequest",
    "StripeProvider",
    "Subscription",
    "SubscriptionRequest",
    "Transfer",
    "WebhookDelivery",
    "WebhookVerificationError",
    "build_payment_provider",
    "sign_payload",
    "verify_webhook",
]
