"""Localized prompt rendering vs the same template rendered without i18n.

Target (issue 4): rendering through ``PromptTemplates`` with a locale chain costs at most
2x a plain, pre-compiled Jinja2 render of the same text. Also a Korean request that falls
back whole to English (one extra lookup). Prints medians of several rounds and the ratios.

    python bench/i18n/bench_prompts.py
"""

from __future__ import annotations

import statistics
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

import jinja2

from robeing_sdk.i18n import PromptTemplates, fallback_chain

TEMPLATE = ("You are {{ name }}, a helpful colleague.\n"
            "{% for item in items %}- {{ item }}\n{% endfor %}"
            "Answer the user in one short paragraph.\nUser: {{ text }}\n")
VALUES = {"name": "Robeing", "items": ["quotes", "meetings", "invoices"],
          "text": "Draft a quote for three hours of design work."}


def interleaved_medians_us(cases: dict[str, Callable[[], object]], number: int = 20_000,
                           rounds: int = 9) -> dict[str, float]:
    """Each round times every case once, so machine noise hits all cases alike."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            samples[name].append(timeit.timeit(case, number=number) / number * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for locale in ("en", "ko"):
            (folder / locale).mkdir()
            (folder / locale / "reply.j2").write_text(TEMPLATE, encoding="utf-8")
        (folder / "ja").mkdir()  # no Japanese template: falls back whole to English
        templates = PromptTemplates(folder)
        plain = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(TEMPLATE)
        ko, ja = fallback_chain("ko-KR"), fallback_chain("ja")
        templates.render("reply", ko, **VALUES)
        medians = interleaved_medians_us({
            "baseline": lambda: plain.render(**VALUES),
            "localized": lambda: templates.render("reply", ko, **VALUES),
            "fallback": lambda: templates.render("reply", ja, **VALUES),
        })
    baseline, localized, fallback = (medians[k] for k in ("baseline", "localized", "fallback"))
    print(f"{'case':<40}{'median µs':>12}{'ratio':>8}")
    print(f"{'plain jinja2 render (baseline)':<40}{baseline:>12.2f}{1:>8.2f}")
    for label, value in (("localized, ko-KR chain", localized),
                         ("localized, ja → en fallback", fallback)):
        ratio = value / baseline
        verdict = "PASS" if ratio <= 2 else "FAIL"
        print(f"{label:<40}{value:>12.2f}{ratio:>8.2f}  {verdict} (target ≤ 2x)")


if __name__ == "__main__":
    main()
