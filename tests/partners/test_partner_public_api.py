"""``partners`` and ``partners.program`` export exactly their curated, sorted public names."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("name", ["partners", "partners.program"])
def test_all_lists_every_public_name_sorted(name: str) -> None:
    module = importlib.import_module(name)
    public = {n for n, v in vars(module).items()
              if not n.startswith("_") and getattr(v, "__module__", "").startswith("partners")
              and not isinstance(v, type(module))}
    assert public <= set(module.__all__)
    assert all(hasattr(module, n) for n in module.__all__)
    # ruff's RUF022 order: SCREAMING_CASE constants first, then the rest, each alphabetical.
    assert list(module.__all__) == sorted(module.__all__, key=lambda n: (n.upper() != n, n))


def test_packages_agree() -> None:
    import partners
    import partners.program

    assert partners.__all__ == partners.program.__all__


def test_no_web_or_database_imports() -> None:
    """The program is plain data and functions: no FastAPI, SQLModel or marketplace."""
    import sys

    import partners  # noqa: F401

    for path in importlib.import_module("partners.program").__path__:
        from pathlib import Path

        for source in Path(path).glob("*.py"):
            text = source.read_text(encoding="utf-8")
            for banned in ("fastapi", "sqlmodel", "sqlalchemy", "marketplace", "httpx"):
                assert f"import {banned}" not in text and f"from {banned}" not in text, source
    assert "partners.portal" not in sys.modules
