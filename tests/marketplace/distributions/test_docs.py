"""Every refusal sentence in the code is in the skill authors' page, placeholders aside.

Sentences are gettext templates (``N_("... {name} ...")`` or ``ngettext(one, many, n)``, whose
plural form is the one documented); a ``{placeholder}`` counts as a formatted value."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "marketplace" / "distributions"
PAGE = ROOT / "docs" / "marketplace" / "upload-validation.md"
RAISED = {"DistributionRejected", "TooLarge"}


def sentences() -> list[str]:
    """Each sentence the package can raise, with ``…`` for every formatted value."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in RAISED and node.args):
                continue
            argument = node.args[0]
            if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Name) and (
                    argument.func.id in ("N_", "ngettext")):
                template = argument.args[0 if argument.func.id == "N_" else 1]
                assert isinstance(template, ast.Constant), ast.dump(argument)
                found.append(re.sub(r"\{[^{}]*\}", "…", template.value))
            elif isinstance(argument, ast.Constant):
                found.append(argument.value)
            elif isinstance(argument, ast.JoinedStr):
                found.append("".join(part.value if isinstance(part, ast.Constant) else "…"
                                     for part in argument.values))
    return sorted(set(found))


def test_sentences_are_found() -> None:
    assert len(sentences()) > 60


@pytest.mark.parametrize("sentence", sentences())
def test_sentence_is_documented(sentence: str) -> None:
    page = PAGE.read_text(encoding="utf-8")
    pattern = r"[^|\n]+?".join(re.escape(piece) for piece in sentence.split("…"))
    assert re.search(pattern, page), f"not in {PAGE.name}: {sentence}"
