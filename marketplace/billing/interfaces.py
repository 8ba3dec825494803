"""The payment provider contract the marketplace is written against.

Two implementations satisfy it, chosen by configuration (``build_payment_provider``):

- ``StripeProvider``: the official ``stripe`` library's ``StripeClient``, Stripe Connect
  destination charges (the partner's connected account receives the payment, the
  platform's part is the application fee).
- ``OfflineProvider``: the embedded default when no Stripe keys are configured; test mode
  only (``livemode`` is False, ids start with ``offline_``), no network.

Every method that creates something is idempotent: the same idempotency key with the same
request returns the same object; the same key with a different request raises
``IdempotencyKeyReused``. Errors are the ones in ``marketplace.billing.errors``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from marketplace.billing.models import (
    AccountRequest,
    BalanceTransactionPage,
    Charge,
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


@runtime_checkable
class PaymentProvider(Protocol):
    """What the marketplace needs from a payment provider."""

    @property
    def name(self) -> str:
        """``"stripe"`` or ``"offline"``; shown with ``livemode`` in the API and portal."""
        ...

    @property
    def livemode(self) -> bool:
        """True only for real money (a Stripe live key); the offline provider is never live."""
        ...

    def create_connected_account(self, request: AccountRequest) -> ConnectedAccount:
        """Create the account a partner is paid into; ``partner_id`` is kept in metadata."""
        ...

    def create_payment(self, request: PaymentRequest) -> Payment:
        """Create a buyer's payment to the partner's account with our application fee.

        A succeeded payment is announced by the ``payment_intent.succeeded`` webhook; the
        returned status is informative only (grant a licence on the webhook).
        Raises ``PaymentDeclined`` when a given payment method is declined.
        """
        ...

    def get_payment(self, payment_id: str) -> Payment:
        """The payment's current state (reconciliation and crash recovery)."""
        ...

    def get_charge(self, charge_id: str) -> Charge:
        """A payment's charge with its balance transaction's processing ``fee`` (what the
        ledger records as the provider's fee) and the application fee it kept."""
        ...

    def create_refund(self, request: RefundRequest) -> Refund:
        """Refund a succeeded payment in full or in part."""
        ...

    def create_subscription(self, request: SubscriptionRequest) -> Subscription:
        """A monthly subscription (customer, product and subscription, each created once).

        Its invoices are announced by ``invoice.paid`` / ``invoice.payment_failed`` and its
        state by ``customer.subscription.*`` webhooks.
        """
        ...

    def cancel_subscription(self, subscription_id: str) -> Subscription:
        """Cancel now (``customer.subscription.deleted`` follows); cancelling twice is fine."""
        ...

    def create_payout(self, request: PayoutRequest) -> Transfer:
        """Transfer a partner's period balance; the key comes from (partner, period)."""
        ...

    def list_balance_transactions(
        self,
        *,
        limit: int = 100,
        starting_after: str | None = None,
        created_from: datetime | None = None,
        created_before: datetime | None = None,
    ) -> BalanceTransactionPage:
        """One page (newest first, ``limit`` 1-100) of platform balance movements."""
        ...

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> ProviderEvent:
        """Verify a webhook's raw body and ``Stripe-Signature`` header, then parse it.

        Raises ``WebhookVerificationError`` for a missing or wrong signature, a body that
        does not match it, or a signed timestamp more than 300 s from now in either
        direction (Stripe's library alone accepts timestamps from the future).
        """
        ...

    def close(self) -> None:
        """Release connections (the app factory calls it at shutdown)."""
        ...


__all__ = ["PaymentProvider"]
