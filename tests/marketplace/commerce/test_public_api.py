"""The commerce package's public face."""

from __future__ import annotations

import marketplace.commerce as commerce


def test_all_is_sorted_and_matches_the_public_names() -> None:
    public = {name for name in vars(commerce)
              if not name.startswith("_") and not isinstance(getattr(commerce, name),
                                                              type(commerce))}
    assert sorted(commerce.__all__) == commerce.__all__
    assert set(commerce.__all__) == public
