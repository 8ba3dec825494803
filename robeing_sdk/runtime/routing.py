"""Pick the skill for a message from the manifests alone.

Each intent scores the message two ways: a keyword that occurs in it (a whole word in
alphabetic scripts, a substring in Korean, Japanese and Chinese) and the closest example
phrase by character-bigram overlap (Jaccard), which needs no tokenizer for CJK text.
``score = max(similarity, 0.55 + 0.45 * similarity)`` when a keyword matches, else the
similarity. Inverted indexes keep the cost per message independent of the number of
installed skills that share nothing with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from robeing_sdk.manifest import SkillManifest

KEYWORD_FLOOR: Final = 0.55
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def bigrams(text: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in _WORD.findall(text):
        if len(word) == 1:
            grams.add(word)
        else:
            grams.update(word[i:i + 2] for i in range(len(word) - 1))
    return frozenset(grams)


@dataclass(frozen=True, slots=True)
class RouteScore:
    skill: str
    intent: str
    score: float
    keyword: str | None
    similarity: float


@dataclass(frozen=True, slots=True)
class RouteDecision:
    skill: str | None
    intent: str | None
    confidence: float
    fallback: bool
    scores: tuple[RouteScore, ...]


@dataclass(frozen=True, slots=True)
class _Keyword:
    skill: str
    intent: str
    text: str
    pattern: re.Pattern[str] | None  # None: match as a substring (CJK)


class Router:
    """Built once from the manifests of the skills that may answer."""

    def __init__(self, manifests: Mapping[str, SkillManifest], *, threshold: float = 0.35,
                 fallbacks: Iterable[str] = ()) -> None:
        self.threshold = threshold
        self.fallbacks = tuple(fallbacks)
        self._example_owner: list[tuple[str, str]] = []
        self._example_size: list[int] = []
        self._example_index: dict[str, list[int]] = defaultdict(list)
        self._keyword_index: dict[str, list[_Keyword]] = defaultdict(list)
        self._char_keyword_index: dict[str, list[_Keyword]] = defaultdict(list)
        for skill, manifest in sorted(manifests.items()):
            for intent in manifest.intents:
                for phrases in intent.examples.values():
                    for phrase in phrases:
                        self._add_example(skill, intent.name, normalize(phrase))
                for words in intent.keywords.values():
                    for word in words:
                        self._add_keyword(skill, intent.name, normalize(word).strip())

    def _add_example(self, skill: str, intent: str, phrase: str) -> None:
        grams = bigrams(phrase)
        if not grams:
            return
        example_id = len(self._example_owner)
        self._example_owner.append((skill, intent))
        self._example_size.append(len(grams))
        for gram in grams:
            self._example_index[gram].append(example_id)

    def _add_keyword(self, skill: str, intent: str, word: str) -> None:
        # The anchor must occur in every text that contains the keyword. A bigram inside a
        # word of two or more characters does; a one-character word ("잘 가") may sit inside
        # a longer word of the message ("잘 가요"), so such keywords anchor on a character.
        parts = sorted(_WORD.findall(word), key=lambda part: (-len(part), part))
        if not parts:
            return
        pattern = (re.compile(rf"(?<!\w){re.escape(word)}(?!\w)") if word.isascii() else None)
        keyword = _Keyword(skill, intent, word, pattern)
        if len(parts[0]) >= 2:
            self._keyword_index[parts[0][:2]].append(keyword)
        else:
            self._char_keyword_index[parts[0]].append(keyword)

    def score(self, text: str) -> list[RouteScore]:
        """All intents that share anything with ``text``, best first."""
        normalized = normalize(text)
        grams = bigrams(normalized)
        overlap: dict[int, int] = defaultdict(int)
        for gram in grams:
            for example_id in self._example_index.get(gram, ()):
                overlap[example_id] += 1
        similarity: dict[tuple[str, str], float] = {}
        size = len(grams)
        for example_id, shared in overlap.items():
            key = self._example_owner[example_id]
            value = shared / (self._example_size[example_id] + size - shared)
            if value > similarity.get(key, 0.0):
                similarity[key] = value
        keywords: dict[tuple[str, str], str] = {}
        candidates = [self._keyword_index.get(gram, ()) for gram in grams]
        if self._char_keyword_index:
            candidates += [self._char_keyword_index.get(char, ()) for char in set(normalized)]
        for group in candidates:
            for keyword in group:
                key = (keyword.skill, keyword.intent)
                if key in keywords:
                    continue
                found = (keyword.pattern.search(normalized) if keyword.pattern
                         else keyword.text in normalized)
                if found:
                    keywords[key] = keyword.text
        results = []
        for key in similarity.keys() | keywords.keys():
            sim = similarity.get(key, 0.0)
            keyword_hit = keywords.get(key)
            value = max(sim, KEYWORD_FLOOR + (1 - KEYWORD_FLOOR) * sim) if keyword_hit else sim
            results.append(RouteScore(key[0], key[1], round(value, 4), keyword_hit, round(sim, 4)))
        results.sort(key=lambda s: (-s.score, s.skill, s.intent))
        return results

    def route(self, text: str) -> RouteDecision:
        scores = self.score(text)
        if scores and scores[0].score >= self.threshold:
            best = scores[0]
            return RouteDecision(best.skill, best.intent, best.score, False, tuple(scores[:10]))
        fallback = self.fallbacks[0] if self.fallbacks else None
        return RouteDecision(fallback, None, 0.0, True, tuple(scores[:10]))
