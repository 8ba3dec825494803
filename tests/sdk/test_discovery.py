from __future__ import annotations

import sys

from robeing_sdk import __version__
from robeing_sdk.runtime import RuntimeConfig, SkillStatus, discover_skills
from robeing_sdk.runtime.config import load_config


def _by_name(config: RuntimeConfig | None = None) -> dict[str, object]:
    return {r.name: r for r in discover_skills(config or RuntimeConfig(), __version__)}


def test_an_installed_skill_is_found_without_importing_it(install_skill) -> None:
    install_skill("alpha", keywords=("alpha",))
    record = _by_name()["alpha"]
    assert record.status is SkillStatus.OK, record.reason
    assert record.manifest.display_name["ko"] == "Alpha 스킬"
    assert "skill_alpha_pkg.skill" not in sys.modules


def test_a_missing_manifest_marks_the_skill_broken(install_skill) -> None:
    install_skill("nomani", manifest="")
    record = _by_name()["nomani"]
    assert record.status is SkillStatus.BROKEN
    assert "no robeing-skill.toml found" in record.reason


def test_an_invalid_manifest_is_reported_and_others_still_load(
        install_skill) -> None:
    install_skill("bad", manifest="name = 'bad'\nsdk = '>=banana'\n")
    install_skill("good")
    records = _by_name()
    assert records["bad"].status is SkillStatus.BROKEN
    assert "invalid manifest" in records["bad"].reason and "sdk" in records["bad"].reason
    assert records["good"].status is SkillStatus.OK


def test_an_sdk_range_excluding_this_runtime_is_incompatible(install_skill) -> None:
    install_skill("future", sdk=">=99")
    record = _by_name()["future"]
    assert record.status is SkillStatus.INCOMPATIBLE
    assert f"this runtime is {__version__}" in record.reason


def test_manifest_and_entry_point_names_must_agree(install_skill) -> None:
    install_skill("mismatch", entry_name="other")
    assert "entry point is called 'other'" in _by_name()["other"].reason


def test_a_manifest_version_must_equal_the_distribution_version(
        install_skill) -> None:
    install_skill("versioned", version="2.0", extra='version = "1.0"')
    assert "the distribution skill-versioned is 2.0" in _by_name()["versioned"].reason


def test_two_distributions_with_one_skill_name_are_both_broken_naming_both(
        install_skill) -> None:
    install_skill("twin", dist="first-dist")
    install_skill("twin", dist="second-dist")
    records = [r for r in discover_skills(RuntimeConfig(), __version__) if r.name == "twin"]
    assert len(records) == 2
    for record in records:
        assert record.status is SkillStatus.BROKEN
        assert "first-dist and second-dist" in record.reason


def test_skills_are_disabled_by_config_and_by_environment(install_skill,
                                                          tmp_path) -> None:
    install_skill("one")
    install_skill("two")
    assert _by_name(RuntimeConfig(disabled=frozenset({"one"})))["one"].status == "disabled"
    env_config = load_config(tmp_path / "none.toml", {"ROBEING_SKILLS": "no:two"})
    assert _by_name(env_config)["two"].status is SkillStatus.DISABLED
    assert _by_name(env_config)["one"].status is SkillStatus.OK
    only = load_config(tmp_path / "none.toml", {"ROBEING_SKILLS": "one"})
    assert _by_name(only)["two"].status is SkillStatus.DISABLED
    assert _by_name(only)["one"].status is SkillStatus.OK


def test_the_builtin_fallback_loads_through_the_same_entry_point_group() -> None:
    record = _by_name()["fallback"]
    assert record.distribution == "robeing"
    assert record.manifest.fallback


def test_manifests_are_parsed_once_and_a_changed_file_is_read_again(install_skill,
                                                                     tmp_path) -> None:
    from robeing_sdk.runtime.manifest_cache import ManifestCache

    pkg = install_skill("cached", keywords=("first",))
    cache_file = tmp_path / "cache.json"
    first = discover_skills(RuntimeConfig(), __version__, cache=ManifestCache(cache_file))
    assert cache_file.is_file()
    warm = ManifestCache(cache_file)
    path = pkg / "robeing-skill.toml"
    assert warm.get(path, path.stat()) == next(r for r in first if r.name == "cached").manifest
    path.write_text(path.read_text().replace('"first"', '"second!"'), encoding="utf-8")
    again = {r.name: r for r in discover_skills(RuntimeConfig(), __version__,
                                                cache=ManifestCache(cache_file))}
    assert again["cached"].manifest.intents[0].keywords["en"] == ["second!"]
    path.write_text("name = 'cached'\n", encoding="utf-8")
    broken = {r.name: r for r in discover_skills(RuntimeConfig(), __version__,
                                                 cache=ManifestCache(cache_file))}
    assert broken["cached"].status is SkillStatus.BROKEN


def test_a_corrupt_cache_file_is_ignored(install_skill, tmp_path) -> None:
    from robeing_sdk.runtime.manifest_cache import ManifestCache

    install_skill("fine")
    cache_file = tmp_path / "cache.json"
    cache_file.write_text("{not json", encoding="utf-8")
    records = discover_skills(RuntimeConfig(), __version__, cache=ManifestCache(cache_file))
    assert {r.name: r for r in records}["fine"].status is SkillStatus.OK
