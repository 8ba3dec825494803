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
from pydantic_core import ErrorDetails

from partners.program.benefits import Benefit, Capability
from partners.program.errors import (
    Plural,
    ProgramDataError,
    ScheduleConflictError,
    invalid,
    ngettext,
)
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
            raise invalid(exc.template if isinstance(exc.template, str) else str(exc),
                          **exc.params) from None
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


def _refusal(error: ValidationError, source: str) -> ProgramDataError:
    """The first problem as ``field: what is wrong``, counting the other distinct problems.

    An error at a location that encloses another error's location (a union member that did
    not match, a tuple left too short by its failed item) is a consequence, not a problem.
    The first problem's pydantic error is kept as ``problem`` so that the one place that
    shows the sentence can say the problem in its reader's language too.
    """
    found: dict[tuple[int | str, ...], ErrorDetails] = {}
    for item in error.errors():
        found.setdefault(_field_path(item["loc"]), item)
    problems = [(path, item) for path, item in found.items()
                if not any(other[:len(path)] == path and other != path for other in found)]
    path, first = problems[0]
    values = {"source": source, "field": _render(path),
              "problem": first["msg"].removeprefix("Value error, ").rstrip(".")}
    more = len(problems) - 1
    template: str | Plural
    if more and path:
        template = ngettext(
            "{source} is not a valid partner program: {field}: {problem} (and {n} more "
            "problem).", "{source} is not a valid partner program: {field}: {problem} "
            "(and {n} more problems).", more)
    elif more:
        template = ngettext(
            "{source} is not a valid partner program: {problem} (and {n} more problem).",
            "{source} is not a valid partner program: {problem} (and {n} more problems).",
            more)
    else:
        template = N_("{source} is not a valid partner program: {field}: {problem}.") if path \
            else N_("{source} is not a valid partner program: {problem}.")
    if not path:
        del values["field"]
    refusal = ProgramDataError.localizable(template, context={"source": source}, **values)
    refusal.problem = dict(first)
    return refusal


def parse_program(text: str, source: str = "<string>") -> Program:
    """Validate TOML text as a program; one-sentence :class:`ProgramDataError` if it is not."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # tomllib's words name the line and column
        raise ProgramDataError.localizable(N_("{source} is not valid TOML: {reason}."),
                                           context={"source": source}, source=source,
                                           reason=str(exc)) from None
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        raise _refusal(exc, source) from None


def load_program(path: Path | str) -> Program:
    """Read and validate a program file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgramDataError.localizable(N_("{source} cannot be read: {reason}."),
                                           context={"source": str(path)}, source=str(path),
                                           reason=exc.strerror or str(exc)) from None
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
