"""``robeing marketplace metrics``: the same report as the API, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marketplace.settings import Settings
from robeing_sdk.cli import build_app
from tests.marketplace.commerce.conftest import Seller, buy, set_price
from tests.marketplace.conftest import PartnerHandle


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["marketplace", "metrics", "--data-dir",
                                              str(Path(settings.data_dir)), *args])
    return result.exit_code, result.output


def test_the_command_matches_the_api(client: TestClient, seller: Seller, settings: Settings,
                                     staff: PartnerHandle,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command reads the embedded database of the data dir")
    monkeypatch.setenv("ROBEING_LOCALE", "en")
    assert set_price(client, seller, kind="subscription", amount=300_000).status_code == 200
    assert buy(client, payment_method="pm_card_visa").status_code == 201
    code, output = run(settings, "--json")
    assert code == 0, output
    report = json.loads(output)
    api = client.get("/v1/staff/metrics", headers=staff.bearer).json()
    assert report["unit_economics"] == api["unit_economics"]
    assert [{name: figure["value"] for name, figure in row.items() if name != "currency"}
            for row in report["revenue"]] == \
        [{name: figure["value"] for name, figure in row.items() if name != "currency"}
         for row in api["revenue"]]  # the sources name "now", a moment apart
    assert report["unit_economics"]["active_robeings"]["value"] == 1
    assert report["revenue"][0]["mrr"]["value"]["amount"] == 300_000
    code, table = run(settings)
    assert code == 0, table
    for shown in ("₩21,310,000", "Active robeings (N)", "Break-even price", "₩27,703,000",
                  "MRR KRW", "₩300,000", "not configured", "Rounding:"):
        assert shown in table, shown
    code, what_if = run(settings, "--robeings", "1000", "--json")
    assert json.loads(what_if)["unit_economics"]["break_even_price"]["value"]["amount"] \
        == 27_703


def test_bad_input_is_one_sentence(tmp_path: Path, settings: Settings) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command reads the embedded database of the data dir")
    code, output = run(settings, "--month", "2999-01")
    assert code == 1 and "2999-01 has not started yet" in output
    code, output = run(settings, "--month", "March")
    assert code == 1 and "'March' is not a month; use YYYY-MM." in output
    code, output = run(settings, "--month", "2026-1")
    assert code == 1 and "'2026-1' is not a month; use YYYY-MM." in output
    broken = tmp_path / "costs.toml"
    broken.write_text("currency = 'KRW'\n", encoding="utf-8")
    code, output = run(settings, "--costs-file", str(broken))
    assert code == 1 and "is invalid: unit_economics: is required." in output
    assert "Traceback" not in output
