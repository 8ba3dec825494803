"""The ``robeing marketplace`` commands, added to the CLI through the host-plugin hook."""

from __future__ import annotations

import typer

from robeing_sdk import hookimpl


@hookimpl
def robeing_register_commands(cli: typer.Typer) -> None:
    app = typer.Typer(no_args_is_help=True, help="Run and operate the skill marketplace.")
    cli.add_typer(app, name="marketplace")
