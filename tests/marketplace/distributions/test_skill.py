"""The skill entry point and the static manifest inside a wheel (upload 8)."""

from __future__ import annotations

import pytest

from tests.marketplace.distributions import factory
from tests.marketplace.distributions.conftest import Accept, Reject

FILENAME = factory.wheel_filename()
INFO = factory.dist_info()


def test_no_entry_points_file(reject: Reject) -> None:
    assert reject(factory.build_wheel(entry_points=None), FILENAME) == (
        "The wheel's entry_points.txt declares no robeing.skills entry points; a skill "
        "distribution declares exactly one.")


def test_entry_points_without_the_skill_group(reject: Reject) -> None:
    data = factory.build_wheel(entry_points="[console_scripts]\ndemo = demo_skill.cli:main\n")
    assert "declares no robeing.skills entry points" in reject(data, FILENAME)


def test_two_skill_entry_points(reject: Reject) -> None:
    text = factory.entry_points_text() + "demo-two = demo_skill.two\n"
    assert reject(factory.build_wheel(entry_points=text), FILENAME) == (
        "The wheel's entry_points.txt declares 2 robeing.skills entry points; a skill "
        "distribution declares exactly one.")


def test_entry_point_named_after_another_skill(reject: Reject) -> None:
    text = "[robeing.skills]\nsomething-else = demo_skill.skill\n"
    assert reject(factory.build_wheel(entry_points=text), FILENAME) == (
        "The robeing.skills entry point is named 'something-else', but it must be named "
        "after the distribution, 'demo-skill'.")


@pytest.mark.parametrize("text", ["[robeing.skills\n", "demo-skill = x\n",
                                  "[robeing.skills]\na = b\na = c\n"])
def test_entry_points_that_are_not_ini(reject: Reject, text: str) -> None:
    assert reject(factory.build_wheel(entry_points=text), FILENAME) == (
        "The wheel's entry_points.txt is not a valid INI file.")


def test_entry_point_with_an_invalid_object_reference(reject: Reject) -> None:
    text = "[robeing.skills]\ndemo-skill = os.system('rm -rf /')\n"
    assert reject(factory.build_wheel(entry_points=text), FILENAME) == (
        "The wheel's entry_points.txt gives the robeing.skills entry point 'demo-skill' an "
        "invalid object reference \"os.system('rm -rf /')\".")


def test_entry_point_name_is_compared_normalized(accept: Accept) -> None:
    text = "[robeing.skills]\nDemo_Skill = demo_skill.skill:plugin [extra]\n"
    assert accept(factory.build_wheel(entry_points=text), FILENAME).name == "demo-skill"


def test_missing_manifest(reject: Reject) -> None:
    assert reject(factory.build_wheel(manifest=None), FILENAME) == (
        "The distribution has no skill manifest at demo_skill/skill/robeing-skill.toml or "
        "demo_skill/robeing-skill.toml (for the entry point 'demo_skill.skill').")


def test_manifest_inside_the_entry_point_package_comes_first(accept: Accept) -> None:
    files = factory.wheel_files(entry_points=factory.entry_points_text(
        value="demo_skill.inner"))
    files["demo_skill/inner/__init__.py"] = b""
    files["demo_skill/inner/robeing-skill.toml"] = factory.manifest_text(
        extra='version = "1.0.0"').encode()
    result = accept(factory.pack_wheel(files), FILENAME)
    assert result.manifest.version == "1.0.0"
    assert result.manifest_bytes == files["demo_skill/inner/robeing-skill.toml"]


def test_manifest_in_data_purelib(accept: Accept) -> None:
    files = factory.wheel_files(manifest=None)
    files["demo_skill-1.0.0.data/purelib/demo_skill/robeing-skill.toml"] = (
        factory.manifest_text().encode())
    assert accept(factory.pack_wheel(files), FILENAME).manifest.name == "demo-skill"


@pytest.mark.parametrize(("manifest", "expected"), [
    ('name = "demo-skill"\nsdk = ">=0.1,<1"\n[display_name]\nen = "x"\n',
     "demo_skill/robeing-skill.toml: field 'description' is required."),
    (factory.manifest_text().replace('">=0.1,<1"', '"about one"'),
     "demo_skill/robeing-skill.toml: field 'sdk' 'about one' is not a valid PEP 440 version "
     "specifier."),
    ("name = [", "demo_skill/robeing-skill.toml is not valid TOML"),
    (factory.manifest_text(extra="colour = 'red'"),
     "demo_skill/robeing-skill.toml: field 'colour' is not a known field."),
])
def test_invalid_manifest(reject: Reject, manifest: str, expected: str) -> None:
    assert reject(factory.build_wheel(manifest=manifest), FILENAME).startswith(expected)


def test_manifest_for_another_skill(reject: Reject) -> None:
    data = factory.build_wheel(manifest=factory.manifest_text("other-skill"))
    assert reject(data, FILENAME) == ("The manifest demo_skill/robeing-skill.toml names the "
                                      "skill 'other-skill', but the distribution is "
                                      "'demo-skill'.")


def test_manifest_for_another_version(reject: Reject) -> None:
    data = factory.build_wheel(manifest=factory.manifest_text(extra='version = "0.9"'))
    assert reject(data, FILENAME) == ("The manifest demo_skill/robeing-skill.toml says "
                                      "version 0.9, but the distribution is version 1.0.0.")


def test_manifest_version_equal_after_normalization(accept: Accept) -> None:
    data = factory.build_wheel(manifest=factory.manifest_text(extra='version = "1.0"'))
    assert accept(data, FILENAME).manifest.version == "1.0"
