"""The robeing runtime: discovery, routing, isolation."""

from robeing_sdk.runtime.breaker import BreakerState, CircuitBreaker
from robeing_sdk.runtime.config import BreakerSettings, RuntimeConfig, load_config
from robeing_sdk.runtime.discovery import SkillRecord, SkillStatus, discover_skills
from robeing_sdk.runtime.routing import RouteDecision, Router, RouteScore
from robeing_sdk.runtime.runtime import Answer, ErrorInfo, Runtime

__all__ = [
    "Answer",
    "BreakerSettings",
    "BreakerState",
    "CircuitBreaker",
    "ErrorInfo",
    "RouteDecision",
    "RouteScore",
    "Router",
    "Runtime",
    "RuntimeConfig",
    "SkillRecord",
    "SkillStatus",
    "discover_skills",
    "load_config",
]
