from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from robeing_sdk.cli import build_app

runner = CliRunner()  # stdout and stderr are both in .output


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(build_app(), list(args), env=env)


@pytest.fixture(autouse=True)
def _own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROBEING_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("ROBEING_LOCALE", "en")  # English texts whatever the machine's LANG


def test_skills_list_json_shows_status_and_reason(install_skill) -> None:
    install_skill("good", keywords=("good",))
    install_skill("bad", sdk=">=99")
    result = run("skills", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["good"]["status"] == "ok"
    assert rows["bad"]["status"] == "incompatible" and ">=99" in rows["bad"]["reason"]


def test_ask_json_and_explain(install_skill) -> None:
    install_skill("good", keywords=("zorblax",))
    result = run("ask", "zorblax please", "--json", "--explain")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["skill"] == "good" and data["reply"]["text"] == "good zorblax please"
    assert data["scores"][0]["keyword"] == "zorblax"


def test_a_failing_skill_exits_non_zero_with_a_structured_reply(install_skill) -> None:
    install_skill("boom", handler="def oops(:\n")
    result = run("ask", "x", "--skill", "boom", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["error"]["type"] == "skill_unavailable"


def test_user_mistakes_are_one_sentence_without_a_traceback() -> None:
    result = run("ask", "hello", "--locale", "xx-!!")
    assert result.exit_code == 1
    assert "'xx-!!' is not a locale tag" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = run("skills", "info", "no-such-skill")
    assert result.exit_code == 1 and "No installed skill is called" in result.output


def test_disable_and_enable_persist_in_the_config_file(install_skill, tmp_path: Path) -> None:
    install_skill("good")
    assert run("skills", "disable", "good").exit_code == 0
    assert 'disabled = ["good"]' in (tmp_path / "config.toml").read_text()
    rows = {r["name"]: r for r in json.loads(run("skills", "list", "--json").stdout)}
    assert rows["good"]["status"] == "disabled"
    run("skills", "enable", "good")
    rows = {r["name"]: r for r in json.loads(run("skills", "list", "--json").stdout)}
    assert rows["good"]["status"] == "ok"


def test_doctor_explains_every_broken_skill_and_fails(install_skill) -> None:
    install_skill("bad", manifest="name = 'bad'\n")
    install_skill("syntax", handler="def oops(:\n")
    result = run("doctor", "--json")
    assert result.exit_code == 1
    problems = {p["skill"]: p for p in json.loads(result.stdout)["problems"]}
    assert "field 'sdk' is required" in problems["bad"]["reason"]
    assert "syntax" not in problems  # doctor reads manifests only; imports nothing


def test_export_pins_exact_versions(install_skill) -> None:
    install_skill("good", version="1.2.3")
    result = run("skills", "export", env={"ROBEING_MARKETPLACE_URL": "http://127.0.0.1:9"})
    assert "skill-good==1.2.3" in result.stdout
    assert "did not list every file, so the file has no hashes" in result.output


def test_new_skill_scaffolds_a_project_and_refuses_to_overwrite(tmp_path: Path) -> None:
    assert run("new", "skill", "My_Helper", "-d", str(tmp_path)).exit_code == 0
    project = tmp_path / "my-helper"
    assert (project / "my_helper" / "robeing-skill.toml").is_file()
    assert (project / "my_helper" / "locales" / "ko" / "LC_MESSAGES" / "messages.po").is_file()
    assert 'my-helper = "my_helper.skill"' in (project / "pyproject.toml").read_text()
    again = run("new", "skill", "my-helper", "-d", str(tmp_path))
    assert again.exit_code == 1 and "already exists" in again.output
    bad = run("new", "skill", "no/slashes", "-d", str(tmp_path))
    assert bad.exit_code == 1 and "not a valid skill name" in bad.output


def test_brackets_in_a_message_are_shown_not_taken_for_markup(tmp_path: Path) -> None:
    folder = tmp_path / "[red]nope[/red]"
    (folder / "x").mkdir(parents=True)
    result = run("new", "skill", "x", "-d", str(folder))
    assert result.exit_code == 1
    assert "[red]nope[/red]" in result.output and "already exists" in result.output


def test_the_clis_own_texts_follow_the_users_language(install_skill) -> None:
    install_skill("good")
    korean = run("skills", "list", env={"LANG": "ko_KR.UTF-8", "ROBEING_LOCALE": ""})
    assert "스킬" in korean.output and "정상" in korean.output
    assert "Good 스킬" not in korean.output  # the description, not the display name
    japanese = run("skills", "info", "nope", env={"ROBEING_LOCALE": "ja"})
    assert japanese.exit_code == 1
    assert "エラー: 'nope' という名前のスキルはインストールされていません。" in japanese.output
    english = run("skills", "info", "nope", env={"ROBEING_LOCALE": "", "LANG": "C.UTF-8"})
    assert "Error: No installed skill is called 'nope'" in english.output


def test_sdk_errors_are_shown_in_the_users_language(tmp_path: Path) -> None:
    result = run("ask", "hi", "--locale", "fr", env={"ROBEING_LOCALE": "ko"})
    assert result.exit_code == 1
    expected = "오류: 'fr' 로캘은 지원하지 않아요. en, ko, ja, zh, es 중에서 골라 주세요."
    assert expected in result.output
    (tmp_path / "dup").mkdir()
    result = run("new", "skill", "dup", "-d", str(tmp_path), env={"ROBEING_LOCALE": "zh"})
    assert "已存在；请换一个名称或文件夹。" in result.output
