"""Webhook verification: Stripe's library checks the signature, we add the ±300 s window.

The trap (RELIABILITY.md): stripe-python refuses webhooks that are too old but accepts any
timestamp from the future. ``test_stripe_alone_accepts_the_future`` pins that behaviour so
we notice if the library changes; our window refuses it.
"""

from __future__ import annotations

import json
import time

import pytest
import stripe

from marketplace.billing import (
    AccountRequest,
    OfflineProvider,
    PaymentRequest,
    StripeProvider,
    WebhookVerificationError,
    sign_payload,
    verify_webhook,
)
from marketplace.billing.stripe_testserver import StripeTestServer

from .conftest import RunningServer

SECRET = "whsec_webhook_tests"


def _event(event_id: str = "evt_1", type_: str = "payment_intent.succeeded") -> bytes:
    body = {"id": event_id, "object": "event", "api_version": stripe.api_version,
            "created": int(time.time()), "livemode": False, "type": type_,
            "data": {"object": {"id": "pi_1", "object": "payment_intent", "amount": 1000,
                                "currency": "krw"}}}
    return json.dumps(body, indent=2).encode()


def _verify(payload: bytes, header: str | None) -> None:
    verify_webhook(payload, header, SECRET)


def test_a_valid_webhook_is_accepted() -> None:
    payload = _event()
    event = verify_webhook(payload, sign_payload(payload, SECRET, int(time.time())), SECRET)
    assert (event.id, event.type, event.object_id) == ("evt_1", "payment_intent.succeeded",
                                                       "pi_1")
    assert event.data_object["amount"] == 1000


def test_our_signature_is_stripes_signature() -> None:
    payload, now = _event(), int(time.time())
    assert sign_payload(payload, SECRET, now) == \
        stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET, now)


@pytest.mark.parametrize("header", [None, ""])
def test_no_signature_is_refused(header: str | None) -> None:
    with pytest.raises(WebhookVerificationError) as error:
        _verify(_event(), header)
    assert error.value.reason == "missing_signature"


def test_forged_signature_is_refused() -> None:
    payload = _event()
    with pytest.raises(WebhookVerificationError) as error:
        _verify(payload, sign_payload(payload, "whsec_someone_else", int(time.time())))
    assert error.value.reason == "bad_signature"


@pytest.mark.parametrize("header", ["t=abc,v1=00", "garbage", "t=123", "v1=abcd"])
def test_malformed_signature_header_is_refused(header: str) -> None:
    with pytest.raises(WebhookVerificationError) as error:
        _verify(_event(), header)
    assert error.value.reason == "bad_signature"


def test_tampered_body_is_refused() -> None:
    payload = _event()
    header = sign_payload(payload, SECRET, int(time.time()))
    tampered = payload.replace(b'"amount": 1000', b'"amount": 1')
    assert tampered != payload
    with pytest.raises(WebhookVerificationError):
        _verify(tampered, header)


def test_reserialized_body_is_refused() -> None:
    """Verification is on the raw body: the same JSON re-serialized is not what was signed."""
    payload = _event()
    header = sign_payload(payload, SECRET, int(time.time()))
    with pytest.raises(WebhookVerificationError):
        _verify(json.dumps(json.loads(payload)).encode(), header)


def test_too_old_is_refused() -> None:
    payload = _event()
    with pytest.raises(WebhookVerificationError) as error:
        _verify(payload, sign_payload(payload, SECRET, int(time.time()) - 301))
    assert error.value.reason == "outside_window"


def test_stripe_alone_accepts_the_future() -> None:
    payload = _event()
    header = sign_payload(payload, SECRET, int(time.time()) + 3600)
    assert stripe.WebhookSignature.verify_header(payload, header, SECRET, 300) is True


def test_an_hour_in_the_future_is_refused() -> None:
    payload = _event()
    with pytest.raises(WebhookVerificationError) as error:
        _verify(payload, sign_payload(payload, SECRET, int(time.time()) + 3600))
    assert error.value.reason == "outside_window"
    assert "future" in str(error.value)


@pytest.mark.parametrize("skew", [-290, 0, 290])
def test_inside_the_window_is_accepted(skew: int) -> None:
    payload = _event()
    _verify(payload, sign_payload(payload, SECRET, int(time.time()) + skew))


