"""A usage licence whose monthly charge failed is suspended until a payment succeeds.

A declined usage charge (``payment_intent.payment_failed`` or ``invoice.payment_failed``
with the charge in its metadata, or the decline ``bill_period`` gets back at once)
suspends the licence: pip and the runtime's licence check get ``suspended`` with the month
that failed. A paid charge resumes it once no failed charge of the licence is left; a
revoked licence stays revoked. ``suspended_reason`` holds the month (``YYYY-MM``) the
sentence names.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from marketplace.commerce.models import Licence, LicenceStatus, UsageCharge


def charge_failed(session: Session, charge: UsageCharge, at: datetime) -> Licence | None:
    """Mark the charge failed (unless paid meanwhile) and suspend its licence."""
    if charge.status != "paid":
        charge.status = "failed"
        session.add(charge)
    licence = session.get(Licence, charge.licence_id)
    if licence is not None and charge.status == "failed" \
            and licence.status == LicenceStatus.ACTIVE:
        licence.status = LicenceStatus.SUSPENDED.value
        licence.suspended_reason, licence.suspended_at = charge.period, at
        session.add(licence)
    session.flush()
    return licence


def resume_if_settled(session: Session, licence: Licence) -> bool:
    """Active again when no failed charge is left; True when it resumed."""
    if licence.status != LicenceStatus.SUSPENDED:
        return False
    session.flush()
    still = session.exec(select(UsageCharge).where(
        UsageCharge.licence_id == licence.id, UsageCharge.status == "failed")
        .order_by(col(UsageCharge.period))).first()
    if still is not None:
        licence.suspended_reason = still.period
        session.add(licence)
        return False
    licence.status = LicenceStatus.ACTIVE.value
    licence.suspended_reason = licence.suspended_at = None
    session.add(licence)
    return True


__all__ = ["charge_failed", "resume_if_settled"]
