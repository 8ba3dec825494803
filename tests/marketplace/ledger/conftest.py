"""Ledger fixtures: a partner to sell for, and helpers that post and sum the journal."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from marketplace.accounts import service as accounts
from marketplace.db import Database
from marketplace.ledger.models import JournalLine

SALE_TIME = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def seller(db: Database) -> uuid.UUID:
    """A registered partner (the seeded schedule gives it 30 %)."""
    with db.write() as session:
        partner = accounts.ensure_partner(session, "seller", "seller@example.com")
        session.commit()
        return partner.id


def entry_totals(session: Session) -> dict[tuple[uuid.UUID, str], int]:
    """Sum of signed amounts per (entry, currency): all zero in a balanced journal."""
    totals: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for line in session.exec(select(JournalLine)).all():
        totals[(line.entry_id, line.currency)] += line.amount
    return totals


def account_balance(session: Session, account: str, currency: str,
                    partner_id: uuid.UUID | None = None) -> int:
    return sum(line.amount for line in session.exec(select(JournalLine)).all()
               if line.account == account and line.currency == currency
               and (partner_id is None or line.partner_id == partner_id))
