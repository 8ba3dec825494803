"""The embedded default payment provider: Stripe's behaviour, in-process, test mode only.

Chosen when no Stripe keys are configured, so the marketplace runs end to end on a fresh
machine. It is clearly not real money: ``livemode`` is False, ``name`` is ``"offline"`` and
every id starts with ``offline_``. It runs the same ``StripeSimulator`` as the local Stripe
test server, with the same parameters the Stripe adapter sends (through the form encoding
and back), so idempotency, validation errors and balance movements match the Stripe path.

Differences from Stripe, on purpose:

- Payments without a payment method are confirmed at once with the test card
  ``pm_card_visa`` (there is no browser step offline); ``pm_card_chargeDeclined`` declines.
- Webhooks are signed with the configured secret (Stripe's scheme) and handed to
  ``on_webhook`` or kept in ``outbox`` instead of being sent over HTTP;
  ``parse_webhook`` verifies them on the same code path as Stripe's.
- Processing fees follow a configurable schedule (:class:`~marketplace.billing.fees.
  FeeSchedule`; ``build_payment_provider`` passes the configured one, 2.9 % plus a fixed
  part per currency by default), so fees show in the ledger without Stripe.
- State lives in memory. Ids derive from idempotency keys, so after a restart the same key
  produces the same id again, never a different object under an old id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from marketplace.billing import stripe_shapes as shapes
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
from marketplace.billing.simulator import ProcessingFee, StripeSimulator, no_fee
from marketplace.billing.webhooks import (
    DEFAULT_TOLERANCE,
    WebhookDelivery,
    WebhookSink,
    make_delivery,
    verify_webhook,
)
from marketplace.billing.wire import decode_form, encode_form

OFFLINE_PREFIX: Final = "offline_"
OFFLINE_TEST_CARD: Final = "pm_card_visa"


class OfflineProvider:
    """A ``PaymentProvider`` that never leaves the process. Thread-safe."""

    def __init__(self, *, webhook_secret: str, on_webhook: WebhookSink | None = None,
                 clock: Callable[[], float] = time.time,
                 tolerance: int = DEFAULT_TOLERANCE,
                 processing_fee: ProcessingFee = no_fee) -> None:
        if not webhook_secret:
            raise ValueError("the offline provider signs its webhooks; give it a secret")
        self._secret = webhook_secret
        self._on_webhook = on_webhook
        self._clock = clock
        self._tolerance = tolerance
        self._sim = StripeSimulator(id_prefix=OFFLINE_PREFIX, clock=clock,
                                    processing_fee=processing_fee)
        self._outbox: list[WebhookDelivery] = []
        self._outbox_lock = threading.Lock()

    @property
    def name(self) -> str:
        return "offline"

    @property
    def livemode(self) -> bool:
        return False

    @property
    def simulator(self) -> StripeSimulator:
        """The state behind this provider (tests inspect balances and events through it)."""
        return self._sim

    # -- PaymentProvider ----------------------------------------------------------------

    def create_connected_account(self, request: AccountRequest) -> ConnectedAccount:
        return shapes.account_from(self._call("POST", "/v1/accounts",
                                              shapes.account_params(request),
                                              request.idempotency_key))

    def create_payment(self, request: PaymentRequest) -> Payment:
        params = shapes.payment_params(
            request if request.payment_method is not None
            else request.model_copy(update={"payment_method": OFFLINE_TEST_CARD}))
        return shapes.payment_from(self._call("POST", "/v1/payment_intents", params,
                                              request.idempotency_key))

    def get_payment(self, payment_id: str) -> Payment:
        return shapes.payment_from(self._call("GET", f"/v1/payment_intents/{payment_id}", {}))

    def get_charge(self, charge_id: str) -> Charge:
        return shapes.charge_from(self._call("GET", f"/v1/charges/{charge_id}",
                                             {"expand": ["balance_transaction"]}))

    def create_refund(self, request: RefundRequest) -> Refund:
        return shapes.refund_from(self._call("POST", "/v1/refunds",
                                             shapes.refund_params(request),
                                             request.idempotency_key))

    def create_subscription(self, request: SubscriptionRequest) -> Subscription:
        key = request.idempotency_key
        customer = self._call("POST", "/v1/customers", shapes.customer_params(request),
                              f"{key}-customer")
        product = self._call("POST", "/v1/products", shapes.product_params(request),
                             f"{key}-product")
        return shapes.subscription_from(self._call(
            "POST", "/v1/subscriptions",
            shapes.subscription_params(request, str(customer["id"]), str(product["id"])), key))

    def cancel_subscription(self, subscription_id: str) -> Subscription:
        return shapes.subscription_from(self._call(
            "DELETE", f"/v1/subscriptions/{subscription_id}", {}))

    def create_payout(self, request: PayoutRequest) -> Transfer:
        return shapes.transfer_from(self._call("POST", "/v1/transfers",
                                               shapes.transfer_params(request),
                                               request.idempotency_key))

    def list_balance_transactions(
        self, *, limit: int = 100, starting_after: str | None = None,
        created_from: datetime | None = None, created_before: datetime | None = None,
    ) -> BalanceTransactionPage:
        params = shapes.balance_transaction_params(limit, starting_after, created_from,
                                                   created_before)
        return shapes.balance_page_from(self._call("GET", "/v1/balance_transactions", params))

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> ProviderEvent:
        return verify_webhook(payload, signature_header, self._secret,
                              tolerance=self._tolerance, now=self._clock)

    def close(self) -> None:
        """Nothing to release; state stays in memory."""

    # -- webhooks -----------------------------------------------------------------------

    def take_outbox(self) -> list[WebhookDelivery]:
        """Signed webhooks not handed to ``on_webhook``, oldest first; empties the outbox."""
        with self._outbox_lock:
            taken, self._outbox = self._outbox, []
            return taken

    def deliver_pending(self) -> None:
        """Hand over events the simulator recorded outside a call (a test's
        ``simulator.renew_subscription``), as the next call would."""
        self._deliver_events()

    def _deliver_events(self) -> None:
        for event in self._sim.take_events():
            delivery = make_delivery(event, self._secret, int(self._clock()))
            if self._on_webhook is not None:
                self._on_webhook(delivery)
            else:
                with self._outbox_lock:
                    self._outbox.append(delivery)

    # -- plumbing -----------------------------------------------------------------------

    def _call(self, method: str, path: str, params: dict[str, Any],
              idempotency_key: str | None = None) -> dict[str, Any]:
        wire_params = decode_form(encode_form(params))  # exactly what Stripe would receive
        response = self._sim.request(method, path, wire_params,
                                     idempotency_key=idempotency_key)
        self._deliver_events()
        if response.status != 200:
            raise shapes.error_from_response(response.status, response.body.get("error"))
        return response.body


__all__ = ["OFFLINE_PREFIX", "OFFLINE_TEST_CARD", "OfflineProvider"]
