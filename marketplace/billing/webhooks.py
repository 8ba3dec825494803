"""Webhook signatures: Stripe's scheme, verified by Stripe's library plus our time window.

Stripe signs ``f"{t}.".encode() + raw_body`` with HMAC-SHA256 under the endpoint's secret
and sends ``Stripe-Signature: t=<unix time>,v1=<hex digest>``. ``sign_payload`` produces that
header (the offline provider and the local test server sign with it); ``verify_webhook``
checks it with ``stripe.WebhookSignature.verify_header`` and then applies our own window:
the library refuses timestamps older than its tolerance but accepts any timestamp from the
future, so a captured or pre-signed request could be replayed later. We refuse both sides
of ``now ± tolerance``. Everything works on the raw request body; never re-serialize JSON
before verifying.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import stripe
from pydantic import ValidationError

from marketplace.billing.errors import WebhookVerificationError
from marketplace.billing.models import ProviderEvent
from marketplace.messages import N_

DEFAULT_TOLERANCE: Final = 300
"""Seconds a signed timestamp may differ from our clock, either way."""

SIGNATURE_HEADER: Final = "Stripe-Signature"


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One signed webhook as it travels: the raw body and its ``Stripe-Signature``."""

    event_id: str
    event_type: str
    payload: bytes
    signature_header: str


WebhookSink = Callable[[WebhookDelivery], Any]


def sign_payload(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` value Stripe would send for ``payload`` at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def encode_event(event: dict[str, Any]) -> bytes:
    """An event's body as Stripe sends it (pretty-printed JSON, UTF-8)."""
    return json.dumps(event, indent=2, ensure_ascii=False).encode()


def make_delivery(event: dict[str, Any], secret: str, timestamp: int) -> WebhookDelivery:
    payload = encode_event(event)
    return WebhookDelivery(str(event["id"]), str(event["type"]), payload,
                           sign_payload(payload, secret, timestamp))


def _signed_timestamp(header: str) -> int:
    for item in header.split(","):
        key, _, value = item.partition("=")
        if key.strip() == "t":
            return int(value)
    raise ValueError("no timestamp")


def verify_webhook(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: Callable[[], float] = time.time,
) -> ProviderEvent:
    """Verify ``payload`` (the raw body) against its signature header and parse the event."""
    if not isinstance(payload, bytes | bytearray):
        raise TypeError("verify the raw request body (bytes), not a decoded or parsed form")
    if not signature_header:
        raise WebhookVerificationError(N_("The webhook has no Stripe-Signature header."),
                                       reason="missing_signature")
    try:
        stripe.WebhookSignature.verify_header(bytes(payload), signature_header, secret,
                                              tolerance)
    except stripe.SignatureVerificationError as error:
        raise WebhookVerificationError(
            N_("The webhook signature does not verify: {error}"),
            reason="outside_window" if "tolerance" in str(error) else "bad_signature",
            error=str(error.user_message or error)) from None
    except UnicodeDecodeError:
        raise WebhookVerificationError(N_("The webhook body is not UTF-8."),
                                       reason="malformed_payload") from None
    signed_at = _signed_timestamp(signature_header)  # verify_header parsed it already
    skew = now() - signed_at
    if abs(skew) > tolerance:
        raise WebhookVerificationError(
            N_("The webhook was signed {seconds} s in the past; at most {tolerance} s is "
               "accepted.") if skew > 0 else
            N_("The webhook was signed {seconds} s in the future; at most {tolerance} s is "
               "accepted."),
            reason="outside_window", seconds=f"{abs(skew):.0f}", tolerance=tolerance)
    return parse_event(bytes(payload))


def parse_event(payload: bytes) -> ProviderEvent:
    """Parse a verified event body (Stripe's v1 snapshot event shape)."""
    try:
        raw = json.loads(payload)
        if not isinstance(raw, dict) or raw.get("object") != "event":
            raise ValueError("not an event")
        data = raw.get("data") or {}
        return ProviderEvent.model_validate({
            **raw,
            "data_object": data.get("object"),
            "previous_attributes": data.get("previous_attributes"),
        })
    except (ValueError, AttributeError, ValidationError):
        raise WebhookVerificationError(N_("The webhook body is not a Stripe event."),
                                       reason="malformed_payload") from None


__all__ = [
    "DEFAULT_TOLERANCE",
    "SIGNATURE_HEADER",
    "WebhookDelivery",
    "WebhookSink",
    "encode_event",
    "make_delivery",
    "parse_event",
    "sign_payload",
    "verify_webhook",
]
