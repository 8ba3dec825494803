"""The skill side of a distribution: its one entry point and its static manifest.

The manifest is found by the same rule the runtime uses
(:func:`robeing_sdk.manifest.manifest_paths`), so a skill that passes here is found after
``pip install``; and it must agree with the distribution (name, version), so what the
catalog shows is what gets installed.
"""

from __future__ import annotations

from collections.abc import Mapping

from packaging.utils import canonicalize_name
from packaging.version import Version

from marketplace.distributions.contents import Contents
from marketplace.distributions.entrypoints import SKILL_GROUP
from marketplace.distributions.errors import DistributionRejected
from marketplace.messages import N_, Message, ngettext
from robeing_sdk.errors import ManifestError
from robeing_sdk.manifest import SkillManifest, manifest_paths, parse_manifest


def read_skill_manifest(contents: Contents, *, name: str,
                        version: str) -> tuple[SkillManifest, bytes]:
    """The parsed manifest and its raw bytes; refuse when anything disagrees."""
    entry_name, value = _one_entry_point(contents.entry_points, contents.entry_points_source)
    if canonicalize_name(entry_name) != name:
        raise DistributionRejected(N_("The {group} entry point is named {entry_name}, "
                                      "but it must be named after the distribution, {name}."),
                                   group=SKILL_GROUP, entry_name=repr(entry_name), name=repr(name))
    path, raw = _locate(contents.manifests, contents.roots, value)
    try:
        manifest = parse_manifest(raw, source=path)
    except ManifestError as exc:  # the SDK's sentence; its catalog translates it
        raise DistributionRejected(Message.of(exc.template or str(exc),
                                              exc.params if exc.template else {})) from None
    if manifest.name != name:
        raise DistributionRejected(N_("The manifest {path} names the skill {name}, but the "
                                      "distribution is {name2}."),
                                   path=path, name=repr(manifest.name), name2=repr(name))
    if manifest.version is not None and Version(manifest.version) != Version(version):
        raise DistributionRejected(N_("The manifest {path} says version {version}, but the "
                                      "distribution is version {version2}."),
                                   path=path, version=manifest.version, version2=version)
    return manifest, raw


def _one_entry_point(group: Mapping[str, str], source: str) -> tuple[str, str]:
    if len(group) != 1:
        if not group:
            raise DistributionRejected(N_("The {source} declares no {group} entry points; a "
                                          "skill distribution declares exactly one."),
                                       source=source, group=SKILL_GROUP)
        raise DistributionRejected(ngettext(
            "The {source} declares {n} {group} entry point; a skill distribution declares "
            "exactly one.",
            "The {source} declares {n} {group} entry points; a skill distribution declares "
            "exactly one.", len(group)), source=source, group=SKILL_GROUP)
    [(entry_name, value)] = group.items()
    return entry_name, value


def _locate(manifests: Mapping[str, bytes], roots: tuple[str, ...],
            value: str) -> tuple[str, bytes]:
    candidates = manifest_paths(value)
    for candidate in candidates:
        for root in roots:
            if root + candidate in manifests:
                return root + candidate, manifests[root + candidate]
    raise DistributionRejected(N_("The distribution has no skill manifest at {candidates} (for "
                                  "the entry point {value})."),
                               candidates=' or '.join(candidates), value=repr(value))
