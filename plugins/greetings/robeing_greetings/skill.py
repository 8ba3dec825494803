"""The handler: answer small talk in the user's language, aware of the owner's time of day."""

from __future__ import annotations

from robeing_greetings.capabilities import SkillSummary, installed_skills
from robeing_greetings.daytime import PartOfDay, part_of_day
from robeing_greetings.phrases import Kind, classify
from robeing_sdk import Message, Reply, SkillContext, hookimpl


def hello(context: SkillContext, part: PartOfDay) -> str:
    name = context.profile.name
    if part is PartOfDay.MORNING:
        return context.gettext("Good morning! I'm {name}. How can I help you today?", name=name)
    if part is PartOfDay.AFTERNOON:
        return context.gettext("Good afternoon! I'm {name}. How can I help you today?",
                               name=name)
    if part is PartOfDay.EVENING:
        return context.gettext("Good evening! I'm {name}. How can I help you tonight?",
                               name=name)
    return context.gettext("Hello! I'm {name}, still here at this late hour. How can I help?",
                           name=name)


def how_are_you(context: SkillContext, part: PartOfDay) -> str:
    if part in (PartOfDay.MORNING, PartOfDay.AFTERNOON):
        return context.gettext("I'm doing well, thank you for asking! How is your day going?")
    return context.gettext("I'm doing well, thank you for asking! How was your day?")


def goodbye(context: SkillContext, part: PartOfDay) -> str:
    if part in (PartOfDay.MORNING, PartOfDay.AFTERNOON):
        return context.gettext("Goodbye! Have a great rest of your day.")
    return context.gettext("Good night! Talk to you tomorrow.")


def capabilities(context: SkillContext, skills: list[SkillSummary]) -> str:
    name = context.profile.name
    if not skills:
        return context.gettext("I'm {name}. I have no skills installed yet besides small talk.",
                               name=name)
    head = context.ngettext("I'm {name}, and I have {n} skill:",
                            "I'm {name}, and I have {n} skills:", len(skills), name=name)
    lines = [f"• {skill.display_name}: {skill.description}" for skill in skills]
    return "\n".join([head, *lines])


@hookimpl
def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
    kind = classify(message.text)
    part = part_of_day(message.received_at, context.profile.timezone)
    if kind is Kind.CAPABILITIES:
        only = frozenset(context.profile.skills) or None
        skills = installed_skills(context.skills, context.locale_chain, only)
        text = capabilities(context, skills)
    elif kind is Kind.THANKS:
        text = context.gettext("You're welcome! Happy to help anytime.")
    elif kind is Kind.GOODBYE:
        text = goodbye(context, part)
    elif kind is Kind.HOW_ARE_YOU:
        text = how_are_you(context, part)
    else:
        text = hello(context, part)
    return Reply(text=text, confidence=0.95 if kind else 0.6,
                 metadata={"kind": str(kind or Kind.HELLO), "part_of_day": str(part)})
