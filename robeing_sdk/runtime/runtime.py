"""The runtime: discovers skills, routes messages, and calls skills safely.

A skill is imported on first use, called under its time limit and circuit breaker, and
whatever it does (fail to import, raise, hang, return garbage) ends in a structured
:class:`Answer`, never in an exception that escapes to the host.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

from packaging.utils import canonicalize_name
from pydantic import BaseModel, ConfigDict, Field

from robeing_sdk._version import __version__
from robeing_sdk.context import SkillContext
from robeing_sdk.errors import (
    N_,
    BadReply,
    LLMError,
    SkillError,
    SkillFailed,
    SkillTimeout,
    SkillUnavailable,
    UnknownSkill,
)
from robeing_sdk.i18n.catalogs import load_translations
from robeing_sdk.i18n.locales import fallback_chain, negotiate
from robeing_sdk.licensing import LicenceChecker, LicenceError
from robeing_sdk.llm.base import LLMProvider
from robeing_sdk.llm.guarded import GuardedLLM
from robeing_sdk.manifest import PriceKind, SkillManifest
from robeing_sdk.messages import Message, Reply, Turn
from robeing_sdk.models import RobeingProfile
from robeing_sdk.runtime.breaker import CircuitBreaker
from robeing_sdk.runtime.config import RuntimeConfig, load_config
from robeing_sdk.runtime.discovery import SkillRecord, SkillStatus, discover_skills
from robeing_sdk.runtime.isolation import ProcessWorker
from robeing_sdk.runtime.plugins import PluginHost, describe_exception, emit_trace
from robeing_sdk.runtime.routing import RouteDecision, Router, RouteScore
from robeing_sdk.runtime.workers import DaemonWorkers

log = logging.getLogger(__name__)
HANDLE_HOOK = "robeing_handle_message"
_SDK_TEXTS = Path(__file__).resolve().parent.parent / "locales"  # the SDK's own catalogs


class ErrorInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: str = Field(description="Stable machine-readable kind, e.g. 'skill_timeout'.")
    skill: str | None
    detail: str


class Answer(BaseModel):
    """What the robeing says back: the reply, who gave it, and how it was chosen."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    skill: str | None
    intent: str | None = None
    route_confidence: float = 0.0
    reply: Reply
    error: ErrorInfo | None = None
    scores: tuple[RouteScore, ...] = Field((), description="Routing scores, best first.")


_ERROR_TYPES: dict[type[Exception], str] = {
    SkillTimeout: "skill_timeout",
    SkillFailed: "skill_failed",
    BadReply: "bad_reply",
    SkillUnavailable: "skill_unavailable",
    LicenceError: "licence_required",
    UnknownSkill: "unknown_skill",
}


@lru_cache(maxsize=1024)
def _canonical(name: str) -> str:
    # Called with every message; the regex of canonicalize_name costs a microsecond.
    return canonicalize_name(name)


class _Loaded:
    __slots__ = ("handler", "is_async")

    def __init__(self, handler: Callable[..., Any]) -> None:
        self.handler = handler
        self.is_async = inspect.iscoroutinefunction(handler)


