"""``inspect_distribution``: everything the marketplace checks before it accepts an upload.

The order is cheapest first and never executes anything: size, file name, declared
fields, digest, then the archive (framing, members, hashes), then the metadata and the skill
manifest. The first problem found is raised as :class:`DistributionRejected` with one
sentence that the uploader sees; the web layer maps it to 400 (or 413 for
:class:`TooLarge`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from marketplace.distributions.errors import DistributionRejected, TooLarge
from marketplace.distributions.filenames import ParsedFilename, parse_filename
from marketplace.distributions.limits import CHUNK_BYTES, Limits
from marketplace.distributions.metadata import parse_core_metadata
from marketplace.distributions.sdist import read_sdist
from marketplace.distributions.skill import read_skill_manifest
from marketplace.distributions.wheel import read_wheel
from marketplace.messages import N_, Plural, ngettext
from robeing_sdk.manifest import SkillManifest

_HEX: Final = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class InspectedFile:
    """An accepted upload: what the release, the index and the catalog need to know."""

    filename: str  # as uploaded, validated
    filetype: str  # "bdist_wheel" or "sdist"
    name: str  # PEP 503 normalized project name
    version: str  # normalized PEP 440 version
    sha256: str  # hex digest of the bytes
    blake2_256: str
    size: int
    metadata: bytes  # raw METADATA / PKG-INFO, served as the PEP 658 ``.metadata`` file
    summary: str | None
    requires_python: str | None
    requires_dist: tuple[str, ...]
    manifest: SkillManifest
    manifest_bytes: bytes


def inspect_distribution(path: Path, filename: str, *, limits: Limits = Limits(),
                         declared_sha256: str | None = None,
                         declared_name: str | None = None,
                         declared_version: str | None = None) -> InspectedFile:
    """Validate the uploaded file at ``path`` (named ``filename`` by the uploader).

    ``declared_*`` are what the uploader claims in form fields (twine sends all three);
    each must agree with the file. Raises :class:`DistributionRejected` (or
    :class:`TooLarge`) with one sentence naming the first problem found.
    """
    size = path.stat().st_size
    if size > limits.max_upload_bytes:
        raise TooLarge(_too_large(limits))
    parsed = parse_filename(filename)
    version = str(parsed.version)
    _check_declared(parsed, declared_name, declared_version)
    if size == 0:
        raise DistributionRejected(N_("The file is empty."))
    sha256, blake2_256 = _digests(path, limits)
    if declared_sha256 is not None:
        claimed = declared_sha256.strip().lower()
        if len(claimed) != 64 or not set(claimed) <= _HEX:
            raise DistributionRejected(N_("The declared sha256 digest is not 64 hexadecimal "
                                          "characters."))
        if claimed != sha256:
            raise DistributionRejected(N_("The declared sha256 digest does not match the "
                                          "uploaded bytes."))
    reader = read_wheel if parsed.filetype == "bdist_wheel" else read_sdist
    contents = reader(path, parsed, limits)
    metadata = parse_core_metadata(contents.metadata, source=contents.metadata_source)
    if metadata.name != parsed.name:
        raise DistributionRejected(N_("The {source} names the project {name}, but the "
                                      "file name says {name2}."),
                                   source=contents.metadata_source, name=repr(metadata.name),
                                   name2=repr(parsed.name))
    if metadata.version != version:
        raise DistributionRejected(N_("The {source} says version {version}, but the "
                                      "file name says {version2}."),
                                   source=contents.metadata_source, version=metadata.version,
                                   version2=version)
    manifest, manifest_bytes = read_skill_manifest(contents, name=parsed.name, version=version)
    return InspectedFile(
        filename=filename, filetype=parsed.filetype, name=parsed.name, version=version,
        sha256=sha256, blake2_256=blake2_256, size=size, metadata=contents.metadata,
        summary=metadata.summary, requires_python=metadata.requires_python,
        requires_dist=metadata.requires_dist, manifest=manifest,
        manifest_bytes=manifest_bytes,
    )


def _check_declared(parsed: ParsedFilename, name: str | None, version: str | None) -> None:
    if name is not None and canonicalize_name(name) != parsed.name:
        raise DistributionRejected(N_("The declared name {name} does not match the file name's "
                                      "{name2}."), name=repr(name), name2=repr(parsed.name))
    if version is None:
        return
    try:
        declared = Version(version)
    except InvalidVersion:
        raise DistributionRejected(N_("The declared version {version} is not a valid PEP 440 "
                                      "version."), version=repr(version)) from None
    if declared != parsed.version:
        raise DistributionRejected(N_("The declared version {version} does not match the file "
                                      "name's {version2}."),
                                   version=repr(version), version2=repr(str(parsed.version)))


def _digests(path: Path, limits: Limits) -> tuple[str, str]:
    """sha256 and blake2b-256 of the file, read in chunks; refuse if it grew past the limit."""
    sha256, blake2 = hashlib.sha256(), hashlib.blake2b(digest_size=32)
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES * 16):
            size += len(chunk)
            if size > limits.max_upload_bytes:
                raise TooLarge(_too_large(limits))
            sha256.update(chunk)
            blake2.update(chunk)
    return sha256.hexdigest(), blake2.hexdigest()


def _too_large(limits: Limits) -> Plural:
    return ngettext("The file is larger than the limit of {n} byte.",
                    "The file is larger than the limit of {n} bytes.", limits.max_upload_bytes)
