"""Recognize what kind of small talk a message is, from phrase lists in five languages."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    """The kinds of small talk the skill answers, in the order they are checked."""

    CAPABILITIES = "capabilities"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    HOW_ARE_YOU = "how_are_you"
    HELLO = "hello"


# Checked in this order, so "안녕히 가세요" is a goodbye before it is a "안녕" hello and
# "你好吗" asks how we are before it says hello.
PHRASES: Final[dict[Kind, tuple[str, ...]]] = {
    Kind.CAPABILITIES: (
        "what can you do", "what do you do", "what are your skills", "who are you", "help",
        "뭘 할 수", "뭐 할 수", "무엇을 할 수", "뭐 할줄", "도움말", "누구세요", "넌 누구",
        "何ができ", "なにができ", "ヘルプ", "あなたは誰",
        "你能做什么", "你会做什么", "你会什么", "你是谁", "帮助",
        "que puedes hacer", "que sabes hacer", "quien eres", "ayuda",
    ),
    Kind.THANKS: (
        "thanks", "thank you", "thx", "appreciate it",
        "고마워", "고맙습니다", "감사", "땡큐",
        "ありがとう", "感謝", "サンキュー",
        "谢谢", "多谢", "感谢", "谢了",
        "gracias", "te lo agradezco", "se lo agradezco",
    ),
    Kind.GOODBYE: (
        "bye", "goodbye", "good bye", "see you", "see ya", "good night", "farewell",
        "안녕히", "잘 가", "잘가요", "잘 자", "다음에 봐", "또 봐", "바이",
        "さようなら", "さよなら", "またね", "おやすみ", "じゃあね", "バイバイ",
        "再见", "拜拜", "晚安", "回头见",
        "adios", "hasta luego", "hasta manana", "hasta pronto", "chao", "nos vemos",
    ),
    Kind.HOW_ARE_YOU: (
        "how are you", "how's it going", "hows it going", "how are things", "how do you do",
        "what's up", "whats up",
        "잘 지내", "어떻게 지내", "기분 어때", "잘 있었", "별일 없",
        "元気", "調子はどう", "ご機嫌いかが",
        "你好吗", "最近怎么样", "还好吗", "过得怎么样", "你怎么样",
        "como estas", "como esta", "que tal", "como te va", "como va",
    ),
    Kind.HELLO: (
        "hello", "hi", "hey", "good morning", "good afternoon", "good evening", "greetings",
        "howdy", "hiya",
        "안녕", "반가워", "반갑습니다", "좋은 아침", "하이",
        "こんにちは", "こんばんは", "おはよう", "はじめまして", "やあ",
        "你好", "您好", "早上好", "下午好", "晚上好", "早安", "嗨", "哈喽",
        "hola", "buenos dias", "buenas tardes", "buenas noches", "saludos", "buenas",
    ),
}


def fold(text: str) -> str:
    """Case-fold and drop accents from Latin letters (``Adiós`` → ``adios``); keep CJK as is."""
    out = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        out.append(base if base.isascii() and len(decomposed) > 1 else char)
    return "".join(out).replace("’", "'")


def _matches(phrase: str, text: str, squeezed: str) -> bool:
    if phrase.isascii():
        return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None
    # Korean, Japanese and Chinese: a substring, ignoring spaces ("잘지내" = "잘 지내").
    return phrase.replace(" ", "") in squeezed


def classify(text: str) -> Kind | None:
    """The kind of small talk in ``text``, or None if it is none of them."""
    folded = fold(text)
    squeezed = re.sub(r"\s+", "", folded)
    for kind, phrases in PHRASES.items():
        if any(_matches(phrase, folded, squeezed) for phrase in phrases):
            return kind
    return None
