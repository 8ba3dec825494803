"""Every extension point of a robeing, declared with pluggy.

Two kinds of plugins implement these hooks, both found through entry points:

* **skills** (group ``robeing.skills``): implement :func:`robeing_handle_message`. The
  runtime imports a skill's module only the first time a message is routed to it.
* **host plugins** (group ``robeing.plugins``): extend the robeing itself, e.g. with LLM
  providers or CLI commands. Built-in behaviour (the offline LLM, the marketplace commands)
  is contributed through these same hooks.

Order: when a hook has several implementations, pluggy calls the most recently registered
first; the runtime registers host plugins sorted by entry point name, so order is stable.
The runtime calls each implementation separately, so one plugin that raises is reported
and skipped without hiding the others' results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import pluggy

if TYPE_CHECKING:
    import typer

    from robeing_sdk.context import SkillContext
    from robeing_sdk.llm.base import LLMProvider
    from robeing_sdk.messages import Message, Reply

PROJECT_NAME: Final = "robeing"

hookspec: Final = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl: Final = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(firstresult=True)
def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
    """Answer one message that the router sent to this skill.

    Receives the user's :class:`~robeing_sdk.Message` (text, negotiated locale, history)
    and a :class:`~robeing_sdk.SkillContext` (the robeing's profile, this skill's
    translations and prompt templates, an LLM client, locale-aware formatting).

    Returns a :class:`~robeing_sdk.Reply`. May be written as ``async def``; a plain
    function runs in a worker thread so it never blocks the event loop.

    Called only on the one skill chosen for the message (never broadcast), under the
    skill's time limit and circuit breaker. Raising, returning something else or running
    too long gives the user a structured error reply and counts as a failure of the skill.
    """
    raise NotImplementedError


@hookspec
def robeing_register_llm_providers(register: Callable[[LLMProvider], None]) -> None:
    """Contribute LLM providers by calling ``register(provider)`` once for each.

    ``provider`` satisfies :class:`~robeing_sdk.llm.LLMProvider` (a ``name`` and a
    ``complete`` method). Called once, the first time the runtime needs an LLM. Two
    providers with the same name are an error naming both plugins. Returns nothing.
    """


@hookspec
def robeing_register_commands(cli: typer.Typer) -> None:
    """Add sub-commands to the ``robeing`` command line.

    Receives the root :class:`typer.Typer` app; add commands or groups to it with
    ``cli.command()`` or ``cli.add_typer()``. Called once when the CLI starts, for host
    plugins only; keep imports inside the command functions so start-up stays fast.
    Returns nothing.
    """
