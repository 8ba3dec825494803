"""The chart of accounts and the one function that writes journal entries.

Accounts (amounts are signed minor units: a debit is positive, a credit negative)::

    provider_balance   asset      the platform's balance at the payment provider
    partner_payable    liability  what the marketplace owes one partner (per partner_id)
    platform_revenue   income     the platform's share of sales, less refunds
    processing_fees    expense    the provider's processing fees (never returned on refunds)

:func:`post` checks that the lines of an entry add up to zero in every currency before it
writes anything, so an unbalanced entry can never reach the database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from marketplace.ledger.models import JournalEntry, JournalLine


class Account(StrEnum):
    PROVIDER_BALANCE = "provider_balance"
    PARTNER_PAYABLE = "partner_payable"
    PLATFORM_REVENUE = "platform_revenue"
    PROCESSING_FEES = "processing_fees"


class EntryKind(StrEnum):
    SALE = "sale"
    REFUND = "refund"
    PAYOUT = "payout"


class UnbalancedEntryError(ValueError):
    """Debits and credits of an entry differ in some currency (a programming error)."""


@dataclass(frozen=True, slots=True)
class Line:
    account: Account
    currency: str
    amount: int
    """Positive for a debit, negative for a credit."""
    partner_id: uuid.UUID | None = None


def debit(account: Account, currency: str, amount: int,
          partner_id: uuid.UUID | None = None) -> Line:
    return Line(account, currency, amount, partner_id)


def credit(account: Account, currency: str, amount: int,
           partner_id: uuid.UUID | None = None) -> Line:
    return Line(account, currency, -amount, partner_id)


def check_balanced(lines: Sequence[Line]) -> None:
    """Raise :class:`UnbalancedEntryError` unless debits equal credits per currency."""
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.currency] += line.amount
    off = {currency: total for currency, total in totals.items() if total}
    if off or not lines:
        raise UnbalancedEntryError(f"journal entry does not balance: {off or 'no lines'}")
    for line in lines:
        if (line.account is Account.PARTNER_PAYABLE) != (line.partner_id is not None):
            raise UnbalancedEntryError("partner_payable lines, and only they, name a partner")


def post(session: Session, *, kind: EntryKind, reference: str, occurred_at: datetime,
         lines: Sequence[Line], partner_id: uuid.UUID | None = None,
         memo: str = "") -> JournalEntry:
    """Add one balanced entry and its non-zero lines (the caller commits)."""
    kept = [line for line in lines if line.amount]
    check_balanced(kept)
    entry = JournalEntry(kind=kind.value, reference=reference, partner_id=partner_id,
                         occurred_at=occurred_at, memo=memo)
    session.add(entry)
    session.flush()
    for line in kept:
        session.add(JournalLine(entry_id=entry.id, account=line.account.value,
                                partner_id=line.partner_id, currency=line.currency,
                                amount=line.amount, occurred_at=occurred_at))
    session.flush()
    return entry


__all__ = ["Account", "EntryKind", "Line", "UnbalancedEntryError", "check_balanced", "credit",
           "debit", "post"]
