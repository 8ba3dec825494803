"""The pluggy plugin manager, wrapped so that one plugin can never take the others down.

pluggy isolates nothing (pluggy#419): a plugin that raises while loading stops the loading
of every plugin after it, and one that raises in a hook call hides the results of the
rest. Here every load and every implementation call is guarded separately.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Final

import pluggy

from robeing_sdk import hookspecs

HOST_GROUP: Final = "robeing.plugins"
log = logging.getLogger(__name__)


def describe_exception(exc: BaseException) -> str:
    """One line naming what went wrong, e.g. ``SyntaxError: invalid syntax (skill.py, line 3)``."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class PluginHost:
    def __init__(self, *, trace: bool = False) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.trace = trace
        self.failures: dict[str, str] = {}
        self._host_loaded = False

    def register(self, plugin: object, name: str) -> None:
        """Register a loaded plugin; pluggy validates its hook implementations."""
        self.pm.register(plugin, name=name)

    def load_host_plugins(self, group: str = HOST_GROUP) -> None:
        """Load host plugins once, sorted by name; a failing one is recorded and skipped."""
        if self._host_loaded:
            return
        self._host_loaded = True
        for entry_point in sorted(entry_points(group=group), key=lambda ep: ep.name):
            name = f"{group}:{entry_point.name}"
            if self.pm.has_plugin(name) or self.pm.is_blocked(name):
                continue
            try:
                plugin = entry_point.load()
                self.register(plugin, name)
            except Exception as exc:  # noqa: BLE001 - reported, never raised
                self.failures[entry_point.name] = describe_exception(exc)
                log.warning("Host plugin %s failed to load: %s", entry_point.name,
                            self.failures[entry_point.name])

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of a hook, newest first, each guarded on its own."""
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in reversed(caller.get_hookimpls()):
            args = [kwargs[name] for name in impl.argnames]
            started = time.perf_counter() if self.trace else 0.0
            try:
                results.append((impl.plugin_name, impl.function(*args)))
            except Exception as exc:  # noqa: BLE001 - one plugin never hides another
                self.failures[impl.plugin_name] = describe_exception(exc)
                log.warning("Plugin %s failed in %s: %s", impl.plugin_name, hook_name,
                            self.failures[impl.plugin_name])
            finally:
                if self.trace:
                    emit_trace(hook_name, impl.plugin_name, started)
        return results

    def implementation(self, hook_name: str, plugin_name: str) -> Callable[..., Any] | None:
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.plugin_name == plugin_name:
                return impl.function
        return None

    def unregister(self, name: str) -> None:
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)


def emit_trace(what: str, who: str, started: float) -> None:
    elapsed = (time.perf_counter() - started) * 1e6
    print(f"[trace] {what} {who} {elapsed:.0f}us", file=sys.stderr)

