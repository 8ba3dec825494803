"""An in-memory model of the slice of Stripe's v1 API the marketplace uses.

Both test-mode providers run on it: the local test server (``stripe_testserver``) puts it
behind Stripe's HTTP wire format, the ``OfflineProvider`` calls it in-process. It speaks in
Stripe's terms: parameters as decoded from a form body (string leaves), responses as
Stripe's JSON objects, errors as Stripe's error objects with their HTTP status.

Modelled (Stripe Connect destination charges, test mode only):

- ``POST /v1/accounts``: connected accounts (onboarding is instant here).
- ``POST /v1/payment_intents``, ``GET /v1/payment_intents/{id}``: a confirmed payment
  (``confirm=true`` with ``pm_card_visa``) succeeds: a charge, a transfer of the full amount
  to ``transfer_data[destination]`` and the application fee back to the platform.
  ``pm_card_chargeDeclined`` is declined (402, ``card_declined``).
- ``GET /v1/charges/{id}`` (``expand[]=balance_transaction`` gives the processing fee);
  each charge's balance transaction carries ``processing_fee(amount, currency)`` as its
  ``fee`` (``no_fee`` by default, :class:`StripeFee` for Stripe's card pricing).
- ``POST /v1/refunds``: full, partial and repeated; ``reverse_transfer`` pulls the refunded
  amount back from the partner, ``refund_application_fee`` returns our fee in proportion
  (cumulative floor: the fee refunded so far is ``fee * refunded // amount``, so a full
  refund returns the whole fee).
- ``POST /v1/transfers``: from the platform's balance, refused if it is insufficient.
- ``GET /v1/balance_transactions``: newest first, ``limit``/``starting_after``/``created``.
- ``POST /v1/customers``, ``POST /v1/products``, ``POST /v1/subscriptions`` (monthly, one
  ``items[0][price_data]`` item, paid at once with ``default_payment_method``, Connect's
  ``transfer_data[destination]`` and ``application_fee_percent``), ``DELETE
  /v1/subscriptions/{id}`` (cancel now); ``renew_subscription`` bills the next period
  (a declining card makes it ``past_due``).

Idempotency follows Stripe: a POST's key remembers the first request's parameters and
response (successes and declines; validation errors are not remembered); the same key and
parameters replay the response, different parameters or another endpoint get a 400
``idempotency_error``. Every state change records a v1 snapshot event for webhooks.
Ids are derived from the idempotency key (and a per-instance salt), so with the same keys
and salt the same objects get the same ids.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import stripe

from marketplace.billing.money import MAX_AMOUNT, active_currencies
from marketplace.billing.wire import encode_pairs

API_VERSION: Final[str] = stripe.api_version
Params = Mapping[str, Any]
StripeObject = dict[str, Any]

SUCCEEDING_METHODS: Final = frozenset({"pm_card_visa", "pm_card_mastercard", "pm_card_amex",
                                       "pm_card_jcb"})
DECLINING_METHODS: Final = {
    "pm_card_chargeDeclined": "generic_decline",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
}


ProcessingFee = Callable[[int, str], int]
"""Stripe's processing fee for a charge of ``amount`` minor units of ``currency`` (lower case)."""


def no_fee(amount: int, currency: str) -> int:
    """The default: charges cost nothing to process (so balances are easy to follow)."""
    return 0


@dataclass(frozen=True, slots=True)
class StripeFee:
    """Stripe's card pricing: ``percent_bps`` of the amount (basis points, rounded half up
    to a minor unit) plus a fixed part per currency (US cards: 2.9 % + 30 cents), never more
    than the charge. Taken from the platform's balance with the charge, never returned on a
    refund."""

    percent_bps: int = 290
    fixed: Mapping[str, int] = field(default_factory=lambda: {
        "usd": 30, "eur": 25, "gbp": 20, "cad": 30, "aud": 30})

    def __call__(self, amount: int, currency: str) -> int:
        fee = (amount * self.percent_bps + 5_000) // 10_000 + self.fixed.get(currency.lower(), 0)
        return min(fee, amount)


