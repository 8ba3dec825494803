"""How the CLI talks: rich for people, JSON for scripts, one sentence for errors."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
SDK_LOCALES = Path(__file__).resolve().parent.parent / "locales"


def cli_locale() -> str:
    """The language for the CLI's own texts: ``ROBEING_LOCALE``, then the POSIX variables."""
    from robeing_sdk.i18n.locales import negotiate

    for variable in ("ROBEING_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "").split(".")[0].split("@")[0]
        if value and value not in ("C", "POSIX"):
            return negotiate(value, strict=False)
    return "en"


def _(message: str, **values: Any) -> str:
    """A CLI text in the user's language (English when there is no translation)."""
    from robeing_sdk.i18n.catalogs import load_translations
    from robeing_sdk.i18n.locales import fallback_chain

    text = load_translations(SDK_LOCALES, fallback_chain(cli_locale())).gettext(message)
    return text.format(**values) if values else text


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop with one sentence on stderr and a non-zero exit code."""
    label = _("Error:")
    errors.print(f"[red]{label}[/red] {escape(message)}", markup=True, soft_wrap=True)
    raise SystemExit(code)


def status_text(status: str) -> str:
    """A skill status (``ok``, ``broken``...) for people; JSON keeps the English value."""
    texts = {"ok": _("ok"), "disabled": _("disabled"), "broken": _("broken"),
             "incompatible": _("incompatible")}
    return texts.get(str(status), str(status))
