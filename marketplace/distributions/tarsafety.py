"""Reading an uploaded ``.tar.gz`` as a stream of data, never extracting it to disk.

``tarfile`` will read whatever a header claims: a pax header of any size is held in
memory, and gzip expands without limit. So the decompressed stream is counted as it is
produced (total and ratio), members are read sequentially (``r|``, no seeking), every
header is checked before its data is touched, and only the few files the caller asks for
are kept, each with its own size limit.
"""

from __future__ import annotations

import gzip
import os
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Final

from marketplace.distributions.errors import DistributionRejected
from marketplace.distributions.limits import CHUNK_BYTES, RATIO_FLOOR_BYTES, Limits
from marketplace.distributions.members import check_member_path, check_unique
from marketplace.distributions.zipsafety import describe, has_zip_end_record
from marketplace.messages import N_, ngettext

_GZIP_MAGIC: Final = b"\x1f\x8b"
_READ_ERRORS: Final = (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error, OSError,
                       ValueError)

#: Given a member path, how many bytes of it to keep (None: do not keep it).
KeepRule = Callable[[str], int | None]


class _BoundedStream:
    """The decompressed tar stream; refuses to produce more than the limits allow."""

    def __init__(self, raw: BinaryIO, compressed_size: int, limits: Limits) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self._compressed_size = max(compressed_size, 1)
        self._limits = limits
        self.produced = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK_BYTES), b""))
        data = self._gzip.read(size)
        self.produced += len(data)
        limits = self._limits
        if self.produced > limits.max_uncompressed_bytes:
            raise DistributionRejected(N_("The sdist expands to more than "
                                          "{limit} bytes."),
                                       limit=limits.max_uncompressed_bytes)
        if self.produced > RATIO_FLOOR_BYTES and (
                self.produced > limits.max_compression_ratio * self._compressed_size):
            raise DistributionRejected(N_("The sdist is compressed more than "
                                          "{ratio:g} to 1 (a gzip bomb?)."),
                                       ratio=limits.max_compression_ratio)
        return data


def scan_tar_gz(path: Path, limits: Limits, keep: KeepRule, *,
                keep_budget: int) -> dict[str, bytes]:
    """Check every member of the ``.tar.gz`` at ``path``; return the kept files' bytes."""
    with path.open("rb") as raw:
        if not raw.read(2) == _GZIP_MAGIC:
            raise DistributionRejected(N_("The sdist is not a gzip-compressed file."))
        if has_zip_end_record(raw, os.fstat(raw.fileno()).st_size):
            raise DistributionRejected(N_("The sdist is both a tar.gz and a zip archive (a "
                                          "polyglot file), which is refused."))
        raw.seek(0)
        stream = _BoundedStream(raw, os.fstat(raw.fileno()).st_size, limits)
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:  # type: ignore[call-overload]
                kept = _walk(tar, limits, keep, keep_budget)
            rest = stream.read()
        except _READ_ERRORS as exc:
            raise DistributionRejected(N_("The sdist is not a valid .tar.gz file ({exc})."),
                                       exc=describe(exc)) from None
    if rest.strip(b"\0"):
        raise DistributionRejected(N_("The sdist has data after the end of its tar archive."))
    return kept


def _walk(tar: tarfile.TarFile, limits: Limits, keep: KeepRule,
          keep_budget: int) -> dict[str, bytes]:
    paths: list[str] = []
    kept: dict[str, bytes] = {}
    declared = kept_bytes = 0
    for member in tar:
        if len(paths) >= limits.max_members:
            raise DistributionRejected(ngettext("The sdist has more than {n} member.",
                                                "The sdist has more than {n} members.",
                                                limits.max_members))
        path = check_member_path(member.name, kind="sdist")
        paths.append(path)
        _check_type(member)
        if member.isdir():
            continue
        declared += member.size
        if declared > limits.max_uncompressed_bytes:
            raise DistributionRejected(N_("The sdist would expand to more than "
                                          "{limit} bytes."),
                                       limit=limits.max_uncompressed_bytes)
        limit = keep(path)
        if limit is None:
            continue
        if member.size > limit:
            raise DistributionRejected(N_("The sdist member {path} is larger than {limit} "
                                          "bytes."), path=repr(path), limit=limit)
        kept_bytes += member.size
        if kept_bytes > keep_budget:
            raise DistributionRejected(N_("The sdist's metadata and manifest files together "
                                          "are larger than {limit} bytes."),
                                       limit=keep_budget)
        handle = tar.extractfile(member)
        kept[path] = handle.read(member.size) if handle is not None else b""
    check_unique(paths, kind="sdist")
    return kept


def _check_type(member: tarfile.TarInfo) -> None:
    name = member.name
    if member.issym():
        raise DistributionRejected(N_("The sdist member {name} is a symbolic link."),
                                   name=repr(name))
    if member.islnk():
        raise DistributionRejected(N_("The sdist member {name} is a hard link."), name=repr(name))
    if member.ischr() or member.isblk():
        raise DistributionRejected(N_("The sdist member {name} is a device file."), name=repr(name))
    if member.issparse() or not (member.isreg() or member.isdir()):
        raise DistributionRejected(N_("The sdist member {name} is not a regular file or folder."),
                                   name=repr(name))
    if member.size < 0:
        raise DistributionRejected(N_("The sdist member {name} has a negative size."),
                                   name=repr(name))
