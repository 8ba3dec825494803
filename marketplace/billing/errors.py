"""Billing's one exception tree. Callers branch on the type, never on the message.

::

    BillingError                           base; never raised bare
    ├── BillingConfigurationError          Stripe settings incomplete or inconsistent
    ├── PaymentProviderError               the provider refused or failed a call
    │   ├── ProviderUnavailable            network error, 5xx, 429: retry with the same key
    │   ├── ProviderAuthenticationError    401/403: our API key is wrong or lacks permission
    │   ├── PaymentDeclined                402: the buyer's payment method was declined
    │   └── InvalidPaymentRequest          400: the provider rejected the parameters
    │       ├── IdempotencyKeyReused       same idempotency key, different parameters
    │       └── ProviderObjectNotFound     404: no such account, payment, ...
    └── WebhookVerificationError           missing/forged signature, tampered body, a
                                           timestamp outside ±300 s, or not an event

``PaymentProviderError`` carries what the provider said (``status``, ``code``, ``param``,
``request_id``); ``WebhookVerificationError`` carries a machine-readable ``reason``.
The marketplace turns these into HTTP responses in one place (webhooks: 400, nothing applied).
"""

from __future__ import annotations

from typing import Literal

WebhookFailure = Literal[
    "missing_signature", "bad_signature", "outside_window", "malformed_payload"
]


class BillingError(Exception):
    """Base class of every billing error."""


class BillingConfigurationError(BillingError):
    """The billing settings cannot build a payment provider."""


class PaymentProviderError(BillingError):
    """The payment provider refused or failed a call."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.param = param
        self.request_id = request_id


class ProviderUnavailable(PaymentProviderError):
    """Temporary: retrying with the same idempotency key is safe."""


class ProviderAuthenticationError(PaymentProviderError):
    """Our credentials are wrong or not allowed to do this."""


class PaymentDeclined(PaymentProviderError):
    """The buyer's payment method was declined (``code``: e.g. ``card_declined``)."""


class InvalidPaymentRequest(PaymentProviderError):
    """The provider rejected the request's parameters (``param`` names the field)."""


class IdempotencyKeyReused(InvalidPaymentRequest):
    """An idempotency key was reused with different parameters or on another endpoint."""


class ProviderObjectNotFound(InvalidPaymentRequest):
    """The object named in the request does not exist at the provider."""


class WebhookVerificationError(BillingError):
    """A webhook is not provably from the provider, or not recent; apply nothing."""

    def __init__(self, template: str, *, reason: WebhookFailure, **params: object) -> None:
        """``template`` is an ``N_``-marked sentence, ``params`` its values: the webhook
        endpoint says it in the request's language; ``str()`` is the English."""
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params
        self.reason: WebhookFailure = reason


__all__ = [
    "BillingConfigurationError",
    "BillingError",
    "IdempotencyKeyReused",
    "InvalidPaymentRequest",
    "PaymentDeclined",
    "PaymentProviderError",
    "ProviderAuthenticationError",
    "ProviderObjectNotFound",
    "ProviderUnavailable",
    "WebhookFailure",
    "WebhookVerificationError",
]
