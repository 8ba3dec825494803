"""The ledger package's public face: ``__all__`` lists exactly its public names, sorted."""

from __future__ import annotations

import types

import marketplace.ledger as ledger


def test_public_names_and_all_agree() -> None:
    public = {name for name, value in vars(ledger).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert set(ledger.__all__) == public
    assert ledger.__all__ == sorted(ledger.__all__)
