"""The ledger package's public face: ``__all__`` is sorted and every name in it resolves
(imported on first use) to the ledger's own object."""

from __future__ import annotations

import pytest

import marketplace.ledger as ledger


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert ledger.__all__ == sorted(ledger.__all__)
    for name in ledger.__all__:
        value = getattr(ledger, name)
        assert getattr(value, "__module__", "").startswith("marketplace.ledger."), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = ledger.nothing_here
