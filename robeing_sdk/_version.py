"""The SDK's own version, read from the installed distribution."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("robeing")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
