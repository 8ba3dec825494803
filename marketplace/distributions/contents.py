"""What the wheel and sdist readers hand to the checks that do not care about the format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Contents:
    """The files of a distribution that the marketplace reads, found and size-checked."""

    metadata: bytes  # the raw METADATA or PKG-INFO
    metadata_source: str  # e.g. "wheel's METADATA", for sentences
    entry_points: Mapping[str, str]  # the ``robeing.skills`` group: name -> value
    entry_points_source: str  # e.g. "wheel's entry_points.txt"
    manifests: Mapping[str, bytes]  # archive path -> bytes of every robeing-skill.toml
    roots: tuple[str, ...]  # archive prefixes where importable packages start
