"""The Stripe adapter end to end, and the test server's Stripe wire format.

The adapter's calls go through the official ``StripeClient`` over real HTTP to the test
server in a uvicorn thread; the raw-HTTP tests pin the server's side of the format
(form bodies, auth, idempotency headers, error and list shapes, status codes).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
import stripe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from marketplace.billing import (
    AccountRequest,
    PaymentRequest,
    ProviderAuthenticationError,
    ProviderEvent,
    ProviderUnavailable,
    RefundRequest,
    StripeProvider,
    WebhookVerificationError,
)
from marketplace.billing.stripe_testserver import serve_in_thread

from .conftest import RunningServer


@pytest.fixture
def api(stripe_server: RunningServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {stripe_server.server.secret_key}"}
    with httpx.Client(base_url=stripe_server.url, headers=headers) as client:
        yield client


def _post(api: httpx.Client, path: str, body: str, key: str | None = None,
          **headers: str) -> httpx.Response:
    sent = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    if key is not None:
        sent["Idempotency-Key"] = key
    return api.post(path, content=body.encode(), headers=sent)


def _account(api: httpx.Client) -> str:
    answer = _post(api, "/v1/accounts", "type=express&country=KR&metadata[partner_id]=p1")
    assert answer.status_code == 200
    return str(answer.json()["id"])


# -- the adapter through StripeClient ------------------------------------------------------


def test_adapter_end_to_end(stripe_server: RunningServer,
                            stripe_provider: StripeProvider) -> None:
    account = stripe_provider.create_connected_account(AccountRequest(
        partner_id="p-1", country="JP", idempotency_key="acct-p-1"))
    request = PaymentRequest(amount=1200, currency="JPY", destination_account=account.id,
                             application_fee=360, metadata={"purchase_id": "u-1"},
                             payment_method="pm_card_visa", idempotency_key="purchase-u-1")
    payment = stripe_provider.create_payment(request)
    assert stripe_provider.create_payment(request) == payment
    refund = stripe_provider.create_refund(RefundRequest(payment_id=payment.id, amount=200,
                                                         idempotency_key="refund-u-1-1"))
    assert refund.amount == 200
    sent = stripe_server.server.requests
    assert ("POST", "/v1/payment_intents", "purchase-u-1") in sent
    assert sent.count(("POST", "/v1/payment_intents", "purchase-u-1")) == 2
    assert ("POST", "/v1/refunds", "refund-u-1-1") in sent
    stored = stripe_server.server.simulator.objects[payment.id]
    assert stored["amount"] == 1200 and stored["currency"] == "jpy"
    assert stored["transfer_data"] == {"destination": account.id}
    assert stored["application_fee_amount"] == 360


def test_adapter_never_touches_stripe_globals(stripe_provider: StripeProvider) -> None:
    before = (stripe.api_key, stripe.api_base, stripe.default_http_client)
    stripe_provider.create_connected_account(AccountRequest(
        partner_id="p-1", country="KR", idempotency_key="acct-globals"))
    assert (stripe.api_key, stripe.api_base, stripe.default_http_client) == before
    assert stripe.api_key is None


def test_wrong_key_is_an_authentication_error(stripe_server: RunningServer) -> None:
    provider = StripeProvider.from_keys("sk_test_wrong_key_123456", "whsec_x",
                                        api_base=stripe_server.url, max_network_retries=0)
    with pytest.raises(ProviderAuthenticationError) as error:
        provider.create_connected_account(AccountRequest(partner_id="p", country="KR",
                                                         idempotency_key="acct-auth"))
    provider.close()
    assert error.value.status == 401
    assert "sk_test_wrong_key_123456" not in str(error.value)  # the key is masked


def test_unreachable_stripe_is_unavailable() -> None:
    with serve_in_thread(Starlette()) as url:
        pass  # the port is free again: nothing listens there now
    provider = StripeProvider.from_keys("sk_test_nobody", "whsec_x", api_base=url,
                                        max_network_retries=0, timeout=2)
    with pytest.raises(ProviderUnavailable):
        provider.get_payment("pi_123")
    provider.close()


def test_webhooks_are_posted_to_a_url_and_verify(stripe_server: RunningServer,
                                                 stripe_provider: StripeProvider) -> None:
    accepted: list[ProviderEvent] = []
    refused: list[str] = []

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        try:
            accepted.append(stripe_provider.parse_webhook(
                body, request.headers.get("Stripe-Signature")))
        except WebhookVerificationError as error:
            refused.append(error.reason)
            return Response(status_code=400)
        return Response(status_code=200)

    receiver = Starlette(routes=[Route("/hooks/stripe", endpoint, methods=["POST"])])
    with serve_in_thread(receiver) as url:
        stripe_server.server.add_webhook_url(f"{url}/hooks/stripe")
        account = stripe_provider.create_connected_account(AccountRequest(
            partner_id="p-1", country="KR", idempotency_key="acct-hook"))
        stripe_provider.create_payment(PaymentRequest(
            amount=5000, currency="KRW", destination_account=account.id, application_fee=0,
            payment_method="pm_card_visa", idempotency_key="pay-hook"))
        event = stripe_server.server.events_of_type("payment_intent.succeeded")[0]
        stripe_server.server.redeliver([event], secret="whsec_forged")
    assert "payment_intent.succeeded" in [event.type for event in accepted]
    assert refused == ["bad_signature"]
    url_attempts = [a for a in stripe_server.server.attempts if a.target != "callback"]
    assert [a.status_code for a in url_attempts].count(200) == len(accepted)
    assert url_attempts[-1].status_code == 400


# -- the wire format, raw ---------------------------------------------------------------


def test_form_body_with_nested_params(api: httpx.Client) -> None:
    account = _account(api)
    answer = _post(api, "/v1/payment_intents",
                   f"amount=1000&currency=usd&transfer_data[destination]={account}"
                   "&application_fee_amount=300&metadata[purchase_id]=x%26y"
                   "&metadata[note]=caf%C3%A9", key="raw-1")
    assert answer.status_code == 200
    body = answer.json()
    assert body["object"] == "payment_intent" and body["id"].startswith("pi_")
    assert body["livemode"] is False and isinstance(body["created"], int)
    assert body["metadata"] == {"purchase_id": "x&y", "note": "café"}
    assert body["transfer_data"] == {"destination": account}
    assert body["status"] == "requires_payment_method" and body["client_secret"]
    assert answer.headers["Request-Id"].startswith("req_")


def test_idempotency_header_semantics(api: httpx.Client) -> None:
    account = _account(api)
    body = f"amount=1000&currency=krw&transfer_data[destination]={account}"
    first = _post(api, "/v1/payment_intents", body, key="idem-1")
    again = _post(api, "/v1/payment_intents", body, key="idem-1")
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = _post(api, "/v1/payment_intents", body.replace("1000", "1001"), key="idem-1")
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"
    elsewhere = _post(api, "/v1/transfers", f"amount=1&currency=krw&destination={account}",
                      key="idem-1")
    assert elsewhere.status_code == 400
    assert "same endpoint" in elsewhere.json()["error"]["message"]


def test_error_shape_and_status_codes(api: httpx.Client, stripe_server: RunningServer
                                      ) -> None:
    unknown = _post(api, "/v1/payment_intents", "amount=1&currency=usd&bogus=1")
    assert unknown.status_code == 400
    assert unknown.json() == {"error": {"type": "invalid_request_error",
                                        "code": "parameter_unknown",
                                        "message": "Received unknown parameter: bogus",
                                        "param": "bogus"}}
    missing = _post(api, "/v1/payment_intents", "currency=usd")
    assert (missing.status_code, missing.json()["error"]["param"]) == (400, "amount")
    bad_int = _post(api, "/v1/payment_intents", "amount=12.5&currency=usd")
    assert bad_int.json()["error"]["code"] == "parameter_invalid_integer"
    currency = _post(api, "/v1/payment_intents", "amount=100&currency=xyz")
    assert currency.json()["error"]["param"] == "currency"
    not_found = api.get("/v1/payment_intents/pi_nothing")
    assert not_found.status_code == 404
    assert not_found.json()["error"]["code"] == "resource_missing"
    assert api.get("/v1/nowhere").status_code == 404
    as_json = api.post("/v1/accounts", json={"country": "KR"})
    assert as_json.status_code == 400
    with httpx.Client(base_url=stripe_server.url) as anonymous:
        no_key = anonymous.post("/v1/accounts")
        assert no_key.status_code == 401
        assert no_key.json()["error"]["type"] == "invalid_request_error"
        assert "WWW-Authenticate" in no_key.headers
        wrong = anonymous.get("/v1/balance_transactions",
                              headers={"Authorization": "Bearer sk_test_not_this_one"})
        assert wrong.status_code == 401 and "Invalid API Key" in wrong.json()["error"]["message"]


def test_basic_auth_with_the_key_as_user(api: httpx.Client, stripe_server: RunningServer
                                         ) -> None:
    token = base64.b64encode(f"{stripe_server.server.secret_key}:".encode()).decode()
    with httpx.Client(base_url=stripe_server.url) as client:
        answer = client.get("/v1/balance_transactions",
                            headers={"Authorization": f"Basic {token}"})
    assert answer.status_code == 200


def test_list_shape(api: httpx.Client) -> None:
    answer = api.get("/v1/balance_transactions", params={"limit": "1"})
    assert answer.json() == {"object": "list", "url": "/v1/balance_transactions",
                             "has_more": False, "data": []}
    too_many = api.get("/v1/balance_transactions", params={"limit": "101"})
    assert too_many.status_code == 400 and too_many.json()["error"]["param"] == "limit"
    cursor = api.get("/v1/balance_transactions", params={"starting_after": "txn_nope"})
    assert cursor.status_code == 400


def test_declined_card_is_402_with_the_intent(api: httpx.Client) -> None:
    account = _account(api)
    answer = _post(api, "/v1/payment_intents",
                   f"amount=500&currency=eur&transfer_data[destination]={account}"
                   "&payment_method=pm_card_chargeDeclined&confirm=true", key="decl-1")
    assert answer.status_code == 402
    error = answer.json()["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline")
    assert error["payment_intent"]["status"] == "requires_payment_method"
