"""The offline provider's determinism, and the adapter's injectable HTTP transport."""

from __future__ import annotations

import json

import httpx
import pytest
import stripe

from marketplace.billing import (
    AccountRequest,
    OfflineProvider,
    PaymentRequest,
    ProviderUnavailable,
    StripeProvider,
    WebhookDelivery,
)
from marketplace.billing.stripe_http import HttpxStripeClient
from marketplace.billing.stripe_provider import build_stripe_client

FIXED = 1_795_000_000.0


def _run(provider: OfflineProvider) -> list[str]:
    account = provider.create_connected_account(AccountRequest(
        partner_id="p1", country="KR", idempotency_key="acct-p1"))
    payment = provider.create_payment(PaymentRequest(
        amount=15_000, currency="KRW", destination_account=account.id, application_fee=4_500,
        idempotency_key="purchase-1"))
    return [account.id, payment.id, str(payment.latest_charge)]


def test_offline_is_deterministic_and_labelled() -> None:
    first = OfflineProvider(webhook_secret="whsec_a", clock=lambda: FIXED)
    second = OfflineProvider(webhook_secret="whsec_a", clock=lambda: FIXED)
    ids = _run(first)
    assert _run(second) == ids  # a restarted provider gives the same key the same id
    assert all(object_id.startswith("offline_") for object_id in ids)
    one, two = first.take_outbox(), second.take_outbox()
    assert [d.payload for d in one] == [d.payload for d in two]
    assert [d.signature_header for d in one] == [d.signature_header for d in two]
    event = json.loads(one[-1].payload)
    assert event["livemode"] is False and event["id"].startswith("offline_evt_")


def test_offline_hands_webhooks_to_the_callback_in_order() -> None:
    received: list[WebhookDelivery] = []
    provider = OfflineProvider(webhook_secret="whsec_a", on_webhook=received.append)
    _run(provider)
    assert provider.take_outbox() == []
    assert [d.event_type for d in received][-2:] == ["charge.succeeded",
                                                     "payment_intent.succeeded"]


def _provider(handler: httpx.MockTransport) -> StripeProvider:
    http = HttpxStripeClient(httpx.Client(transport=handler))
    client = build_stripe_client("sk_test_mock", http_client=http, max_network_retries=0)
    return StripeProvider(client, webhook_secret="whsec_x", livemode=False)


def test_the_transport_is_injectable_and_sends_stripes_form() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={
            "id": "pi_1", "object": "payment_intent", "amount": 700, "amount_received": 0,
            "currency": "jpy", "status": "requires_payment_method", "livemode": False,
            "created": 1_795_000_000, "metadata": {"purchase_id": "x"},
            "transfer_data": {"destination": "acct_1"}, "application_fee_amount": 210,
            "client_secret": "pi_1_secret_2", "latest_charge": None})

    payment = _provider(httpx.MockTransport(handler)).create_payment(PaymentRequest(
        amount=700, currency="JPY", destination_account="acct_1", application_fee=210,
        metadata={"purchase_id": "x"}, idempotency_key="purchase-x"))
    assert (payment.amount, payment.currency, payment.application_fee) == (700, "JPY", 210)
    request = seen[0]
    assert str(request.url) == "https://api.stripe.com/v1/payment_intents"
    assert request.headers["Authorization"] == "Bearer sk_test_mock"
    assert request.headers["Idempotency-Key"] == "purchase-x"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    body = request.content.decode()
    assert body.startswith("amount=700&currency=jpy&transfer_data[destination]=acct_1&")
    assert "metadata[purchase_id]=x" in body and "application_fee_amount=210" in body


@pytest.mark.parametrize("status", [429, 500, 503])
def test_server_trouble_is_unavailable(status: int) -> None:
    provider = _provider(httpx.MockTransport(lambda request: httpx.Response(
        status, json={"error": {"type": "api_error", "message": "try later"}})))
    with pytest.raises(ProviderUnavailable) as error:
        provider.get_payment("pi_1")
    assert error.value.status == status


def test_transport_failure_is_unavailable_not_a_crash() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow", request=request)

    with pytest.raises(ProviderUnavailable) as error:
        _provider(httpx.MockTransport(handler)).get_payment("pi_1")
    assert isinstance(error.value.__cause__, stripe.APIConnectionError)