class Runtime:
    """One robeing's skills. Build it with :meth:`from_environment` or hand it records."""

    def __init__(self, records: list[SkillRecord], config: RuntimeConfig | None = None, *,
                 profile: RobeingProfile | None = None, llm: LLMProvider | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 licences: LicenceChecker | None = None) -> None:
        self.config = config or RuntimeConfig()
        self.records = records
        self.profile = profile or RobeingProfile(name=self.config.name,
                                                 timezone=self.config.timezone)
        self.plugins = PluginHost(trace=self.config.trace)
        self._by_name = {record.name: record for record in reversed(records)}
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self._loaded: dict[str, _Loaded] = {}
        self._load_locks: dict[str, asyncio.Lock] = {}
        self._llm = llm
        self.llm_client = GuardedLLM(
            lambda: self.llm, CircuitBreaker(self.config.llm_breaker, clock))
        self._router: Router | None = None
        self._manifests: Mapping[str, SkillManifest] | None = None
        self._workers = DaemonWorkers()
        self._processes: dict[str, ProcessWorker] = {}
        self._licences = licences

    @classmethod
    def from_environment(cls, config: RuntimeConfig | None = None, **kwargs: Any) -> Runtime:
        config = config or load_config()
        return cls(discover_skills(config, __version__), config, **kwargs)

    # -- looking things up -------------------------------------------------------------

    def skill(self, name: str) -> SkillRecord:
        try:
            return self._by_name[_canonical(name)]
        except KeyError:
            raise UnknownSkill.localizable(N_("No installed skill is called {name}."),
                                           context={"skill": name}, name=repr(name)) from None

    @property
    def usable(self) -> dict[str, SkillRecord]:
        return {r.name: r for r in self.records if r.status is SkillStatus.OK and r.manifest}

    @property
    def manifests(self) -> Mapping[str, SkillManifest]:
        """Every usable skill's manifest by name, as skills see it in ``context.skills``."""
        if self._manifests is None:
            self._manifests = MappingProxyType(
                {n: r.manifest for n, r in self.usable.items() if r.manifest is not None})
        return self._manifests

    @property
    def licences(self) -> LicenceChecker:
        """Checks paid skills' licences (keys and marketplace from the environment)."""
        if self._licences is None:
            self._licences = LicenceChecker.from_environment(self.config.marketplace_url)
        return self._licences

    @property
    def router(self) -> Router:
        if self._router is None:
            usable = self.usable
            routable = {n: r.manifest for n, r in usable.items()
                        if r.manifest is not None and not r.manifest.fallback}
            fallbacks = sorted((n for n, r in usable.items() if r.manifest and r.manifest.fallback),
                               key=lambda n: (usable[n].distribution == "robeing", n))
            self._router = Router(routable, threshold=self.config.route_threshold,
                                  fallbacks=fallbacks)
        return self._router

    def breaker(self, name: str) -> CircuitBreaker:
        breaker = self._breakers.get(name)
        if breaker is None:
            breaker = self._breakers[name] = CircuitBreaker(self.config.breaker, self._clock)
        return breaker

    @property
    def llm(self) -> LLMProvider:
        if self._llm is None:
            providers: dict[str, LLMProvider] = {}
            self.plugins.load_host_plugins()
            self.plugins.call_each("robeing_register_llm_providers",
                                   register=lambda p: providers.setdefault(p.name, p))
            wanted = self.config.llm_provider
            if wanted not in providers:
                known = ", ".join(sorted(providers)) or "none"
                raise LLMError(f"No LLM provider is called {wanted!r} (installed: {known}).",
                               provider=wanted)
            self._llm = providers[wanted]
        return self._llm

    # -- answering ---------------------------------------------------------------------

    async def ask(self, text: str, *, locale: str | None = None, skill: str | None = None,
                  history: tuple[Turn, ...] = (), session_id: str | None = None,
                  at: datetime | None = None) -> Answer:
        """Route ``text`` (or send it to ``skill``) and return the answer, whatever happens."""
        language = negotiate(locale or self.config.locale, self.config.locales,
                             strict=locale is not None)
        message = Message(text=text, locale=language, history=history, session_id=session_id,
                          **({"received_at": at} if at is not None else {}))
        decision: RouteDecision | None = None
        if skill is None:
            decision = self.router.route(text)
            skill = decision.skill
        scores = decision.scores if decision else ()
        if skill is None:
            error = UnknownSkill("No skill fits this message and no fallback skill is enabled.",
                                 skill="")
            return self._error_answer(error, message, None, scores)
        try:
            reply = await self.call(skill, message)
        except (SkillError, UnknownSkill) as exc:
            return self._error_answer(exc, message, skill, scores)
        return Answer(ok=True, skill=skill, intent=decision.intent if decision else None,
                      route_confidence=decision.confidence if decision else 1.0,
                      reply=reply, scores=scores)

    def ask_sync(self, text: str, **kwargs: Any) -> Answer:
        return asyncio.run(self.ask(text, **kwargs))

    async def call(self, name: str, message: Message) -> Reply:
        """Call one skill by name; raises a :class:`SkillError` subclass when it fails."""
        record = self.skill(name)
        if record.status is not SkillStatus.OK or record.manifest is None:
            raise SkillUnavailable(
                f"The skill {record.name!r} is {record.status}: {record.reason}.",
                skill=record.name, reason=record.reason or str(record.status))
        if record.manifest.price.kind is not PriceKind.FREE:  # paid: a valid licence first
            await asyncio.to_thread(self.licences.check, record.name)
        breaker = self.breaker(record.name)
        if not breaker.allow():
            wait = breaker.retry_after()
            raise SkillUnavailable(
                f"The skill {record.name!r} failed repeatedly and is paused for {wait:.0f} s.",
                skill=record.name, reason="circuit open")
        timeout = record.manifest.timeout or self.config.timeout
        started = time.perf_counter() if self.config.trace else 0.0
        try:
            if self.config.isolation == "process":
                reply = await self._process(record).call(message, self.profile, timeout)
            else:
                loaded = await self._load(record, timeout)
                reply = await self._invoke(record, loaded, message, timeout)
        except SkillUnavailable as exc:
            record.mark(SkillStatus.BROKEN, exc.reason)
            self._router = self._manifests = None
            raise
        except SkillError:
            breaker.record_failure()
            raise
        finally:
            if self.config.trace:
                emit_trace(HANDLE_HOOK, f"skill:{record.name}", started)
        breaker.record_success()
        return reply

    def _process(self, record: SkillRecord) -> ProcessWorker:
        worker = self._processes.get(record.name)
        if worker is None:
            worker = self._processes[record.name] = ProcessWorker(
                record, self.config.llm_provider, self._workers)
        return worker

    def close(self) -> None:
        """Stop the child processes of process-isolated skills."""
        for worker in self._processes.values():
            worker.stop()

    async def _load(self, record: SkillRecord, timeout: float) -> _Loaded:
        loaded = self._loaded.get(record.name)
        if loaded is not None:
            return loaded
        lock = self._load_locks.setdefault(record.name, asyncio.Lock())
        async with lock:
            if record.name in self._loaded:
                return self._loaded[record.name]
            try:
                async with asyncio.timeout(timeout):
                    handler = await self._workers.submit(partial(self._import, record))
            except TimeoutError:
                reason = f"importing it took longer than {timeout:g} s"
                raise SkillUnavailable(f"The skill {record.name!r} is broken: {reason}.",
                                       skill=record.name, reason=reason) from None
            except Exception as exc:
                reason = f"failed to load: {describe_exception(exc)}"
                raise SkillUnavailable(f"The skill {record.name!r} {reason}.",
                                       skill=record.name, reason=reason) from exc
            loaded = self._loaded[record.name] = _Loaded(handler)
            return loaded

    def _import(self, record: SkillRecord) -> Callable[..., Any]:
        plugin = record.entry_point.load()
        plugin_name = f"skill:{record.name}"
        self.plugins.register(plugin, plugin_name)
        handler = self.plugins.implementation(HANDLE_HOOK, plugin_name)
        if handler is None:
            self.plugins.unregister(plugin_name)
            raise LookupError(f"{record.entry_point.value} does not implement {HANDLE_HOOK}")
        return handler

    async def _invoke(self, record: SkillRecord, loaded: _Loaded, message: Message,
                      timeout: float) -> Reply:
        assert record.manifest is not None
        chain = fallback_chain(message.locale)
        context = SkillContext(skill=record.name, manifest=record.manifest, profile=self.profile,
                               locale=message.locale, locale_chain=chain, llm=self.llm_client,
                               folder=record.folder, skills=self.manifests)
        call = partial(loaded.handler, message=message, context=context)
        try:
            if loaded.is_async:
                # asyncio.timeout, not wait_for: no extra task per call on the hot path.
                async with asyncio.timeout(timeout):
                    result = await call()
            else:
                result = await self._workers.call(call, fast_wait=self.config.sync_fast_wait,
                                                  timeout=timeout)
        except TimeoutError:
            raise SkillTimeout(f"The skill {record.name!r} did not answer within {timeout:g} s.",
                               skill=record.name, timeout=timeout) from None
        except Exception as exc:
            raise SkillFailed(f"The skill {record.name!r} failed: {describe_exception(exc)}.",
                              skill=record.name) from exc
        if not isinstance(result, Reply):
            raise BadReply(f"The skill {record.name!r} returned {type(result).__name__}, "
                           "not a Reply.", skill=record.name)
        return result if result.locale else result.model_copy(update={"locale": message.locale})

    def _error_answer(self, exc: Exception, message: Message, skill: str | None,
                      scores: tuple[RouteScore, ...]) -> Answer:
        kind = _ERROR_TYPES.get(type(exc), "skill_error")
        texts = load_translations(_SDK_TEXTS, fallback_chain(message.locale))
        text = texts.gettext("Sorry, I could not answer that just now.")
        if kind in ("skill_timeout", "skill_failed", "bad_reply", "skill_unavailable"):
            text = texts.gettext("Sorry, the skill {skill} could not answer just now.").format(
                skill=skill)
        if isinstance(exc, LicenceError):  # say what is wrong with the licence, localized
            text = exc.localized(texts.gettext)
        reply = Reply(text=text, confidence=0.0, locale=message.locale,
                      metadata={"error": kind})
        return Answer(ok=False, skill=skill, reply=reply, scores=scores,
                      error=ErrorInfo(type=kind, skill=skill, detail=str(exc)))
