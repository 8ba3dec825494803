"""The handler: answer from the knowledge file in the user's language, or list what it knows."""

from __future__ import annotations

from robeing_faq.knowledge import for_locale as entries_for
from robeing_faq.knowledge import load_all
from robeing_faq.matching import best_match, has_keyword, normalize
from robeing_sdk import Message, Reply, SkillContext, hookimpl

# Asking for the list itself ("faq", "자주 묻는 질문") is not a question it failed to answer.
LIST_REQUESTS = ("faq", "faqs", "자주 묻는 질문", "よくある質問", "常见问题", "常見問題",
                 "preguntas frecuentes")


@hookimpl
def robeing_handle_message(message: Message, context: SkillContext) -> Reply:
    knowledge = load_all()
    entries = entries_for(knowledge, context.locale_chain)
    match = best_match(message.text, knowledge)
    answer = next((e for e in entries if match and e.id == match.entry_id), None)
    if match is not None and answer is not None:
        return Reply(text=answer.answer, confidence=min(0.95, 0.5 + match.score / 2),
                     metadata={"faq": match.entry_id, "score": match.score})
    if any(has_keyword(word, normalize(message.text)) for word in LIST_REQUESTS):
        head = context.ngettext("Here is the {n} question I can answer:",
                                "Here are the {n} questions I can answer:", len(entries))
    else:
        head = context.ngettext(
            "I don't have an answer for that yet. Here is the {n} question I can answer:",
            "I don't have an answer for that yet. Here are the {n} questions I can answer:",
            len(entries))
    lines = [f"• {entry.question}" for entry in entries]
    return Reply(text="\n".join([head, *lines]), confidence=0.3, metadata={"faq": None})
