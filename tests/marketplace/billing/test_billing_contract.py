"""The PaymentProvider contract, run against the offline provider and the Stripe adapter.

Each test runs twice (``provider_harness`` is parametrized): once in-process, once through
the official ``StripeClient`` and the local Stripe-compatible test server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.billing import (
    BalanceTransactionPage,
    IdempotencyKeyReused,
    InvalidPaymentRequest,
    PaymentDeclined,
    PaymentProvider,
    PaymentRequest,
    PayoutRequest,
    ProviderObjectNotFound,
    RefundRequest,
)

from .conftest import Harness


def _payment(harness: Harness, destination: str, *, amount: int = 10_000,
             currency: str = "KRW", fee: int = 3_000, key: str | None = None,
             method: str | None = "pm_card_visa") -> PaymentRequest:
    return PaymentRequest(amount=amount, currency=currency, destination_account=destination,
                          application_fee=fee, metadata={"purchase_id": "pur-1"},
                          payment_method=method, idempotency_key=key or harness.key("pay"))


def test_both_satisfy_the_interface(provider_harness: Harness) -> None:
    provider = provider_harness.provider
    assert isinstance(provider, PaymentProvider)
    assert provider.livemode is False
    assert provider.name in ("offline", "stripe")


def test_connected_account_keeps_the_partner(provider_harness: Harness) -> None:
    account = provider_harness.account("partner-42")
    assert account.id.startswith(f"{provider_harness.id_prefix}acct_")
    assert account.partner_id == "partner-42"
    assert account.country == "KR"
    assert account.created.tzinfo is not None


def test_payment_goes_to_the_partner_with_our_fee(provider_harness: Harness) -> None:
    account = provider_harness.account()
    payment = provider_harness.provider.create_payment(_payment(provider_harness, account.id))
    assert payment.id.startswith(f"{provider_harness.id_prefix}pi_")
    assert (payment.amount, payment.currency, payment.status) == (10_000, "KRW", "succeeded")
    assert payment.destination_account == account.id
    assert payment.application_fee == 3_000
    assert payment.amount_received == 10_000
    assert payment.metadata == {"purchase_id": "pur-1"}
    assert payment.livemode is False
    assert provider_harness.provider.get_payment(payment.id) == payment


def test_a_charge_tells_the_processing_fee_and_the_application_fee(
        provider_harness: Harness) -> None:
    from marketplace.billing.simulator import StripeFee

    provider_harness.simulator.processing_fee = StripeFee()
    account = provider_harness.account()
    payment = provider_harness.provider.create_payment(
        _payment(provider_harness, account.id, amount=1_234, currency="USD", fee=864))
    assert payment.latest_charge is not None
    charge = provider_harness.provider.get_charge(payment.latest_charge)
    assert (charge.id, charge.payment_id) == (payment.latest_charge, payment.id)
    assert (charge.amount, charge.currency) == (1_234, "USD")
    assert charge.fee == 36 + 30  # 2.9 % of $12.34 rounded half up, plus 30 cents
    assert charge.application_fee == 864
    assert charge.balance_transaction is not None
    with pytest.raises(ProviderObjectNotFound):
        provider_harness.provider.get_charge(f"{provider_harness.id_prefix}ch_nothing")


def test_idempotent_retry_returns_the_same_payment(provider_harness: Harness) -> None:
    account = provider_harness.account()
    request = _payment(provider_harness, account.id)
    first = provider_harness.provider.create_payment(request)
    again = provider_harness.provider.create_payment(request)
    assert again == first
    charges = [txn for txn in provider_harness.simulator.balance_transactions
               if txn["type"] == "charge"]
    assert len(charges) == 1, "a retry must not charge twice"


def test_same_key_different_parameters_is_refused(provider_harness: Harness) -> None:
    account = provider_harness.account()
    key = provider_harness.key("pay")
    provider_harness.provider.create_payment(_payment(provider_harness, account.id, key=key))
    with pytest.raises(IdempotencyKeyReused):
        provider_harness.provider.create_payment(
            _payment(provider_harness, account.id, amount=10_001, key=key))


def test_declined_card_is_a_typed_error_and_retries_the_same(
        provider_harness: Harness) -> None:
    account = provider_harness.account()
    request = _payment(provider_harness, account.id, method="pm_card_chargeDeclined")
    with pytest.raises(PaymentDeclined) as first:
        provider_harness.provider.create_payment(request)
    assert first.value.code == "card_declined"
    with pytest.raises(PaymentDeclined):  # the stored decline replays
        provider_harness.provider.create_payment(request)


def test_unknown_destination_and_payment_are_not_found(provider_harness: Harness) -> None:
    prefix = provider_harness.id_prefix
    with pytest.raises(ProviderObjectNotFound) as error:
        provider_harness.provider.create_payment(
            _payment(provider_harness, f"{prefix}acct_doesnotexist"))
    assert error.value.param == "transfer_data[destination]"
    with pytest.raises(ProviderObjectNotFound):
        provider_harness.provider.get_payment(f"{prefix}pi_doesnotexist")


def test_partial_then_full_refund_returns_the_fee_in_proportion(
        provider_harness: Harness) -> None:
    provider = provider_harness.provider
    account = provider_harness.account()
    payment = provider.create_payment(_payment(provider_harness, account.id,
                                               amount=10_001, fee=3_001))
    partial = provider.create_refund(RefundRequest(
        payment_id=payment.id, amount=2_500, reason="requested_by_customer",
        idempotency_key=provider_harness.key("refund")))
    assert (partial.amount, partial.currency, partial.status) == (2_500, "KRW", "succeeded")
    assert partial.payment_id == payment.id
    rest = provider.create_refund(RefundRequest(payment_id=payment.id,
                                                idempotency_key=provider_harness.key("re")))
    assert rest.amount == 7_501
    kinds: dict[str, int] = {}
    for txn in provider_harness.simulator.balance_transactions:
        kinds[txn["type"]] = kinds.get(txn["type"], 0) + txn["amount"]
    assert kinds["refund"] == -10_001
    assert kinds["transfer_refund"] == 10_001  # the partner's transfer reversed in full
    assert kinds["application_fee_refund"] == -3_001  # the whole fee, to the unit
    assert provider_harness.simulator.available_balance("krw") == 0
    with pytest.raises(InvalidPaymentRequest) as error:
        provider.create_refund(RefundRequest(payment_id=payment.id, amount=1,
                                             idempotency_key=provider_harness.key("re")))
    assert error.value.code == "charge_already_refunded"


def test_refund_beyond_the_payment_is_refused(provider_harness: Harness) -> None:
    account = provider_harness.account()
    payment = provider_harness.provider.create_payment(_payment(provider_harness, account.id))
    with pytest.raises(InvalidPaymentRequest) as error:
        provider_harness.provider.create_refund(RefundRequest(
            payment_id=payment.id, amount=10_001, idempotency_key=provider_harness.key()))
    assert (error.value.code, error.value.param) == ("amount_too_large", "amount")


def test_payout_key_comes_from_partner_and_period(provider_harness: Harness) -> None:
    provider = provider_harness.provider
    account = provider_harness.account("partner-7")
    provider.create_payment(_payment(provider_harness, account.id, fee=5_000))
    request = PayoutRequest(partner_id="partner-7", period="2026-11",
                            destination_account=account.id, amount=4_000, currency="KRW")
    first = provider.create_payout(request)
    assert first.id.startswith(f"{provider_harness.id_prefix}tr_")
    assert (first.amount, first.currency, first.destination_account) == (4_000, "KRW",
                                                                          account.id)
    assert first.transfer_group == "payout_partner-7_2026-11"
    assert first.metadata == {"partner_id": "partner-7", "period": "2026-11"}
    assert provider.create_payout(request) == first  # a second worker gets the same one
    with pytest.raises(IdempotencyKeyReused):  # a recomputed amount cannot pay again
        provider.create_payout(request.model_copy(update={"amount": 4_001}))
    payouts = [txn for txn in provider_harness.simulator.balance_transactions
               if txn["type"] == "transfer" and txn["source"] == first.id]
    assert len(payouts) == 1


def test_payout_beyond_the_platform_balance_is_refused(provider_harness: Harness) -> None:
    account = provider_harness.account()
    with pytest.raises(InvalidPaymentRequest) as error:
        provider_harness.provider.create_payout(PayoutRequest(
            partner_id="partner-1", period="2026-10", destination_account=account.id,
            amount=1, currency="JPY"))
    assert error.value.code == "balance_insufficient"


def test_balance_transactions_page_newest_first(provider_harness: Harness) -> None:
    provider = provider_harness.provider
    account = provider_harness.account()
    payment = provider.create_payment(_payment(provider_harness, account.id,
                                               currency="USD", amount=1_999, fee=599))
    provider.create_refund(RefundRequest(payment_id=payment.id, amount=999,
                                         idempotency_key=provider_harness.key()))
    rows = []
    page = provider.list_balance_transactions(limit=2)
    while True:
        assert isinstance(page, BalanceTransactionPage)
        assert len(page.data) <= 2
        rows.extend(page.data)
        if page.next_cursor is None:
            break
        page = provider.list_balance_transactions(limit=2, starting_after=page.next_cursor)
    assert [row.type for row in rows] == ["application_fee_refund", "transfer_refund",
                                          "refund", "application_fee", "transfer", "charge"]
    assert sum(row.net for row in rows) == 599 - 599 * 999 // 1_999
    assert all(row.currency == "USD" and row.net == row.amount - row.fee for row in rows)
    charge = rows[-1]
    assert charge.source_id == payment.latest_charge
    soon = datetime.now(UTC) + timedelta(minutes=1)
    assert provider.list_balance_transactions(created_from=soon).data == []
    assert len(provider.list_balance_transactions(created_before=soon).data) == 6


def test_events_are_signed_and_verify(provider_harness: Harness) -> None:
    account = provider_harness.account()
    payment = provider_harness.provider.create_payment(_payment(provider_harness,
                                                                account.id))
    deliveries = provider_harness.take_webhooks()
    events = [provider_harness.provider.parse_webhook(d.payload, d.signature_header)
              for d in deliveries]
    succeeded = [event for event in events if event.type == "payment_intent.succeeded"]
    assert len(succeeded) == 1
    assert succeeded[0].object_id == payment.id
    assert succeeded[0].object_type == "payment_intent"
    assert succeeded[0].data_object["metadata"] == {"purchase_id": "pur-1"}
    assert succeeded[0].livemode is False
    assert len({event.id for event in events}) == len(events)


def test_racing_workers_pay_a_period_once(provider_harness: Harness) -> None:
    provider = provider_harness.provider
    account = provider_harness.account("partner-9")
    provider.create_payment(_payment(provider_harness, account.id, fee=9_000))
    request = PayoutRequest(partner_id="partner-9", period="2026-12",
                            destination_account=account.id, amount=2_000, currency="KRW")
    with ThreadPoolExecutor(max_workers=8) as pool:
        transfers = list(pool.map(lambda _: provider.create_payout(request), range(16)))
    assert len({transfer.id for transfer in transfers}) == 1
    assert provider_harness.simulator.available_balance("krw") == 9_000 - 2_000
