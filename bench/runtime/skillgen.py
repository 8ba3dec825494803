"""Generate installed-looking skill distributions for the runtime benchmark.

Each skill is laid out the way pip would install it (``tests/conftest.py``'s
``install_skill`` fixture does the same for one skill): a ``<dist>-<ver>.dist-info/`` folder
with ``METADATA`` and ``entry_points.txt``, and a package holding ``skill.py`` and
``robeing-skill.toml``. Put the folder on ``PYTHONPATH`` (or ``sys.path``) and
``importlib.metadata`` sees the skills as installed.

Manifests are realistic: texts in the five supported locales, two intents, and for every
locale example phrases and keywords that use words no other skill uses, wrapped in the
filler words real phrases share ("please", "my", "해 주세요", ...), so the router's
inverted index has long posting lists for the common grams. Each module does a little
import-time work (json, decimal, a small table) so importing all of them eagerly costs
what importing real skills costs.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

IMPORT_LOG_ENV: Final = "ROBEING_BENCH_IMPORT_LOG"
LOCALES: Final = ("en", "ko", "ja", "zh", "es")

_LATIN: Final = tuple(c + v for c in "bdfghklmnprstvwz" for v in "aeiou")  # 80 syllables
_HANGUL: Final = tuple("가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보")
_KATAKANA: Final = tuple("カキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモ")
_HANZI: Final = tuple("鹅鸭鹿鲸熊狐狼豹猴蛙龟蟹虾蚁蜂蝶鹰鸽鸦燕松柏桃梅竹兰菊荷枫柳")

_DESCRIPTIONS: Final = {
    "en": "Generated skill {i} that handles {a} and {c}.",
    "ko": "{a}와 {c}를 처리하는 생성된 스킬 {i}입니다.",
    "ja": "{a}と{c}を扱う生成スキル{i}です。",
    "zh": "处理{a}和{c}的生成技能{i}。",
    "es": "Habilidad generada {i} que gestiona {a} y {c}.",
}

MODULE: Final = '''\
"""Generated benchmark skill {name}: trivial handler, some import-time work."""

import decimal
import json
import os

from robeing_sdk import Reply, hookimpl

_RATES = {{str(i): str(decimal.Decimal(i) / 7) for i in range(120)}}
_TABLE = json.loads(json.dumps({{"skill": "{name}", "rates": _RATES}}))
if os.environ.get("{log_env}"):
    with open(os.environ["{log_env}"], "a", encoding="utf-8") as _log:
        _log.write("{name}\\n")


@hookimpl
{async_}def robeing_handle_message(message, context):
    return Reply(text="{name}: " + message.text[:40])
'''


def _word(alphabet: tuple[str, ...], number: int, syllables: int = 3) -> str:
    """The ``number``-th word of ``syllables`` syllables from ``alphabet``, one word per number.

    Numbers are scattered first (multiplying by a prime is a bijection modulo the word count),
    so neighbouring skills do not get words that differ only in their last syllable.
    """
    total = len(alphabet) ** syllables
    number = (number * 7919 + 104729) % total
    parts = []
    for _ in range(syllables):
        number, digit = divmod(number, len(alphabet))
        parts.append(alphabet[digit])
    return "".join(reversed(parts))


@dataclass(frozen=True, slots=True)
class SkillWords:
    """The words one skill owns, per locale: four each, used by nobody else."""

    by_locale: dict[str, tuple[str, str, str, str]]

    @classmethod
    def for_index(cls, index: int) -> SkillWords:
        def four(alphabet: tuple[str, ...], offset: int) -> tuple[str, str, str, str]:
            base = offset + 4 * index
            a, b, c, d = (_word(alphabet, base + k) for k in range(4))
            return a, b, c, d

        # At least 30**3 = 27,000 words per alphabet: room for thousands of skills; Spanish
        # uses Latin words far from the English ones so the two never share a word.
        return cls({"en": four(_LATIN, 0), "es": four(_LATIN, 200_000), "ko": four(_HANGUL, 0),
                    "ja": four(_KATAKANA, 0), "zh": four(_HANZI, 0)})


def skill_name(index: int) -> str:
    return f"bench-{index:04d}"


def is_async(index: int) -> bool:
    """Odd-numbered skills have ``async def`` handlers, even-numbered ones plain functions."""
    return index % 2 == 1


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _phrases(locale: str, a: str, b: str) -> list[str]:
    return {
        "en": [f"please {a} my {b}", f"can you {a} this for me", f"I need a {b} today"],
        "es": [f"por favor {a} mi {b}", f"puedes {a} esto", f"necesito un {b} hoy"],
        "ko": [f"{a} 해 주세요", f"{b} 좀 알려 주세요", f"오늘 {a} 필요해요"],
        "ja": [f"{a}をお願いします", f"{b}を教えてください", f"今日は{a}が必要です"],
        "zh": [f"请帮我{a}", f"告诉我{b}", f"今天需要{a}"],
    }[locale]


def manifest_text(index: int) -> str:
    name = skill_name(index)
    words = SkillWords.for_index(index).by_locale
    lines = [
        f'name = "{name}"',
        'sdk = ">=0.1"',
        'permissions = ["llm"]',
        'categories = ["productivity", "benchmark"]',
        "",
        "[display_name]",
        *(f'{loc} = "Bench {index} {words[loc][0]}"' for loc in LOCALES),
        "",
        "[description]",
        *(f'{loc} = "{_DESCRIPTIONS[loc].format(i=index, a=words[loc][0], c=words[loc][2])}"'
          for loc in LOCALES),
        "",
        "[price]",
        'kind = "free"',
    ]
    for intent, (a, b) in (("do_first", (0, 1)), ("do_second", (2, 3))):
        examples = ", ".join(
            f"{loc} = {_toml_list(_phrases(loc, words[loc][a], words[loc][b]))}"
            for loc in LOCALES)
        keywords = ", ".join(
            f"{loc} = {_toml_list([words[loc][a], words[loc][b]])}" for loc in LOCALES)
        lines += ["", "[[intents]]", f'name = "{intent}"',
                  f"examples = {{ {examples} }}", f"keywords = {{ {keywords} }}"]
    return "\n".join(lines) + "\n"


def write_skill(site: Path, index: int, version: str = "1.0.0") -> None:
    """Lay out one skill distribution in ``site``."""
    name = skill_name(index)
    dist = f"robeing-bench-{index:04d}"
    package = dist.replace("-", "_")
    dist_info = site / f"{package}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
        f"Summary: Generated benchmark skill {index}\nRequires-Dist: robeing>=0.1\n",
        encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        f"[robeing.skills]\n{name} = {package}.skill\n", encoding="utf-8")
    (dist_info / "top_level.txt").write_text(package + "\n", encoding="utf-8")
    pkg = site / package
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "skill.py").write_text(
        MODULE.format(name=name, log_env=IMPORT_LOG_ENV,
                      async_="async " if is_async(index) else ""),
        encoding="utf-8")
    (pkg / "robeing-skill.toml").write_text(manifest_text(index), encoding="utf-8")


def make_site(root: Path, count: int) -> Path:
    """A fresh folder ``root/site-<count>`` holding skills ``0 .. count-1``."""
    site = root / f"site-{count}"
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    for index in range(count):
        write_skill(site, index)
    return site
