"""The ledger: a double-entry journal of sales, refunds and payouts, with revenue share.

The commerce domain posts through :func:`record_sale` and :func:`record_refund` (idempotent
on their external ids; the caller commits). Statements and balances
(:func:`statement`, :func:`balance`), the reconciliation with the payment provider
(:func:`reconcile`) and payouts (:func:`run_payouts`) build on the same journal. See
``docs/billing/ledger.md``.
"""

from marketplace.ledger.journal import Account, EntryKind, UnbalancedEntryError
from marketplace.ledger.models import JournalEntry, JournalLine, Payout, RefundEntry, SaleEntry
from marketplace.ledger.payouts import PayoutOutcome, run_payouts
from marketplace.ledger.reconcile import Difference, Report, reconcile
from marketplace.ledger.schemas import Balance, CurrencyBalance, CurrencyStatement, Statement
from marketplace.ledger.service import (
    find_refund,
    find_sale,
    find_sale_by_payment,
    record_refund,
    record_sale,
)
from marketplace.ledger.statements import balance, month_bounds, net_sales, statement

__all__ = [
    "Account",
    "Balance",
    "CurrencyBalance",
    "CurrencyStatement",
    "Difference",
    "EntryKind",
    "JournalEntry",
    "JournalLine",
    "Payout",
    "PayoutOutcome",
    "RefundEntry",
    "Report",
    "SaleEntry",
    "Statement",
    "UnbalancedEntryError",
    "balance",
    "find_refund",
    "find_sale",
    "find_sale_by_payment",
    "month_bounds",
    "net_sales",
    "reconcile",
    "record_refund",
    "record_sale",
    "run_payouts",
    "statement",
]
