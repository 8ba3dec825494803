"""Process isolation: a skill runs in a child process that can be killed.

A thread cannot be killed, so a sync skill stuck in an endless loop keeps burning a core
in thread mode. With ``isolation = "process"`` each skill gets its own child process
(started with ``spawn``, so nothing of the host leaks in); on a timeout, a crash or an
``os._exit`` the child is killed and the next call starts a fresh one. Messages and replies
cross the pipe as JSON, so a skill can return nothing the host would have to unpickle.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from robeing_sdk.errors import BadReply, SkillFailed, SkillTimeout, SkillUnavailable
from robeing_sdk.messages import Message, Reply
from robeing_sdk.models import RobeingProfile
from robeing_sdk.runtime.discovery import SkillRecord
from robeing_sdk.runtime.workers import DaemonWorkers


def _child_main(conn: Connection, entry_point: str, skill: str, folder: str | None,
                manifest: str, llm_provider: str) -> None:
    """Runs in the child: load the skill once, then answer calls until the pipe closes."""
    from importlib.metadata import EntryPoint

    from robeing_sdk.context import SkillContext
    from robeing_sdk.i18n.locales import fallback_chain
    from robeing_sdk.manifest import SkillManifest
    from robeing_sdk.runtime.config import RuntimeConfig
    from robeing_sdk.runtime.plugins import describe_exception
    from robeing_sdk.runtime.runtime import Runtime

    try:
        module = EntryPoint(name=skill, value=entry_point, group="robeing.skills").load()
        handler = module.robeing_handle_message
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("load_error", describe_exception(exc)))
        return
    conn.send(("ready", ""))
    parsed_manifest = SkillManifest.model_validate_json(manifest)
    llm_host = Runtime([], RuntimeConfig(llm_provider=llm_provider))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        message = Message.model_validate_json(request["message"])
        context = SkillContext(
            skill=skill, manifest=parsed_manifest,
            profile=RobeingProfile.model_validate_json(request["profile"]),
            locale=message.locale, locale_chain=fallback_chain(message.locale),
            llm=llm_host.llm_client, folder=Path(folder) if folder else None)
        try:
            result: Any = handler(message=message, context=context)
            if asyncio.iscoroutine(result):
                result = asyncio.run(result)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            conn.send(("failed", describe_exception(exc)))
            continue
        if isinstance(result, Reply):
            conn.send(("ok", result.model_dump_json()))
        else:
            conn.send(("bad_reply", type(result).__name__))


class ProcessWorker:
    """The child process of one skill, started on first use and replaced after a fault."""

    def __init__(self, record: SkillRecord, llm_provider: str, workers: DaemonWorkers) -> None:
        self.record = record
        self.llm_provider = llm_provider
        self.process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._workers = workers
        self._lock = asyncio.Lock()

    def _start(self) -> Connection:
        assert self.record.manifest is not None
        parent, child = multiprocessing.get_context("spawn").Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_child_main, daemon=True, name=f"robeing-skill-{self.record.name}",
            args=(child, self.record.entry_point.value, self.record.name,
                  str(self.record.folder) if self.record.folder else None,
                  self.record.manifest.model_dump_json(), self.llm_provider))
        self.process.start()
        child.close()
        self._conn = parent
        return parent

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self.process, self._conn = None, None

    async def _receive(self, conn: Connection, timeout: float) -> tuple[str, str]:
        def wait() -> tuple[str, str]:
            if not conn.poll(timeout):
                raise TimeoutError
            reply: tuple[str, str] = conn.recv()
            return reply

        try:
            return await self._workers.submit(wait)
        except TimeoutError:  # before OSError, its base class
            self.stop()
            raise SkillTimeout(f"The skill {self.record.name!r} did not answer within "
                               f"{timeout:g} s; its process was stopped.",
                               skill=self.record.name, timeout=timeout) from None
        except (EOFError, OSError):
            self.stop()
            raise SkillFailed(f"The skill {self.record.name!r} crashed its process.",
                              skill=self.record.name) from None

    async def call(self, message: Message, profile: RobeingProfile, timeout: float) -> Reply:
        name = self.record.name
        async with self._lock:  # one call at a time per child process
            conn = self._conn
            if conn is None:
                conn = self._start()
                kind, detail = await self._receive(conn, timeout)
                if kind == "load_error":
                    self.stop()
                    raise SkillUnavailable(f"The skill {name!r} failed to load: {detail}.",
                                           skill=name, reason=f"failed to load: {detail}")
            conn.send({"message": message.model_dump_json(),
                       "profile": profile.model_dump_json()})
            kind, detail = await self._receive(conn, timeout)
        if kind == "ok":
            return Reply.model_validate(json.loads(detail))
        if kind == "bad_reply":
            raise BadReply(f"The skill {name!r} returned {detail}, not a Reply.", skill=name)
        raise SkillFailed(f"The skill {name!r} failed: {detail}.", skill=name)