def _month_later(timestamp: int) -> int:
    """The same day and time a month later (clamped to the month's end), as Stripe bills."""
    import calendar
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(timestamp, UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


class StripeAPIError(Exception):
    """An error response in Stripe's shape: ``{"error": {type, code, message, param}}``."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.type, "code": self.code, "message": self.message,
                          "param": self.param, **self.extra}}


@dataclass(frozen=True, slots=True)
class SimulatedResponse:
    status: int
    body: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class _Remembered:
    endpoint: str
    params: tuple[tuple[str, str], ...]
    response: SimulatedResponse


def _missing(kind: str, value: str, param: str | None, status: int = 400) -> StripeAPIError:
    return StripeAPIError(status, f"No such {kind}: '{value}'", code="resource_missing",
                          param=param)


def _check_known(params: Params, allowed: frozenset[str]) -> None:
    for key in params:
        if key not in allowed:
            raise StripeAPIError(400, f"Received unknown parameter: {key}",
                                 code="parameter_unknown", param=key)


def _str(params: Params, name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise StripeAPIError(400, f"Missing required param: {name}.",
                                 code="parameter_missing", param=name)
        return None
    if not isinstance(value, str):
        raise StripeAPIError(400, f"Invalid string: {value!r}", code="parameter_invalid_string",
                             param=name)
    return value


def _int(params: Params, name: str, *, required: bool = False, minimum: int = 0,
         maximum: int = MAX_AMOUNT) -> int | None:
    raw = _str(params, name, required=required)
    if raw is None:
        return None
    if not re.fullmatch(r"-?\d{1,18}", raw):
        raise StripeAPIError(400, f"Invalid integer: {raw}", code="parameter_invalid_integer",
                             param=name)
    value = int(raw)
    if value < minimum:
        raise StripeAPIError(400, f"This value must be greater than or equal to {minimum}.",
                             code="parameter_invalid_integer", param=name)
    if value > maximum:
        raise StripeAPIError(400, f"This value must be less than or equal to {maximum}.",
                             code="amount_too_large" if name == "amount"
                             else "parameter_invalid_integer", param=name)
    return value


def _bool(params: Params, name: str, default: bool) -> bool:
    raw = _str(params, name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise StripeAPIError(400, f"Invalid boolean: {raw}", code="parameter_invalid_boolean",
                             param=name)
    return raw == "true"


def _hash(params: Params, name: str) -> dict[str, Any]:
    value = params.get(name, {})
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise StripeAPIError(400, f"Invalid object: {name}", code="parameter_invalid_object",
                             param=name)
    return value


def _metadata(params: Params) -> dict[str, str]:
    value = _hash(params, "metadata")
    if not all(isinstance(item, str) for item in value.values()):
        raise StripeAPIError(400, "Invalid metadata: values must be strings.",
                             param="metadata")
    return {key: item for key, item in value.items() if item != ""}


def _currency(params: Params) -> str:
    raw = _str(params, "currency", required=True)
    assert raw is not None
    if raw.upper() not in active_currencies():
        raise StripeAPIError(400, f"Invalid currency: {raw}.", param="currency")
    return raw.lower()


class StripeSimulator:
    """Stripe's objects, rules and events for one test-mode platform account."""

    def __init__(self, *, id_prefix: str = "", salt: str = "",
                 clock: Callable[[], float] = time.time,
                 processing_fee: ProcessingFee = no_fee) -> None:
        self.id_prefix = id_prefix
        self.salt = salt
        self.clock = clock
        self.processing_fee = processing_fee
        self.objects: dict[str, StripeObject] = {}
        self.balance_transactions: list[StripeObject] = []
        self.events: list[StripeObject] = []
        self._pending_events: list[StripeObject] = []
        self._remembered: dict[tuple[str, str], _Remembered] = {}
        self._lock = threading.RLock()
        self._requests = 0
        self._seed = ""
        self._minted = 0
        self._request_key: str | None = None

    # -- entry point ------------------------------------------------------------------

    def request(self, method: str, path: str, params: Params, *,
                idempotency_key: str | None = None, scope: str = "") -> SimulatedResponse:
        """Handle one API call; ``params`` as decoded from the form (string leaves)."""
        method = method.upper()
        endpoint = f"{method} {path}"
        canonical = tuple(sorted(encode_pairs(params)))
        with self._lock:
            remembered_at = (scope, idempotency_key or "")
            if method == "POST" and idempotency_key:
                seen = self._remembered.get(remembered_at)
                if seen is not None:
                    return self._replay(seen, endpoint, canonical, idempotency_key)
            self._requests += 1
            self._seed = idempotency_key or f"#request-{self._requests}"
            self._request_key = idempotency_key
            self._minted = 0
            mark = len(self._pending_events)
            try:
                response = SimulatedResponse(200, self._route(method, path, params))
            except StripeAPIError as error:
                response = SimulatedResponse(error.status, error.body())
                if error.status != 402:  # validation errors leave nothing behind
                    del self._pending_events[mark:]
            if method == "POST" and idempotency_key and response.status in (200, 402):
                self._remembered[remembered_at] = _Remembered(endpoint, canonical, response)
            for event in self._pending_events[mark:]:
                self.events.append(event)
            return response

    def _replay(self, seen: _Remembered, endpoint: str,
                canonical: tuple[tuple[str, str], ...], key: str) -> SimulatedResponse:
        if seen.endpoint != endpoint:
            message = ("Keys for idempotent requests can only be used for the same endpoint "
                       f"they were first used for ('{seen.endpoint}' vs '{endpoint}'). "
                       f"Try using a key other than '{key}' if you meant to execute a "
                       "different request.")
        elif seen.params != canonical:
            message = ("Keys for idempotent requests can only be used with the same "
                       "parameters they were first used with. Try using a key other than "
                       f"'{key}' if you meant to execute a different request.")
        else:
            return SimulatedResponse(seen.response.status, seen.response.body, replayed=True)
        error = StripeAPIError(400, message, type="idempotency_error")
        return SimulatedResponse(400, error.body())

    def take_events(self) -> list[StripeObject]:
        """Events recorded since the last call, oldest first (for webhook delivery)."""
        with self._lock:
            pending, self._pending_events = self._pending_events, []
            return pending

    def _route(self, method: str, path: str, params: Params) -> StripeObject:
        if method == "POST" and path == "/v1/accounts":
            return self._create_account(params)
        if method == "POST" and path == "/v1/payment_intents":
            return self._create_payment_intent(params)
        match = re.fullmatch(r"/v1/payment_intents/([A-Za-z0-9_]+)", path)
        if method == "GET" and match:
            _check_known(params, frozenset({"expand", "client_secret"}))
            return self._snapshot(self._get("payment_intent", match.group(1), "intent", 404))
        match = re.fullmatch(r"/v1/charges/([A-Za-z0-9_]+)", path)
        if method == "GET" and match:
            _check_known(params, frozenset({"expand"}))
            return self._retrieve_charge(match.group(1), params)
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        if method == "POST" and path == "/v1/transfers":
            return self._create_transfer(params)
        if method == "GET" and path == "/v1/balance_transactions":
            return self._list_balance_transactions(params)
        if method == "POST" and path == "/v1/customers":
            return self._create_customer(params)
        if method == "POST" and path == "/v1/products":
            return self._create_product(params)
        if method == "POST" and path == "/v1/subscriptions":
            return self._create_subscription(params)
        match = re.fullmatch(r"/v1/subscriptions/([A-Za-z0-9_]+)", path)
        if method == "DELETE" and match:
            _check_known(params, frozenset({"expand", "invoice_now", "prorate"}))
            return self._cancel_subscription(self._get("subscription", match.group(1), None,
                                                       404))
        raise StripeAPIError(404, f"Unrecognized request URL ({method}: {path}).")

    # -- helpers ------------------------------------------------------------------------

    def _id(self, kind: str) -> str:
        self._minted += 1
        digest = hashlib.sha256(
            f"{self.salt}\0{self._seed}\0{kind}\0{self._minted}".encode()).hexdigest()
        return f"{self.id_prefix}{kind}_{digest[:24]}"

    def _now(self) -> int:
        return int(self.clock())

    def _get(self, kind: str, object_id: str, param: str | None,
             status: int = 400) -> StripeObject:
        found = self.objects.get(object_id)
        if found is None or found["object"] != kind:
            raise _missing(kind, object_id, param, status)
        return found

    def _store(self, obj: StripeObject) -> StripeObject:
        self.objects[obj["id"]] = obj
        return obj

    @staticmethod
    def _snapshot(obj: StripeObject) -> StripeObject:
        return copy.deepcopy(obj)

    def _event(self, type_: str, obj: StripeObject,
               previous: dict[str, Any] | None = None) -> None:
        data: dict[str, Any] = {"object": self._snapshot(obj)}
        if previous is not None:
            data["previous_attributes"] = previous
        self._pending_events.append({
            "id": self._id("evt"), "object": "event", "api_version": API_VERSION,
            "created": self._now(), "data": data, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": self._request_key}, "type": type_,
        })

    def _balance(self, amount: int, currency: str, type_: str, category: str,
                 source: str, fee: int = 0, description: str | None = None) -> str:
        now = self._now()
        txn = self._store({
            "id": self._id("txn"), "object": "balance_transaction", "amount": amount,
            "available_on": now, "created": now, "currency": currency,
            "description": description, "fee": fee,
            "fee_details": [{"amount": fee, "currency": currency, "type": "stripe_fee",
                             "description": "Stripe processing fees",
                             "application": None}] if fee else [],
            "net": amount - fee, "reporting_category": category, "source": source,
            "status": "available", "type": type_,
        })
        self.balance_transactions.append(txn)
        return str(txn["id"])

    def available_balance(self, currency: str) -> int:
        """The platform's balance in ``currency`` (minor units)."""
        return sum(int(txn["net"]) for txn in self.balance_transactions
                   if txn["currency"] == currency.lower())

    # -- accounts -----------------------------------------------------------------------

    def _create_account(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({"type", "country", "email", "metadata", "capabilities",
                                        "business_type", "business_profile", "expand"}))
        account_type = _str(params, "type") or "standard"
        if account_type not in ("standard", "express", "custom"):
            raise StripeAPIError(400, "Invalid type: must be one of custom, express, or "
                                 "standard", param="type")
        country = _str(params, "country") or "US"
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise StripeAPIError(400, f"Country '{country}' is unknown.", param="country")
        capabilities = {name: "active" for name in _hash(params, "capabilities")}
        account = self._store({
            "id": self._id("acct"), "object": "account", "type": account_type,
            "country": country, "email": _str(params, "email"), "created": self._now(),
            "charges_enabled": True, "payouts_enabled": True, "details_submitted": True,
            "capabilities": capabilities, "metadata": _metadata(params),
            "business_type": _str(params, "business_type"),
        })
        self._event("account.updated", account)
        return self._snapshot(account)

    # -- payments -----------------------------------------------------------------------

    def _create_payment_intent(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({
            "amount", "currency", "transfer_data", "application_fee_amount", "metadata",
            "description", "payment_method", "confirm", "automatic_payment_methods",
            "transfer_group", "expand", "payment_method_types"}))
        amount = _int(params, "amount", required=True, minimum=1)
        currency = _currency(params)
        assert amount is not None
        transfer_data = _hash(params, "transfer_data")
        destination = transfer_data.get("destination")
        if "transfer_data" in params and not destination:
            raise StripeAPIError(400, "Missing required param: transfer_data[destination].",
                                 code="parameter_missing", param="transfer_data[destination]")
        if destination is not None:
            self._get_account(destination, "transfer_data[destination]")
        fee = _int(params, "application_fee_amount")
        if fee is not None and destination is None:
            raise StripeAPIError(
                400, "Can only apply an application_fee_amount when the PaymentIntent is "
                "attempting a direct payment (using an OAuth key or Stripe-Account header) "
                "or destination payment (using `transfer_data[destination]`).",
                param="application_fee_amount")
        if fee is not None and fee > amount:
            raise StripeAPIError(400, "The application fee cannot exceed the amount.",
                                 param="application_fee_amount")
        method = _str(params, "payment_method")
        confirm = _bool(params, "confirm", False)
        if confirm and method is None:
            raise StripeAPIError(400, "You cannot confirm this PaymentIntent because it's "
                                 "missing a payment method.", code="parameter_missing",
                                 param="payment_method")
        if method is not None and method not in SUCCEEDING_METHODS | DECLINING_METHODS.keys():
            raise _missing("PaymentMethod", method, "payment_method")
        intent_id = self._id("pi")
        intent = self._store({
            "id": intent_id, "object": "payment_intent", "amount": amount,
            "amount_capturable": 0, "amount_received": 0, "application_fee_amount": fee,
            "capture_method": "automatic",
            "client_secret": f"{intent_id}_secret_{self._id('cs').rsplit('_', 1)[1]}",
            "confirmation_method": "automatic", "created": self._now(), "currency": currency,
            "customer": None, "description": _str(params, "description"),
            "last_payment_error": None, "latest_charge": None, "livemode": False,
            "metadata": _metadata(params), "on_behalf_of": None, "payment_method": method,
            "payment_method_types": ["card"], "status": "requires_payment_method",
            "transfer_data": {"destination": destination} if destination else None,
            "transfer_group": _str(params, "transfer_group"),
        })
        self._event("payment_intent.created", intent)
        if confirm and method is not None:
            self._confirm(intent, method)
        return self._snapshot(intent)

    def _get_account(self, account_id: str, param: str) -> StripeObject:
        found = self.objects.get(account_id)
        if found is None or found["object"] != "account":
            raise _missing("destination", account_id, param)
        return found

    def complete_payment(self, payment_id: str, payment_method: str = "pm_card_visa") -> None:
        """Test hook: the buyer confirms the payment in the browser (Stripe.js)."""
        with self._lock:
            self._seed, self._minted, self._request_key = f"#confirm-{payment_id}", 0, None
            intent = self._get("payment_intent", payment_id, None, 404)
            if intent["status"] == "succeeded":
                return
            mark = len(self._pending_events)
            with contextlib.suppress(StripeAPIError):  # a decline is on the intent + event
                self._confirm(intent, payment_method)
            self.events.extend(self._pending_events[mark:])

    def _retrieve_charge(self, charge_id: str, params: Params) -> StripeObject:
        charge = self._snapshot(self._get("charge", charge_id, None, 404))
        raw = params.get("expand") or []
        expand = list(raw.values()) if isinstance(raw, dict) else \
            [raw] if isinstance(raw, str) else list(raw)
        for name in expand:
            if name != "balance_transaction":
                raise StripeAPIError(400, f"This property cannot be expanded ({name}).",
                                     param="expand")
            charge["balance_transaction"] = self._snapshot(
                self.objects[str(charge["balance_transaction"])])
        return charge

    def _confirm(self, intent: StripeObject, method: str) -> None:
        intent["payment_method"] = method
        decline = DECLINING_METHODS.get(method)
        if decline is not None:
            error = {"type": "card_error", "code": "card_declined", "decline_code": decline,
                     "message": "Your card was declined.", "param": None}
            intent["last_payment_error"] = error
            intent["status"] = "requires_payment_method"
            self._event("payment_intent.payment_failed", intent)
            raise StripeAPIError(402, "Your card was declined.", type="card_error",
                                 code="card_declined",
                                 extra={"decline_code": decline,
                                        "payment_intent": self._snapshot(intent)})
        amount, currency = int(intent["amount"]), str(intent["currency"])
        fee = int(intent["application_fee_amount"] or 0)
        destination = (intent["transfer_data"] or {}).get("destination")
        charge_id = self._id("ch")
        charge: StripeObject = {
            "id": charge_id, "object": "charge", "amount": amount, "amount_captured": amount,
            "amount_refunded": 0, "application_fee": None, "application_fee_amount": fee or None,
            "balance_transaction": self._balance(amount, currency, "charge", "charge",
                                                 charge_id,
                                                 fee=self.processing_fee(amount, currency)),
            "captured": True, "created": self._now(), "currency": currency,
            "livemode": False, "metadata": dict(intent["metadata"]), "paid": True,
            "payment_intent": intent["id"], "payment_method": method, "refunded": False,
            "status": "succeeded", "transfer": None,
            "transfer_data": intent["transfer_data"],
        }
        if destination is not None:
            transfer = self._new_transfer(amount, currency, destination, metadata={},
                                          group=intent["transfer_group"], source=charge_id)
            charge["transfer"] = transfer["id"]
            if fee:
                fee_id = self._id("fee")
                self._store({"id": fee_id, "object": "application_fee", "amount": fee,
                             "amount_refunded": 0, "account": destination,
                             "charge": charge_id, "currency": currency,
                             "created": self._now(), "livemode": False, "refunded": False})
                self._balance(fee, currency, "application_fee", "platform_earning", fee_id)
                charge["application_fee"] = fee_id
        self._store(charge)
        intent.update(status="succeeded", amount_received=amount, latest_charge=charge_id)
        self._event("charge.succeeded", charge)
        self._event("payment_intent.succeeded", intent)

    # -- refunds ------------------------------------------------------------------------

    def _create_refund(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({
            "payment_intent", "charge", "amount", "reason", "metadata", "reverse_transfer",
            "refund_application_fee", "expand"}))
        intent_id, charge_id = _str(params, "payment_intent"), _str(params, "charge")
        if intent_id is None and charge_id is None:
            raise StripeAPIError(400, "One of the following params should be provided for "
                                 "this request: payment_intent or charge.",
                                 code="parameter_missing", param="payment_intent")
        if intent_id is not None:
            intent = self._get("payment_intent", intent_id, "payment_intent")
            if intent["latest_charge"] is None:
                raise StripeAPIError(400, f"This PaymentIntent ({intent_id}) does not have a "
                                     "successful charge to refund.",
                                     code="charge_not_refundable", param="payment_intent")
            charge_id = str(intent["latest_charge"])
        assert charge_id is not None
        charge = self._get("charge", charge_id, "charge")
        remaining = int(charge["amount"]) - int(charge["amount_refunded"])
        if remaining == 0:
            raise StripeAPIError(400, f"Charge {charge_id} has already been refunded.",
                                 code="charge_already_refunded")
        amount = _int(params, "amount", minimum=1) or remaining
        if amount > remaining:
            raise StripeAPIError(400, f"Refund amount ({amount}) is greater than unrefunded "
                                 f"amount on charge ({remaining})", code="amount_too_large",
                                 param="amount")
        reason = _str(params, "reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            raise StripeAPIError(400, f"Invalid reason: {reason}", param="reason")
        reverse = _bool(params, "reverse_transfer", False)
        refund_fee = _bool(params, "refund_application_fee", False)
        currency = str(charge["currency"])
        refund_id = self._id("re")
        refund: StripeObject = {
            "id": refund_id, "object": "refund", "amount": amount,
            "balance_transaction": self._balance(-amount, currency, "refund", "refund",
                                                 refund_id),
            "charge": charge_id, "created": self._now(), "currency": currency,
            "metadata": _metadata(params), "payment_intent": charge["payment_intent"],
            "reason": reason, "status": "succeeded", "transfer_reversal": None,
        }
        previous = {"amount_refunded": charge["amount_refunded"], "refunded": False}
        charge["amount_refunded"] = int(charge["amount_refunded"]) + amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        if reverse and charge["transfer"]:
            refund["transfer_reversal"] = self._reverse_transfer(str(charge["transfer"]),
                                                                 amount, refund_id)
        if refund_fee and charge["application_fee"]:
            self._refund_fee(str(charge["application_fee"]), int(charge["amount"]),
                             int(charge["amount_refunded"]))
        self._store(refund)
        self._event("refund.created", refund)
        self._event("charge.refunded", charge, previous)
        return self._snapshot(refund)

    def _reverse_transfer(self, transfer_id: str, amount: int, refund_id: str) -> str:
        transfer = self.objects[transfer_id]
        reversal_id = self._id("trr")
        transfer["amount_reversed"] = int(transfer["amount_reversed"]) + amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        self._store({"id": reversal_id, "object": "transfer_reversal", "amount": amount,
                     "currency": transfer["currency"], "transfer": transfer_id,
                     "source_refund": refund_id, "created": self._now(), "metadata": {}})
        self._balance(amount, str(transfer["currency"]), "transfer_refund",
                      "transfer_reversal", reversal_id)
        self._event("transfer.reversed", transfer)
        return reversal_id

    def _refund_fee(self, fee_id: str, charge_amount: int, refunded_total: int) -> None:
        fee = self.objects[fee_id]
        owed = int(fee["amount"]) * refunded_total // charge_amount
        part = owed - int(fee["amount_refunded"])
        if part <= 0:
            return
        fee["amount_refunded"] = owed
        fee["refunded"] = owed == fee["amount"]
        refund_id = self._id("fr")
        self._store({"id": refund_id, "object": "fee_refund", "amount": part,
                     "currency": fee["currency"], "fee": fee_id, "created": self._now(),
                     "metadata": {}})
        self._balance(-part, str(fee["currency"]), "application_fee_refund",
                      "platform_earning_refund", refund_id)

    # -- transfers ----------------------------------------------------------------------

    def _create_transfer(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({"amount", "currency", "destination", "transfer_group",
                                        "metadata", "description", "source_transaction",
                                        "expand"}))
        amount = _int(params, "amount", required=True, minimum=1)
        currency = _currency(params)
        destination = _str(params, "destination", required=True)
        assert amount is not None and destination is not None
        self._get_account(destination, "destination")
        available = self.available_balance(currency)
        if amount > available:
            raise StripeAPIError(
                400, "You have insufficient available funds in your Stripe account. Try "
                f"adding funds directly to your available balance ({available} {currency} "
                "available).", code="balance_insufficient", param="amount")
        transfer = self._new_transfer(amount, currency, destination, _metadata(params),
                                      _str(params, "transfer_group"), None,
                                      _str(params, "description"))
        return self._snapshot(transfer)

    def _new_transfer(self, amount: int, currency: str, destination: str,
                      metadata: dict[str, str], group: str | None, source: str | None,
                      description: str | None = None) -> StripeObject:
        transfer_id = self._id("tr")
        transfer = self._store({
            "id": transfer_id, "object": "transfer", "amount": amount, "amount_reversed": 0,
            "balance_transaction": self._balance(-amount, currency, "transfer", "transfer",
                                                 transfer_id),
            "created": self._now(), "currency": currency, "description": description,
            "destination": destination, "livemode": False, "metadata": metadata,
            "reversed": False, "source_transaction": source, "transfer_group": group,
        })
        self._event("transfer.created", transfer)
        return transfer

    # -- customers, products, subscriptions ---------------------------------------------

    def _create_customer(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({"email", "name", "metadata", "expand"}))
        customer = self._store({"id": self._id("cus"), "object": "customer",
                                "email": _str(params, "email"), "name": _str(params, "name"),
                                "created": self._now(), "livemode": False,
                                "metadata": _metadata(params)})
        self._event("customer.created", customer)
        return self._snapshot(customer)

    def _create_product(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({"name", "metadata", "expand"}))
        name = _str(params, "name", required=True)
        product = self._store({"id": self._id("prod"), "object": "product", "name": name,
                               "active": True, "created": self._now(), "livemode": False,
                               "metadata": _metadata(params)})
        return self._snapshot(product)

    def _create_subscription(self, params: Params) -> StripeObject:
        """Monthly subscriptions with one ``items[0][price_data]`` item, paid at once with
        ``default_payment_method``; Connect's ``transfer_data[destination]`` and
        ``application_fee_percent`` split each invoice like a destination charge."""
        _check_known(params, frozenset({
            "customer", "items", "default_payment_method", "application_fee_percent",
            "transfer_data", "metadata", "expand", "payment_behavior"}))
        customer = _str(params, "customer", required=True)
        assert customer is not None
        self._get("customer", customer, "customer")
        items = params.get("items")  # decoded as a list (items[0][...]) or an index dict
        first = items[0] if isinstance(items, list) and items else (
            items.get("0") if isinstance(items, dict) else None)
        price = first.get("price_data") if isinstance(first, dict) else None
        if not isinstance(price, dict):
            raise StripeAPIError(400, "Missing required param: items[0][price_data].",
                                 code="parameter_missing", param="items")
        self._get("product", _str(price, "product", required=True) or "", "product")
        amount = _int(price, "unit_amount", required=True, minimum=1)
        currency = _currency(price)
        recurring = _hash(price, "recurring")
        if recurring.get("interval") != "month":
            raise StripeAPIError(400, "Only monthly prices are modelled (recurring[interval]="
                                 "month).", param="items[0][price_data][recurring][interval]")
        destination = _hash(params, "transfer_data").get("destination")
        if destination is not None:
            self._get_account(destination, "transfer_data[destination]")
        percent = _str(params, "application_fee_percent")
        if percent is not None and not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", percent):
            raise StripeAPIError(400, f"Invalid decimal: {percent}",
                                 param="application_fee_percent")
        method = _str(params, "default_payment_method", required=True)
        assert amount is not None and method is not None
        now = self._now()
        subscription = self._store({
            "id": self._id("sub"), "object": "subscription", "customer": customer,
            "status": "incomplete", "created": now, "current_period_start": now,
            "current_period_end": _month_later(now), "cancel_at_period_end": False,
            "canceled_at": None, "ended_at": None, "latest_invoice": None,
            "default_payment_method": method, "application_fee_percent": percent,
            "transfer_data": {"destination": destination} if destination else None,
            "metadata": _metadata(params), "livemode": False,
            "items": {"object": "list", "data": [{"price": {
                "currency": currency, "unit_amount": amount,
                "recurring": {"interval": "month"}}}]},
        })
        self._invoice(subscription, now, _month_later(now), "subscription_create")
        self._event("customer.subscription.created", subscription)
        return self._snapshot(subscription)

    def _invoice(self, subscription: StripeObject, start: int, end: int,
                 reason: str = "subscription_cycle") -> None:
        """Bill one period: an invoice paid by a confirmed PaymentIntent (or a lapse).
        ``reason`` is Stripe's ``billing_reason`` (``subscription_create`` for the first)."""
        price = subscription["items"]["data"][0]["price"]
        amount, currency = int(price["unit_amount"]), str(price["currency"])
        percent = subscription["application_fee_percent"]
        fee = round(amount * float(percent) / 100) if percent else 0
        invoice = self._store({
            "id": self._id("in"), "object": "invoice", "subscription": subscription["id"],
            "customer": subscription["customer"], "amount_due": amount, "amount_paid": 0,
            "billing_reason": reason, "currency": currency, "status": "open",
            "payment_intent": None, "charge": None,
            "application_fee_amount": fee or None, "created": self._now(), "livemode": False,
            "subscription_details": {"metadata": dict(subscription["metadata"])},
            "lines": {"object": "list", "data": [{"amount": amount,
                                                  "period": {"start": start, "end": end}}]},
        })
        intent = self._store({
            "id": self._id("pi"), "object": "payment_intent", "amount": amount,
            "amount_capturable": 0, "amount_received": 0, "application_fee_amount": fee or None,
            "capture_method": "automatic", "client_secret": None,
            "confirmation_method": "automatic", "created": self._now(), "currency": currency,
            "customer": subscription["customer"], "description": "Subscription update",
            "last_payment_error": None, "latest_charge": None, "livemode": False,
            "metadata": {}, "on_behalf_of": None, "payment_method": None,
            "payment_method_types": ["card"], "status": "requires_payment_method",
            "transfer_data": subscription["transfer_data"], "transfer_group": None,
        })
        invoice["payment_intent"] = intent["id"]
        subscription["latest_invoice"] = invoice["id"]
        try:
            self._confirm(intent, str(subscription["default_payment_method"]))
        except StripeAPIError:
            invoice["status"] = "open"
            subscription["status"] = "past_due" if subscription["status"] != "incomplete" \
                else "incomplete"
            self._event("invoice.payment_failed", invoice)
            return
        invoice.update(status="paid", amount_paid=amount, charge=intent["latest_charge"])
        subscription.update(status="active", current_period_start=start,
                            current_period_end=end)
        self._event("invoice.paid", invoice)

    def renew_subscription(self, subscription_id: str,
                           payment_method: str | None = None) -> None:
        """Test hook: the period ends and Stripe bills the next one (``payment_method``
        replaces the card first, e.g. a declining one to make it lapse)."""
        with self._lock:
            self._seed, self._minted, self._request_key = f"#renew-{subscription_id}-" \
                f"{len(self.events)}", 0, None
            subscription = self._get("subscription", subscription_id, None, 404)
            mark = len(self._pending_events)
            if payment_method is not None:
                subscription["default_payment_method"] = payment_method
            start = int(subscription["current_period_end"])
            self._invoice(subscription, start, _month_later(start))
            self._event("customer.subscription.updated", subscription)
            self.events.extend(self._pending_events[mark:])

    def _cancel_subscription(self, subscription: StripeObject) -> StripeObject:
        if subscription["status"] != "canceled":
            now = self._now()
            subscription.update(status="canceled", canceled_at=now, ended_at=now)
            self._event("customer.subscription.deleted", subscription)
        return self._snapshot(subscription)

    # -- balance transactions -----------------------------------------------------------

    def _list_balance_transactions(self, params: Params) -> StripeObject:
        _check_known(params, frozenset({"limit", "starting_after", "created", "type",
                                        "expand"}))
        limit = _int(params, "limit", minimum=1, maximum=100) or 10
        rows = list(reversed(self.balance_transactions))
        created = _hash(params, "created") if isinstance(params.get("created"), dict) else {}
        bounds = {op: _int(created, op, minimum=0, maximum=2**40)
                  for op in ("gt", "gte", "lt", "lte")}
        for op, bound in bounds.items():
            if bound is None:
                continue
            rows = [row for row in rows if {
                "gt": row["created"] > bound, "gte": row["created"] >= bound,
                "lt": row["created"] < bound, "lte": row["created"] <= bound}[op]]
        type_ = _str(params, "type")
        if type_ is not None:
            rows = [row for row in rows if row["type"] == type_]
        after = _str(params, "starting_after")
        if after is not None:
            ids = [row["id"] for row in rows]
            if after not in ids:
                raise _missing("balance transaction", after, "starting_after")
            rows = rows[ids.index(after) + 1:]
        return {"object": "list", "url": "/v1/balance_transactions",
                "has_more": len(rows) > limit,
                "data": [self._snapshot(row) for row in rows[:limit]]}


__all__ = ["API_VERSION", "ProcessingFee", "SimulatedResponse", "StripeAPIError", "StripeFee",
           "StripeSimulator", "no_fee"]
