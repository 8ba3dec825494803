"""Runtime benchmarks: start-up, routing plus dispatch, and hook calls, side by side.

Targets (issue 2, "Performance"), each measured in one run as medians of several:

* start-up: ``robeing skills list --json`` with 500 generated skills installed takes at most
  1.5x its time with 1 (pluggy's eager ``load_setuptools_entrypoints``, which imports every
  skill, is measured in the same run for comparison);
* routing plus dispatch of one message to a trivial skill (sync and async) at 500 installed
  skills: at most 100 µs per message;
* a hook call through ``PluginHost.call_each``: at most 2x a bare pluggy hook call, both with
  one implementation.

Prints a table, writes ``bench/runtime/results.json`` and plots start-up time against the
number of installed skills to ``docs/img/bench-startup.png``::

    /work/venv/bin/python bench/runtime/bench_runtime.py [--quick] [--rounds N] [--no-plot]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

import pluggy
import skillgen

from robeing_sdk import hookspecs
from robeing_sdk.hookspecs import hookimpl

HERE: Final = Path(__file__).resolve().parent
ROOT: Final = HERE.parents[1]
RESULTS: Final = HERE / "results.json"
PLOT: Final = ROOT / "docs" / "img" / "bench-startup.png"
PROBE: Final = HERE / "probe.py"

SIZES: Final = (1, 50, 100, 250, 500)
QUICK_SIZES: Final = (1, 500)
BIG: Final = 500
SYNC_SKILL: Final = 250  # even: plain function (see skillgen.is_async)
ASYNC_SKILL: Final = 251  # odd: async def

STARTUP_RATIO_TARGET: Final = 1.5
DISPATCH_US_TARGET: Final = 100.0
HOOK_RATIO_TARGET: Final = 2.0


# -- helpers -------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def robeing_command() -> list[str]:
    """The ``robeing`` console script of this interpreter's environment."""
    if (ROOT / "robeing_sdk" / "cli" / "__main__.py").is_file():
        return [sys.executable, "-m", "robeing_sdk.cli"]
    script = Path(sys.executable).parent / "robeing"
    if not script.is_file():
        raise SystemExit(f"{script} is missing: install the project (pip install -e .) first.")
    return [str(script)]


def child_env(site: Path, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a measured process: only ``site`` added, no user settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROBEING_") and k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env.update(PYTHONPATH=str(site), ROBEING_CONFIG=str(tmp / "no-config.toml"), **extra)
    return env


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    stdout: str
    stderr: str


def run(command: list[str], env: dict[str, str]) -> Run:
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr}")
    return Run(elapsed, proc.stdout, proc.stderr)


def eager_load_ms(stderr: str) -> float:
    for line in stderr.splitlines():
        if line.startswith("probe:eager_load_ms="):
            return float(line.split("=", 1)[1].split()[0])
    raise SystemExit(f"the eager probe printed no timing:\n{stderr}")


# -- 1. start-up ---------------------------------------------------------------------------


def commands() -> dict[str, list[str]]:
    return {"lazy": [*robeing_command(), "skills", "list", "--json"],
            "eager": [sys.executable, str(PROBE), "eager-cli", "skills", "list", "--json"]}


def check_startup(sites: dict[int, Path], tmp: Path) -> dict[str, Any]:
    """Warm the caches once per configuration and check what each start-up really does."""
    cmds = commands()
    baseline: int | None = None
    for count, site in sites.items():
        listed = json.loads(run(cmds["lazy"], child_env(site, tmp)).stdout)
        generated = [s for s in listed if s["name"].startswith("bench-")]
        if len(generated) != count or any(s["status"] != "ok" for s in generated):
            raise SystemExit(f"expected {count} ok generated skills, `skills list` shows "
                             f"{len(generated)}: {generated[:3]}")
        baseline = len(listed) - count
        run(cmds["eager"], child_env(site, tmp))
    imported: dict[str, int] = {}
    for mode, command in cmds.items():
        log = tmp / f"imports-{mode}.log"
        run(command, child_env(sites[BIG], tmp, **{skillgen.IMPORT_LOG_ENV: str(log)}))
        imported[mode] = len(log.read_text().splitlines()) if log.exists() else 0
    if imported["lazy"] != 0 or imported["eager"] != BIG:
        raise SystemExit(f"skill modules imported at start-up: {imported}; expected lazy 0, "
                         f"eager {BIG}")
    return {"already_installed_skills": baseline, "skill_modules_imported_at_500": imported}


