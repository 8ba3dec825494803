"""The metrics command's own words (table labels, headings, notes) and the cost file's
problem in the chosen language; the expected Korean and Japanese are written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from marketplace.metrics.costs import CostDataError, parse_costs, shipped_text
from marketplace.settings import Settings
from robeing_sdk.cli import build_app

LABELS = {
    "en": ("Monthly costs", "Category", "Item", "Cost", "Business metrics", "Metric",
           "Value", "Source", "Active robeings (N)", "Break-even price",
           "Robeings needed for profit", "New paying buyers", "Churn",
           "No revenue in any currency yet", "Rounding: Exact integer arithmetic"),
    "ko": ("월 비용", "분류", "항목", "비용", "비즈니스 지표", "지표", "값", "출처",
           "활성 로빙 수 (N)", "손익분기 가격", "이익에 필요한 로빙 수", "신규 유료 구매자",
           "이탈률", "아직 어떤 통화로도 수익이 없습니다", "반올림: "),
    "ja": ("月間コスト", "カテゴリ", "項目", "コスト", "ビジネス指標", "指標", "値", "出典",
           "アクティブなロビーイング数 (N)", "損益分岐価格", "利益に必要なロビーイング数",
           "新規の有料購入者", "解約率", "まだどの通貨でも収益はありません", "端数処理: "),
}


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["marketplace", "metrics", "--data-dir",
                                              str(Path(settings.data_dir)), *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_the_table_speaks_the_chosen_language(settings: Settings, lang: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command reads the embedded database of the data dir")
    monkeypatch.setenv("ROBEING_LOCALE", "es")  # --locale wins over the environment
    monkeypatch.setenv("COLUMNS", "300")
    code, table = run(settings, "--locale", lang)
    assert code == 0, table
    for label in LABELS[lang]:
        assert label in table, label
    if lang != "en":
        assert "Metric" not in table and "Rounding" not in table


def test_without_locale_the_environment_decides(settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command reads the embedded database of the data dir")
    monkeypatch.setenv("ROBEING_LOCALE", "ja-JP")
    monkeypatch.setenv("COLUMNS", "300")
    code, table = run(settings)
    assert code == 0 and "ビジネス指標" in table and "解約率" in table


def test_a_typed_unsupported_locale_is_one_sentence(settings: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROBEING_LOCALE", "en")
    code, output = run(settings, "--locale", "fr")
    assert code == 1 and "'fr' is not supported" in output and "Traceback" not in output
    monkeypatch.setenv("ROBEING_LOCALE", "ko")
    code, output = run(settings, "--locale", "fr")
    assert code == 1 and "Traceback" not in output and "'fr'" in output
    assert "'fr' 로캘은 지원하지 않아요." in output  # in the environment's language


BROKEN = {  # the cost file's problem, by hand, for a missing section and a bad month
    "en": ("The cost data in c.toml is invalid: unit_economics: is required.",
           "The cost data in c.toml is invalid: acquisition.months: '2026-13' is not a "
           "month; use YYYY-MM."),
    "ko": ("c.toml의 비용 데이터가 올바르지 않습니다: unit_economics: 필수 항목입니다.",
           "c.toml의 비용 데이터가 올바르지 않습니다: acquisition.months: '2026-13'은(는) "
           "월이 아닙니다. YYYY-MM 형식을 사용하세요."),
    "ja": ("c.toml のコストデータが不正です: unit_economics: 必須です。",
           "c.toml のコストデータが不正です: acquisition.months: '2026-13' は月ではありませ"
           "ん。YYYY-MM を使ってください。"),
}


def _problem(text: str) -> CostDataError:
    with pytest.raises(CostDataError) as caught:
        parse_costs(text, "c.toml")
    return caught.value


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_the_cost_files_problem_is_said_in_the_language(lang: str) -> None:
    missing = _problem("currency = 'KRW'\n")
    month = _problem(shipped_text().replace(
        'currency = "KRW"', 'currency = "KRW"\n[acquisition.months]\n"2026-13" = 5', 1))
    assert (missing.said(lang), month.said(lang)) == BROKEN[lang]
    assert str(missing) == BROKEN["en"][0]  # the exception's own text stays English


def test_the_command_says_the_cost_files_problem_in_the_language(
        tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "costs.toml"
    broken.write_text("currency = 'KRW'\n", encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "300")
    code, output = run(settings, "--costs-file", str(broken), "--locale", "ko")
    assert code == 1
    assert "비용 데이터가 올바르지 않습니다: unit_economics: 필수 항목입니다." in output
