"""Compare the ledger with the provider's balance transactions and list every difference.

From the ledger we derive the platform-balance movements the provider must show
(Stripe Connect destination charges, refunds with ``reverse_transfer`` and
``refund_application_fee``)::

    sale      charge +gross (fee = provider_fee)   transfer -gross   application_fee +fee
    refund    refund -amount   transfer_refund +amount   application_fee_refund -fee part
    payout    transfer -amount (the payout's own transfer id)

Charges are matched by the payment's charge id (asked of the provider) and payouts by their
transfer id, then compared by amount and processing fee; the other movements carry no id
we know, so they are matched by type, currency and amount; refunds left over on both sides
match when their totals per type and currency agree (the ledger applies a charge's
cumulative refunded amount, so late or early refund events may merge two provider refunds
into one ledger refund). What is left on either side is listed: ``missing in provider``,
``missing in ledger`` or ``amount differs``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from marketplace.billing.errors import BillingError
from marketplace.billing.interfaces import PaymentProvider
from marketplace.billing.models import BalanceTransaction
from marketplace.ledger.models import Payout, RefundEntry, SaleEntry

_T = TypeVar("_T")
Kind = Literal["missing in provider", "missing in ledger", "amount differs"]
MAX_PAGES = 1_000
"""At most 100,000 provider movements per run (100 per page)."""


@dataclass(frozen=True, slots=True)
class Expected:
    type: str
    currency: str
    amount: int
    reference: str
    fee: int | None = None
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Difference:
    kind: Kind
    type: str
    currency: str
    reference: str
    ledger_amount: int | None
    provider_amount: int | None
    detail: str


@dataclass
class Report:
    ledger_movements: int = 0
    provider_movements: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.differences


def _window(statement: SelectOfScalar[_T], column: Any, since: datetime | None,
            until: datetime | None) -> SelectOfScalar[_T]:
    if since is not None:
        statement = statement.where(col(column) >= since)
    if until is not None:
        statement = statement.where(col(column) < until)
    return statement


def expected_movements(session: Session, provider: PaymentProvider, *,
                       since: datetime | None = None,
                       until: datetime | None = None) -> list[Expected]:
    expected: list[Expected] = []
    for sale in session.exec(_window(select(SaleEntry), SaleEntry.occurred_at, since,
                                     until)).all():
        try:
            charge = provider.get_payment(sale.provider_payment_id).latest_charge
        except BillingError:
            charge = None  # reported below as a charge the provider does not show
        ref = f"sale {sale.sale_id}"
        expected.append(Expected("charge", sale.currency, sale.gross, ref, sale.provider_fee,
                                 charge or f"?{sale.provider_payment_id}"))
        expected.append(Expected("transfer", sale.currency, -sale.gross, ref))
        if sale.application_fee:
            expected.append(Expected("application_fee", sale.currency, sale.application_fee,
                                     ref))
    for refund in session.exec(_window(select(RefundEntry), RefundEntry.occurred_at, since,
                                       until)).all():
        ref = f"refund {refund.refund_id}"
        expected.append(Expected("refund", refund.currency, -refund.amount, ref))
        expected.append(Expected("transfer_refund", refund.currency, refund.amount, ref))
        fee_back = refund.amount - refund.reversed_from_partner
        if fee_back:
            expected.append(Expected("application_fee_refund", refund.currency, -fee_back,
                                     ref))
    for payout in session.exec(_window(select(Payout).where(Payout.status == "paid"),
                                       Payout.paid_at, since, until)).all():
        expected.append(Expected("transfer", payout.currency, -payout.amount,
                                 f"payout {payout.period} {payout.partner_id}",
                                 source_id=payout.transfer_id))
    return expected


def provider_movements(provider: PaymentProvider, *, since: datetime | None = None,
                       until: datetime | None = None) -> list[BalanceTransaction]:
    movements: list[BalanceTransaction] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = provider.list_balance_transactions(limit=100, starting_after=cursor,
                                                  created_from=since, created_before=until)
        movements.extend(page.data)
        cursor = page.next_cursor
        if cursor is None:
            break
    return movements


def compare(expected: list[Expected], actual: list[BalanceTransaction]) -> list[Difference]:
    differences: list[Difference] = []
    left = list(actual)
    by_source = {txn.source_id: txn for txn in left if txn.source_id}
    unkeyed: list[Expected] = []
    for item in expected:
        txn = by_source.get(item.source_id) if item.source_id else None
        if item.source_id is None:
            unkeyed.append(item)
            continue
        if txn is None or txn.type != item.type:
            differences.append(Difference("missing in provider", item.type, item.currency,
                                          item.reference, item.amount, None,
                                          f"no {item.type} {item.source_id.lstrip('?')}"))
            continue
        left.remove(txn)
        if (txn.amount, txn.currency) != (item.amount, item.currency) or (
                item.fee is not None and txn.fee != item.fee):
            differences.append(Difference(
                "amount differs", item.type, item.currency, item.reference, item.amount,
                txn.amount, f"{txn.id}: ledger {item.amount} {item.currency} fee {item.fee}, "
                f"provider {txn.amount} {txn.currency} fee {txn.fee}"))
    pool: dict[tuple[str, str, int], list[BalanceTransaction]] = defaultdict(list)
    for txn in left:
        pool[(txn.type, txn.currency, txn.amount)].append(txn)
    unmatched: list[Expected] = []
    for item in unkeyed:
        matches = pool.get((item.type, item.currency, item.amount))
        if matches:
            matches.pop(0)
            continue
        unmatched.append(item)
    _match_refunds_in_total(unmatched, pool)
    for item in unmatched:
        differences.append(Difference("missing in provider", item.type, item.currency,
                                      item.reference, item.amount, None,
                                      f"no {item.type} of {item.amount} {item.currency}"))
    for txns in pool.values():
        for txn in txns:
            differences.append(Difference("missing in ledger", txn.type, txn.currency, txn.id,
                                          None, txn.amount,
                                          f"{txn.type} {txn.amount} {txn.currency} "
                                          f"({txn.source_id or 'no source'})"))
    return differences


REFUND_TYPES = frozenset({"refund", "transfer_refund", "application_fee_refund"})


def _match_refunds_in_total(unmatched: list[Expected],
                            pool: dict[tuple[str, str, int], list[BalanceTransaction]]) -> None:
    """Refunds the ledger recorded in other pieces than the provider made them.

    The ledger follows a charge's cumulative ``amount_refunded``; when a later total arrives
    before an earlier one (or both wait for their sale), two provider refunds of 4,000 and
    5,999 become one ledger refund of 9,999. Per refund type and currency, what is left on
    both sides matches when the totals agree; otherwise every piece stays a difference.
    """
    for kind in REFUND_TYPES:
        for currency in {item.currency for item in unmatched if item.type == kind}:
            ours = [item for item in unmatched if (item.type, item.currency) == (kind, currency)]
            keys = [key for key in pool if key[:2] == (kind, currency) and pool[key]]
            theirs = sum(key[2] * len(pool[key]) for key in keys)
            if sum(item.amount for item in ours) == theirs:
                for item in ours:
                    unmatched.remove(item)
                for key in keys:
                    pool[key].clear()


def reconcile(session: Session, provider: PaymentProvider, *, since: datetime | None = None,
              until: datetime | None = None) -> Report:
    """Every difference between the ledger and the provider's balance in the window."""
    expected = expected_movements(session, provider, since=since, until=until)
    actual = provider_movements(provider, since=since, until=until)
    return Report(len(expected), len(actual), compare(expected, actual))


__all__ = ["Difference", "Expected", "Report", "compare", "expected_movements",
           "provider_movements", "reconcile"]
