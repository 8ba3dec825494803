"""``robeing new``: start a new skill project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from robeing_sdk.cli.output import _, console

app = typer.Typer(no_args_is_help=True, help="Create new projects from templates.")


@app.command("skill")
def new_skill(
    name: Annotated[str, typer.Argument(help="The skill's name, e.g. 'invoice-helper'.")],
    directory: Annotated[Path, typer.Option("--directory", "-d",
                                            help="Where to create it.")] = Path("."),
) -> None:
    """Scaffold a pip-installable skill with a manifest, handler, five locales and tests."""
    from robeing_sdk.scaffold import create_skill

    target = create_skill(name, directory)
    console.print(_("Created {path}. Next:", path=target), markup=False)
    console.print(f"  cd {target} && pip install -e '.[test]' && pytest\n"
                  f"  robeing ask \"hello\" --skill {target.name}", markup=False)
