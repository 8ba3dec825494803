"""The ledger: a double-entry journal of sales, refunds and payouts, with revenue share.

The commerce domain posts through :func:`record_sale` and :func:`record_refund` (idempotent
on their external ids; the caller commits). Statements and balances
(:func:`statement`, :func:`balance`), the reconciliation with the payment provider
(:mod:`marketplace.ledger.reconcile`, a module of that name, so not re-exported here) and
payouts (:func:`run_payouts`) build on the same journal. See
``docs/billing/ledger.md``.
"""

from typing import TYPE_CHECKING

from marketplace.lazy import lazy_exports

if TYPE_CHECKING:
    from marketplace.ledger.journal import Account, EntryKind, UnbalancedEntryError
    from marketplace.ledger.models import JournalEntry, JournalLine, Payout, RefundEntry, SaleEntry
    from marketplace.ledger.payouts import PayoutOutcome, run_payouts
    from marketplace.ledger.reconcile import Difference, Report
    from marketplace.ledger.schemas import Balance, CurrencyBalance, CurrencyStatement, Statement
    from marketplace.ledger.service import (
        find_refund,
        find_sale,
        find_sale_by_payment,
        record_refund,
        record_sale,
    )
    from marketplace.ledger.statements import balance, month_bounds, net_sales, statement

__getattr__ = lazy_exports(__name__, {
    "journal": ("Account", "EntryKind", "UnbalancedEntryError"),
    "models": ("JournalEntry", "JournalLine", "Payout", "RefundEntry", "SaleEntry"),
    "payouts": ("PayoutOutcome", "run_payouts"),
    "reconcile": ("Difference", "Report"),
    "schemas": ("Balance", "CurrencyBalance", "CurrencyStatement", "Statement"),
    "service": ("find_refund", "find_sale", "find_sale_by_payment", "record_refund",
                "record_sale"),
    "statements": ("balance", "month_bounds", "net_sales", "statement"),
})

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
    "record_refund",
    "record_sale",
    "run_payouts",
    "statement",
]
