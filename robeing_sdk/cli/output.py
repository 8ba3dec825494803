"""How the CLI talks: rich for people, JSON for scripts, one sentence for errors."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop with one sentence on stderr and a non-zero exit code."""
    errors.print(f"[red]Error:[/red] {escape(message)}", markup=True, soft_wrap=True)
    raise SystemExit(code)
