"""``robeing skills``: list, inspect, enable, disable, export and sync installed skills."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from robeing_sdk.cli.output import (
    _,
    cli_locale,
    console,
    errors,
    fail,
    print_json,
    status_text,
)
from robeing_sdk.runtime.config import load_config, save_disabled
from robeing_sdk.runtime.discovery import SkillRecord, SkillStatus

app = typer.Typer(no_args_is_help=True, help="See and manage installed skills.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
_STATUS_STYLE = {SkillStatus.OK: "green", SkillStatus.DISABLED: "dim",
                 SkillStatus.BROKEN: "red", SkillStatus.INCOMPATIBLE: "yellow"}


def _records() -> list[SkillRecord]:
    from robeing_sdk._version import __version__
    from robeing_sdk.runtime.discovery import discover_skills

    return discover_skills(load_config(), __version__)


def record_dict(record: SkillRecord, locale: str = "en") -> dict[str, Any]:
    manifest = record.manifest
    chain = (locale, "en")
    return {
        "name": record.name,
        "version": record.version,
        "status": str(record.status),
        "reason": record.reason,
        "distribution": record.distribution,
        "display_name": manifest.localized("display_name", chain) if manifest else None,
        "description": manifest.localized("description", chain) if manifest else None,
        "sdk": manifest.sdk if manifest else None,
        "permissions": [str(p) for p in manifest.permissions] if manifest else [],
        "categories": list(manifest.categories) if manifest else [],
        "intents": [i.name for i in manifest.intents] if manifest else [],
        "fallback": manifest.fallback if manifest else False,
    }


@app.command("list")
def list_skills(as_json: JsonOption = False) -> None:
    """List installed skills with their status (ok, disabled, broken, incompatible)."""
    records = _records()
    if as_json:
        print_json([record_dict(r) for r in records])
        return
    table = Table(_("skill"), _("version"), _("status"), _("what it does"))
    for r in records:
        style = _STATUS_STYLE[r.status]
        what = (r.reason if r.status is not SkillStatus.OK
                else record_dict(r, cli_locale())["description"])
        table.add_row(r.name, r.version, f"[{style}]{status_text(r.status)}[/{style}]",
                      escape(what or ""))
    console.print(table)


@app.command("info")
def info(name: str, as_json: JsonOption = False) -> None:
    """Show one skill's manifest and status."""
    from packaging.utils import canonicalize_name

    wanted = canonicalize_name(name)
    found = [r for r in _records() if r.name == wanted]
    if not found:
        fail(_("No installed skill is called {name}; see `robeing skills list`.", name=repr(name)))
    data = record_dict(found[0])
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if value not in (None, [], False):
            console.print(f"[bold]{key}[/bold]: {escape(str(value))}")


def _set_disabled(name: str, disable: bool) -> None:
    from packaging.utils import canonicalize_name

    wanted = canonicalize_name(name)
    if wanted not in {r.name for r in _records()}:
        fail(_("No installed skill is called {name}; see `robeing skills list`.", name=repr(name)))
    config = load_config()
    disabled = set(config.disabled)
    (disabled.add if disable else disabled.discard)(wanted)
    path = save_disabled(frozenset(disabled))
    done = (_("Disabled {skill} (saved in {path}).", skill=wanted, path=path) if disable
            else _("Enabled {skill} (saved in {path}).", skill=wanted, path=path))
    console.print(done, markup=False)


@app.command("disable")
def disable(name: str) -> None:
    """Stop routing messages to a skill, without uninstalling it."""
    _set_disabled(name, True)


@app.command("enable")
def enable(name: str) -> None:
    """Undo ``robeing skills disable``."""
    _set_disabled(name, False)


@app.command("export")
def export(output: Annotated[Path | None, typer.Option("-o", "--output")] = None) -> None:
    """Write installed skills as a requirements file with exact versions (and hashes
    from the marketplace index when it can be reached)."""
    from robeing_sdk.cli.lockfile import render_requirements

    url = load_config().marketplace_url
    text, hashed = render_requirements(_records(), url)
    if not hashed:
        warning = _("The marketplace at {url} did not list every file, so the file has no "
                    "hashes; pip will not verify what it installs.", url=url)
        label = _("Warning:")
        errors.print(f"[yellow]{label}[/yellow] {escape(warning)}", soft_wrap=True)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(_("Wrote {path}.", path=output), markup=False)


@app.command("sync")
def sync(requirements: Path) -> None:
    """Install exactly the skills in a file written by ``robeing skills export``."""
    from robeing_sdk.cli.lockfile import sync_requirements

    if not requirements.is_file():
        fail(f"{requirements} does not exist.")
    raise SystemExit(sync_requirements(requirements, load_config().marketplace_url))
