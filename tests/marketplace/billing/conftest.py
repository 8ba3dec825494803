"""Billing fixtures: the local Stripe test server in a uvicorn thread, both providers.

``provider_harness`` is parametrized over the offline provider and the Stripe adapter
(the official ``StripeClient`` pointed at the test server), so contract tests run the same
checks against both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from marketplace.billing import (
    AccountRequest,
    ConnectedAccount,
    OfflineProvider,
    PaymentProvider,
    StripeProvider,
    WebhookDelivery,
)
from marketplace.billing.simulator import StripeSimulator
from marketplace.billing.stripe_testserver import StripeTestServer

OFFLINE_SECRET = "whsec_offline_tests"


@dataclass
class RunningServer:
    server: StripeTestServer
    url: str
    received: list[WebhookDelivery] = field(default_factory=list)

    def take_received(self) -> list[WebhookDelivery]:
        taken = list(self.received)
        self.received.clear()
        return taken

    def provider(self, **kwargs: object) -> StripeProvider:
        return StripeProvider.from_keys(self.server.secret_key, self.server.webhook_secret,
                                        api_base=self.url, max_network_retries=0,
                                        **kwargs)  # type: ignore[arg-type]


def _start() -> Iterator[RunningServer]:
    server = StripeTestServer()
    with server.running() as url:
        running = RunningServer(server, url)
        server.add_webhook_callback(running.received.append)
        yield running


@pytest.fixture
def stripe_server() -> Iterator[RunningServer]:
    """A fresh test server (empty account) on a free 127.0.0.1 port."""
    yield from _start()


@pytest.fixture(scope="module")
def shared_stripe_server() -> Iterator[RunningServer]:
    """One server for a whole module (hypothesis runs many examples against it)."""
    yield from _start()


@pytest.fixture
def stripe_provider(stripe_server: RunningServer) -> Iterator[StripeProvider]:
    provider = stripe_server.provider()
    yield provider
    provider.close()


@pytest.fixture
def offline_provider() -> OfflineProvider:
    return OfflineProvider(webhook_secret=OFFLINE_SECRET)


@dataclass
class Harness:
    """One provider plus what a test needs to look behind it."""

    provider: PaymentProvider
    simulator: StripeSimulator
    take_webhooks: Callable[[], list[WebhookDelivery]]
    id_prefix: str

    def key(self, label: str = "k") -> str:
        return f"{label}-{uuid.uuid4()}"

    def account(self, partner_id: str = "partner-1") -> ConnectedAccount:
        return self.provider.create_connected_account(AccountRequest(
            partner_id=partner_id, country="KR", email="p@example.com",
            idempotency_key=self.key("acct")))


@pytest.fixture(params=["offline", "stripe"])
def provider_harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "offline":
        offline = OfflineProvider(webhook_secret=OFFLINE_SECRET)
        yield Harness(offline, offline.simulator, offline.take_outbox, "offline_")
        return
    for running in _start():
        provider = running.provider()
        yield Harness(provider, running.server.simulator, running.take_received, "")
        provider.close()