def bench_startup(sites: dict[int, Path], tmp: Path, rounds: int) -> dict[str, Any]:
    cmds = commands()
    times: dict[str, dict[int, list[float]]] = {mode: {n: [] for n in sites} for mode in cmds}
    loads: dict[int, list[float]] = {n: [] for n in sites}
    plan = [(mode, n) for mode in cmds for n in sites]
    shuffle = random.Random(2)
    for round_no in range(rounds):
        shuffle.shuffle(plan)  # interleaved, in a different order each round
        for mode, count in plan:
            result = run(cmds[mode], child_env(sites[count], tmp))
            times[mode][count].append(result.seconds)
            if mode == "eager":
                loads[count].append(eager_load_ms(result.stderr))
        print(f"  start-up round {round_no + 1}/{rounds} done", file=sys.stderr)
    return {
        "command": {mode: " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))
                    for mode, cmd in cmds.items()},
        "sizes": list(sites),
        "median_s": {mode: {n: median(v) for n, v in by_n.items()}
                     for mode, by_n in times.items()},
        "runs_s": {mode: {n: v for n, v in by_n.items()} for mode, by_n in times.items()},
        "eager_load_median_ms": {n: median(v) for n, v in loads.items()},
    }


def bench_discovery(sites: dict[int, Path], tmp: Path, rounds: int) -> dict[str, Any]:
    """Where lazy start-up grows: entry-point scan and manifest reading, each cold."""
    samples: dict[int, list[dict[str, float]]] = {1: [], BIG: []}
    for _ in range(rounds):
        for count in samples:
            out = run([sys.executable, str(PROBE), "discover"], child_env(sites[count], tmp))
            samples[count].append(json.loads(out.stdout))
    return {str(n): {"scan_ms": median([s["scan_ms"] for s in runs]),
                     "discover_ms": median([s["discover_ms"] for s in runs]),
                     "records": runs[0]["records"]}
            for n, runs in samples.items()}


# -- 2. routing plus dispatch --------------------------------------------------------------


def message_for(index: int) -> tuple[str, str]:
    """An English message that names one of skill ``index``'s keywords, and that skill."""
    word = skillgen.SkillWords.for_index(index).by_locale["en"][0]
    return f"please {word} my report for the meeting", skillgen.skill_name(index)


async def _time_asks(runtime: Any, text: str, count: int) -> list[float]:
    samples = []
    clock = time.perf_counter_ns
    for _ in range(count):
        started = clock()
        await runtime.ask(text)
        samples.append((clock() - started) / 1e3)
    return samples


def _time_calls(fn: Callable[[], object], count: int) -> list[float]:
    samples = []
    clock = time.perf_counter_ns
    for _ in range(count):
        started = clock()
        fn()
        samples.append((clock() - started) / 1e3)
    return samples


async def _time_direct(runtime: Any, text: str, skill: str, count: int) -> list[float]:
    samples = []
    clock = time.perf_counter_ns
    for _ in range(count):
        started = clock()
        await runtime.ask(text, skill=skill)
        samples.append((clock() - started) / 1e3)
    return samples


async def _dispatch(runtime: Any, rounds: int, per_round: int) -> dict[str, Any]:
    texts = {"sync": message_for(SYNC_SKILL), "async": message_for(ASYNC_SKILL)}
    ko_word = skillgen.SkillWords.for_index(SYNC_SKILL).by_locale["ko"][0]
    route_texts = {"route_en": texts["sync"][0], "route_ko": f"오늘 {ko_word} 해 주세요"}
    for kind, (text, skill) in texts.items():  # first use imports the skill; check routing
        for _ in range(50):
            answer = await runtime.ask(text)
        if not answer.ok or answer.skill != skill:
            raise SystemExit(f"{kind}: {text!r} went to {answer.skill} ({answer.error})")
    for label, text in route_texts.items():
        decision = runtime.router.route(text)
        if decision.skill != skillgen.skill_name(SYNC_SKILL):
            raise SystemExit(f"{label}: {text!r} routed to {decision.skill}")
    samples: dict[str, list[float]] = {
        k: [] for k in (*texts, *(f"{k}_no_routing" for k in texts), *route_texts)}
    for _ in range(rounds):
        for kind, (text, skill) in texts.items():
            samples[kind] += await _time_asks(runtime, text, per_round)
            samples[f"{kind}_no_routing"] += await _time_direct(runtime, text, skill, per_round)
        for label, text in route_texts.items():
            samples[label] += _time_calls(partial(runtime.router.route, text), per_round)
    return {kind: {"median_us": median(v), "p90_us": percentile(v, 0.9), "samples": len(v)}
            for kind, v in samples.items()}


