"""Validated manifests remembered between runs, so start-up does not re-parse every TOML file.

Keyed by the manifest's path, modification time (ns) and size: any change to the file
misses the cache and is parsed again. Only valid manifests are stored. The cache is an
optimization only: a missing, corrupt or unwritable cache file just means parsing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from robeing_sdk.manifest import SkillManifest

log = logging.getLogger(__name__)
_FORMAT = 1


def default_cache_path() -> Path:
    """One file per Python environment, so two virtualenvs never share entries."""
    environment = hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]
    if explicit := os.environ.get("ROBEING_CACHE_DIR"):
        folder = Path(explicit)
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "robeing"
    return folder / f"manifests-{environment}.json"


class ManifestCache:
    __slots__ = ("_dirty", "_entries", "path")

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
        self._entries: dict[str, list[Any]] | None = None
        self._dirty = False

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            self._entries = {}
            try:
                document = json.loads(self.path.read_bytes())
                if document.get("format") == _FORMAT:
                    self._entries = document["entries"]
            except (OSError, ValueError, KeyError, AttributeError):
                pass
        return self._entries

    def get(self, path: Path, stat: os.stat_result) -> SkillManifest | None:
        entry = self._load().get(str(path))
        if entry is None or entry[0] != stat.st_mtime_ns or entry[1] != stat.st_size:
            return None
        try:
            return SkillManifest.model_validate_json(entry[2])
        except ValidationError:  # written by another SDK version
            return None

    def put(self, path: Path, stat: os.stat_result, manifest: SkillManifest) -> None:
        self._load()[str(path)] = [stat.st_mtime_ns, stat.st_size, manifest.model_dump_json()]
        self._dirty = True

    def save(self) -> None:
        """Write the cache if a manifest was parsed, dropping entries of removed files."""
        if not self._dirty or self._entries is None:
            return
        for key in [key for key in self._entries if not os.path.exists(key)]:
            del self._entries[key]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=self.path.parent, delete=False,
                                             suffix=".tmp", encoding="utf-8") as out:
                json.dump({"format": _FORMAT, "entries": self._entries}, out)
            os.replace(out.name, self.path)  # atomic: readers see the old or the new file
            self._dirty = False
        except OSError as exc:
            log.debug("Could not write the manifest cache %s: %s", self.path, exc)
