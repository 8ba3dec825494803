"""The ``robeing.skills`` entry points of a distribution, read as text, never as code.

A wheel declares them in ``*.dist-info/entry_points.txt`` (an INI file). An sdist has not
been built yet, so we read what the build would write: ``[project.entry-points]`` in
``pyproject.toml`` or ``[options.entry_points]`` in ``setup.cfg``. A ``setup.py`` is never
run; a skill whose entry points only ``setup.py`` knows is refused.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from typing import Any, Final

from marketplace.distributions.errors import DistributionRejected
from marketplace.messages import N_

SKILL_GROUP: Final = "robeing.skills"
#: ``module.path`` optionally followed by ``:attr.path`` and ``[extras]`` (the PyPA spec).
_VALUE: Final = re.compile(
    r"^[A-Za-z_][\w.]*\s*(:\s*[A-Za-z_][\w.]*\s*)?(\[[\w\s,.-]*\]\s*)?$", re.ASCII)


def from_entry_points_txt(text: str, *, source: str) -> dict[str, str] | None:
    """The skill group of an ``entry_points.txt``; None if the group is absent."""
    parser = _parser(delimiters=("=",))
    try:
        parser.read_string(text, source=source)
    except configparser.Error:
        raise DistributionRejected(N_("The {source} is not a valid INI file."),
                                   source=source) from None
    if not parser.has_section(SKILL_GROUP):
        return None
    return _checked(dict(parser.items(SKILL_GROUP)), source)


def from_setup_cfg(text: str, *, source: str) -> dict[str, str] | None:
    """``[options.entry_points] robeing.skills = ...`` lines of a ``setup.cfg``."""
    parser = _parser(delimiters=("=", ":"))
    try:
        parser.read_string(text, source=source)
    except configparser.Error:
        raise DistributionRejected(N_("The {source} is not a valid INI file."),
                                   source=source) from None
    block = parser.get("options.entry_points", SKILL_GROUP, fallback=None)
    if block is None:
        return None
    found: dict[str, str] = {}
    for line in block.splitlines():
        if not line.strip():
            continue
        name, equals, value = line.partition("=")
        if not equals:
            raise DistributionRejected(N_("The {source} has a {group} line that is not "
                                          "'name = module'."),
                                       source=source, group=SKILL_GROUP)
        found[name.strip()] = value.strip()
    return _checked(found, source)


def from_pyproject(text: str, *, source: str) -> dict[str, str] | None:
    """``[project.entry-points."robeing.skills"]`` of a ``pyproject.toml``."""
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise DistributionRejected(N_("The {source} is not valid TOML."), source=source) from None
    project = document.get("project")
    groups = project.get("entry-points") if isinstance(project, dict) else None
    if groups is None:
        return None
    group = groups.get(SKILL_GROUP) if isinstance(groups, dict) else None
    if group is None:
        return None
    if not isinstance(group, dict) or not all(isinstance(value, str)
                                              for value in group.values()):
        raise DistributionRejected(N_("The {source}'s {group} entry points are not a "
                                      "table of strings."), source=source, group=SKILL_GROUP)
    return _checked(dict(group), source)


def _parser(*, delimiters: tuple[str, ...]) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(delimiters=delimiters, interpolation=None,
                                       strict=True, default_section="\0no-defaults")
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    return parser


def _checked(group: dict[str, str], source: str) -> dict[str, str]:
    for name, value in group.items():
        if not _VALUE.match(value):
            raise DistributionRejected(N_("The {source} gives the {group} entry point "
                                          "{name} an invalid object reference {value}."),
                                       source=source, group=SKILL_GROUP, name=repr(name),
                                       value=repr(value))
    return group
