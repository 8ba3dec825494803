"""Upload file names: the first thing we check, before reading a byte of the file.

A file name is a claim about the contents (project, version, kind). We accept exactly the
two standard forms, ``{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`` and
``{name}-{version}.tar.gz`` (PEP 625), and refuse anything that could be misread on the way
to storage or to an index page: control characters, slashes, non-ASCII, local versions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from packaging.utils import (
    InvalidName,
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from marketplace.distributions.errors import DistributionRejected
from marketplace.messages import N_

Filetype = Literal["bdist_wheel", "sdist"]

MAX_FILENAME_LENGTH: Final = 255
WHEEL_SUFFIX: Final = ".whl"
SDIST_SUFFIX: Final = ".tar.gz"


@dataclass(frozen=True)
class ParsedFilename:
    """What a valid file name says about the file."""

    filename: str
    filetype: Filetype
    name: str  # PEP 503 normalized
    version: Version

    @property
    def stem(self) -> str:
        """The file name without its extension (an sdist's top folder)."""
        suffix = WHEEL_SUFFIX if self.filetype == "bdist_wheel" else SDIST_SUFFIX
        return self.filename[: -len(suffix)]


def parse_filename(filename: str) -> ParsedFilename:
    """Validate an uploaded file name and say what it claims; refuse anything else."""
    _check_characters(filename)
    if filename.endswith(WHEEL_SUFFIX):
        filetype: Filetype = "bdist_wheel"
        try:
            _, version, _, _ = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion) as exc:
            raise DistributionRejected(
                N_("The file name {filename} is not a valid wheel file name ({exc})."),
                filename=repr(filename), exc=_detail(exc)
            ) from None
    elif filename.endswith(SDIST_SUFFIX):
        filetype = "sdist"
        try:
            _, version = parse_sdist_filename(filename)
        except (InvalidSdistFilename, InvalidVersion) as exc:
            raise DistributionRejected(
                N_("The file name {filename} is not a valid sdist file name ({exc})."),
                filename=repr(filename), exc=_detail(exc)
            ) from None
    else:
        raise DistributionRejected(
            N_("The file name {filename} does not end in .whl (a wheel) or .tar.gz (a source "
               "distribution), the only kinds of file accepted."), filename=repr(filename)
        )
    raw_name = filename.split("-", 1)[0] if filetype == "bdist_wheel" else (
        filename[: -len(SDIST_SUFFIX)].rpartition("-")[0])
    try:
        name = canonicalize_name(raw_name, validate=True)
    except InvalidName:
        raise DistributionRejected(
            N_("The file name {filename} does not start with a valid project name."),
            filename=repr(filename)
        ) from None
    if version.local is not None:
        raise DistributionRejected(
            N_("The version {version} in the file name has a local version label, which cannot "
               "be published."), version=repr(str(version))
        )
    return ParsedFilename(filename=filename, filetype=filetype, name=name, version=version)


def _check_characters(filename: str) -> None:
    if not filename:
        raise DistributionRejected(N_("The file name is empty."))
    if len(filename) > MAX_FILENAME_LENGTH:
        raise DistributionRejected(
            N_("The file name is longer than {limit} characters."),
            limit=MAX_FILENAME_LENGTH
        )
    if any(unicodedata.category(char).startswith("C") for char in filename):
        raise DistributionRejected(
            N_("The file name {filename} contains a control character."), filename=repr(filename)
        )
    if "/" in filename or "\\" in filename:
        raise DistributionRejected(
            N_("The file name {filename} contains a slash or a backslash."),
            filename=repr(filename)
        )
    if not filename.isascii() or " " in filename:
        raise DistributionRejected(
            N_("The file name {filename} contains spaces or characters outside ASCII."),
            filename=repr(filename)
        )


def _detail(exc: Exception) -> str:
    """packaging's reason (``Invalid wheel filename (invalid version): ...``) as a phrase."""
    found = re.search(r"\(([^()]+)\)", str(exc))
    return found.group(1) if found else "it cannot be parsed"