def bench_dispatch(site: Path, rounds: int, per_round: int) -> dict[str, Any]:
    import importlib

    from robeing_sdk.runtime import Runtime, RuntimeConfig

    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    started = time.perf_counter()
    runtime = Runtime.from_environment(RuntimeConfig())
    router = runtime.router
    built = time.perf_counter() - started
    try:
        results = asyncio.run(_dispatch(runtime, rounds, per_round))
    finally:
        runtime.close()
    results["installed_skills"] = len(runtime.records)
    results["routable_skills"] = len(runtime.usable)
    results["runtime_and_router_build_ms"] = built * 1e3
    results["router_examples"] = router.example_count
    results["messages"] = {"sync": message_for(SYNC_SKILL)[0],
                           "async": message_for(ASYNC_SKILL)[0]}
    return results


def bench_routing_scale(sizes: Sequence[int], rounds: int, per_round: int) -> dict[str, Any]:
    """``Router.route`` alone against the number of installed skills, built in-process."""
    from robeing_sdk.manifest import parse_manifest
    from robeing_sdk.runtime.routing import Router

    manifests = {skillgen.skill_name(i): parse_manifest(skillgen.manifest_text(i))
                 for i in range(max(sizes))}
    text = message_for(0)[0]
    routers = {n: Router({k: manifests[k] for k in list(manifests)[:n]}) for n in sizes}
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(rounds):
        for n, router in routers.items():
            samples[n] += _time_calls(partial(router.route, text), per_round)
    return {"message": text, "median_us": {n: median(v) for n, v in samples.items()}}


# -- 3. hook calls -------------------------------------------------------------------------


class _OneProvider:
    """One implementation of a non-firstresult hook; does nothing, so the call is the cost."""

    @hookimpl
    def robeing_register_llm_providers(self, register: Callable[[object], None]) -> None:
        return None


def bench_hooks(rounds: int, number: int) -> dict[str, Any]:
    from robeing_sdk.runtime.plugins import PluginHost

    def noop(provider: object) -> None:
        return None

    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.register(_OneProvider(), name="one")
    host = PluginHost()
    host.register(_OneProvider(), "one")
    bare_hook = pm.hook.robeing_register_llm_providers
    assert bare_hook(register=noop) == [] and len(host.call_each(
        "robeing_register_llm_providers", register=noop)) == 1

    def bare() -> None:
        bare_hook(register=noop)

    def through_runtime() -> None:
        host.call_each("robeing_register_llm_providers", register=noop)

    times: dict[str, list[float]] = {"bare": [], "runtime": []}
    for _ in range(rounds):  # interleaved
        for label, fn in (("bare", bare), ("runtime", through_runtime)):
            times[label].append(timeit.timeit(fn, number=number) / number * 1e6)
    bare_us, runtime_us = median(times["bare"]), median(times["runtime"])
    return {"hook": "robeing_register_llm_providers", "bare_us": bare_us,
            "runtime_us": runtime_us, "ratio": runtime_us / bare_us,
            "rounds": rounds, "calls_per_round": number}


# -- report --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")


