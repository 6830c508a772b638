"""Run the benchmark suite: ``python -m benchmarks [--quick | --full] [--out DIR]``.

Every measurement runs in a fresh subprocess (``python -m benchmarks.run_one``,
or a tiny ``-c`` script for import and first-use costs) on the same seeded
corpora; this process only generates the corpora, schedules the runs in
alternating contender order, and reports. Results go to the terminal,
``<out>/latest.json``, ``<out>/latest.md`` and ``<out>/latest.png``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import corpus, report
from benchmarks.run_one import CONTENDERS, contender_module

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "results"

#: settings per mode; ``--quick`` aims at about a minute on a two-core machine
MODES: dict[str, dict[str, Any]] = {
    "quick": {
        "n": 200,
        "passes": 1,
        "rounds": 5,
        "warmup": 1,
        "min_time": 0.015,
        "scaling_sizes": (200, 2000),
        "scaling_ops": ("from_dicts",),
        "scaling_rounds": 2,
        "memory_n": 2000,
        "fresh_runs": 3,
    },
    "full": {
        "n": 10_000,
        "passes": 3,  # three time windows per contender: a slow spell on the shared box hits all
        "rounds": 2,
        "warmup": 2,
        "min_time": 0.2,
        "scaling_sizes": (1_000, 10_000, 100_000),
        "scaling_ops": ("from_dicts", "decode_json"),
        "scaling_rounds": 3,
        "memory_n": 100_000,
        "fresh_runs": 15,
    },
}

#: run in a fresh interpreter: read one FlowRun's bytes, then time the import and the first use
FRESH_SCRIPT = """\
import resource, sys, time
payload = open(sys.argv[1], "rb").read()
t0 = time.perf_counter()
{import_code}
t1 = time.perf_counter()
try:  # VmHWM is this program's own peak; ru_maxrss would include the parent's from before exec
    rss = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
