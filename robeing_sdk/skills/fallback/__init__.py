"""The built-in fallback skill: answers, in the user's language, when no other skill fits.

It loads through the ``robeing.skills`` entry point like any partner's skill.
"""

from __future__ import annotations

from robeing_sdk.context import SkillContext
from robeing_sdk.hookspecs import hookimpl
from robeing_sdk.messages import Message, Reply


@hookimpl
def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
    text = context.gettext(
        "I don't have a skill for that yet. Try `robeing skills list` to see what I can do."
    )
    return Reply(text=text, confidence=0.1, metadata={"fallback": True})
