"""Reading an uploaded wheel: its ``.dist-info`` folder, RECORD, and the files we keep.

Every member is read once, in bounded chunks, and hashed against its RECORD row; the few
files the marketplace needs (METADATA, WHEEL, entry_points.txt, skill manifests) are kept
from that same pass, so nothing is decompressed twice and nothing unhashed is trusted.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from marketplace.distributions import entrypoints
from marketplace.distributions.contents import Contents
from marketplace.distributions.errors import DistributionRejected
from marketplace.distributions.filenames import ParsedFilename
from marketplace.distributions.limits import (
    MAX_MANIFESTS_BYTES,
    MAX_METADATA_BYTES,
    MAX_RECORD_BYTES,
    MAX_SMALL_FILE_BYTES,
    Limits,
)
from marketplace.distributions.record import UNLISTED, RecordEntry, parse_record
from marketplace.distributions.zipsafety import SafeZip, open_wheel_zip
from marketplace.messages import N_, ngettext
from robeing_sdk.manifest import MANIFEST_FILENAME, MAX_MANIFEST_BYTES

_REQUIRED: Final = ("METADATA", "WHEEL", "RECORD")


def read_wheel(path: Path, parsed: ParsedFilename, limits: Limits) -> Contents:
    """Check the wheel at ``path`` member by member and return what the marketplace reads."""
    with open_wheel_zip(path, limits) as archive:
        by_name = {info.orig_filename: info for info in archive.files}
        dist_info = _dist_info_folder(by_name, parsed)
        for required in _REQUIRED:
            if f"{dist_info}/{required}" not in by_name:
                raise DistributionRejected(N_("The wheel has no {dist_info}/{required} file."),
                                           dist_info=dist_info, required=required)
        record_path = f"{dist_info}/RECORD"
        record = parse_record(archive.read(by_name[record_path], MAX_RECORD_BYTES),
                              record_path=record_path)
        kept = _verify_and_keep(archive, record, dist_info)
    stem = dist_info.removesuffix(".dist-info")
    _check_wheel_file(kept[f"{dist_info}/WHEEL"])
    entry_points_path = f"{dist_info}/entry_points.txt"
    source = "wheel's entry_points.txt"
    group: dict[str, str] | None = None
    if entry_points_path in kept:
        try:
            text = kept[entry_points_path].decode("utf-8")
        except UnicodeDecodeError:
            raise DistributionRejected(N_("The {source} is not UTF-8 text."),
                                       source=source) from None
        group = entrypoints.from_entry_points_txt(text, source=source)
    return Contents(
        metadata=kept[f"{dist_info}/METADATA"], metadata_source="wheel's METADATA",
        entry_points=group or {}, entry_points_source=source,
        manifests={name: data for name, data in kept.items()
                   if name.rpartition("/")[2] == MANIFEST_FILENAME},
        roots=("", f"{stem}.data/purelib/", f"{stem}.data/platlib/"),
    )


def _dist_info_folder(names: Iterable[str], parsed: ParsedFilename) -> str:
    folders = sorted({name.split("/", 1)[0] for name in names
                      if "/" in name and name.split("/", 1)[0].endswith(".dist-info")})
    if not folders:
        raise DistributionRejected(N_("The wheel has no .dist-info folder."))
    if len(folders) > 1:
        raise DistributionRejected(ngettext(
            "The wheel has {n} .dist-info folder; a wheel has exactly one.",
            "The wheel has {n} .dist-info folders; a wheel has exactly one.", len(folders)))
    folder = folders[0]
    stem = folder.removesuffix(".dist-info")
    for index, char in enumerate(stem):
        if char != "-":
            continue
        try:
            if (canonicalize_name(stem[:index]) == parsed.name
                    and Version(stem[index + 1:]) == parsed.version):
                return folder
        except InvalidVersion:
            continue
    raise DistributionRejected(N_("The wheel's {folder} folder does not match the name and "
                                  "version in the file name ({name} {version})."),
                               folder=folder, name=parsed.name, version=parsed.version)


def _verify_and_keep(archive: SafeZip, record: dict[str, RecordEntry],
                     dist_info: str) -> dict[str, bytes]:
    """Hash every member against RECORD; return the bytes of the files we need."""
    keep = {f"{dist_info}/METADATA": MAX_METADATA_BYTES,
            f"{dist_info}/WHEEL": MAX_SMALL_FILE_BYTES,
            f"{dist_info}/entry_points.txt": MAX_SMALL_FILE_BYTES}
    unlisted = {f"{dist_info}/{name}" for name in UNLISTED}
    remaining = dict(record)
    kept: dict[str, bytes] = {}
    manifest_bytes = 0
    for info in archive.files:
        name = info.orig_filename
        if name in unlisted:
            remaining.pop(name, None)
            continue
        entry = remaining.pop(name, None)
        if entry is None:
            raise DistributionRejected(N_("The wheel member {name} is not listed in its RECORD."),
                                       name=repr(name))
        is_manifest = name.rpartition("/")[2] == MANIFEST_FILENAME
        limit = MAX_MANIFEST_BYTES if is_manifest else keep.get(name)
        data = _hash_member(archive, info, entry, limit)
        if data is not None:
            kept[name] = data
            manifest_bytes += len(data) if is_manifest else 0
            if manifest_bytes > MAX_MANIFESTS_BYTES:
                raise DistributionRejected(N_("The wheel's {manifest} files together "
                                              "are larger than {limit} bytes."),
                                           manifest=MANIFEST_FILENAME, limit=MAX_MANIFESTS_BYTES)
    if remaining:
        missing = sorted(remaining)[0]
        raise DistributionRejected(N_("The wheel's RECORD lists {missing}, which is not in the "
                                      "wheel."), missing=repr(missing))
    return kept


def _hash_member(archive: SafeZip, info: zipfile.ZipInfo, entry: RecordEntry,
                 keep_limit: int | None) -> bytes | None:
    if keep_limit is not None and info.file_size > keep_limit:
        raise DistributionRejected(N_("The wheel member {name} is larger than "
                                      "{limit} bytes."),
                                   name=repr(info.orig_filename), limit=keep_limit)
    digest = hashlib.new(entry.algorithm)
    parts: list[bytes] = []
    size = 0
    for chunk in archive.chunks(info):
        digest.update(chunk)
        size += len(chunk)
        if keep_limit is not None:
            parts.append(chunk)
    if not entry.matches(digest.digest(), size):
        raise DistributionRejected(N_("The wheel's RECORD hash for {name} does not "
                                      "match its contents."), name=info.orig_filename)
    return b"".join(parts) if keep_limit is not None else None


def _check_wheel_file(raw: bytes) -> None:
    headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    declared = headers.get("Wheel-Version")
    if not isinstance(declared, str) or not declared.strip():
        raise DistributionRejected(N_("The wheel's WHEEL file has no Wheel-Version."))
    if declared.strip().split(".")[0] != "1":
        raise DistributionRejected(N_("The wheel's WHEEL file declares Wheel-Version {value}; "
                                      "only 1.x is supported."), value=declared.strip())
