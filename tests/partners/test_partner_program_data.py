"""The shipped program file is valid, and a broken one fails with one clear sentence."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from partners import (
    Capability,
    Metric,
    Program,
    ProgramDataError,
    RequirementKind,
    Tier,
    default_program,
    load_program,
    parse_program,
)
from robeing_sdk.models import Money

SHIPPED = files("partners.program").joinpath("data/program.toml").read_text(encoding="utf-8")


def test_shipped_program_matches_the_seed(program: Program) -> None:
    by_tier = {t: [r.id for r in program.requirements_for(t)] for t in Tier}
    assert by_tier == {
        Tier.REGISTERED: [],
        Tier.CERTIFIED: ["technical-training", "sales-training", "certification-exam"],
        Tier.GOLD: ["annual-revenue", "deployments", "dedicated-team"],
        Tier.STRATEGIC: ["global-presence", "enterprise-clients", "co-innovation"],
    }
    revenue = program.requirement("annual-revenue")
    assert revenue is not None and revenue.kind is RequirementKind.METRIC
    assert revenue.metric is Metric.ANNUAL_REVENUE
    assert revenue.minimum == Money(amount=100_000_000, currency="USD")
    deployments = program.requirement("deployments")
    assert deployments is not None and deployments.minimum == 10
    assert program.capabilities[Capability.PUBLISH_PAID_SKILLS] is Tier.CERTIFIED
    assert program.review.demotion_notice_days == 30
    assert program.requirement("nope") is None


def test_default_program_is_read_once() -> None:
    assert default_program() is default_program()


def test_load_program_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "program.toml"
    path.write_text(SHIPPED, encoding="utf-8")
    assert load_program(path) == default_program()


def broken(mutate: Any) -> str:
    """The shipped file's data with one change, as a dict for parse_program via TOML."""
    data = tomllib.loads(SHIPPED)
    mutate(data)
    return _to_toml(data)


def _to_toml(data: dict[str, Any]) -> str:
    # The program file is simple enough to write back as inline TOML through JSON-ish values.
    import datetime as dt
    import json

    def value(v: Any) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, dt.datetime):
            return v.isoformat()
        return json.dumps(v)

    return "\n".join(f"{k} = {value(v)}" for k, v in data.items()) + "\n"


def _set(path: tuple[Any, ...], new: Any) -> Any:
    def mutate(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = new
    return mutate


def _drop(path: tuple[Any, ...]) -> Any:
    def mutate(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]
    return mutate


def test_round_trip_helper_is_faithful() -> None:
    assert parse_program(broken(lambda d: None)) == default_program()


@pytest.mark.parametrize(("mutate", "expected"), [
    (_set(("requirements", 3, "minimum"), 5),
     "program.toml is not a valid partner program: requirements[3]: metric requirement "
     "'annual-revenue' needs a positive Money minimum (amount in minor units and currency)."),
    (_set(("requirements", 0, "kind"), "vibes"),
     "program.toml is not a valid partner program: requirements[0].kind: Input should be "
     "'attested' or 'metric'."),
    (_set(("requirements", 0, "tier"), "platinum"),
     "program.toml is not a valid partner program: requirements[0].tier: Input should be "
     "'registered', 'certified', 'gold' or 'strategic'."),
    (_set(("requirements", 1, "id"), "technical-training"),
     "program.toml is not a valid partner program: requirement id 'technical-training' is "
     "used more than once."),
    (_set(("requirements", 3, "minimum"), {"amount": 100, "currency": "XYZ"}),
     "program.toml is not a valid partner program: requirements[3].minimum.currency: 'XYZ' "
     "is not an ISO 4217 currency code."),
    (_set(("schedules", 0, "rates", "gold"), {"partner_share_bps": 4000,
                                              "platform_fee_bps": 4000}),
     "program.toml is not a valid partner program: schedules[0].rates.gold: "
     "partner_share_bps (4000) and platform_fee_bps (4000) must add up to 10000."),
    (_drop(("capabilities", "publish_paid_skills")),
     "program.toml is not a valid partner program: capabilities has no tier for "
     "publish_paid_skills."),
    (_set(("schema_version",), 2),
     "program.toml is not a valid partner program: schema_version: Input should be 1."),
    (_set(("surprise",), 1),
     "program.toml is not a valid partner program: surprise: Extra inputs are not permitted."),
    (_set(("schedules", 0, "version"), 2),
     "program.toml is not a valid partner program: Schedule versions must run 1, 2, 3 … in "
     "order; found 2 in position 1."),
])
def test_invalid_data_is_one_clear_sentence(mutate: Any, expected: str) -> None:
    with pytest.raises(ProgramDataError) as info:
        parse_program(broken(mutate), "program.toml")
    message = str(info.value)
    assert message == expected
    assert message.count(". ") == 0 or "…" in message  # one sentence
    assert info.value.source == "program.toml"


def test_several_problems_are_counted_in_the_same_sentence() -> None:
    def two(data: dict[str, Any]) -> None:
        data["requirements"][0]["kind"] = "vibes"
        data["benefits"][0]["tier"] = "platinum"

    with pytest.raises(ProgramDataError, match=r"\(and 1 more problem\)\.$"):
        parse_program(broken(two), "program.toml")


def test_invalid_toml_is_one_sentence() -> None:
    with pytest.raises(ProgramDataError, match=r"^program.toml is not valid TOML: .*\.$"):
        parse_program("schema_version = = 1", "program.toml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProgramDataError, match="cannot be read"):
        load_program(tmp_path / "absent.toml")