except (OSError, IndexError):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
{first_use}
t2 = time.perf_counter()
sys.stdout.write(f"{{t1 - t0!r}} {{t2 - t0!r}} {{rss}}\\n")
"""
#: the interpreter alone, for scale: what every fresh process costs before any import
BASELINE = "python"


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the table."""
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def run_checked(command: list[str], what: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` from the project root, its output captured; a failure raises with its stderr."""
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{proc.stderr[-3000:]}")
    return proc


def run_child(args: list[str]) -> dict[str, Any]:
    """Run ``python -m benchmarks.run_one ARGS`` and return the JSON it prints."""
    proc = run_checked([sys.executable, "-m", "benchmarks.run_one", *args], f"run_one {' '.join(args)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def fresh_process(contender: str, payload_path: Path) -> dict[str, float]:
    """Import time, import + first FlowRun, wall time and import-only peak RSS of one new process."""
    if contender == BASELINE:
        code = FRESH_SCRIPT.format(import_code="pass", first_use="pass")
    else:
        module = contender_module(contender)
        code = FRESH_SCRIPT.format(import_code=module.IMPORT, first_use=module.FIRST_USE)
    start = time.perf_counter()
    proc = run_checked([sys.executable, "-c", code, str(payload_path)], f"fresh {contender} process")
    wall = time.perf_counter() - start
    import_s, first_s, rss = proc.stdout.split()
    return {"import_s": float(import_s), "first_use_s": float(first_s), "process_s": wall, "maxrss_kb": float(rss)}


def rotated(items: list[str], k: int) -> list[str]:
    """``items`` started at position ``k``, so no contender always runs first (or last)."""
    k %= len(items)
    return items[k:] + items[:k]


def machine_summary() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        if names:
            cpu = names[0]
    except OSError:
        pass
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": python,
        "summary": f"{cpu}, {os.cpu_count()} CPUs, {platform.system()}, {python}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_const", const="quick", dest="mode", help="about a minute")
    mode.add_argument("--full", action="store_const", const="full", dest="mode", help="the default; tens of minutes")
    parser.add_argument(
        "--out", type=Path, help="where latest.json/.md/.png go (default: results/, or results/quick/ for --quick)"
    )
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--models", default=",".join(corpus.MODELS))
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG")
    args = parser.parse_args(argv)
    mode_name = args.mode or "full"
    if args.out is None:  # a quick run never replaces the committed full results
        args.out = DEFAULT_OUT / "quick" if mode_name == "quick" else DEFAULT_OUT
    settings = MODES[mode_name]
    contenders = [c for c in args.contenders.split(",") if c]
    if report.REFERENCE not in contenders:
        parser.error(f"the reference contender {report.REFERENCE!r} must be included")
    models = [m for m in args.models.split(",") if m]
    started = time.perf_counter()
    loadavg_start = _loadavg()

    log("preparing corpora (generated once with prefect, then cached in benchmarks/.cache)")
    sizes = {settings["n"], settings["memory_n"], *settings["scaling_sizes"]}
    for size in sorted(sizes, reverse=True):  # the largest first, so smaller ones are slices of it
        for model in models if size == settings["n"] else ["FlowRun"]:
            corpus.corpus_file(model, size, args.seed)
    payload_path = corpus.CACHE_DIR / f"first-flowrun-s{args.seed}.json"
    payload_path.write_bytes(json.dumps(json.loads(corpus.load("FlowRun", settings["n"], args.seed))[0]).encode())

    raw: dict[str, Any] = {"throughput": {}, "scaling": {}, "memory": {}, "startup": {}, "skipped": []}
    versions: dict[str, dict[str, str]] = {}
    common = ["--seed", str(args.seed), "--warmup", str(settings["warmup"]), "--min-time", str(settings["min_time"])]

    for p in range(settings["passes"]):
        for contender in rotated(contenders, p):
            log(f"throughput pass {p + 1}/{settings['passes']}: {contender}")
            out = run_child(
                [
                    *("throughput", "--contender", contender, "--models", ",".join(models)),
                    *("--n", str(settings["n"]), "--rounds", str(settings["rounds"]), *common),
                ]
            )
            versions[contender] = out["versions"]
            merged = raw["throughput"].setdefault(contender, {})
            for model, entry in out["models"].items():
                slot = merged.setdefault(model, {"n": entry["n"], "bytes": entry["bytes"], "seconds": {}})
                for op, times in entry["seconds"].items():
                    slot["seconds"].setdefault(op, []).extend(times)
            if p == 0:
                raw["skipped"].extend(out["skipped"].values())

    if "FlowRun" in models:
        for contender in contenders:
            log(f"scaling {'/'.join(map(str, settings['scaling_sizes']))} FlowRuns: {contender}")
            out = run_child(
                [
                    *("scaling", "--contender", contender, "--model", "FlowRun"),
                    *("--sizes", ",".join(map(str, settings["scaling_sizes"]))),
                    *("--ops", ",".join(settings["scaling_ops"])),
                    *("--rounds", str(settings["scaling_rounds"]), *common),
                ]
            )
            if out["sizes"]:
                raw["scaling"][contender] = out["sizes"]
        for contender in contenders:
            log(f"memory retained by {settings['memory_n']:,} FlowRuns: {contender}")
            out = run_child(
                ["memory", "--contender", contender, "--model", "FlowRun", "--n", str(settings["memory_n"]), *common]
            )
            if "n" in out:
                raw["memory"][contender] = out

    fresh = [BASELINE, *contenders]
    log(f"fresh processes: import, first use, peak RSS ({settings['fresh_runs']} runs each)")
    for i in range(settings["fresh_runs"]):
        for contender in rotated(fresh, i):
            raw["startup"].setdefault(contender, []).append(fresh_process(contender, payload_path))

    raw["meta"] = {
        "mode": mode_name,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
        "seed": args.seed,
        "generator_version": corpus.GENERATOR_VERSION,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_summary(),
        "contenders": contenders,
        "versions": versions,
        "loadavg_start": loadavg_start,
        "loadavg_end": _loadavg(),
        "duration_s": round(time.perf_counter() - started, 1),
    }
    results = report.summarize(raw)
    print(report.format_table(results))
    for note in report.write(results, args.out, chart=not args.no_chart):
        log(note)
    log(f"done in {results['meta']['duration_s']:.0f} s; results in {args.out}")
    return 0


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
