"""The cost data: shipped defaults, an operator's file, and the refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.metrics.costs import CostDataError, load_costs, parse_costs, shipped_text

OPERATOR = """\
currency = "USD"

[unit_economics]
target_price = 19900
break_even_markup_percent = 25
margin_per_robeing = 12345

[categories.infrastructure]
servers = 100050

[acquisition]
monthly_spend = 50000

[acquisition.months]
"2026-01" = 70000
"""


def test_the_shipped_file_is_the_seed() -> None:
    costs, source = load_costs()
    assert "shipped" in source
    assert costs.categories["infrastructure"] == {"servers": 150_000, "storage": 50_000,
                                                  "bandwidth": 30_000}
    assert costs.categories["llm_apis"] == {"openai": 500_000, "gemini": 300_000,
                                            "claude": 200_000}
    assert costs.categories["development"] == {"engineers": 15_000_000, "devops": 5_000_000}
    assert costs.categories["operations"] == {"monitoring": 20_000, "backup": 10_000,
                                              "security": 50_000}
    assert costs.unit_economics.target_price == 300_000
    assert costs.acquisition.spend_for("2026-11") is None  # the seed gives no spend


def test_an_operator_file_replaces_the_defaults(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "costs.toml"
    path.write_text(OPERATOR, encoding="utf-8")
    monkeypatch.setenv("ROBEING_METRICS_COSTS_FILE", str(path))
    costs, source = load_costs()
    assert str(path) in source and costs.currency == "USD" and costs.total == 100_050
    assert costs.acquisition.spend_for("2026-01") == 70_000
    assert costs.acquisition.spend_for("2026-02") == 50_000


@pytest.mark.parametrize(("change", "problem"), [
    (('servers = 150000', 'servers = -1'), "categories.infrastructure.servers"),
    (('currency = "KRW"', 'currency = "XYZ"'), "currency"),
    (('servers = 150000', 'servers = 1.5'), "categories.infrastructure.servers"),
    (('margin_per_robeing = 230000', 'margin_per_robeing = 0'), "margin_per_robeing"),
    (('[categories.operations]', '[categories.operations]\nextra_cost = "a lot"'),
     "extra_cost"),
    (('currency = "KRW"', 'currency = "KRW"\nsurprise = 1'), "surprise"),
    (('currency = "KRW"', 'currency = "KRW"\n[acquisition.months]\n"2026-13" = 5'),
     "2026-13"),
    (('servers = 150000', 'servers = 150000\nservers = 1'), "line"),
])
def test_bad_cost_data_is_refused_in_one_sentence(change: tuple[str, str],
                                                  problem: str) -> None:
    text = shipped_text()
    assert change[0] in text
    with pytest.raises(CostDataError) as caught:
        parse_costs(text.replace(change[0], change[1], 1), "test.toml")
    message = str(caught.value)
    assert message.startswith("The cost data in test.toml is invalid: ")
    assert problem in message and message.endswith(".") and "\n" not in message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CostDataError,
                       match=r"nope\.toml is invalid: it cannot be read \(No such file"):
        load_costs(tmp_path / "nope.toml")
