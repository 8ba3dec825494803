"""Reading an uploaded source distribution (``{name}-{version}.tar.gz``) without building it.

An sdist is a folder named like the file, holding PKG-INFO (its core metadata) and the
project's sources. Its entry points exist only as build configuration; we read the static
kinds (``pyproject.toml``, ``setup.cfg``) and never run ``setup.py`` or a build backend.
"""

from __future__ import annotations

from pathlib import Path

from marketplace.distributions import entrypoints
from marketplace.distributions.contents import Contents
from marketplace.distributions.errors import DistributionRejected
from marketplace.distributions.filenames import ParsedFilename
from marketplace.distributions.limits import (
    MAX_MANIFESTS_BYTES,
    MAX_METADATA_BYTES,
    MAX_SMALL_FILE_BYTES,
    Limits,
)
from marketplace.distributions.tarsafety import scan_tar_gz
from marketplace.messages import N_
from robeing_sdk.manifest import MANIFEST_FILENAME, MAX_MANIFEST_BYTES


def read_sdist(path: Path, parsed: ParsedFilename, limits: Limits) -> Contents:
    """Check the sdist at ``path`` and return what the marketplace reads from it."""
    top = parsed.stem
    pkg_info, pyproject, setup_cfg = f"{top}/PKG-INFO", f"{top}/pyproject.toml", \
        f"{top}/setup.cfg"
    wanted = {pkg_info: MAX_METADATA_BYTES, pyproject: MAX_SMALL_FILE_BYTES,
              setup_cfg: MAX_SMALL_FILE_BYTES}

    def keep(member: str) -> int | None:
        if member != top and not member.startswith(f"{top}/"):
            raise DistributionRejected(N_("The sdist member {member} is outside the top folder "
                                          "{top}/ named after the file."),
                                       member=repr(member), top=top)
        if member in wanted:
            return wanted[member]
        return MAX_MANIFEST_BYTES if member.endswith(f"/{MANIFEST_FILENAME}") else None

    kept = scan_tar_gz(path, limits, keep, keep_budget=sum(wanted.values())
                       + MAX_MANIFESTS_BYTES)
    if pkg_info not in kept:
        raise DistributionRejected(N_("The sdist has no {pkg_info} file."), pkg_info=pkg_info)
    group, source = _entry_points(kept, pyproject, setup_cfg)
    return Contents(
        metadata=kept[pkg_info], metadata_source="sdist's PKG-INFO",
        entry_points=group or {}, entry_points_source=source,
        manifests={name: data for name, data in kept.items()
                   if name.rpartition("/")[2] == MANIFEST_FILENAME},
        roots=(f"{top}/", f"{top}/src/"),
    )


def _entry_points(kept: dict[str, bytes], pyproject: str,
                  setup_cfg: str) -> tuple[dict[str, str] | None, str]:
    """The skill group from pyproject.toml, else setup.cfg, and which file said so."""
    for path, reader in ((pyproject, entrypoints.from_pyproject),
                         (setup_cfg, entrypoints.from_setup_cfg)):
        if path not in kept:
            continue
        source = f"sdist's {path.rpartition('/')[2]}"
        try:
            text = kept[path].decode("utf-8")
        except UnicodeDecodeError:
            raise DistributionRejected(N_("The {source} is not UTF-8 text."),
                                       source=source) from None
        group = reader(text, source=source)
        if group is not None:
            return group, source
    return None, "sdist's pyproject.toml or setup.cfg"
