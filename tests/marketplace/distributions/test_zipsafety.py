"""Wheels as zip files: framing, member paths and types, zip bombs (uploads 4, 5, 6)."""

from __future__ import annotations

import io
import stat
import struct
import tarfile
import warnings
import zipfile

import pytest

from marketplace.distributions import Limits
from tests.marketplace.distributions import factory
from tests.marketplace.distributions.conftest import Reject

FILENAME = factory.wheel_filename()
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")


def with_member(member: str | zipfile.ZipInfo, data: bytes = b"x") -> bytes:
    """A valid wheel's members plus one more (added before RECORD, so only it is wrong)."""
    files = factory.wheel_files()
    record = f"{factory.dist_info()}/RECORD"
    files[record] = factory.record_text(files, record)
    return factory.zip_bytes([*files.items(), (member, data)])


def patch_central(data: bytes, index: int, **fields: int) -> bytes:
    """Rewrite fields of the ``index``-th central directory entry (and its local header)."""
    names = ["signature", "create_version", "create_system", "extract_version", "reserved",
             "flag_bits", "compress_type", "time", "date", "crc", "compress_size",
             "file_size", "name_length", "extra_length", "comment_length", "disk",
             "internal_attr", "external_attr", "header_offset"]
    buffer = bytearray(data)
    offset = -1
    for _ in range(index + 1):
        offset = buffer.index(b"PK\x01\x02", offset + 1)
    values = dict(zip(names, CENTRAL.unpack_from(buffer, offset), strict=True))
    local = values["header_offset"]
    values.update(fields)
    CENTRAL.pack_into(buffer, offset, *values.values())
    if "file_size" in fields:
        struct.pack_into("<L", buffer, local + 22, fields["file_size"])
    return bytes(buffer)


def test_not_a_zip(reject: Reject) -> None:
    assert reject(b"hello, I am a text file\n" * 40, FILENAME) == (
        "The wheel is not a zip archive (it does not start with a zip file header).")


