"""The robeing skill marketplace: a FastAPI + SQLModel service and a Python package index.

Public face: :func:`create_app` builds the ASGI app from :class:`Settings`; the rest are
domain packages (``accounts``, ``catalog``, ``releases``, ``upload``, ``index``) composed by
the factory. Imports are lazy so that the ``robeing`` CLI starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from marketplace.app import create_app
    from marketplace.errors import MarketplaceError
    from marketplace.settings import Settings
    from marketplace.storage import ArtifactStore, LocalArtifactStore

__all__ = ["ArtifactStore", "LocalArtifactStore", "MarketplaceError", "Settings", "create_app"]

_HOMES = {"create_app": "marketplace.app", "MarketplaceError": "marketplace.errors",
          "Settings": "marketplace.settings", "ArtifactStore": "marketplace.storage",
          "LocalArtifactStore": "marketplace.storage"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'marketplace' has no attribute {name!r}")