def rows(results: dict[str, Any]) -> list[Row]:
    up = results["startup"]
    lazy, eager = up["median_s"]["lazy"], up["median_s"]["eager"]
    disp, hooks, disc = results["dispatch"], results["hooks"], results["discovery"]
    lazy_ratio, eager_ratio = lazy[BIG] / lazy[1], eager[BIG] / eager[1]
    return [
        Row("start-up, skills list, 1 skill (lazy)", f"{lazy[1] * 1e3:.0f} ms"),
        Row("start-up, skills list, 500 skills (lazy)", f"{lazy[BIG] * 1e3:.0f} ms"),
        Row("  ratio 500 / 1 (lazy)", f"{lazy_ratio:.2f}x", f"≤ {STARTUP_RATIO_TARGET}x",
            lazy_ratio <= STARTUP_RATIO_TARGET),
        Row("start-up, pluggy-eager, 1 skill", f"{eager[1] * 1e3:.0f} ms"),
        Row("start-up, pluggy-eager, 500 skills", f"{eager[BIG] * 1e3:.0f} ms"),
        Row("  ratio 500 / 1 (eager, for comparison)", f"{eager_ratio:.2f}x"),
        Row("  load_setuptools_entrypoints at 500",
            f"{up['eager_load_median_ms'][BIG]:.0f} ms"),
        Row("entry-point scan, cold, at 1 / 500",
            f"{disc['1']['scan_ms']:.1f} / {disc[str(BIG)]['scan_ms']:.1f} ms"),
        Row("discover_skills after the scan, at 1 / 500",
            f"{disc['1']['discover_ms']:.1f} / {disc[str(BIG)]['discover_ms']:.1f} ms"),
        Row("ask → sync trivial skill, 500 installed", f"{disp['sync']['median_us']:.1f} µs",
            f"≤ {DISPATCH_US_TARGET:.0f} µs", disp["sync"]["median_us"] <= DISPATCH_US_TARGET),
        Row("ask → async trivial skill, 500 installed", f"{disp['async']['median_us']:.1f} µs",
            f"≤ {DISPATCH_US_TARGET:.0f} µs", disp["async"]["median_us"] <= DISPATCH_US_TARGET),
        Row("  routing alone (en)", f"{disp['route_en']['median_us']:.1f} µs"),
        Row("  routing alone (ko)", f"{disp['route_ko']['median_us']:.1f} µs"),
        Row("  sync, skill named (no routing)",
            f"{disp['sync_no_routing']['median_us']:.1f} µs"),
        Row("  async, skill named (no routing)",
            f"{disp['async_no_routing']['median_us']:.1f} µs"),
        *(Row(f"  Router.route alone, {n} skills", f"{us:.1f} µs")
          for n, us in results["routing_scale"]["median_us"].items()),
        Row("bare pluggy hook call, 1 impl", f"{hooks['bare_us']:.2f} µs"),
        Row("PluginHost.call_each, 1 impl", f"{hooks['runtime_us']:.2f} µs"),
        Row("  ratio runtime / bare", f"{hooks['ratio']:.2f}x", f"≤ {HOOK_RATIO_TARGET}x",
            hooks["ratio"] <= HOOK_RATIO_TARGET),
    ]


