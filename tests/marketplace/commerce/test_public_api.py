"""The commerce package's public face: ``__all__`` is sorted and every name in it resolves
(imported on first use)."""

from __future__ import annotations

import pytest

import marketplace.commerce as commerce


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert sorted(commerce.__all__) == commerce.__all__
    for name in commerce.__all__:
        assert getattr(commerce, name) is not None, name
    assert commerce.KEY_USER == commerce.service.KEY_USER


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = commerce.nothing_here
