from __future__ import annotations

from pathlib import Path

import pytest

from robeing_sdk.cli.i18n import skill_folders
from robeing_sdk.i18n.checks import (
    check_catalogs,
    check_prompts,
    check_skill_folder,
    used_messages,
)

ROOT = Path(__file__).resolve().parents[2]
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
          '"Plural-Forms: {p}\\n"\n\n')
KO = "nplurals=1; plural=0;"
ES = "nplurals=2; plural=(n != 1);"


def catalogs(tmp_path: Path, body: str, plural: str = KO, lang: str = "ko") -> Path:
    folder = tmp_path / "locales"
    for code in ("ko", "ja", "zh", "es"):
        po = folder / code / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        text = HEADER.format(p=plural if code == lang else (ES if code == "es" else KO))
        po.write_text(text + (body if code == lang else ""), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("body", "problem"), [
    ('msgid "Hello"\nmsgstr ""\n', "is not translated"),
    ('#, fuzzy\nmsgid "Hello"\nmsgstr "안녕"\n', "is marked fuzzy"),
    ('msgid "Hi {name}"\nmsgstr "안녕 {nmae}"\n', "has placeholders ['nmae']"),
    ('msgid "Hi {name}"\nmsgstr "안녕"\n', "the source has ['name']"),
    ('msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] ""\n', "is not translated"),
])
def test_catalog_problems_are_found(tmp_path: Path, body: str, problem: str) -> None:
    found = [str(p) for p in check_catalogs(catalogs(tmp_path, body))]
    assert len(found) == 1 and problem in found[0], found


def test_a_plural_needs_every_form_of_its_locale(tmp_path: Path) -> None:
    body = 'msgid "{n} file"\nmsgid_plural "{n} files"\nmsgstr[0] "{n} archivo"\n'
    found = check_catalogs(catalogs(tmp_path, body, plural=ES, lang="es"))
    assert len(found) == 1 and "is not translated" in str(found[0])  # Babel pads msgstr[1] = ""


def test_a_missing_locale_and_a_broken_template_are_found(tmp_path: Path) -> None:
    (tmp_path / "prompts" / "en").mkdir(parents=True)
    (tmp_path / "prompts" / "en" / "ask.j2").write_text("{{ broken", encoding="utf-8")
    problems = [str(p) for p in check_prompts(tmp_path / "prompts")]
    assert any("does not compile" in p for p in problems)
    assert sum("is missing" in p for p in problems) == 4


def test_every_catalog_and_prompt_shipped_in_this_repository_is_complete() -> None:
    folders = skill_folders(ROOT / "robeing_sdk") + skill_folders(ROOT / "plugins")
    assert folders
    problems = [str(p) for f in folders for p in check_skill_folder(f)]
    sdk = ROOT / "robeing_sdk"
    used_by_sdk = used_messages(sdk) - used_messages(sdk / "skills")  # skills have their own
    problems += [str(p) for p in check_catalogs(sdk / "locales", used=used_by_sdk)]
    assert problems == []


def test_catalog_and_code_must_agree(tmp_path: Path) -> None:
    (tmp_path / "skill.py").write_text(
        'def f(context):\n    return context.gettext("Used") + context.gettext("Only in code")\n',
        encoding="utf-8")
    catalogs(tmp_path, 'msgid "Used"\nmsgstr "사용"\n\nmsgid "Stale"\nmsgstr "낡음"\n')
    found = [str(p) for p in check_skill_folder(tmp_path)]
    assert any("'Only in code' is used in the code but missing here" in p for p in found)
    assert any("'Stale' is not used in the code" in p for p in found)
