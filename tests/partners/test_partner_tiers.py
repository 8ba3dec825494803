"""Tiers are ordered by the program, not by the alphabet."""

from __future__ import annotations

from partners import TIERS, PartnerType, Tier


def test_order() -> None:
    assert TIERS == (Tier.REGISTERED, Tier.CERTIFIED, Tier.GOLD, Tier.STRATEGIC)
    assert Tier.REGISTERED < Tier.CERTIFIED < Tier.GOLD < Tier.STRATEGIC
    assert Tier.GOLD > Tier.CERTIFIED and Tier.GOLD >= Tier.GOLD and Tier.GOLD <= Tier.GOLD
    assert sorted([Tier.STRATEGIC, Tier.GOLD, Tier.REGISTERED, Tier.CERTIFIED]) == list(TIERS)
    assert max(Tier.CERTIFIED, Tier.GOLD) is Tier.GOLD  # alphabetically certified < gold too
    assert max(Tier.REGISTERED, Tier.GOLD) is Tier.GOLD  # alphabetically registered > gold


def test_neighbours() -> None:
    assert Tier.REGISTERED.previous is None and Tier.REGISTERED.next is Tier.CERTIFIED
    assert Tier.STRATEGIC.next is None and Tier.STRATEGIC.previous is Tier.GOLD
    assert [t.rank for t in TIERS] == [0, 1, 2, 3]


def test_values_are_stable_strings() -> None:
    assert [t.value for t in TIERS] == ["registered", "certified", "gold", "strategic"]
    assert {p.value for p in PartnerType} == {"technology", "integration", "channel"}
    assert Tier("gold") is Tier.GOLD


def test_comparison_with_other_types_is_refused() -> None:
    import pytest

    with pytest.raises(TypeError):
        assert Tier.GOLD < 3
