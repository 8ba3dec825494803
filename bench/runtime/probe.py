"""Run inside a fresh interpreter by ``bench_runtime.py``; not meant to be run by hand.

``probe.py eager-cli ARGS...``
    The ``robeing`` command as a pluggy host that loads plugins eagerly would start (llm,
    datasette, tox do this): ``PluginManager.load_setuptools_entrypoints("robeing.skills")``
    imports and registers every installed skill, then the same command runs. The time of
    that call alone goes to stderr as ``probe:eager_load_ms=<ms>``.

``probe.py discover``
    Where the lazy runtime's start-up goes, measured cold in this process: the first scan of
    the ``robeing.skills`` entry points, then ``discover_skills`` (a second scan plus one
    manifest read and validation per skill). Prints one JSON object to stdout.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import entry_points


def eager_cli(args: list[str]) -> None:
    import pluggy

    from robeing_sdk import hookspecs
    from robeing_sdk.cli import main

    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    started = time.perf_counter()
    loaded = pm.load_setuptools_entrypoints("robeing.skills")
    elapsed = (time.perf_counter() - started) * 1e3
    print(f"probe:eager_load_ms={elapsed:.3f} plugins={loaded}", file=sys.stderr)
    sys.argv = ["robeing", *args]
    main()


def discover() -> None:
    from robeing_sdk._version import __version__
    from robeing_sdk.runtime.config import RuntimeConfig
    from robeing_sdk.runtime.discovery import discover_skills

    started = time.perf_counter()
    found = entry_points(group="robeing.skills")
    scanned = time.perf_counter()
    records = discover_skills(RuntimeConfig(), __version__)
    done = time.perf_counter()
    print(json.dumps({"entry_points": len(found), "records": len(records),
                      "ok": sum(r.status == "ok" for r in records),
                      "scan_ms": (scanned - started) * 1e3,
                      "discover_ms": (done - scanned) * 1e3}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["eager-cli"]:
        eager_cli(sys.argv[2:])
    elif sys.argv[1:2] == ["discover"]:
        discover()
    else:
        raise SystemExit(__doc__)
