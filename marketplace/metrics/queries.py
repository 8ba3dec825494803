"""What the marketplace's own tables say about one month (UTC): read-only, no new tables.

Sources: commerce's ``licence`` and ``usage_charge``, the ledger's ``ledger_sale`` and
``ledger_refund``, the releases' ``download_day``. A *robeing* is not a row anywhere, so the
proxy is the **buyer** (a licence's ``buyer_email``): one buyer holding at least one licence
that is active at some moment of the month is one active robeing.

A licence is active from ``activated_at`` until the earlier of ``revoked_at`` (refund,
dispute) and ``expires_at`` (a subscription's paid period end; never for one-time and
usage licences). Pending and failed purchases were never active. The licence keeps only its
latest period end, so a past month sees a since-renewed subscription as active throughout,
which it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from marketplace.commerce.models import Licence, UsageCharge
from marketplace.commerce.purchases import month_after
from marketplace.errors import Unprocessable
from marketplace.ledger.models import RefundEntry, SaleEntry
from marketplace.messages import N_
from marketplace.metrics.costs import MONTH
from marketplace.releases.models import DownloadDay
from robeing_sdk.manifest import PriceKind


@dataclass(frozen=True, slots=True)
class Window:
    """A calendar month; ``as_of`` is its end, or now while it is still running."""

    month: str
    start: datetime
    end: datetime
    as_of: datetime

    @property
    def complete(self) -> bool:
        return self.as_of == self.end

    def previous(self) -> Window:
        start = previous_start(self.start)
        return Window(start.strftime("%Y-%m"), start, self.start, self.start)


def previous_start(start: datetime) -> datetime:
    year, month = (start.year - 1, 12) if start.month == 1 else (start.year, start.month - 1)
    return start.replace(year=year, month=month)


def window(month: str | None, now: datetime) -> Window:
    """The month ``YYYY-MM`` (default: the current one); a future month is refused."""
    current = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if month is None:
        start = current
    else:
        try:
            if not MONTH.match(month):  # strptime alone would take "2026-1"
                raise ValueError(month)
            start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
        except ValueError:
            raise Unprocessable(N_("{month} is not a month; use YYYY-MM."),
                                month=repr(month)) from None
        if start > current:
            raise Unprocessable(N_("{month} has not started yet; metrics need a past or the "
                                   "current month."), month=month)
    end = month_after(start)
    return Window(start.strftime("%Y-%m"), start, end, min(end, now))


@dataclass(frozen=True, slots=True)
class Span:
    """One licence as the metrics see it: who, what, and when it was usable."""

    buyer: str
    kind: str
    amount: int
    currency: str
    activated_at: datetime
    until: datetime | None

    def active_at(self, moment: datetime) -> bool:
        return self.activated_at <= moment and (self.until is None or self.until > moment)

    def active_during(self, start: datetime, end: datetime) -> bool:
        return self.activated_at < end and (self.until is None or self.until > start)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def spans(session: Session, before: datetime) -> list[Span]:
    """Every licence that became active before ``before``."""
    rows = session.exec(select(Licence).where(col(Licence.activated_at).is_not(None),
                                              col(Licence.activated_at) < before))
    found = []
    for row in rows:
        assert row.activated_at is not None
        ends = [_aware(at) for at in (row.revoked_at, row.expires_at) if at is not None]
        found.append(Span(row.buyer_email, row.kind, row.amount, row.currency,
                          _aware(row.activated_at), min(ends) if ends else None))
    return found


def active_buyers(all_spans: Iterable[Span], start: datetime, end: datetime) -> set[str]:
    return {span.buyer for span in all_spans if span.active_during(start, end)}


def buyers_active_at(all_spans: Iterable[Span], moment: datetime) -> set[str]:
    return {span.buyer for span in all_spans if span.active_at(moment)}


def new_buyers(all_spans: Iterable[Span], start: datetime, end: datetime) -> set[str]:
    """Buyers whose first licence became active within ``[start, end)``."""
    first: dict[str, datetime] = {}
    for span in all_spans:
        if span.buyer not in first or span.activated_at < first[span.buyer]:
            first[span.buyer] = span.activated_at
    return {buyer for buyer, at in first.items() if start <= at < end}


def first_activation(all_spans: Iterable[Span]) -> datetime | None:
    return min((span.activated_at for span in all_spans), default=None)


def subscription_prices(all_spans: Iterable[Span], moment: datetime) -> dict[str, int]:
    """Monthly prices of the subscriptions active at ``moment``, per currency."""
    totals: dict[str, int] = defaultdict(int)
    for span in all_spans:
        if span.kind == PriceKind.SUBSCRIPTION.value and span.active_at(moment):
            totals[span.currency] += span.amount
    return dict(totals)


def usage_charged(session: Session, period: str) -> dict[str, int]:
    """Usage charges of ``period`` that were paid, per currency."""
    rows = session.exec(select(UsageCharge.currency, func.sum(UsageCharge.amount)).where(
        UsageCharge.period == period, UsageCharge.status == "paid")
        .group_by(col(UsageCharge.currency)))
    return {currency: int(total) for currency, total in rows}


@dataclass(frozen=True, slots=True)
class LedgerMonth:
    """The ledger's sales and refunds in a month, per currency."""

    gross: dict[str, int] = field(default_factory=dict)
    refunded: dict[str, int] = field(default_factory=dict)
    platform: dict[str, int] = field(default_factory=dict)
    """Platform share of the sales less the platform part of the refunds."""


def ledger_month(session: Session, start: datetime, end: datetime) -> LedgerMonth:
    gross: dict[str, int] = defaultdict(int)
    refunded: dict[str, int] = defaultdict(int)
    platform: dict[str, int] = defaultdict(int)
    for currency, total, share in session.exec(
            select(SaleEntry.currency, func.sum(SaleEntry.gross),
                   func.sum(SaleEntry.platform_share))
            .where(SaleEntry.occurred_at >= start, SaleEntry.occurred_at < end)
            .group_by(col(SaleEntry.currency))):
        gross[currency] += int(total)
        platform[currency] += int(share)
    for currency, total, part in session.exec(
            select(RefundEntry.currency, func.sum(RefundEntry.amount),
                   func.sum(RefundEntry.platform_part))
            .where(RefundEntry.occurred_at >= start, RefundEntry.occurred_at < end)
            .group_by(col(RefundEntry.currency))):
        refunded[currency] += int(total)
        platform[currency] -= int(part)
    return LedgerMonth(dict(gross), dict(refunded), dict(platform))


def downloads(session: Session, start: datetime, end: datetime) -> int:
    total = session.exec(select(func.coalesce(func.sum(DownloadDay.downloads), 0)).where(
        DownloadDay.day >= start.date(), DownloadDay.day < end.date())).one()
    return int(total)


__all__ = ["LedgerMonth", "Span", "Window", "active_buyers", "buyers_active_at", "downloads",
           "first_activation", "ledger_month", "new_buyers", "spans", "subscription_prices",
           "usage_charged", "window"]
