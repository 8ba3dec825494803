"""Keep ``partner.tier``, which the catalog's ``tier=`` search filter reads, equal to the
partner program's tier in force, and invalidate cached searches when it changes.

The program's tier lives in the append-only history (:mod:`marketplace.partners.service`);
the column is its copy for the catalog. Every write of the column goes through
:func:`record_tier`, which bumps the index serial in the caller's transaction, so cached
``GET /v1/skills?tier=…`` pages are recomputed once that transaction commits.
"""

from __future__ import annotations

import uuid
from typing import Final

from sqlalchemy import update
from sqlmodel import Session, col

from marketplace.accounts.models import Partner
from marketplace.index.service import bump_serial
from partners.program import Tier

# The column keeps its original name for the entry tier, so ``tier=community`` still works.
LEGACY_NAMES: Final = {Tier.REGISTERED: "community"}


def column_value(tier: Tier) -> str:
    """The ``partner.tier`` value (and ``tier=`` filter value) for a program tier."""
    return LEGACY_NAMES.get(tier, tier.value)


def record_tier(session: Session, partner_id: uuid.UUID, tier: Tier) -> bool:
    """Write ``tier`` to the partner's column if it differs, bumping the index serial in the
    same transaction; whether it changed. Call inside the transaction that decides it."""
    value = column_value(tier)
    # Compared in the UPDATE itself, not on a Partner the session may have loaded earlier.
    changed = session.execute(update(Partner).where(
        col(Partner.id) == partner_id, col(Partner.tier) != value,
        col(Partner.is_staff).is_(False)).values(tier=value))
    if not getattr(changed, "rowcount", 0):
        return False
    bump_serial(session)
    return True
