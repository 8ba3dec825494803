"""Package exports imported on first use.

The ``robeing`` command loads every command group of the marketplace at start-up, which
imports their packages; a package whose ``__init__`` imported its whole API (SQLAlchemy
models, the payment providers) would add hundreds of milliseconds to every ``robeing ask``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving ``name`` from ``package.module`` for each module's
    names; the value is then cached in the package like a normal import."""
    where = {name: f"{package}.{module}" for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
