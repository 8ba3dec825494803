"""File names and the declared form fields (RELIABILITY.md uploads 2, 3)."""

from __future__ import annotations

import pytest

from tests.marketplace.distributions import factory
from tests.marketplace.distributions.conftest import Accept, Reject

WHEEL = factory.build_wheel()


@pytest.mark.parametrize(("filename", "expected"), [
    ("", "The file name is empty."),
    ("demo_skill-1.0.0-py3-none-any.whl\x00", "contains a control character"),
    ("demo_skill-1.0.0-py3-none-any\n.whl", "contains a control character"),
    ("dist/demo_skill-1.0.0-py3-none-any.whl", "contains a slash or a backslash"),
    ("..\\demo_skill-1.0.0-py3-none-any.whl", "contains a slash or a backslash"),
    ("démo_skill-1.0.0-py3-none-any.whl", "outside ASCII"),
    ("demo skill-1.0.0.tar.gz", "contains spaces"),
    ("demo_skill-1.0.0.zip", "does not end in .whl (a wheel) or .tar.gz"),
    ("demo_skill-1.0.0.egg", "does not end in .whl"),
    ("demo_skill-1.0.0-py3-none-any.whl.exe", "does not end in .whl"),
    ("demo_skill-1.0.0.whl", "is not a valid wheel file name (wrong number of parts)"),
    ("demo_skill-one-py3-none-any.whl", "is not a valid wheel file name (invalid version)"),
    ("demo_skill-one.tar.gz", "is not a valid sdist file name (invalid version)"),
    ("demo_skill.tar.gz", "is not a valid sdist file name"),
    ("demo_-1.0.0.tar.gz", "does not start with a valid project name"),
    ("x" * 300 + "-1.0.tar.gz", "longer than 255 characters"),
])
def test_invalid_file_names_are_refused(reject: Reject, filename: str, expected: str) -> None:
    assert expected in reject(WHEEL, filename)


@pytest.mark.parametrize("filename", ["demo_skill-1.0.0+abc-py3-none-any.whl",
                                      "demo_skill-1.0.0+local.7.tar.gz"])
def test_local_versions_are_refused(reject: Reject, filename: str) -> None:
    assert "has a local version label, which cannot be published" in reject(WHEEL, filename)


def test_a_wheel_name_on_a_tar_gz_is_refused(reject: Reject) -> None:
    """The extension decides the type; the bytes must be of that type."""
    sdist = factory.build_sdist()
    assert reject(sdist, factory.wheel_filename()) == ("The wheel is not a zip archive (it "
                                                      "does not start with a zip file header).")
    assert reject(WHEEL, factory.sdist_filename()) == "The sdist is not a gzip-compressed file."


def test_file_name_and_metadata_name_must_agree(reject: Reject) -> None:
    wheel = factory.build_wheel(metadata=factory.metadata_text("other-skill"))
    assert reject(wheel, factory.wheel_filename()) == (
        "The wheel's METADATA names the project 'other-skill', but the file name says "
        "'demo-skill'.")


def test_file_name_and_metadata_version_must_agree(reject: Reject) -> None:
    wheel = factory.build_wheel(metadata=factory.metadata_text(version="1.0.1"))
    assert reject(wheel, factory.wheel_filename()) == (
        "The wheel's METADATA says version 1.0.1, but the file name says 1.0.0.")


def test_names_and_versions_compare_after_normalization(accept: Accept) -> None:
    wheel = factory.build_wheel(metadata=factory.metadata_text("Demo.Skill", "v1.0.0"))
    result = accept(wheel, factory.wheel_filename(), declared_name="DEMO_skill",
                    declared_version="V1.0.0")
    assert (result.name, result.version) == ("demo-skill", "1.0.0")


def test_equal_versions_spelled_differently_are_refused(reject: Reject) -> None:
    """1.0 == 1.0.0 in PEP 440, but one release has one version string."""
    wheel = factory.build_wheel(metadata=factory.metadata_text(version="1.0"))
    assert "says version 1.0, but the file name says 1.0.0" in reject(
        wheel, factory.wheel_filename())


@pytest.mark.parametrize(("options", "expected"), [
    ({"declared_name": "other"},
     "The declared name 'other' does not match the file name's 'demo-skill'."),
    ({"declared_version": "2.0"},
     "The declared version '2.0' does not match the file name's '1.0.0'."),
    ({"declared_version": "one"}, "The declared version 'one' is not a valid PEP 440 version."),
])
def test_declared_fields_must_match_the_file_name(reject: Reject, options: dict[str, str],
                                                  expected: str) -> None:
    assert reject(WHEEL, factory.wheel_filename(), **options) == expected