def test_truncated_zip(reject: Reject) -> None:
    wheel = factory.build_wheel()
    assert reject(wheel[: len(wheel) // 2], FILENAME) == (
        "The wheel is truncated or not a zip archive (it has no end of central directory "
        "record).")


def test_data_after_the_archive(reject: Reject) -> None:
    assert reject(factory.build_wheel() + b"trailing", FILENAME) == (
        "The wheel has data after the end of its zip archive.")


def test_prepended_data(reject: Reject) -> None:
    """zipfile itself would accept this (it allows for self-extracting prefixes)."""
    data = b"PK\x03\x04" + bytes(60) + factory.build_wheel()
    zipfile.ZipFile(io.BytesIO(data)).testzip()
    assert reject(data, FILENAME) == ("The wheel's zip central directory is not where its end "
                                      "record says (data was inserted or prepended).")


def test_overlapping_members(reject: Reject) -> None:
    """Two entries sharing data is how non-recursive zip bombs multiply their size."""
    wheel = factory.build_wheel()
    assert reject(patch_central(wheel, 1, header_offset=0), FILENAME) == (
        "The wheel member 'demo_skill/skill.py' overlaps another member.")


def test_local_header_naming_another_file(reject: Reject) -> None:
    wheel = bytearray(factory.build_wheel())
    assert wheel[30:52] == b"demo_skill/__init__.py"
    wheel[30:52] = b"demo_skill/__init__.pz"
    assert reject(bytes(wheel), FILENAME) == (
        "The wheel's local and central zip headers name 'demo_skill/__init__.py' "
        "differently.")


def polyglot() -> bytes:
    """A zip whose first 512 bytes are also a valid tar header (name holds the checksum)."""
    def build(field: str) -> bytes:
        # tar fields: name (the zip header is in it), mode..mtime, chksum, type, linkname...
        name = "a" * 70 + "0" * 48 + field + "0" + "a" * 100 + "0" * 255
        info = factory.zip_info(name)
        return factory.zip_bytes([(info, b"payload"), *factory.wheel_files().items()])

    block = bytearray(build(" " * 8)[:512])
    checksum = sum(block)
    return build(f"{checksum:07o} ")


def test_zip_that_is_also_a_tar(reject: Reject) -> None:
    data = polyglot()
    assert tarfile.is_tarfile(io.BytesIO(data)) and zipfile.is_zipfile(io.BytesIO(data))
    assert reject(data, FILENAME) == ("The wheel is both a zip and a tar archive (a polyglot "
                                      "file), which is refused.")


@pytest.mark.parametrize(("member", "expected"), [
    ("/etc/cron.d/evil", "has an absolute path"),
    ("C:/Windows/evil.dll", "has an absolute path"),
    ("../evil.py", "has a '..' segment in its path"),
    ("demo_skill/../../evil.py", "has a '..' segment in its path"),
    ("demo_skill\\evil.py", "has a backslash in its name"),
    ("demo_skill//evil.py", "has an empty or '.' segment"),
    ("demo_skill/./evil.py", "has an empty or '.' segment"),
    ("demo_skill/evil\x1b.py", "has a control character in its name"),
])
def test_unsafe_member_paths(reject: Reject, member: str, expected: str) -> None:
    assert expected in reject(with_member(member), FILENAME)


@pytest.mark.parametrize(("mode", "expected"), [
    (stat.S_IFLNK | 0o777, "is a symbolic link."),
    (stat.S_IFCHR | 0o644, "is a device file."),
    (stat.S_IFBLK | 0o644, "is a device file."),
    (stat.S_IFIFO | 0o644, "is not a regular file."),
    (stat.S_IFSOCK | 0o644, "is not a regular file."),
])
def test_special_members(reject: Reject, mode: int, expected: str) -> None:
    info = factory.zip_info("demo_skill/link.py", mode=mode)
    assert reject(with_member(info, b"/etc/passwd"), FILENAME) == (
        f"The wheel member 'demo_skill/link.py' {expected}")


def test_duplicate_members(reject: Reject) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        data = with_member("demo_skill/skill.py", b"print('the other one')\n")
    assert reject(data, FILENAME) == "The wheel contains 'demo_skill/skill.py' more than once."


def test_encrypted_members(reject: Reject) -> None:
    data = with_member("demo_skill/secret.py")
    patched = patch_central(data, data.count(b"PK\x01\x02") - 1, flag_bits=0x1)
    assert reject(patched, FILENAME) == (
        "The wheel member 'demo_skill/secret.py' is encrypted.")


def test_unusual_compression(reject: Reject) -> None:
    info = factory.zip_info("demo_skill/data.bin")
    info.compress_type = zipfile.ZIP_BZIP2
    assert reject(with_member(info), FILENAME) == (
        "The wheel member 'demo_skill/data.bin' uses a compression method other than stored "
        "or deflate.")


def test_too_many_members(reject: Reject) -> None:
    assert reject(factory.build_wheel(), FILENAME, limits=Limits(max_members=3)) == (
        "The wheel has more than 3 members.")


def test_declared_uncompressed_size_over_the_limit(reject: Reject) -> None:
    data = with_member("demo_skill/data.bin", b"x" * 5000)
    assert reject(data, FILENAME, limits=Limits(max_uncompressed_bytes=4000)) == (
        "The wheel would expand to more than 4000 bytes.")


def test_compression_ratio_over_the_limit(reject: Reject) -> None:
    data = with_member("demo_skill/zeros.bin", bytes(20 * 1024 * 1024))
    assert reject(data, FILENAME) == ("The wheel member 'demo_skill/zeros.bin' is compressed "
                                      "more than 100 to 1 (a zip bomb?).")


def test_small_repetitive_members_are_not_a_bomb(accept: object) -> None:
    files = factory.wheel_files()
    files["demo_skill/blank.dat"] = bytes(64 * 1024)
    assert callable(accept)
    result = accept(factory.pack_wheel(files), FILENAME)
    assert result.name == "demo-skill"


def test_declared_sizes_are_not_trusted(reject: Reject) -> None:
    """A member claiming 100 bytes while holding 2 MiB passes the declared-size checks but
    not the reading, which stops at the declared size and then fails the CRC."""
    files = factory.wheel_files()
    files["demo_skill/big.bin"] = bytes(2 * 1024 * 1024)
    data = patch_central(factory.pack_wheel(files), len(files) - 1, file_size=100)
    reason = reject(data, FILENAME, limits=Limits(max_uncompressed_bytes=1024 * 1024))
    assert reason.startswith("The wheel member 'demo_skill/big.bin' cannot be read"), reason
