"""The program as data: requirements, benefits, capabilities, review policy and schedules.

The defaults ship as ``data/program.toml`` (package data) and are read with
:func:`default_program`; :func:`load_program` reads another file, :func:`parse_program` a
string. Anything invalid raises :class:`~partners.program.errors.ProgramDataError` whose
message is one sentence naming the file, the field and the problem.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from partners.program.benefits import Benefit, Capability
from partners.program.errors import ProgramDataError, ScheduleConflictError, invalid
from partners.program.requirements import Requirement
from partners.program.revenue_share import RevenueShareSchedule, check_schedules
from partners.program.tiers import Tier
from robeing_sdk.errors import N_

DEFAULT_SOURCE = "partners/program/data/program.toml"


class ReviewPolicy(BaseModel):
    """How tier reviews treat partners."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    demotion_notice_days: int = Field(30, ge=1, le=365,
                                      description="The least notice a demotion may be given.")


class Program(BaseModel):
    """The whole partner program, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1]
    requirements: tuple[Requirement, ...]
    benefits: tuple[Benefit, ...]
    capabilities: dict[Capability, Tier]
    review: ReviewPolicy = ReviewPolicy()
    schedules: tuple[RevenueShareSchedule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for kind, ids in (("requirement", [r.id for r in self.requirements]),
                          ("benefit", [b.id for b in self.benefits])):
            twice = sorted(i for i, n in Counter(ids).items() if n > 1)
            if twice:
                raise invalid(N_("requirement id {id} is used more than once")
                              if kind == "requirement"
                              else N_("benefit id {id} is used more than once"),
                              id=repr(twice[0]))
        missing = [c.value for c in Capability if c not in self.capabilities]
        if missing:
            raise invalid(N_("capabilities has no tier for {missing}"),
                          missing=", ".join(missing))
        try:
            check_schedules(self.schedules)
        except ScheduleConflictError as exc:
            raise invalid(exc.template or str(exc), **exc.params) from None
        return self

    def requirements_for(self, tier: Tier) -> tuple[Requirement, ...]:
        """The requirements of ``tier`` itself (not those of the tiers below)."""
        return tuple(r for r in self.requirements if r.tier is tier)

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)


def _field_path(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The location without union-member tags (``Money``, ``int``, ``function-after[...]``)."""
    return tuple(part for part in loc
                 if isinstance(part, int) or not (part[:1].isupper() or part == "int"
                                                  or part.startswith("function-")))


def _render(path: tuple[int | str, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _describe(error: ValidationError) -> str:
    """The first problem as ``field: what is wrong``, counting the other distinct problems.

    An error at a location that encloses another error's location (a union member that did
    not match, a tuple left too short by its failed item) is a consequence, not a problem.
    """
    found: dict[tuple[int | str, ...], str] = {}
    for item in error.errors():
        found.setdefault(_field_path(item["loc"]), str(item["msg"]))
    problems = [(path, msg) for path, msg in found.items()
                if not any(other[:len(path)] == path and other != path for other in found)]
    path, msg = problems[0]
    message = msg.removeprefix("Value error, ").rstrip(".")
    more = len(problems) - 1
    extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{_render(path)}: {message}{extra}" if path else f"{message}{extra}"


def parse_program(text: str, source: str = "<string>") -> Program:
    """Validate TOML text as a program; one-sentence :class:`ProgramDataError` if it is not."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramDataError(f"{source} is not valid TOML: {exc}.", source=source) from None
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        raise ProgramDataError(
            f"{source} is not a valid partner program: {_describe(exc)}.", source=source
        ) from None


def load_program(path: Path | str) -> Program:
    """Read and validate a program file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgramDataError(f"{path} cannot be read: {exc.strerror}.",
                               source=str(path)) from None
    return parse_program(text, str(path))


@lru_cache(maxsize=1)
def default_program() -> Program:
    """The program shipped with the package (read once, on first use)."""
    text = files("partners.program").joinpath("data/program.toml").read_text(encoding="utf-8")
    return parse_program(text, DEFAULT_SOURCE)


def default_schedules() -> Sequence[RevenueShareSchedule]:
    """The shipped revenue-share schedules, oldest first."""
    return default_program().schedules


__all__ = ["Program", "ReviewPolicy", "default_program", "default_schedules", "load_program",
           "parse_program"]
