"""Free text a partner or staff member sends (reasons, notes, names): NUL is refused as a
422 naming the field, since PostgreSQL cannot store it (it was a 500 there) and SQLite would
keep what PostgreSQL refuses."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from marketplace.messages import N_

_NUL = N_("contains a NUL character, which cannot be stored")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("no_nul", _NUL, {"template": _NUL})
    return value


NoNul = AfterValidator(_no_nul)
"""Add to a ``str`` field: ``reason: Annotated[str | None, NoNul]``."""

StoredText = Annotated[str, NoNul]

__all__ = ["NoNul", "StoredText"]
