"""Find the entry a question is about: character-bigram overlap plus keywords.

Bigrams need no tokenizer, so Korean, Japanese and Chinese work like English. A question
is compared with the phrasings of every language, so "API 키" finds the entry in any.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from robeing_faq.knowledge import Entry

THRESHOLD: Final = 0.3
KEYWORD_BONUS: Final = 0.35
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Match:
    entry_id: str
    score: float


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def bigrams(text: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in _WORD.findall(normalize(text)):
        if len(word) == 1:
            grams.add(word)
        else:
            grams.update(word[i:i + 2] for i in range(len(word) - 1))
    return frozenset(grams)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def has_keyword(keyword: str, text: str) -> bool:
    word = normalize(keyword).strip()
    if word.isascii():
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
    return word.replace(" ", "") in text.replace(" ", "")


def score(entry: Entry, text: str, grams: frozenset[str]) -> float:
    similarity = max(jaccard(grams, bigrams(p)) for p in (entry.question, *entry.phrasings))
    if any(has_keyword(k, text) for k in entry.keywords):
        similarity += KEYWORD_BONUS
    return min(similarity, 1.0)


def best_match(question: str, knowledge: Mapping[str, Iterable[Entry]],
               threshold: float = THRESHOLD) -> Match | None:
    """The best entry over all languages, or None when nothing scores ``threshold``."""
    text = normalize(question)
    grams = bigrams(question)
    best: dict[str, float] = {}
    for entries in knowledge.values():
        for entry in entries:
            best[entry.id] = max(best.get(entry.id, 0.0), score(entry, text, grams))
    if not best:
        return None
    entry_id, value = max(best.items(), key=lambda item: (item[1], -list(best).index(item[0])))
    return Match(entry_id, round(value, 4)) if value >= threshold else None
