"""Pick the skill for a message from the manifests alone.

Each intent scores the message two ways: a keyword that occurs in it (a whole word in
alphabetic scripts, a substring in Korean, Japanese and Chinese) and the closest example
phrase by character-bigram overlap (Jaccard), which needs no tokenizer for CJK text.
``score = max(similarity, 0.55 + 0.45 * similarity)`` when a keyword matches, else the
similarity.

Cost per message must not grow with unrelated installed skills, so nothing is compared
with every example: keywords are looked up by the message's words (or, for CJK, by their
rarest bigram), and the examples to score are those of intents whose keyword matched plus
those sharing a *selective* feature with the message (a word stem in alphabetic scripts,
a bigram in CJK). Features shared by many examples ("please", "주세요") select nothing and
are left out of that index; they still count in the similarity of the examples scored.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from robeing_sdk.manifest import SkillManifest

KEYWORD_FLOOR: Final = 0.55
STEM_LENGTH: Final = 4
_WORD = re.compile(r"\w+")
_CJK = re.compile("[\u2e80-\U0010ffff]")  # CJK radicals, kana, Han, Hangul and beyond


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _word_bigrams(word: str) -> list[str]:
    return [word] if len(word) == 1 else [word[i:i + 2] for i in range(len(word) - 1)]


@lru_cache(maxsize=8192)
def _analyze_word(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Cached: words recur across messages, and a lookup costs a tenth of the slicing.
    grams = tuple(_word_bigrams(word))
    if not word.isascii() and _CJK.search(word):
        return grams, grams
    return grams, (word[:STEM_LENGTH],)


def analyze(text: str) -> tuple[list[str], frozenset[str], frozenset[str]]:
    """Words, character bigrams of each word (a one-letter word kept whole), and features:
    what selects examples to score (word stems, or the bigrams of CJK words)."""
    words = _WORD.findall(text)
    grams: set[str] = set()
    found: set[str] = set()
    for word in words:
        word_grams, features = _analyze_word(word)
        grams.update(word_grams)
        found.update(features)
    return words, frozenset(grams), frozenset(found)


@lru_cache(maxsize=8192)
def _round4(value: float) -> float:
    # round() with digits formats the float as text (~0.6 µs); scores repeat a great deal.
    return round(value, 4)


def bigrams(text: str) -> frozenset[str]:
    return analyze(text)[1]


@dataclass(frozen=True, slots=True)
class RouteScore:
    skill: str
    intent: str
    score: float
    keyword: str | None
    similarity: float


_SCORE_SLOTS: Final = tuple(RouteScore.__dict__[name].__set__ for name in
                            ("skill", "intent", "score", "keyword", "similarity"))


def _route_score(skill: str, intent: str, score: float, keyword: str | None,
                 similarity: float) -> RouteScore:
    """RouteScore(...) without the frozen ``__init__`` (one ``object.__setattr__`` per
    field): the slots are set directly, which halves the cost of the up to ten per message."""
    result = object.__new__(RouteScore)
    set_skill, set_intent, set_score, set_keyword, set_similarity = _SCORE_SLOTS
    set_skill(result, skill)
    set_intent(result, intent)
    set_score(result, score)
    set_keyword(result, keyword)
    set_similarity(result, similarity)
    return result


@dataclass(frozen=True, slots=True)
class RouteDecision:
    skill: str | None
    intent: str | None
    confidence: float
    fallback: bool
    scores: tuple[RouteScore, ...]


@dataclass(frozen=True, slots=True)
class _Keyword:
    key: tuple[str, str]
    text: str
    # None: the anchor is the whole keyword (one alphabetic word), so finding it among the
    # message's words is the match; otherwise a whole-words pattern, or for CJK a substring.
    pattern: re.Pattern[str] | None
    substring: bool = False


class Router:
    """Built once from the manifests of the skills that may answer."""

    def __init__(self, manifests: Mapping[str, SkillManifest], *, threshold: float = 0.35,
                 fallbacks: Iterable[str] = ()) -> None:
        self.threshold = threshold
        self.fallbacks = tuple(fallbacks)
        self._owner: list[tuple[str, str]] = []
        self._grams: list[frozenset[str]] = []
        self._by_intent: dict[tuple[str, str], list[int]] = defaultdict(list)
        feature_index: dict[str, list[int]] = defaultdict(list)
        keywords: list[tuple[tuple[str, str], str]] = []
        for skill, manifest in sorted(manifests.items()):
            for intent in manifest.intents:
                key = (skill, intent.name)
                for phrases in intent.examples.values():
                    for phrase in phrases:
                        _, grams, selective = analyze(normalize(phrase))
                        if not grams:
                            continue
                        example = len(self._owner)
                        self._owner.append(key)
                        self._grams.append(grams)
                        self._by_intent[key].append(example)
                        for feature in selective:
                            feature_index[feature].append(example)
                keywords.extend((key, normalize(word).strip())
                                for words in intent.keywords.values() for word in words)
        self._sizes = [len(grams) for grams in self._grams]
        # An ASCII message shares bigrams only with examples that have an ASCII bigram, so
        # of a matched intent's examples in five languages it scores only those.
        self._by_intent_ascii = {
            key: tuple(e for e in examples if any(map(str.isascii, self._grams[e])))
            for key, examples in self._by_intent.items()}
        cap = max(32, len(self._owner) // 100)
        self._feature_index = {f: tuple(ids) for f, ids in feature_index.items()
                               if len(ids) <= cap}
        self._word_keywords: dict[str, list[_Keyword]] = defaultdict(list)
        self._gram_keywords: dict[str, list[_Keyword]] = defaultdict(list)
        self._char_keywords: dict[str, list[_Keyword]] = defaultdict(list)
        self._index_keywords(keywords)

    @property
    def example_count(self) -> int:
        """How many example phrases the router knows."""
        return len(self._owner)

    def _index_keywords(self, keywords: list[tuple[tuple[str, str], str]]) -> None:
        # An anchor must occur in every text containing the keyword: the first word of an
        # alphabetic keyword (looked up among the message's words), or for CJK the rarest
        # bigram of a word of two or more characters (any of its bigrams occurs wherever the
        # word does), or a character when every word is a single character ("잘 가").
        cjk = [(key, text) for key, text in keywords if _WORD.search(text) and not text.isascii()]
        frequency = Counter(gram for _, text in cjk for gram in bigrams(text))
        for key, text in keywords:
            words = _WORD.findall(text)
            if not words:
                continue
            if text.isascii():
                pattern = (None if words == [text]
                           else re.compile(rf"(?<!\w){re.escape(text)}(?!\w)"))
                self._word_keywords[words[0]].append(_Keyword(key, text, pattern))
                continue
            grams = [g for word in words if len(word) > 1 for g in _word_bigrams(word)]
            if grams:
                anchor = min(grams, key=lambda g: (frequency[g], g))
                self._gram_keywords[anchor].append(_Keyword(key, text, None, True))
            else:
                self._char_keywords[words[0]].append(_Keyword(key, text, None, True))

    def _matched_keywords(self, normalized: str, words: list[str], grams: frozenset[str],
                          ascii_only: bool) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        groups = [self._word_keywords.get(w, ()) for w in set(words)]
        # Keywords anchored on bigrams or characters are never ASCII, so cannot occur in
        # an ASCII message.
        if not ascii_only:
            if self._gram_keywords:
                groups += [self._gram_keywords.get(g, ()) for g in grams]
            if self._char_keywords:
                groups += [self._char_keywords.get(c, ()) for c in set(normalized)]
        for group in groups:
            for keyword in group:
                if keyword.key in found:
                    continue
                if keyword.substring:
                    if keyword.text not in normalized:
                        continue
                elif keyword.pattern is not None and not keyword.pattern.search(normalized):
                    continue
                found[keyword.key] = keyword.text
        return found

    def score(self, text: str, limit: int | None = None) -> list[RouteScore]:
        """The intents that share something with ``text``, best first (``limit`` of them)."""
        normalized = normalize(text)
        words, grams, selective = analyze(normalized)
        ascii_only = normalized.isascii()
        keywords = self._matched_keywords(normalized, words, grams, ascii_only)
        by_intent = self._by_intent_ascii if ascii_only else self._by_intent
        candidates: set[int] = set()
        for key in keywords:
            candidates.update(by_intent.get(key, ()))
        for feature in selective:
            candidates.update(self._feature_index.get(feature, ()))
        similarity: dict[tuple[str, str], float] = {}
        size, examples, sizes, owners = len(grams), self._grams, self._sizes, self._owner
        for example in candidates:
            shared = len(grams & examples[example])
            if shared:
                value = shared / (sizes[example] + size - shared)
                key = owners[example]
                if value > similarity.get(key, 0.0):
                    similarity[key] = value
        scored: list[tuple[float, str, str]] = []
        for key in similarity.keys() | keywords.keys():
            sim = similarity.get(key, 0.0)
            value = max(sim, KEYWORD_FLOOR + (1 - KEYWORD_FLOOR) * sim) if key in keywords else sim
            scored.append((-value, key[0], key[1]))
        best = heapq.nsmallest(limit, scored) if limit is not None else sorted(scored)
        return [_route_score(skill, intent, _round4(-value), keywords.get((skill, intent)),
                             _round4(similarity.get((skill, intent), 0.0)))
                for value, skill, intent in best]

    def route(self, text: str) -> RouteDecision:
        scores = tuple(self.score(text, limit=10))
        if scores and scores[0].score >= self.threshold:
            best = scores[0]
            return RouteDecision(best.skill, best.intent, best.score, False, scores)
        fallback = self.fallbacks[0] if self.fallbacks else None
        return RouteDecision(fallback, None, 0.0, True, scores)
