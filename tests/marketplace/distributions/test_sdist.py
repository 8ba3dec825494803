"""Source distributions: a ``.tar.gz`` read as a stream, never extracted or built."""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from marketplace.distributions import Limits
from tests.marketplace.distributions import factory
from tests.marketplace.distributions.conftest import Accept, Reject

FILENAME = factory.sdist_filename()
TOP = "demo_skill-1.0.0"


def with_member(info: tarfile.TarInfo, data: bytes | None = None) -> bytes:
    members = [(factory.tar_file(f"{TOP}/{path}", content), content)
               for path, content in factory.sdist_files().items()]
    return factory.tar_gz_bytes([*members, (info, data)])


def test_a_valid_sdist_is_accepted(accept: Accept) -> None:
    result = accept(factory.build_sdist(), FILENAME)
    assert (result.filetype, result.name, result.version) == ("sdist", "demo-skill", "1.0.0")
    assert result.metadata == factory.metadata_text()
    assert result.manifest.name == "demo-skill"


def test_src_layout_and_setup_cfg(accept: Accept) -> None:
    setup_cfg = ("[metadata]\nname = demo-skill\n\n[options.entry_points]\n"
                 "robeing.skills =\n    demo-skill = demo_skill.skill\n")
    data = factory.build_sdist(pyproject="[build-system]\nrequires = []\n",
                               setup_cfg=setup_cfg, src_layout=True)
    assert accept(data, FILENAME).manifest.name == "demo-skill"


def test_no_static_entry_points(reject: Reject) -> None:
    data = factory.build_sdist(pyproject='[project]\nname = "demo-skill"\n')
    assert reject(data, FILENAME) == (
        "The sdist's pyproject.toml or setup.cfg declares no robeing.skills entry points; a "
        "skill distribution declares exactly one.")


def test_invalid_pyproject(reject: Reject) -> None:
    data = factory.build_sdist(pyproject="[project\n")
    assert reject(data, FILENAME) == "The sdist's pyproject.toml is not valid TOML."


def test_entry_points_that_are_not_strings(reject: Reject) -> None:
    data = factory.build_sdist(pyproject='[project.entry-points."robeing.skills"]\nx = 1\n')
    assert reject(data, FILENAME) == ("The sdist's pyproject.toml's robeing.skills entry "
                                      "points are not a table of strings.")


def test_missing_pkg_info(reject: Reject) -> None:
    assert reject(factory.build_sdist(pkg_info=None), FILENAME) == (
        f"The sdist has no {TOP}/PKG-INFO file.")


def test_pkg_info_for_another_project(reject: Reject) -> None:
    data = factory.build_sdist(pkg_info=factory.metadata_text("other"))
    assert reject(data, FILENAME) == ("The sdist's PKG-INFO names the project 'other', but "
                                      "the file name says 'demo-skill'.")


def test_member_outside_the_top_folder(reject: Reject) -> None:
    data = factory.pack_sdist(factory.sdist_files(), top="something-else")
    assert reject(data, FILENAME) == (
        "The sdist member 'something-else/PKG-INFO' is outside the top folder "
        f"{TOP}/ named after the file.")


@pytest.mark.parametrize(("name", "expected"), [
    ("/etc/passwd", "has an absolute path"),
    (f"{TOP}/../../evil.py", "has a '..' segment in its path"),
    (f"{TOP}/a\\b.py", "has a backslash in its name"),
])
def test_unsafe_member_paths(reject: Reject, name: str, expected: str) -> None:
    assert expected in reject(with_member(factory.tar_file(name, b"x"), b"x"), FILENAME)


@pytest.mark.parametrize(("kind", "expected"), [
    (tarfile.SYMTYPE, "is a symbolic link."),
    (tarfile.LNKTYPE, "is a hard link."),
    (tarfile.CHRTYPE, "is a device file."),
    (tarfile.BLKTYPE, "is a device file."),
    (tarfile.FIFOTYPE, "is not a regular file or folder."),
])
def test_special_members(reject: Reject, kind: bytes, expected: str) -> None:
    info = factory.tar_file(f"{TOP}/demo_skill/link.py", kind=kind)
    info.linkname = "/etc/passwd"
    assert reject(with_member(info), FILENAME) == (
        f"The sdist member '{TOP}/demo_skill/link.py' {expected}")


def test_duplicate_members(reject: Reject) -> None:
    info = factory.tar_file(f"{TOP}/PKG-INFO", b"x")
    assert reject(with_member(info, b"x"), FILENAME) == (
        f"The sdist contains '{TOP}/PKG-INFO' more than once.")


def test_not_gzip(reject: Reject) -> None:
    assert reject(b"plain text" * 100, FILENAME) == "The sdist is not a gzip-compressed file."


def test_truncated(reject: Reject) -> None:
    data = factory.build_sdist()
    assert reject(data[: len(data) - 20], FILENAME).startswith(
        "The sdist is not a valid .tar.gz file (")


def test_gzip_of_something_that_is_not_a_tar(reject: Reject) -> None:
    assert reject(gzip.compress(b"hello" * 1000), FILENAME).startswith(
        "The sdist is not a valid .tar.gz file (")


def test_data_after_the_tar(reject: Reject) -> None:
    raw = gzip.decompress(factory.build_sdist())
    assert reject(gzip.compress(raw + b"surprise" * 2000), FILENAME) == (
        "The sdist has data after the end of its tar archive.")


def test_tar_gz_that_is_also_a_zip(reject: Reject) -> None:
    data = factory.build_sdist() + factory.build_wheel()
    assert reject(data, FILENAME) == ("The sdist is both a tar.gz and a zip archive (a "
                                      "polyglot file), which is refused.")


def test_too_many_members(reject: Reject) -> None:
    assert reject(factory.build_sdist(), FILENAME, limits=Limits(max_members=2)) == (
        "The sdist has more than 2 members.")


def test_declared_size_over_the_limit(reject: Reject) -> None:
    data = with_member(factory.tar_file(f"{TOP}/big.bin", b"x" * 50_000), b"x" * 50_000)
    assert reject(data, FILENAME, limits=Limits(max_uncompressed_bytes=40_000)) == (
        "The sdist would expand to more than 40000 bytes.")


def test_gzip_bomb(reject: Reject) -> None:
    """20 MiB of zeros compress to about 20 KiB: refused while streaming, by ratio."""
    zeros = bytes(20 * 1024 * 1024)
    data = with_member(factory.tar_file(f"{TOP}/zeros.bin", zeros), zeros)
    assert reject(data, FILENAME) == "The sdist is compressed more than 100 to 1 (a gzip bomb?)."


def test_decompressed_stream_is_bounded(reject: Reject) -> None:
    """Headers lie about nothing here; the stream itself passes the limit."""
    payload = bytes(range(256)) * 400  # ~100 KB, barely compressible
    data = with_member(factory.tar_file(f"{TOP}/data.bin", payload), payload)
    limits = Limits(max_uncompressed_bytes=len(payload) + 1000)
    reason = reject(data, FILENAME, limits=limits)
    assert reason == f"The sdist expands to more than {limits.max_uncompressed_bytes} bytes."


def test_huge_pax_header_is_not_buffered(reject: Reject) -> None:
    """A pax header's value is read into memory by tarfile; the stream bound stops it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        info = factory.tar_file(f"{TOP}/PKG-INFO", b"")
        info.pax_headers = {"comment": "x" * (3 * 1024 * 1024)}
        archive.addfile(info)
    reason = reject(buffer.getvalue(), FILENAME, limits=Limits(max_uncompressed_bytes=10**6))
    assert reason == "The sdist expands to more than 1000000 bytes."
