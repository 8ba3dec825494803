"""The knowledge files shipped in the package: ``knowledge/<lang>.toml``, one per language.

Every file lists the same entries (by ``id``) with a question, other phrasings, keywords and
the answer. Files are validated with pydantic and read once per folder.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    question: Text
    phrasings: tuple[Text, ...] = ()
    keywords: tuple[Text, ...] = ()
    answer: Text


class KnowledgeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entry: tuple[Entry, ...]


class KnowledgeError(ValueError):
    """A knowledge file is missing, not TOML, or not in the expected shape."""


def load_file(path: Path) -> tuple[Entry, ...]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        return KnowledgeFile.model_validate(document).entry
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from None


@lru_cache(maxsize=8)
def load_all(folder: Path = KNOWLEDGE) -> dict[str, tuple[Entry, ...]]:
    """Every language's entries, keyed by language code (``en``, ``ko`` ...)."""
    return {path.stem: load_file(path) for path in sorted(folder.glob("*.toml"))}


def for_locale(knowledge: dict[str, tuple[Entry, ...]],
               chain: tuple[str, ...]) -> tuple[Entry, ...]:
    """The entries in the first language of ``chain`` that has a file (English at last)."""
    for locale in (*chain, "en"):
        language = locale.split("_")[0]
        if language in knowledge:
            return knowledge[language]
    return ()
