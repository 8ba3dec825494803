"""The monthly cost structure as data: the shipped ``costs.toml`` or an operator's file.

``ROBEING_METRICS_COSTS_FILE`` names a TOML file of the same shape that replaces the shipped
one as a whole (a partial file would silently mix two cost bases). Every amount is an
integer of minor units in the file's one ISO 4217 ``currency``; the file is validated with
pydantic and a bad one is refused with one sentence naming the problem.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketplace.messages import N_, Message, problem_of
from robeing_sdk.models import CurrencyCode

MAX_AMOUNT: Final = 10**15
"""Larger than any real monthly figure in minor units; fits a 64-bit integer with room."""
SHIPPED: Final = "costs.toml"
SHIPPED_PATH: Final = f"marketplace/metrics/{SHIPPED}"
SHIPPED_SOURCE: Final = N_("{path} (the seed's figures, shipped)")
MONTH: Final = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Name = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


def _invalid(template: str, /, **params: object) -> PydanticCustomError:
    """A validator's refusal with its ``N_`` template kept in ``ctx`` for translation."""
    return PydanticCustomError("cost_data", template, {"template": template, **params})


class MetricsSettings(BaseSettings):
    """Where the operator's cost file is, if any (``ROBEING_METRICS_*``)."""

    model_config = SettingsConfigDict(env_prefix="ROBEING_METRICS_", extra="ignore")

    costs_file: Path | None = Field(None, description="A TOML cost file replacing the "
                                                      "shipped defaults.")


class UnitEconomicsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target_price: Amount
    break_even_markup_percent: int = Field(ge=0, le=1000)
    margin_per_robeing: int = Field(gt=0, le=MAX_AMOUNT)


class Acquisition(BaseModel):
    """What was spent to win buyers: one monthly figure, a month's own figure winning."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    monthly_spend: Amount | None = None
    months: dict[str, Amount] = Field(default_factory=dict)

    @field_validator("months")
    @classmethod
    def _months(cls, value: dict[str, int]) -> dict[str, int]:
        for key in value:
            if not MONTH.match(key):
                raise _invalid(N_("{key} is not a month; use YYYY-MM"), key=repr(key))
        return value

    def spend_for(self, month: str) -> int | None:
        return self.months.get(month, self.monthly_spend)


class CostConfig(BaseModel):
    """The validated cost file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: CurrencyCode
    unit_economics: UnitEconomicsConfig
    categories: dict[Name, dict[Name, Amount]] = Field(min_length=1)
    acquisition: Acquisition = Field(default_factory=Acquisition)

    @field_validator("categories")
    @classmethod
    def _not_empty(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for name, items in value.items():
            if not items:
                raise _invalid(N_("category {name} has no cost items"), name=name)
        return value

    def category_totals(self) -> dict[str, int]:
        return {name: sum(items.values()) for name, items in self.categories.items()}

    @property
    def total(self) -> int:
        return sum(self.category_totals().values())


class CostDataError(ValueError):
    """The cost file cannot be read or is invalid; the message is one sentence.

    ``message`` keeps it as a template and values so the CLI and the API can say it in
    their reader's language; ``str(error)`` and ``problem`` are English.
    """

    def __init__(self, source: str, problem: Message, field: str = "") -> None:
        self.source = source
        self.problem = f"{field}: {problem.english()}" if field else problem.english()
        self.message = Message(
            N_("The cost data in {source} is invalid: {field}: {problem}.") if field
            else N_("The cost data in {source} is invalid: {problem}."),
            {"source": source, "problem": problem, **({"field": field} if field else {})})
        super().__init__(self.message.english())

    def said(self, locale: str) -> str:
        """The sentence in ``locale`` (English when a part of it has no translation)."""
        from marketplace.i18n import catalogs

        return self.message.say(catalogs(locale)) or self.message.english()


def parse_costs(text: str, source: str) -> CostConfig:
    try:
        return CostConfig.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:  # tomllib's own words name the line and column
        raise CostDataError(source, Message(N_("it is not valid TOML ({reason})"),
                                            {"reason": str(exc)})) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise CostDataError(source, problem_of(first), where) from None


def shipped_text() -> str:
    return resources.files(__package__ or "marketplace.metrics").joinpath(SHIPPED) \
        .read_text(encoding="utf-8")


def load_costs(path: Path | None = None) -> tuple[CostConfig, str]:
    """The cost data and where it came from: ``path``, else the setting, else the shipped file."""
    path = path or MetricsSettings().costs_file
    if path is None:
        return parse_costs(shipped_text(), f"{SHIPPED_PATH} (shipped)"), \
            SHIPPED_SOURCE.format(path=SHIPPED_PATH)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CostDataError(str(path), Message(N_("it cannot be read ({reason})"),
                                               {"reason": reason})) from None
    return parse_costs(text, str(path)), f"{path} (ROBEING_METRICS_COSTS_FILE)"


__all__ = ["CostConfig", "CostDataError", "MetricsSettings", "load_costs", "parse_costs"]
