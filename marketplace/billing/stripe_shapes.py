"""Our requests as Stripe parameters, Stripe's objects and errors as ours.

Shared by the Stripe adapter and the offline provider so both send the same parameters and
read the same shapes; the contract tests hold them to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marketplace.billing.errors import (
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    PaymentDeclined,
    PaymentProviderError,
    ProviderAuthenticationError,
    ProviderObjectNotFound,
    ProviderUnavailable,
)
from marketplace.billing.models import (
    AccountRequest,
    BalanceTransaction,
    BalanceTransactionPage,
    Charge,
    ConnectedAccount,
    Payment,
    PaymentRequest,
    PayoutRequest,
    Refund,
    RefundRequest,
    Subscription,
    SubscriptionRequest,
    Transfer,
)

Obj = Mapping[str, Any]

# -- requests -> parameters ------------------------------------------------------------


def account_params(request: AccountRequest) -> dict[str, Any]:
    return {
        "type": "express",
        "country": request.country,
        "email": request.email,
        "metadata": {**request.metadata, "partner_id": request.partner_id},
        "capabilities": {"transfers": {"requested": True},
                         "card_payments": {"requested": True}},
    }


def payment_params(request: PaymentRequest) -> dict[str, Any]:
    params: dict[str, Any] = {
        "amount": request.amount,  # minor units for every currency, KRW and JPY included
        "currency": request.currency.lower(),
        "transfer_data": {"destination": request.destination_account},
        "metadata": dict(request.metadata),
        "description": request.description,
    }
    if request.application_fee:
        params["application_fee_amount"] = request.application_fee
    if request.payment_method is not None:
        params.update(payment_method=request.payment_method, confirm=True,
                      automatic_payment_methods={"enabled": True, "allow_redirects": "never"})
    return params


def refund_params(request: RefundRequest) -> dict[str, Any]:
    return {
        "payment_intent": request.payment_id,
        "amount": request.amount,
        "reason": request.reason,
        "reverse_transfer": request.reverse_transfer,
        "refund_application_fee": request.refund_application_fee,
        "metadata": dict(request.metadata),
    }


def customer_params(request: SubscriptionRequest) -> dict[str, Any]:
    return {"email": request.customer_email, "metadata": dict(request.metadata)}


def product_params(request: SubscriptionRequest) -> dict[str, Any]:
    return {"name": request.product_name, "metadata": dict(request.metadata)}


def subscription_params(request: SubscriptionRequest, customer: str,
                        product: str) -> dict[str, Any]:
    return {
        "customer": customer,
        "items": [{"price_data": {"currency": request.currency.lower(), "product": product,
                                  "unit_amount": request.amount,
                                  "recurring": {"interval": "month"}}}],
        "default_payment_method": request.payment_method,
        "application_fee_percent": request.application_fee_percent,
        "transfer_data": {"destination": request.destination_account},
        "metadata": dict(request.metadata),
    }


def subscription_from(obj: Obj) -> Subscription:
    return Subscription.model_validate({
        **obj, "customer": _ref(obj.get("customer")),
        "latest_invoice": _ref(obj.get("latest_invoice")),
        "metadata": dict(obj.get("metadata") or {})})


def transfer_params(request: PayoutRequest) -> dict[str, Any]:
    return {
        "amount": request.amount,
        "currency": request.currency.lower(),
        "destination": request.destination_account,
        "transfer_group": request.transfer_group,
        "metadata": {**request.metadata, "partner_id": request.partner_id,
                     "period": request.period},
    }


def balance_transaction_params(limit: int, starting_after: str | None,
                               created_from: datetime | None,
                               created_before: datetime | None) -> dict[str, Any]:
    if not 1 <= limit <= 100:
        raise ValueError("limit must be between 1 and 100")
    params: dict[str, Any] = {"limit": limit}
    if starting_after is not None:
        params["starting_after"] = starting_after
    created: dict[str, int] = {}
    if created_from is not None:
        created["gte"] = int(created_from.timestamp())
    if created_before is not None:
        created["lt"] = int(created_before.timestamp())
    if created:
        params["created"] = created
    return params


# -- Stripe objects -> results ---------------------------------------------------------


def _ref(value: Any) -> str | None:
    """An id, whether Stripe sent it bare or as an expanded object."""
    if isinstance(value, Mapping):
        return str(value["id"])
    return None if value is None else str(value)


def account_from(obj: Obj) -> ConnectedAccount:
    metadata = dict(obj.get("metadata") or {})
    return ConnectedAccount.model_validate({
        **obj, "metadata": metadata, "partner_id": metadata.get("partner_id"),
        "charges_enabled": bool(obj.get("charges_enabled")),
        "payouts_enabled": bool(obj.get("payouts_enabled")),
        "details_submitted": bool(obj.get("details_submitted")),
    })


def payment_from(obj: Obj) -> Payment:
    return Payment.model_validate({
        **obj,
        "amount_received": obj.get("amount_received") or 0,
        "destination_account": _ref((obj.get("transfer_data") or {}).get("destination")),
        "application_fee": obj.get("application_fee_amount") or 0,
        "metadata": dict(obj.get("metadata") or {}),
        "latest_charge": _ref(obj.get("latest_charge")),
    })


def charge_from(obj: Obj) -> Charge:
    """A charge retrieved with ``expand=["balance_transaction"]`` (its fee is there)."""
    txn = obj.get("balance_transaction")
    fee = int(txn.get("fee") or 0) if isinstance(txn, Mapping) else 0
    return Charge.model_validate({
        **obj, "payment_id": _ref(obj.get("payment_intent")),
        "application_fee": obj.get("application_fee_amount") or 0,
        "balance_transaction": _ref(txn), "fee": fee})


def refund_from(obj: Obj) -> Refund:
    return Refund.model_validate({**obj, "payment_id": _ref(obj.get("payment_intent")),
                                  "metadata": dict(obj.get("metadata") or {})})


def transfer_from(obj: Obj) -> Transfer:
    return Transfer.model_validate({**obj, "destination_account": _ref(obj["destination"]),
                                    "amount_reversed": obj.get("amount_reversed") or 0,
                                    "metadata": dict(obj.get("metadata") or {})})


def balance_transaction_from(obj: Obj) -> BalanceTransaction:
    return BalanceTransaction.model_validate({**obj, "source_id": _ref(obj.get("source"))})


def balance_page_from(obj: Obj) -> BalanceTransactionPage:
    return BalanceTransactionPage(
        data=[balance_transaction_from(row) for row in obj.get("data") or []],
        has_more=bool(obj.get("has_more")),
    )


# -- Stripe errors -> ours -------------------------------------------------------------


def error_from_response(status: int | None, error: Obj | None,
                        request_id: str | None = None) -> PaymentProviderError:
    """The billing error for a Stripe error response (``{"error": {...}}``'s inside)."""
    error = error or {}
    kind, code = error.get("type"), error.get("code")
    message = str(error.get("message") or f"The payment provider answered {status}.")
    cls: type[PaymentProviderError]
    if kind == "idempotency_error":
        cls = IdempotencyKeyReused
    elif status == 402 or kind == "card_error":
        cls = PaymentDeclined
    elif status in (401, 403):
        cls = ProviderAuthenticationError
    elif status is None or status == 429 or status >= 500 or code == "rate_limit":
        cls = ProviderUnavailable
    elif status == 404 or code == "resource_missing":
        cls = ProviderObjectNotFound
    elif status == 400:
        cls = InvalidPaymentRequest
    else:
        cls = PaymentProviderError
    param = error.get("param")
    return cls(message, status=status, code=None if code is None else str(code),
               param=None if param is None else str(param), request_id=request_id)


__all__ = [
    "account_from",
    "account_params",
    "balance_page_from",
    "balance_transaction_from",
    "balance_transaction_params",
    "charge_from",
    "error_from_response",
    "payment_from",
    "payment_params",
    "refund_from",
    "refund_params",
    "transfer_from",
    "transfer_params",
]
