"""Wiring commerce into the app: its payment provider and its routes."""

from __future__ import annotations

from fastapi import FastAPI

from marketplace.billing import BillingSettings, PaymentProvider, build_payment_provider
from marketplace.billing.webhooks import WebhookDelivery
from marketplace.commerce.events import apply_webhook
from marketplace.db import Database


def build_provider(db: Database, settings: BillingSettings | None = None) -> PaymentProvider:
    """The configured provider; the offline provider's signed webhooks go straight to
    ``apply_webhook`` (verified on the same path as Stripe's)."""
    holder: list[PaymentProvider] = []

    def deliver(delivery: WebhookDelivery) -> None:
        provider = holder[0]
        apply_webhook(db, provider.parse_webhook(delivery.payload, delivery.signature_header),
                      provider)

    provider = build_payment_provider(settings or BillingSettings(), on_offline_webhook=deliver)
    holder.append(provider)
    return provider


def install(app: FastAPI, db: Database) -> None:
    """``app.state.payments`` (tests may replace it) and the commerce routes."""
    from marketplace.commerce.routes import router

    app.state.payments = build_provider(db)
    app.include_router(router)
