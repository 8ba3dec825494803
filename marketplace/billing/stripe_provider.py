"""The Stripe adapter: the official ``stripe`` library's ``StripeClient``, one per provider.

Never the module-level globals (``stripe.api_key`` and friends): the client instance holds
the key, the API base and the HTTP client, so tests and several configurations can live
in one process. ``api_base`` points the client at the local test server
(``marketplace.billing.stripe_testserver``) in tests.

Payments are Connect destination charges: ``transfer_data[destination]`` is the partner's
connected account and ``application_fee_amount`` the platform's part. Amounts are sent as
the integers they are; Stripe's amounts are minor units already, so KRW and JPY (no minor
unit) need no conversion. Every create carries our idempotency key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

import stripe

from marketplace.billing import stripe_shapes as shapes
from marketplace.billing.errors import BillingConfigurationError, PaymentProviderError
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
from marketplace.billing.stripe_http import HttpxStripeClient
from marketplace.billing.webhooks import DEFAULT_TOLERANCE, verify_webhook

KEY_PREFIXES: Final = ("sk_test_", "sk_live_", "rk_test_", "rk_live_")


def build_stripe_client(secret_key: str, *, api_base: str | None = None,
                        http_client: stripe.HTTPClient | None = None,
                        max_network_retries: int = 2,
                        timeout: float = 30.0) -> stripe.StripeClient:
    """A ``StripeClient`` over httpx; ``api_base`` replaces ``https://api.stripe.com``.

    The client keeps its own key and addresses; ``stripe.api_key`` and the other module
    globals are never read or written.
    """
    if not secret_key.startswith(KEY_PREFIXES):
        raise BillingConfigurationError(
            "The Stripe secret key must start with sk_test_, sk_live_, rk_test_ or rk_live_.")
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base.rstrip("/")} if api_base else None,
        http_client=http_client or HttpxStripeClient(timeout=timeout),
        max_network_retries=max_network_retries,
    )


def _translate(error: stripe.StripeError) -> PaymentProviderError:
    if isinstance(error, stripe.APIConnectionError):
        return shapes.error_from_response(None, {"message": error.user_message or str(error)})
    body = error.json_body if isinstance(error.json_body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else None
    return shapes.error_from_response(error.http_status, inner or {"message": str(error)},
                                      error.request_id)


class StripeProvider:
    """A ``PaymentProvider`` backed by Stripe (or a Stripe-compatible server)."""

    def __init__(self, client: stripe.StripeClient, *, webhook_secret: str, livemode: bool,
                 tolerance: int = DEFAULT_TOLERANCE, clock: Callable[[], float] = time.time,
                 owned_http_client: HttpxStripeClient | None = None) -> None:
        if not webhook_secret:
            raise BillingConfigurationError("A Stripe webhook secret (whsec_...) is required.")
        self._client = client
        self._webhook_secret = webhook_secret
        self._livemode = livemode
        self._tolerance = tolerance
        self._clock = clock
        self._owned_http_client = owned_http_client

    @classmethod
    def from_keys(cls, secret_key: str, webhook_secret: str, *, api_base: str | None = None,
                  http_client: stripe.HTTPClient | None = None, max_network_retries: int = 2,
                  timeout: float = 30.0,
                  tolerance: int = DEFAULT_TOLERANCE) -> StripeProvider:
        """Build the ``StripeClient`` too; ``close()`` then closes the HTTP client we made."""
        owned = None if http_client is not None else HttpxStripeClient(timeout=timeout)
        client = build_stripe_client(secret_key, api_base=api_base,
                                     http_client=http_client or owned,
                                     max_network_retries=max_network_retries)
        return cls(client, webhook_secret=webhook_secret,
                   livemode=secret_key.startswith(("sk_live_", "rk_live_")),
                   tolerance=tolerance, owned_http_client=owned)

    @property
    def name(self) -> str:
        return "stripe"

    @property
    def livemode(self) -> bool:
        return self._livemode

    # -- PaymentProvider ----------------------------------------------------------------

    def create_connected_account(self, request: AccountRequest) -> ConnectedAccount:
        params: Any = shapes.account_params(request)
        account = self._do(lambda: self._client.v1.accounts.create(
            params, {"idempotency_key": request.idempotency_key}))
        return shapes.account_from(account)

    def create_payment(self, request: PaymentRequest) -> Payment:
        params: Any = shapes.payment_params(request)
        intent = self._do(lambda: self._client.v1.payment_intents.create(
            params, {"idempotency_key": request.idempotency_key}))
        return shapes.payment_from(intent)

    def get_payment(self, payment_id: str) -> Payment:
        return shapes.payment_from(self._do(
            lambda: self._client.v1.payment_intents.retrieve(payment_id)))

    def get_charge(self, charge_id: str) -> Charge:
        params: Any = {"expand": ["balance_transaction"]}
        return shapes.charge_from(self._do(
            lambda: self._client.v1.charges.retrieve(charge_id, params)))

    def create_refund(self, request: RefundRequest) -> Refund:
        params: Any = shapes.refund_params(request)
        refund = self._do(lambda: self._client.v1.refunds.create(
            params, {"idempotency_key": request.idempotency_key}))
        return shapes.refund_from(refund)

    def create_subscription(self, request: SubscriptionRequest) -> Subscription:
        key = request.idempotency_key
        customer: Any = shapes.customer_params(request)
        made = self._do(lambda: self._client.v1.customers.create(
            customer, {"idempotency_key": f"{key}-customer"}))
        product: Any = shapes.product_params(request)
        item = self._do(lambda: self._client.v1.products.create(
            product, {"idempotency_key": f"{key}-product"}))
        params: Any = shapes.subscription_params(request, str(made["id"]), str(item["id"]))
        return shapes.subscription_from(self._do(lambda: self._client.v1.subscriptions.create(
            params, {"idempotency_key": key})))

    def cancel_subscription(self, subscription_id: str) -> Subscription:
        return shapes.subscription_from(self._do(
            lambda: self._client.v1.subscriptions.cancel(subscription_id)))

    def create_payout(self, request: PayoutRequest) -> Transfer:
        params: Any = shapes.transfer_params(request)
        transfer = self._do(lambda: self._client.v1.transfers.create(
            params, {"idempotency_key": request.idempotency_key}))
        return shapes.transfer_from(transfer)

    def list_balance_transactions(
        self, *, limit: int = 100, starting_after: str | None = None,
        created_from: datetime | None = None, created_before: datetime | None = None,
    ) -> BalanceTransactionPage:
        params: Any = shapes.balance_transaction_params(limit, starting_after, created_from,
                                                        created_before)
        page = self._do(lambda: self._client.v1.balance_transactions.list(params))
        return shapes.balance_page_from(page)

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> ProviderEvent:
        return verify_webhook(payload, signature_header, self._webhook_secret,
                              tolerance=self._tolerance, now=self._clock)

    def close(self) -> None:
        if self._owned_http_client is not None:
            self._owned_http_client.close()

    # -- plumbing -----------------------------------------------------------------------

    @staticmethod
    def _do(call: Callable[[], stripe.StripeObject]) -> dict[str, Any]:
        """Run one library call; Stripe's errors become ours, objects plain dicts."""
        try:
            result = call()
        except stripe.StripeError as error:
            raise _translate(error) from error
        return result.to_dict()


__all__ = ["StripeProvider", "build_stripe_client"]
