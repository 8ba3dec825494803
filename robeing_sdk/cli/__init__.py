"""The ``robeing`` command. Each command group lives in its own module; host plugins add
more groups through the ``robeing_register_commands`` hook (the marketplace does)."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from robeing_sdk.errors import RobeingError


class _RobeingGroup(TyperGroup):
    """Turns the SDK's own errors into one sentence and exit code 1, for every command."""

    def invoke(self, ctx: Any) -> Any:
        from robeing_sdk.cli.output import _, fail

        try:
            return super().invoke(ctx)
        except RobeingError as exc:
            fail(exc.localized(_))


def build_app() -> typer.Typer:
    from robeing_sdk.cli import ask, doctor, i18n, install, new, publish, skills
    from robeing_sdk.runtime.plugins import PluginHost

    app = typer.Typer(name="robeing", cls=_RobeingGroup, no_args_is_help=True,
                      add_completion=False,
                      pretty_exceptions_enable=False,
                      help="Run, build and publish robeing skills.")
    app.add_typer(skills.app, name="skills")
    app.command("ask")(ask.ask)
    app.command("doctor")(doctor.doctor)
    app.add_typer(new.app, name="new")
    app.command("publish")(publish.publish)
    install.register(app)  # install, uninstall
    app.add_typer(i18n.app, name="i18n")
    host = PluginHost()
    host.load_host_plugins()
    host.call_each("robeing_register_commands", cli=app)
    return app


def main() -> None:
    from robeing_sdk.cli.output import fail

    try:
        build_app()(prog_name="robeing")
    except KeyboardInterrupt:
        fail("Interrupted.", code=130)