def print_table(table: list[Row]) -> None:
    width = max(len(r.label) for r in table) + 2
    print(f"\n{'measure (medians)':<{width}}{'value':>16}  {'target':<10}verdict")
    print("-" * (width + 36))
    for r in table:
        print(f"{r.label:<{width}}{r.value:>16}  {r.target:<10}{r.verdict}")


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    up = results["startup"]
    sizes = up["sizes"]
    lazy = [up["median_s"]["lazy"][n] * 1e3 for n in sizes]
    eager = [up["median_s"]["eager"][n] * 1e3 for n in sizes]
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=150)
    for mode, color in (("eager", "#c0392b"), ("lazy", "#2471a3")):
        runs = [sorted(up["runs_s"][mode][n]) for n in sizes]
        ax.fill_between(sizes, [percentile(r, 0.25) * 1e3 for r in runs],
                        [percentile(r, 0.75) * 1e3 for r in runs], color=color, alpha=0.12,
                        linewidth=0)
    ax.plot(sizes, eager, "s-", color="#c0392b",
            label="pluggy eager: load_setuptools_entrypoints, then the command")
    ax.plot(sizes, lazy, "o-", color="#2471a3", label="robeing: manifests only, imports nothing")
    ax.axhline(lazy[0] * STARTUP_RATIO_TARGET, color="#2471a3", linestyle=":", linewidth=1)
    ax.annotate(f"target: {STARTUP_RATIO_TARGET}× the 1-skill start-up",
                (sizes[-1], lazy[0] * STARTUP_RATIO_TARGET), textcoords="offset points",
                xytext=(0, 4), ha="right", va="bottom", fontsize=8, color="#2471a3")
    for series, color in ((lazy, "#2471a3"), (eager, "#c0392b")):
        ax.annotate(f"{series[-1]:.0f} ms", (sizes[-1], series[-1]), textcoords="offset points",
                    xytext=(6, 0), va="center", fontsize=8, color=color)
    ax.set_xlabel("installed skills (generated)")
    ax.set_ylabel("wall time (ms): median, band = middle half of runs")
    ax.set_title("Start-up of  robeing skills list --json  against installed skills",
                 fontsize=11)
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0, right=sizes[-1] * 1.12)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    machine = results["machine"]
    load = results.get("load_average_at_start")
    fig.text(0.99, 0.01, f"{machine['cpus']} CPUs, Python {machine['python']}, "
             f"{results['startup_rounds']} runs per point"
             + (f", load average {load[0]:.1f} at the start" if load else ""),
             ha="right", fontsize=7, color="gray")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds, start-up only at 1 and 500 skills, no plot")
    parser.add_argument("--rounds", type=int, help="start-up runs per configuration")
    parser.add_argument("--no-plot", action="store_true", help="do not write the PNG")
    parser.add_argument("--output", type=Path,
                        help=f"where to write the JSON (default: {RESULTS.relative_to(ROOT)}; "
                        "a temporary file with --quick, so the recorded full run stays)")
    parser.add_argument("--replot", action="store_true",
                        help=f"only redraw the PNG from {RESULTS.name}, measuring nothing")
    args = parser.parse_args(argv)
    if args.replot:
        saved = json.loads(RESULTS.read_text(encoding="utf-8"))
        up = saved["startup"]
        for key in ("median_s", "runs_s"):  # JSON made the skill counts strings
            up[key] = {mode: {int(n): v for n, v in by_n.items()}
                       for mode, by_n in up[key].items()}
        plot(saved, PLOT)
        print(f"wrote {PLOT.relative_to(ROOT)}")
        return 0
    sizes = QUICK_SIZES if args.quick else SIZES
    rounds = args.rounds or (3 if args.quick else 9)
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick, "startup_rounds": rounds,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "pluggy": pluggy.__version__},
        # Other work on the machine moves every number here; say how busy it was.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    with tempfile.TemporaryDirectory(prefix="robeing-bench-") as name:
        tmp = Path(name)
        print(f"generating {', '.join(map(str, sizes))} skills in {tmp}", file=sys.stderr)
        sites = {n: skillgen.make_site(tmp, n) for n in sizes}
        results["checks"] = check_startup(sites, tmp)
        results["startup"] = bench_startup(sites, tmp, rounds)
        results["discovery"] = bench_discovery(sites, tmp, max(3, rounds // 2))
        print("  routing and dispatch", file=sys.stderr)
        results["dispatch"] = bench_dispatch(sites[BIG], rounds=5 if args.quick else 9,
                                             per_round=100 if args.quick else 300)
    print("  routing against installed skills", file=sys.stderr)
    results["routing_scale"] = bench_routing_scale(sizes, rounds=5 if args.quick else 9,
                                                   per_round=50 if args.quick else 200)
    print("  hook calls", file=sys.stderr)
    results["hooks"] = bench_hooks(rounds=7 if args.quick else 15,
                                   number=20_000 if args.quick else 100_000)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    table = rows(results)
    results["targets"] = [{"measure": r.label.strip(), "value": r.value, "target": r.target,
                           "pass": r.passed} for r in table if r.passed is not None]
    print_table(table)
    print(f"\nload average (1, 5, 15 min) at start {results['load_average_at_start']}, "
          f"at end {results['load_average_at_end']}")
    output = args.output or (
        Path(tempfile.gettempdir()) / "robeing-bench-runtime-quick.json" if args.quick
        else RESULTS)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    print(f"\nwrote {output}")
    if not (args.quick or args.no_plot):
        plot(results, PLOT)
        print(f"wrote {PLOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
