"""Splits always add up to the gross; refunds in any sequence add back up exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partners import (
    AppliedRate,
    CurrencyMismatchError,
    InvalidAmountError,
    RateSource,
    RefundExceedsPaymentError,
    RoundingRule,
    Split,
    SplitError,
    Tier,
    refund_split,
    split_sale,
)
from robeing_sdk.models import Money

CURRENCIES = ["KRW", "JPY", "USD", "EUR", "BHD"]


def rate(partner_bps: int) -> AppliedRate:
    return AppliedRate(tier=Tier.CERTIFIED, partner_share_bps=partner_bps,
                       platform_fee_bps=10_000 - partner_bps, source=RateSource.SCHEDULE,
                       schedule_version=1, sale_time=datetime(2026, 3, 1, tzinfo=UTC))


amounts = st.integers(min_value=1, max_value=10**15)
bps = st.one_of(st.sampled_from([0, 1, 3000, 4000, 3333, 6667, 9999, 10_000]),
                st.integers(min_value=0, max_value=10_000))
currencies = st.sampled_from(CURRENCIES)


@settings(max_examples=500)
@given(amount=amounts, partner_bps=bps, currency=currencies)
def test_split_sums_to_gross(amount: int, partner_bps: int, currency: str) -> None:
    gross = Money(amount=amount, currency=currency)
    split = split_sale(gross, rate(partner_bps))
    assert split.partner.amount + split.platform.amount == amount
    assert split.gross == gross
    assert split.partner.currency == split.platform.currency == currency
    assert 0 <= split.partner.amount <= amount and split.platform.amount >= 0
    # floor: partner × 10,000 ≤ gross × bps < (partner + 1) × 10,000
    assert split.partner.amount * 10_000 <= amount * partner_bps
    assert amount * partner_bps < (split.partner.amount + 1) * 10_000
    assert split.rounding is RoundingRule.PARTNER_FLOOR


@st.composite
def refund_sequences(draw: st.DrawFn) -> tuple[int, list[int]]:
    """A gross and a sequence of positive partial refunds that sum to at most the gross."""
    gross = draw(st.integers(min_value=1, max_value=10**12))
    refunds: list[int] = []
    left = gross
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if left == 0:
            break
        part = draw(st.one_of(st.integers(min_value=1, max_value=left), st.just(1),
                              st.just(left)))
        refunds.append(part)
        left -= part
    return gross, refunds


@settings(max_examples=500)
@given(case=refund_sequences(), partner_bps=bps, currency=currencies,
       finish=st.booleans())
def test_refunds_in_any_sequence_sum_back_exactly(case: tuple[int, list[int]], partner_bps: int,
                                                  currency: str, finish: bool) -> None:
    gross, refunds = case
    split = split_sale(Money(amount=gross, currency=currency), rate(partner_bps))
    if finish and sum(refunds) < gross:
        refunds.append(gross - sum(refunds))  # a full refund after the partials
    done = Money(amount=0, currency=currency)
    partner_back = platform_back = 0
    for amount in refunds:
        part = refund_split(split, Money(amount=amount, currency=currency), done)
        assert part.partner.amount >= 0 and part.platform.amount >= 0
        assert part.partner.amount + part.platform.amount == amount
        assert part.refund == Money(amount=amount, currency=currency)
        partner_back += part.partner.amount
        platform_back += part.platform.amount
        assert partner_back <= split.partner.amount and platform_back <= split.platform.amount
        done = part.refunded_total
        # What is left stands exactly as a sale of the remaining gross would.
        if done.amount < gross:
            left = split_sale(Money(amount=gross - done.amount, currency=currency), split.rate)
            assert left.partner.amount == split.partner.amount - partner_back
    if done.amount == gross:
        assert partner_back == split.partner.amount
        assert platform_back == split.platform.amount


@given(case=refund_sequences(), partner_bps=bps)
def test_refund_order_does_not_change_totals(case: tuple[int, list[int]],
                                             partner_bps: int) -> None:
    gross, refunds = case

    def total_partner(sequence: list[int]) -> int:
        split = split_sale(Money(amount=gross, currency="KRW"), rate(partner_bps))
        done, back = 0, 0
        for amount in sequence:
            part = refund_split(split, Money(amount=amount, currency="KRW"),
                                Money(amount=done, currency="KRW"))
            done, back = done + amount, back + part.partner.amount
        return back

    assert total_partner(refunds) == total_partner(list(reversed(refunds)))


# ── hand-written cases ───────────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("gross", "currency", "partner_bps", "partner", "platform"), [
    (10_000, "KRW", 3000, 3_000, 7_000),     # ₩10,000 at 30 %
    (9_999, "KRW", 3000, 2_999, 7_000),      # ₩2,999.7 → ₩2,999; the platform takes ₩7,000
    (1, "JPY", 4000, 0, 1),                  # ¥1: the partner's ¥0.4 rounds down to ¥0
    (1_999, "USD", 3000, 599, 1_400),        # $19.99 → $5.997 → $5.99 to the partner
    (12_345, "BHD", 4000, 4_938, 7_407),     # BD 12.345 → BD 4.938 (three decimals)
    (100, "EUR", 10_000, 100, 0),
    (100, "EUR", 0, 0, 100),
])
def test_worked_examples(gross: int, currency: str, partner_bps: int, partner: int,
                         platform: int) -> None:
    split = split_sale(Money(amount=gross, currency=currency), rate(partner_bps))
    assert (split.partner.amount, split.platform.amount) == (partner, platform)


def test_documented_refund_example() -> None:
    """docs/partners/program.md: ₩9,999 at 30 %, refunded ₩3,333 three times."""
    split = split_sale(Money(amount=9_999, currency="KRW"), rate(3000))
    parts = []
    done = 0
    for _ in range(3):
        part = refund_split(split, Money(amount=3_333, currency="KRW"),
                            Money(amount=done, currency="KRW"))
        parts.append((part.partner.amount, part.platform.amount))
        done += 3_333
    assert parts == [(1_000, 2_333), (1_000, 2_333), (999, 2_334)]
    assert sum(p for p, _ in parts) == split.partner.amount == 2_999


def test_positive_gross_only() -> None:
    for amount in (0, -100):
        with pytest.raises(InvalidAmountError) as info:
            split_sale(Money(amount=amount, currency="USD"), rate(3000))
        assert info.value.amount.amount == amount


def test_refund_beyond_payment_is_refused() -> None:
    split = split_sale(Money(amount=1_000, currency="USD"), rate(3000))
    with pytest.raises(RefundExceedsPaymentError) as info:
        refund_split(split, Money(amount=401, currency="USD"), Money(amount=600, currency="USD"))
    assert info.value.refundable == Money(amount=400, currency="USD")
    with pytest.raises(RefundExceedsPaymentError):
        refund_split(split, Money(amount=1, currency="USD"), Money(amount=1_000, currency="USD"))
    with pytest.raises(RefundExceedsPaymentError):
        refund_split(split, Money(amount=1_001, currency="USD"), Money(amount=0, currency="USD"))


@pytest.mark.parametrize(("refund", "already"), [(0, 0), (-5, 0), (5, -1)])
def test_refund_amounts_must_make_sense(refund: int, already: int) -> None:
    split = split_sale(Money(amount=1_000, currency="USD"), rate(3000))
    with pytest.raises(InvalidAmountError):
        refund_split(split, Money(amount=refund, currency="USD"),
                     Money(amount=already, currency="USD"))


def test_refund_in_another_currency_is_refused() -> None:
    split = split_sale(Money(amount=1_000, currency="KRW"), rate(3000))
    with pytest.raises(CurrencyMismatchError) as info:
        refund_split(split, Money(amount=10, currency="JPY"), Money(amount=0, currency="KRW"))
    assert info.value.currencies == ("JPY", "KRW")
    assert isinstance(info.value, SplitError)


def test_a_split_that_breaks_its_rule_cannot_be_built() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="partner-floor"):
        Split(partner=Money(amount=301, currency="USD"),
              platform=Money(amount=699, currency="USD"), rate=rate(3000))
    with pytest.raises(ValidationError, match="share a currency"):
        Split(partner=Money(amount=300, currency="USD"),
              platform=Money(amount=700, currency="EUR"), rate=rate(3000))


def test_split_round_trips_through_json() -> None:
    split = split_sale(Money(amount=123_456, currency="JPY"), rate(4000))
    assert Split.model_validate_json(split.model_dump_json()) == split
