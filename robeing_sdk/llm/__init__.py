"""LLM access for skills: one interface, an offline default, a scripted fake for tests."""

from robeing_sdk.llm.base import Completion, LLMProvider
from robeing_sdk.llm.fake import FakeLLM
from robeing_sdk.llm.offline import OfflineLLM

__all__ = ["Completion", "FakeLLM", "LLMProvider", "OfflineLLM"]