def test_window_uses_the_injected_clock() -> None:
    payload, signed_at = _event(), int(time.time())
    header = sign_payload(payload, SECRET, signed_at)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(payload, header, SECRET, now=lambda: signed_at - 400)


def test_rotated_secrets_any_matching_v1_is_enough() -> None:
    payload, now = _event(), int(time.time())
    old = sign_payload(payload, "whsec_old", now).split(",")[1]
    _verify(payload, f"{sign_payload(payload, SECRET, now)},{old}")


def test_signed_garbage_is_not_an_event() -> None:
    for body in (b"[1, 2]", b'{"object": "charge"}', b"not json", "é".encode("latin-1")):
        with pytest.raises(WebhookVerificationError) as error:
            _verify(body, sign_payload(body, SECRET, int(time.time())))
        assert error.value.reason in ("malformed_payload", "bad_signature")


def test_decoded_text_is_refused_as_a_programming_error() -> None:
    payload = _event()
    with pytest.raises(TypeError):
        verify_webhook(payload.decode(), sign_payload(payload, SECRET, 0), SECRET)  # type: ignore[arg-type]


def test_offline_provider_verifies_its_own_webhooks_on_the_same_path() -> None:
    provider = OfflineProvider(webhook_secret=SECRET)
    other = OfflineProvider(webhook_secret="whsec_other")
    account = provider.create_connected_account(
        AccountRequest(
            partner_id="p1", country="JP", idempotency_key="a1"))
    provider.create_payment(PaymentRequest(amount=500, currency="JPY",
                                           destination_account=account.id, application_fee=150,
                                           idempotency_key="p1"))
    deliveries = provider.take_outbox()
    assert provider.take_outbox() == []
    for delivery in deliveries:
        assert provider.parse_webhook(delivery.payload, delivery.signature_header).id == \
            delivery.event_id
        with pytest.raises(WebhookVerificationError):
            other.parse_webhook(delivery.payload, delivery.signature_header)


def test_test_server_redelivers_duplicates_and_out_of_order(
        stripe_server: RunningServer, stripe_provider: StripeProvider) -> None:
    server: StripeTestServer = stripe_server.server
    account = stripe_provider.create_connected_account(
        AccountRequest(
            partner_id="p1", country="KR", idempotency_key="acct-dup"))
    stripe_provider.create_payment(PaymentRequest(
        amount=1000, currency="KRW", destination_account=account.id, application_fee=300,
        payment_method="pm_card_visa", idempotency_key="pay-dup"))
    in_order = [d.event_type for d in stripe_server.received]
    assert in_order.index("charge.succeeded") < in_order.index("payment_intent.succeeded")
    stripe_server.received.clear()
    wanted = [server.events_of_type(t)[0]["id"]
              for t in ("payment_intent.created", "payment_intent.succeeded")]
    server.redeliver(wanted, order="reversed", times=2)
    again = stripe_server.received
    assert [d.event_id for d in again] == [wanted[1], wanted[1], wanted[0], wanted[0]]
    assert again[0].payload == again[1].payload  # a duplicate is byte-for-byte the same event
    events = [stripe_provider.parse_webhook(d.payload, d.signature_header) for d in again]
    assert [e.type for e in events] == ["payment_intent.succeeded"] * 2 + \
        ["payment_intent.created"] * 2


def test_test_server_can_send_stale_or_foreign_signatures(
        stripe_server: RunningServer, stripe_provider: StripeProvider) -> None:
    server = stripe_server.server
    stripe_provider.create_connected_account(
        AccountRequest(
            partner_id="p1", country="KR", idempotency_key="acct-stale"))
    event = server.simulator.events[-1]
    stale = server.redeliver([event], timestamp=int(time.time()) - 3600)[0]
    future = server.redeliver([event], timestamp=int(time.time()) + 3600)[0]
    foreign = server.redeliver([event], secret="whsec_attacker")[0]
    for delivery in (stale, future, foreign):
        with pytest.raises(WebhookVerificationError):
            stripe_provider.parse_webhook(delivery.payload, delivery.signature_header)
