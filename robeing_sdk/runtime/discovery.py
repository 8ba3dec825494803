"""Find installed skills from entry points and read their manifests, importing nothing.

Start-up cost is one entry-point scan plus one ``stat`` per skill (manifests are parsed once
and remembered, see :mod:`robeing_sdk.runtime.manifest_cache`); a skill's code is imported
only when a message is first routed to it (see :class:`robeing_sdk.runtime.Runtime`).
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Final

from packaging.utils import canonicalize_name

from robeing_sdk.errors import ManifestError
from robeing_sdk.manifest import SkillManifest, manifest_paths, parse_manifest
from robeing_sdk.runtime.config import RuntimeConfig
from robeing_sdk.runtime.manifest_cache import ManifestCache

SKILLS_GROUP: Final = "robeing.skills"


class SkillStatus(StrEnum):
    OK = "ok"
    DISABLED = "disabled"
    BROKEN = "broken"
    INCOMPATIBLE = "incompatible"


@dataclass(slots=True)
class SkillRecord:
    """One installed skill as the runtime sees it before importing anything."""

    name: str
    entry_point: EntryPoint
    distribution: str
    distribution_version: str
    manifest: SkillManifest | None = None
    folder: Path | None = None
    status: SkillStatus = SkillStatus.OK
    reason: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.distribution_version

    def mark(self, status: SkillStatus, reason: str) -> None:
        # A broken skill stays broken: a later, milder verdict must not hide the cause.
        if self.status is SkillStatus.BROKEN:
            return
        self.status, self.reason = status, reason


def _locate_manifest(entry_point: EntryPoint) -> Path | None:
    candidates = manifest_paths(entry_point.value)
    dist = entry_point.dist
    if dist is not None:
        for candidate in candidates:
            located = Path(str(dist.locate_file(candidate)))
            if located.is_file():
                return located
    # Editable installs keep the code elsewhere: ask the import system where the top-level
    # package lives. find_spec on a top-level name finds it without executing it.
    top = candidates[0].partition("/")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for candidate in candidates:
            located = Path(location, candidate.partition("/")[2])
            if located.is_file():
                return located
    return None


def _read_record(entry_point: EntryPoint, sdk_version: str,
                 cache: ManifestCache) -> SkillRecord:
    dist = entry_point.dist
    metadata = dist.metadata if dist is not None else None  # parsed once, not per field
    dist_name = metadata["Name"] if metadata is not None else "?"
    dist_version = metadata["Version"] if metadata is not None else "0"
    record = SkillRecord(name=canonicalize_name(entry_point.name), entry_point=entry_point,
                         distribution=dist_name, distribution_version=dist_version)
    path = _locate_manifest(entry_point)
    if path is None:
        record.mark(SkillStatus.BROKEN,
                    f"no robeing-skill.toml found next to {entry_point.value} "
                    f"(looked for {' or '.join(manifest_paths(entry_point.value))})")
        return record
    record.folder = path.parent
    try:
        stat = path.stat()
        manifest = cache.get(path, stat)
        if manifest is None:
            manifest = parse_manifest(path.read_bytes(), source=str(path))
            cache.put(path, stat, manifest)
    except (ManifestError, OSError) as exc:
        record.mark(SkillStatus.BROKEN, f"invalid manifest: {exc}")
        return record
    record.manifest = manifest
    if manifest.name != record.name:
        record.mark(SkillStatus.BROKEN, f"the manifest names the skill {manifest.name!r} but "
                    f"its entry point is called {record.name!r}")
    elif manifest.version is not None and manifest.version != str(dist_version):
        record.mark(SkillStatus.BROKEN, f"the manifest says version {manifest.version} but "
                    f"the distribution {dist_name} is {dist_version}")
    elif not manifest.supports_sdk(sdk_version):
        record.mark(SkillStatus.INCOMPATIBLE,
                    f"needs robeing SDK {manifest.sdk}, this runtime is {sdk_version}")
    return record


def discover_skills(config: RuntimeConfig, sdk_version: str, group: str = SKILLS_GROUP,
                    cache: ManifestCache | None = None) -> list[SkillRecord]:
    """Every installed skill, sorted by name, each with a status and a reason."""
    cache = cache or ManifestCache()
    records = [_read_record(ep, sdk_version, cache) for ep in entry_points(group=group)]
    cache.save()
    by_name: dict[str, list[SkillRecord]] = defaultdict(list)
    for record in records:
        by_name[record.name].append(record)
    for name, same in by_name.items():
        if len({r.distribution for r in same}) > 1:
            owners = " and ".join(sorted(r.distribution for r in same))
            for record in same:
                record.mark(SkillStatus.BROKEN,
                            f"two distributions provide the skill {name!r}: {owners}")
    for record in records:
        if record.status is SkillStatus.OK and (
            record.name in config.disabled
            or (config.only is not None and record.name not in config.only)
        ):
            record.mark(SkillStatus.DISABLED, "disabled by configuration")
    return sorted(records, key=lambda r: (r.name, r.distribution))
