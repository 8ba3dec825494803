"""``robeing ask``: send one message to the robeing and print the answer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from robeing_sdk.cli.output import _, console, errors, print_json


def ask(
    message: Annotated[str, typer.Argument(help="What to ask.")],
    locale: Annotated[str | None, typer.Option(
        "--locale", "-l", help="Answer in this locale (ko, en-US, ...).")] = None,
    skill: Annotated[str | None, typer.Option(
        "--skill", "-s", help="Send to this skill, skipping routing.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show how the skill was chosen.")] = False,
    trace: Annotated[bool, typer.Option(
        "--trace", help="Print every hook call with timing.")] = False,
) -> None:
    """Ask the robeing something; the best-fitting skill answers."""
    from robeing_sdk.runtime.config import load_config
    from robeing_sdk.runtime.runtime import Runtime

    config = load_config()
    if trace:
        config = config.model_copy(update={"trace": True})
    if not message.strip():
        from robeing_sdk.cli.output import fail

        fail(_('The message is empty; say something, e.g. robeing ask "hello".'))
    runtime = Runtime.from_environment(config)
    answer = runtime.ask_sync(message, locale=locale, skill=skill)
    if as_json:
        data = answer.model_dump(mode="json")
        if not explain:
            data.pop("scores")
        print_json(data)
    else:
        if explain:
            table = Table(_("skill"), _("intent"), _("score"), _("keyword"), _("similarity"),
                          title=_("routing (threshold {threshold})",
                                  threshold=f"{config.route_threshold:.2f}"))
            for row in answer.scores:
                table.add_row(row.skill, row.intent, f"{row.score:.2f}", row.keyword or "",
                              f"{row.similarity:.2f}")
            console.print(table)
            chosen = _("chosen: {skill}", skill=answer.skill or _("none"))
            console.print(f"[dim]{escape(chosen)}[/dim]")
        console.print(answer.reply.text, markup=False)
        if answer.error is not None:
            errors.print(f"[yellow]{answer.error.type}[/yellow]: {escape(answer.error.detail)}",
                         soft_wrap=True)
    if not answer.ok:
        raise typer.Exit(3)
