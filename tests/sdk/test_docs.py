"""Every hook has a section in the hook reference with its exact signature."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from robeing_sdk import hookspecs
from robeing_sdk.runtime.plugins import PluginHost

DOCS = Path(__file__).resolve().parents[2] / "docs"
HOOKS = sorted(name for name in PluginHost().pm.hook.__dict__ if name.startswith("robeing_"))


def signature(name: str) -> str:
    return name + str(inspect.signature(getattr(hookspecs, name))).replace("'", "")


def test_there_are_hooks() -> None:
    assert "robeing_handle_message" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_signature(hook: str) -> None:
    reference = (DOCS / "hooks.md").read_text(encoding="utf-8")
    assert f"## {hook}" in reference
    assert signature(hook) in reference, signature(hook)


def test_every_cli_command_is_in_the_cli_reference() -> None:
    from typer.main import get_command

    from robeing_sdk.cli import build_app

    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    group = get_command(build_app())
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", {None: command})
        for sub in subcommands:
            assert f"robeing {name}{' ' + sub if sub else ''}" in reference, (name, sub)
