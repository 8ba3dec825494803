"""Commerce: prices, purchases through the payment provider, licences, usage billing.

``install(app)`` gives the app its payment provider (``app.state.payments``, chosen by
``BillingSettings``; the offline test-mode provider's webhooks are applied in-process) and
the commerce routes. The index asks :func:`may_download` before serving a paid skill.
"""

from __future__ import annotations

from fastapi import FastAPI

from marketplace.billing import BillingSettings, PaymentProvider, build_payment_provider
from marketplace.billing.webhooks import WebhookDelivery
from marketplace.commerce.events import apply_webhook
from marketplace.commerce.service import KEY_USER, check_licence, is_paid, may_download
from marketplace.db import Database


def build_provider(db: Database, settings: BillingSettings | None = None) -> PaymentProvider:
    """The configured provider; offline webhooks go straight to ``apply_webhook``."""
    holder: list[PaymentProvider] = []

    def deliver(delivery: WebhookDelivery) -> None:
        apply_webhook(db, holder[0].parse_webhook(delivery.payload, delivery.signature_header))

    provider = build_payment_provider(settings or BillingSettings(), on_offline_webhook=deliver)
    holder.append(provider)
    return provider


def install(app: FastAPI, db: Database) -> None:
    from marketplace.commerce.routes import router

    app.state.payments = build_provider(db)
    app.include_router(router)


__all__ = ["KEY_USER", "build_provider", "check_licence", "install", "is_paid", "may_download"]
