"""Opening an uploaded wheel as a zip file without trusting any of it.

``zipfile`` is forgiving by design: it accepts data before the archive (self-extracting
files), ignores local headers that disagree with the central directory, believes declared
sizes and happily lists symlinks. Each of those has been used to make one file mean
different things to different readers (a scanner sees one archive, an installer another),
so :func:`open_wheel_zip` checks the framing itself first, then every member's path, type
and sizes, and :meth:`SafeZip.chunks` bounds what decompression actually produces.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Final

from marketplace.distributions.errors import DistributionRejected
from marketplace.distributions.limits import CHUNK_BYTES, RATIO_FLOOR_BYTES, Limits
from marketplace.distributions.members import check_member_path, check_unique
from marketplace.messages import N_, ngettext

_LOCAL_MAGIC: Final = b"PK\x03\x04"
_EOCD_MAGIC: Final = b"PK\x05\x06"
_EOCD: Final = struct.Struct("<4s4H2LH")
_LOCAL: Final = struct.Struct("<4s5H3L2H")
_MAX_COMMENT: Final = 0xFFFF
_METHODS: Final = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_READ_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                       NotImplementedError, RuntimeError, struct.error)


def looks_like_tar(block: bytes) -> bool:
    """True if a 512-byte block is a tar header with a valid checksum (as tar readers see it)."""
    if len(block) < 512:
        return False
    field = block[148:156].split(b"\0", 1)[0].strip()
    if not field or not all(48 <= byte <= 55 for byte in field):
        return False
    stored = int(field, 8)
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    signed = unsigned - 256 * sum(1 for byte in block[:148] + block[156:512] if byte > 127)
    return stored in (unsigned, signed)


def has_zip_end_record(handle: BinaryIO, size: int) -> bool:
    """True if the file ends in a zip end-of-central-directory record (zip readers see one)."""
    tail_size = min(size, _EOCD.size + _MAX_COMMENT)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    start = tail.find(_EOCD_MAGIC)
    while start >= 0:
        if (len(tail) - start >= _EOCD.size
                and start + _EOCD.size + _EOCD.unpack_from(tail, start)[-1] == len(tail)):
            return True
        start = tail.find(_EOCD_MAGIC, start + 1)
    return False


def describe(exc: BaseException) -> str:
    """A short phrase for a library error, to put in parentheses."""
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[:200]


class SafeZip:
    """A wheel whose framing and member list were checked; reads are bounded."""

    def __init__(self, archive: zipfile.ZipFile, files: tuple[zipfile.ZipInfo, ...],
                 limits: Limits) -> None:
        self._zip = archive
        self._limits = limits
        self._expanded = 0
        #: Regular file members in archive order (directories left out).
        self.files = files

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes, refusing as soon as they pass what was declared or allowed."""
        name, limits, produced = info.orig_filename, self._limits, 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    produced += len(chunk)
                    self._expanded += len(chunk)
                    if produced > info.file_size:
                        raise DistributionRejected(N_("The wheel member {name} expands beyond "
                                                      "its declared size."), name=repr(name))
                    if self._expanded > limits.max_uncompressed_bytes:
                        raise DistributionRejected(
                            N_("The wheel expands to more than {limit} bytes."),
                            limit=limits.max_uncompressed_bytes)
                    if produced > RATIO_FLOOR_BYTES and produced > (
                            limits.max_compression_ratio * max(info.compress_size, 1)):
                        raise _ratio_error(name, limits)
                    yield chunk
        except _READ_ERRORS as exc:
            raise DistributionRejected(N_("The wheel member {name} cannot be read ({exc})."),
                                       name=repr(name), exc=describe(exc)) from None

    def read(self, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
        """A small member in full (metadata, RECORD, manifest), at most ``max_bytes``."""
        if info.file_size > max_bytes:
            raise DistributionRejected(N_("The wheel member {name} is larger than "
                                          "{limit} bytes."),
                                       name=repr(info.orig_filename), limit=max_bytes)
        return b"".join(self.chunks(info))


@contextmanager
def open_wheel_zip(path: Path, limits: Limits) -> Iterator[SafeZip]:
    """Open ``path`` as a wheel's zip archive, refusing anything malformed or unsafe."""
    with path.open("rb") as handle:
        cd_end = _check_framing(handle, os.fstat(handle.fileno()).st_size, limits)
        try:
            archive = zipfile.ZipFile(handle)
        except _READ_ERRORS as exc:
            raise DistributionRejected(N_("The wheel is not a valid zip archive ({exc})."),
                                       exc=describe(exc)) from None
        with archive:
            infos = archive.infolist()
            files = _check_members(infos, limits)
            _check_local_headers(handle, infos, cd_end)
            yield SafeZip(archive, files, limits)


def _check_framing(handle: BinaryIO, size: int, limits: Limits) -> int | None:
    """Check the start and the end record; return where member data must end, if known."""
    head = handle.read(512)
    if not head.startswith(_LOCAL_MAGIC):
        raise DistributionRejected(N_("The wheel is not a zip archive (it does not start with "
                                      "a zip file header)."))
    if looks_like_tar(head):
        raise DistributionRejected(N_("The wheel is both a zip and a tar archive (a polyglot "
                                      "file), which is refused."))
    tail_size = min(size, _EOCD.size + _MAX_COMMENT)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    found = tail.rfind(_EOCD_MAGIC)
    if found < 0 or len(tail) - found < _EOCD.size:
        raise DistributionRejected(N_("The wheel is truncated or not a zip archive (it has no "
                                      "end of central directory record)."))
    _, disk, cd_disk, _, entries, cd_size, cd_offset, comment = _EOCD.unpack_from(tail, found)
    if found + _EOCD.size + comment != len(tail):
        raise DistributionRejected(N_("The wheel has data after the end of its zip archive."))
    if disk or cd_disk:
        raise DistributionRejected(N_("The wheel is a multi-disk zip archive, which is refused."))
    if entries != 0xFFFF and entries > limits.max_members:
        raise _members_error(limits)
    if 0xFFFFFFFF in (cd_size, cd_offset):  # ZIP64: zipfile reads the real values
        return None
    if cd_offset + cd_size != size - tail_size + found:
        raise DistributionRejected(N_("The wheel's zip central directory is not where its end "
                                      "record says (data was inserted or prepended)."))
    return int(cd_offset)


def _check_members(infos: list[zipfile.ZipInfo],
                   limits: Limits) -> tuple[zipfile.ZipInfo, ...]:
    if len(infos) > limits.max_members:
        raise _members_error(limits)
    paths, files, declared = [], [], 0
    for info in infos:
        paths.append(check_member_path(info.orig_filename, kind="wheel"))
        _check_type(info)
        if info.is_dir():
            continue
        declared += info.file_size
        if declared > limits.max_uncompressed_bytes:
            raise DistributionRejected(N_("The wheel would expand to more than "
                                          "{limit} bytes."),
                                       limit=limits.max_uncompressed_bytes)
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > (
                limits.max_compression_ratio * max(info.compress_size, 1)):
            raise _ratio_error(info.orig_filename, limits)
        files.append(info)
    check_unique(paths, kind="wheel")
    return tuple(files)


def _check_type(info: zipfile.ZipInfo) -> None:
    name = info.orig_filename
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise DistributionRejected(N_("The wheel member {name} is a symbolic link."),
                                   name=repr(name))
    if kind in (stat.S_IFCHR, stat.S_IFBLK):
        raise DistributionRejected(N_("The wheel member {name} is a device file."), name=repr(name))
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise DistributionRejected(N_("The wheel member {name} is not a regular file."),
                                   name=repr(name))
    if info.flag_bits & 0x1:
        raise DistributionRejected(N_("The wheel member {name} is encrypted."), name=repr(name))
    if info.compress_type not in _METHODS:
        raise DistributionRejected(N_("The wheel member {name} uses a compression method other "
                                      "than stored or deflate."), name=repr(name))


def _check_local_headers(handle: BinaryIO, infos: list[zipfile.ZipInfo],
                         cd_end: int | None) -> None:
    """Each entry points at its own local header, named alike; no two entries overlap."""
    previous_end = 0
    for index, info in enumerate(sorted(infos, key=lambda item: item.header_offset)):
        name = info.orig_filename
        if index == 0 and info.header_offset != 0:
            raise DistributionRejected(N_("The wheel has data before its first zip member."))
        if info.header_offset < previous_end:
            raise DistributionRejected(N_("The wheel member {name} overlaps another member."),
                                       name=repr(name))
        handle.seek(info.header_offset)
        header = handle.read(_LOCAL.size)
        if len(header) < _LOCAL.size or not header.startswith(_LOCAL_MAGIC):
            raise DistributionRejected(N_("The wheel's zip entry for {name} does not point at "
                                          "a local file header."), name=repr(name))
        name_length, extra_length = _LOCAL.unpack(header)[-2:]
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        local_name = handle.read(name_length).decode(encoding, errors="replace")
        if local_name != name:
            raise DistributionRejected(N_("The wheel's local and central zip headers name "
                                          "{name} differently."), name=repr(name))
        previous_end = (info.header_offset + _LOCAL.size + name_length + extra_length
                        + info.compress_size)
    if cd_end is not None and previous_end > cd_end:
        raise DistributionRejected(N_("The wheel's last zip member overlaps its central "
                                      "directory."))


def _members_error(limits: Limits) -> DistributionRejected:
    return DistributionRejected(ngettext("The wheel has more than {n} member.",
                                         "The wheel has more than {n} members.",
                                         limits.max_members))


def _ratio_error(name: str, limits: Limits) -> DistributionRejected:
    return DistributionRejected(N_("The wheel member {name} is compressed more than "
                                   "{ratio:g} to 1 (a zip bomb?)."),
                                name=repr(name), ratio=limits.max_compression_ratio)
