"""A local Stripe-compatible test server: Stripe's wire format over ``StripeSimulator``.

The real Stripe API is not reachable from our machines, so tests point the official client
at this ASGI app (``StripeClient(..., base_addresses={"api": url})``). It speaks exactly what
the Stripe adapter uses:

- requests: ``application/x-www-form-urlencoded`` bodies and query strings with Stripe's
  bracket nesting (``metadata[k]=v``, ``transfer_data[destination]=acct_...``), the secret
  key as ``Authorization: Bearer sk_test_...`` (or HTTP Basic with the key as user name),
  ``Idempotency-Key`` on POSTs (same key and parameters replay the response with
  ``Idempotent-Replayed: true``; different parameters get Stripe's 400 idempotency error);
- responses: Stripe's JSON objects (``id``, ``object``, ``livemode``, ``created``, ...),
  lists with ``object: "list"``, ``data`` and ``has_more``, and Stripe's error body
  ``{"error": {"type", "code", "message", "param"}}`` with Stripe's status codes
  (400 invalid request or idempotency, 401 bad key, 402 declined, 404 unknown object/URL);
- webhooks: every event is signed the way Stripe signs (``Stripe-Signature:
  t=<unix>,v1=<hex HMAC-SHA256 of "t." + body under the endpoint secret>``) and POSTed to
  registered URLs or handed to callbacks. Tests can redeliver events, out of order, twice,
  or signed at another time or with another secret.

Run it by hand: ``python -m marketplace.billing.stripe_testserver --port 12111`` and set
``ROBEING_STRIPE_API_BASE=http://127.0.0.1:12111``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from marketplace.billing.simulator import (
    API_VERSION,
    ProcessingFee,
    StripeAPIError,
    StripeFee,
    StripeSimulator,
    no_fee,
)
from marketplace.billing.webhooks import (
    SIGNATURE_HEADER,
    WebhookDelivery,
    encode_event,
    sign_payload,
)
from marketplace.billing.wire import FormError, decode_form, decode_pairs

DEFAULT_SECRET_KEY: Final = "sk_test_robeing_local_server"
DEFAULT_WEBHOOK_SECRET: Final = "whsec_robeing_local_server"
WEBHOOK_USER_AGENT: Final = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
MAX_BODY_BYTES: Final = 256 * 1024

WebhookCallback = Callable[[WebhookDelivery], Any]
Order = Literal["as_given", "reversed"]


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """One delivery attempt: to ``target`` (a URL or ``"callback"``), and what came back."""

    delivery: WebhookDelivery
    target: str
    status_code: int | None
    error: str | None = None


def _masked(key: str) -> str:
    return f"{key[:8]}{'*' * 4}{key[-4:]}" if len(key) > 12 else "****"


class StripeTestServer:
    """The ASGI app (``.app``), its simulated Stripe account and its webhook sender."""

    def __init__(self, *, secret_key: str = DEFAULT_SECRET_KEY,
                 webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
                 clock: Callable[[], float] = time.time, auto_deliver: bool = True,
                 processing_fee: ProcessingFee = no_fee) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.clock = clock
        self.auto_deliver = auto_deliver
        self.simulator = StripeSimulator(salt=secrets.token_hex(4), clock=clock,
                                         processing_fee=processing_fee)
        self.attempts: list[WebhookAttempt] = []
        self.requests: list[tuple[str, str, str | None]] = []
        self._urls: list[str] = []
        self._callbacks: list[WebhookCallback] = []
        self._lock = threading.Lock()
        self.app = Starlette(routes=[
            Route("/v1/{path:path}", self._handle, methods=["GET", "POST", "DELETE"]),
        ])

    # -- HTTP ---------------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        request_id = f"req_{secrets.token_hex(7)}"
        headers = {"Request-Id": request_id,
                   "Stripe-Version": request.headers.get("Stripe-Version", API_VERSION)}
        try:
            self._authenticate(request.headers.get("Authorization"))
            params = await self._params(request)
        except StripeAPIError as error:
            if error.status == 401:
                headers["WWW-Authenticate"] = 'Basic realm="Stripe"'
            return JSONResponse(error.body(), error.status, headers=headers)
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        if key is not None and not 1 <= len(key) <= 255:
            too_long = StripeAPIError(400, "Idempotency-Key must be 1 to 255 characters.",
                                      type="idempotency_error")
            return JSONResponse(too_long.body(), 400, headers=headers)
        path = request.url.path
        self.requests.append((request.method, path, key))
        response = self.simulator.request(request.method, path, params,
                                          idempotency_key=key, scope=self.secret_key)
        if key is not None:
            headers["Idempotency-Key"] = key
        if response.replayed:
            headers["Idempotent-Replayed"] = "true"
        if self.auto_deliver and request.method != "GET":
            # A GET changes nothing, and a webhook handler may GET from us (a charge's fee)
            # while this server is still waiting for its answer to the delivery.
            await run_in_threadpool(self.deliver_pending)
        return JSONResponse(response.body, response.status, headers=headers)

    def _authenticate(self, header: str | None) -> None:
        scheme, _, credentials = (header or "").partition(" ")
        key: str | None = None
        if scheme.lower() == "bearer":
            key = credentials.strip()
        elif scheme.lower() == "basic":
            try:
                key = base64.b64decode(credentials, validate=True).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                key = ""
        if not key:
            raise StripeAPIError(
                401, "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').")
        if not secrets.compare_digest(key, self.secret_key):
            raise StripeAPIError(401, f"Invalid API Key provided: {_masked(key)}",
                                 code="api_key_invalid" if key.startswith("sk_") else None)

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        try:
            if request.method != "POST":
                return decode_pairs(parse_qsl(request.url.query, keep_blank_values=True))
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                raise StripeAPIError(413, "Request body too large.")
            content_type = request.headers.get("Content-Type", "")
            if body and not content_type.startswith("application/x-www-form-urlencoded"):
                raise StripeAPIError(400, f"Invalid request: unsupported Content-Type "
                                     f"{content_type}. Use application/x-www-form-urlencoded.")
            return decode_form(body.decode())
        except (FormError, UnicodeDecodeError) as error:
            raise StripeAPIError(400, f"Invalid request: {error}",
                                 param=getattr(error, "param", None)) from None

    # -- webhooks -----------------------------------------------------------------------

    def add_webhook_url(self, url: str) -> None:
        """POST every event to ``url`` (as Stripe does to a webhook endpoint)."""
        self._urls.append(url)

    def add_webhook_callback(self, callback: WebhookCallback) -> None:
        """Hand every signed event to ``callback`` in-process."""
        self._callbacks.append(callback)

    def sign(self, payload: bytes, *, timestamp: int | None = None,
             secret: str | None = None) -> str:
        """A ``Stripe-Signature`` header for ``payload`` (default: now, our secret)."""
        when = int(self.clock()) if timestamp is None else timestamp
        return sign_payload(payload, secret or self.webhook_secret, when)

    def delivery_for(self, event: dict[str, Any], *, timestamp: int | None = None,
                     secret: str | None = None) -> WebhookDelivery:
        payload = encode_event(event)
        return WebhookDelivery(str(event["id"]), str(event["type"]), payload,
                               self.sign(payload, timestamp=timestamp, secret=secret))

    def deliver_pending(self) -> list[WebhookDelivery]:
        """Deliver events recorded since the last delivery, in the order they happened."""
        with self._lock:
            return [self.send(self.delivery_for(event))
                    for event in self.simulator.take_events()]

    def redeliver(self, events: Iterable[dict[str, Any] | str], *, order: Order = "as_given",
                  times: int = 1, timestamp: int | None = None,
                  secret: str | None = None) -> list[WebhookDelivery]:
        """Send past events again: duplicates (``times``), out of order, re-signed."""
        chosen = [self.event(item) if isinstance(item, str) else item for item in events]
        if order == "reversed":
            chosen.reverse()
        sent = []
        for event in chosen:
            for _ in range(times):
                sent.append(self.send(self.delivery_for(event, timestamp=timestamp,
                                                        secret=secret)))
        return sent

    def send(self, delivery: WebhookDelivery) -> WebhookDelivery:
        """Send one prepared delivery to every URL and callback."""
        for url in self._urls:
            try:
                answer = httpx.post(url, content=delivery.payload, timeout=10.0, headers={
                    "Content-Type": "application/json; charset=utf-8",
                    SIGNATURE_HEADER: delivery.signature_header,
                    "User-Agent": WEBHOOK_USER_AGENT})
                self.attempts.append(WebhookAttempt(delivery, url, answer.status_code))
            except httpx.HTTPError as error:
                self.attempts.append(WebhookAttempt(delivery, url, None, repr(error)))
        for callback in self._callbacks:
            callback(delivery)
            self.attempts.append(WebhookAttempt(delivery, "callback", None))
        return delivery

    def event(self, event_id: str) -> dict[str, Any]:
        for event in self.simulator.events:
            if event["id"] == event_id:
                return event
        raise KeyError(event_id)

    def events_of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [event for event in self.simulator.events if event["type"] == event_type]

    # -- running ------------------------------------------------------------------------

    def running(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """Serve with uvicorn in a thread on a free port; the context gives the base URL."""
        return serve_in_thread(self.app, host, port)


@contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run any ASGI app with uvicorn in a daemon thread (port 0: a free one) until exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="asgi-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"the test server on {host}:{bound_port} did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def main(argv: list[str] | None = None) -> None:
    """``python -m marketplace.billing.stripe_testserver [--port N] [--webhook-url URL]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    parser.add_argument("--webhook-secret", default=DEFAULT_WEBHOOK_SECRET)
    parser.add_argument("--webhook-url", action="append", default=[])
    parser.add_argument("--stripe-fees", action="store_true",
                        help="charge Stripe's card processing fee (2.9 %% + 30 cents) on "
                        "each charge instead of nothing")
    args = parser.parse_args(argv)
    server = StripeTestServer(secret_key=args.secret_key, webhook_secret=args.webhook_secret,
                              processing_fee=StripeFee() if args.stripe_fees else no_fee)
    for url in args.webhook_url:
        server.add_webhook_url(url)
    print(json.dumps({"ROBEING_STRIPE_API_BASE": f"http://{args.host}:{args.port}",
                      "ROBEING_STRIPE_SECRET_KEY": args.secret_key,
                      "ROBEING_STRIPE_WEBHOOK_SECRET": args.webhook_secret}, indent=2))
    uvicorn.run(server.app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()


__all__ = [
    "DEFAULT_SECRET_KEY",
    "DEFAULT_WEBHOOK_SECRET",
    "StripeFee",
    "StripeTestServer",
    "WebhookAttempt",
    "main",
    "serve_in_thread",
]
