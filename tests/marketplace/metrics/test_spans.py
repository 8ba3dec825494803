"""The licence-span rules behind N, churn and new buyers, over random histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from marketplace.metrics import queries
from marketplace.metrics.queries import Span

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
MONTH = queries.window("2026-03", datetime(2026, 6, 1, tzinfo=UTC))


@st.composite
def spans(draw: st.DrawFn) -> Span:
    start = EPOCH + timedelta(hours=draw(st.integers(0, 24 * 150)))
    length = draw(st.none() | st.integers(1, 24 * 90))
    return Span(buyer=draw(st.sampled_from("abcdef")),
                kind=draw(st.sampled_from(["one_time", "subscription", "usage"])),
                amount=draw(st.integers(0, 10**6)), currency="KRW", activated_at=start,
                until=None if length is None else start + timedelta(hours=length))


@given(st.lists(spans(), max_size=12))
def test_churned_and_new_buyers_are_among_the_active(history: list[Span]) -> None:
    active = queries.active_buyers(history, MONTH.start, MONTH.as_of)
    at_start = queries.buyers_active_at(history, MONTH.start)
    at_end = queries.buyers_active_at(history, MONTH.as_of)
    new = queries.new_buyers(history, MONTH.start, MONTH.as_of)
    assert at_start <= active and new <= active
    assert not new & at_start  # a buyer active at the start was not new in the month
    churned = at_start - at_end
    assert len(churned) <= len(at_start)
    # every active buyer was active at the start, is new, or came back during the month
    for buyer in active - at_start - new:
        assert any(s.buyer == buyer and s.activated_at >= MONTH.start for s in history)


@given(st.lists(spans(), max_size=12))
def test_mrr_counts_only_subscriptions_active_at_the_moment(history: list[Span]) -> None:
    prices = queries.subscription_prices(history, MONTH.as_of)
    assert prices.get("KRW", 0) == sum(s.amount for s in history if s.kind == "subscription"
                                       and s.activated_at <= MONTH.as_of
                                       and (s.until is None or s.until > MONTH.as_of))


def test_a_span_ending_at_the_month_start_was_not_active_in_it() -> None:
    span = Span("a", "subscription", 1, "KRW", MONTH.start - timedelta(days=30), MONTH.start)
    assert not span.active_during(MONTH.start, MONTH.end)
    assert not span.active_at(MONTH.start)
    assert MONTH.complete and MONTH.previous().month == "2026-02"
