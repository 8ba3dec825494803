"""The public face of each package: ``__all__`` lists exactly the public names."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["robeing_sdk", "robeing_sdk.runtime", "robeing_sdk.llm", "robeing_sdk.i18n",
            "robeing_sdk.testing"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_every_public_name_sorted(name: str) -> None:
    module = importlib.import_module(name)
    public = {n for n, v in vars(module).items()
              if not n.startswith("_") and getattr(v, "__module__", "").startswith(name)
              and not isinstance(v, type(module))}
    assert public <= set(module.__all__) | {"annotations"}
    assert all(hasattr(module, n) for n in module.__all__)
    assert list(module.__all__) == sorted(module.__all__, key=lambda n: (n.upper() != n, n)) \
        or list(module.__all__) == sorted(module.__all__)
