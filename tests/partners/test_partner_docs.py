"""docs/partners/program.md says what the code does: its examples are recomputed here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from partners import (
    TIERS,
    AppliedRate,
    Program,
    RateSource,
    Tier,
    refund_split,
    split_sale,
)
from robeing_sdk.models import Money

DOC = Path(__file__).resolve().parents[2] / "docs" / "partners" / "program.md"
TEXT = DOC.read_text(encoding="utf-8")


def row(prefix: str) -> str:
    lines = [line for line in TEXT.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, f"no single table row starts with {prefix!r}"
    return lines[0]


def applied(bps: int) -> AppliedRate:
    return AppliedRate(tier=Tier.GOLD, partner_share_bps=bps, platform_fee_bps=10_000 - bps,
                       source=RateSource.SCHEDULE, schedule_version=1,
                       sale_time=datetime(2026, 3, 1, tzinfo=UTC))


def shown(money: Money) -> str:
    return f"**{money.format('en')}**" if money.currency != "BHD" else f"({money.amount})"


@pytest.mark.parametrize(("prefix", "gross", "currency", "bps"), [
    ("| ₩9,999 (9999 KRW)", 9_999, "KRW", 3000),
    ("| ₩33,000 (33000 KRW)", 33_000, "KRW", 4000),
    ("| $19.99 (1999 USD cents)", 1_999, "USD", 3000),
    ("| $49.99 (4999 USD cents)", 4_999, "USD", 4000),
    ("| $100.00 (10000 USD cents)", 10_000, "USD", 6500),
    ("| BD 12.345 (12345 BHD fils)", 12_345, "BHD", 4000),
])
def test_split_examples(prefix: str, gross: int, currency: str, bps: int) -> None:
    line = row(prefix)
    split = split_sale(Money(amount=gross, currency=currency), applied(bps))
    assert f"({bps} bp)" in line
    assert shown(split.partner) in line and shown(split.platform) in line


def test_refund_examples() -> None:
    krw = split_sale(Money(amount=9_999, currency="KRW"), applied(3000))
    parts = [refund_split(krw, Money(amount=3_333, currency="KRW"),
                          Money(amount=done, currency="KRW")) for done in (0, 3_333, 6_666)]
    assert [(p.partner.amount, p.platform.amount) for p in parts] == [
        (1_000, 2_333), (1_000, 2_333), (999, 2_334)]
    assert "| ₩3,333 | ₩9,999 | ₩0 | ₩999 | ₩2,334 |" in TEXT
    usd = split_sale(Money(amount=1_999, currency="USD"), applied(3000))
    first = refund_split(usd, Money(amount=1_000, currency="USD"), Money(amount=0, currency="USD"))
    second = refund_split(usd, Money(amount=999, currency="USD"), first.refunded_total)
    assert (first.partner.amount, first.platform.amount) == (300, 700)
    assert (second.partner.amount, second.platform.amount) == (299, 700)
    assert "| $10.00 | $10.00 | ⌊999 × 0.3⌋ = 299 ($2.99) | $3.00 | $7.00 |" in TEXT
    assert "| $9.99 | $19.99 | $0.00 | $2.99 | $7.00 |" in TEXT


def test_every_tier_requirement_and_benefit_is_documented(program: Program) -> None:
    for tier in TIERS:
        assert f"| `{tier.value}` |" in TEXT
    for requirement in program.requirements:
        assert row(f"| `{requirement.id}` | {requirement.tier.value} | {requirement.kind.value} |")
    for benefit in program.benefits:
        assert benefit.title.lower() in TEXT.lower()


def test_default_schedule_table_matches_the_data(program: Program) -> None:
    (v1,) = program.schedules
    assert v1.effective_from.isoformat().replace("+00:00", "Z") in TEXT
    for tier, rate in v1.rates.items():
        line = row(f"| {tier.value} | {rate.partner_share_bps} (")
        assert f"| {rate.platform_fee_bps} (" in line
    bounds = v1.strategic_bounds
    assert (f"from {bounds.min_partner_share_bps} to {bounds.max_partner_share_bps} bp"
            in TEXT)


def test_rounding_rule_is_stated() -> None:
    assert "**partner = ⌊gross × partner_share_bps ÷ 10,000⌋**" in TEXT
    assert "**platform = gross − partner**" in TEXT


def test_opening_example_runs() -> None:
    code = TEXT.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    split = namespace["split"]
    assert split == split_sale(Money(amount=1_999, currency="USD"), namespace["rate"])  # type: ignore[arg-type]
    assert namespace["may_publish_paid_skills"](Tier.REGISTERED) is False  # type: ignore[operator]
