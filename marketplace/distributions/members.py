"""Member paths inside an archive: the checks shared by wheels (zip) and sdists (tar).

An installer or a later tool may join these paths onto a directory. Anything that could
escape it or mean two things on two systems is refused here, before any member is read:
absolute paths, drive letters, ``..``, backslashes, control characters, duplicates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from marketplace.distributions.errors import DistributionRejected
from marketplace.messages import N_

_DRIVE: Final = re.compile(r"^[A-Za-z]:")


def check_member_path(path: str, *, kind: str) -> str:
    """Return the path without a directory's trailing ``/``; refuse unsafe paths.

    ``kind`` names the archive in the sentence (``"wheel"``, ``"sdist"``).
    """
    shown = repr(path)
    if not path or path in {"/", "."}:
        raise DistributionRejected(N_("The {kind} has a member with an empty name."), kind=kind)
    if any(unicodedata.category(char).startswith("C") for char in path):
        raise DistributionRejected(N_("The {kind} member {shown} has a control character in "
                                      "its name."), kind=kind, shown=shown)
    if "\\" in path:
        raise DistributionRejected(N_("The {kind} member {shown} has a backslash in its name."),
                                   kind=kind, shown=shown)
    if path.startswith("/") or _DRIVE.match(path):
        raise DistributionRejected(N_("The {kind} member {shown} has an absolute path."),
                                   kind=kind, shown=shown)
    trimmed = path[:-1] if path.endswith("/") else path
    segments = trimmed.split("/")
    if ".." in segments:
        raise DistributionRejected(N_("The {kind} member {shown} has a '..' segment in its "
                                      "path."), kind=kind, shown=shown)
    if "" in segments or "." in segments:
        raise DistributionRejected(N_("The {kind} member {shown} has an empty or '.' segment "
                                      "in its path."), kind=kind, shown=shown)
    return trimmed


def check_unique(paths: Iterable[str], *, kind: str) -> None:
    """Refuse a second member with the same path (also after Unicode normalization)."""
    seen: set[str] = set()
    for path in paths:
        key = unicodedata.normalize("NFC", path)
        if key in seen:
            raise DistributionRejected(N_("The {kind} contains {path} more than once."),
                                       kind=kind, path=repr(path))
        seen.add(key)
