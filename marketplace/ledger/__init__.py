"""The ledger: a double-entry journal of sales, refunds and payouts, with revenue share.

The commerce domain posts through :func:`record_sale` and :func:`record_refund` (idempotent
on their external ids; the caller commits). Statements, balances, reconciliation with the
payment provider and payouts build on the same journal. See ``docs/billing/ledger.md``.
"""

from marketplace.ledger.journal import Account, EntryKind, UnbalancedEntryError
from marketplace.ledger.models import JournalEntry, JournalLine, Payout, RefundEntry, SaleEntry
from marketplace.ledger.service import find_refund, find_sale, record_refund, record_sale

__all__ = [
    "Account",
    "EntryKind",
    "JournalEntry",
    "JournalLine",
    "Payout",
    "RefundEntry",
    "SaleEntry",
    "UnbalancedEntryError",
    "find_refund",
    "find_sale",
    "record_refund",
    "record_sale",
]
