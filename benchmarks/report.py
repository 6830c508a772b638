"""Turn collected measurements into the terminal table, the JSON file and the PNG chart.

matplotlib is imported only when the chart is drawn, so the runner and the
table work without it (the chart is then skipped with a note).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

REFERENCE = "prefect"
#: display names of the operations, in table order
OPERATION_LABELS = {
    "decode_json": "JSON array bytes -> objects",
    "decode_jsonl": "JSON Lines bytes -> objects",
    "from_dicts": "parsed dicts -> objects",
    "to_dicts": "objects -> JSON-ready dicts",
    "to_json": "objects -> JSON bytes",
    "to_json_orjson": "objects -> JSON bytes (orjson)",
}
#: the same, short enough for chart tick labels
SHORT_LABELS = {
    "decode_json": "JSON\n-> obj",
    "decode_jsonl": "JSONL\n-> obj",
    "from_dicts": "dicts\n-> obj",
    "to_dicts": "obj\n-> dicts",
    "to_json": "obj\n-> JSON",
    "to_json_orjson": "obj -> JSON\n(orjson)",
}
#: speed-up over the reference that issue 4 asks of lightschema on FlowRun
THROUGHPUT_TARGETS = {
    "decode_json": 4.0,
    "decode_jsonl": 4.0,
    "from_dicts": 6.0,
    "to_dicts": 1.5,
    "to_json": 1.5,
}
#: the other models may fall short of the FlowRun targets by this factor
OTHER_MODEL_FACTOR = 0.8
IMPORT_TARGET = 10.0  # reference import time / lightschema import time
MEMORY_TARGET = 2.5  # reference bytes per retained object / lightschema's
RSS_TARGET = 3.0  # reference import-only peak RSS / lightschema's
SCALING_TARGET = 0.85  # objects/s at the largest size / objects/s at the smallest

CAVEAT = (
    "Medians of several rounds on one machine; the spread is the min-max range of the rounds around the median. "
    "Other processes were running, so absolute numbers are noisy; ratios from the same run are more stable. "
    "msgspec Structs mirror the shapes but skip Prefect's validators, and see State.data, schedules and "
    "version_info as plain data."
)


def stats(samples: list[float]) -> dict[str, Any]:
    """Median, quartiles, range and relative spread of a list of samples."""
    ordered = sorted(samples)
    median = statistics.median(ordered)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    spread = (ordered[-1] - ordered[0]) / 2 / median * 100 if median else 0.0
    return {
        "samples": samples,
        "median": median,
        "q1": q1,
        "q3": q3,
        "min": ordered[0],
        "max": ordered[-1],
        "spread_pct": spread,
    }


def throughput_stats(seconds: list[float], n: int) -> dict[str, Any]:
    """Stats of per-call seconds plus the median rate in objects per second."""
    out = stats(seconds)
    out["n"] = n
    out["objects_per_s"] = n / out["median"]
    return out


# -- building the results document ------------------------------------------------


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    """Derive medians, ratios to the reference and target checks from the raw measurements."""
    throughput: dict[str, dict[str, dict[str, Any]]] = {}
    for contender, result in raw["throughput"].items():
        for model, entry in result.items():
            for op, seconds in entry["seconds"].items():
                cell = throughput_stats(seconds, entry["n"])
                cell["bytes_per_object"] = entry["bytes"] / entry["n"]
                throughput.setdefault(model, {}).setdefault(op, {})[contender] = cell
    for ops in throughput.values():
        for op, cells in ops.items():
            # the orjson figure is compared with the reference's own dump_json
            ref = ops.get("to_json" if op == "to_json_orjson" else op, {}).get(REFERENCE)
            for cell in cells.values():
                cell["ratio"] = cell["objects_per_s"] / ref["objects_per_s"] if ref else None

    scaling: dict[str, Any] = {}
    for contender, result in raw["scaling"].items():
        per_op: dict[str, Any] = {}
        for size, ops in result.items():
            for op, seconds in ops.items():
                per_op.setdefault(op, {})[size] = throughput_stats(seconds, int(size))
        for op, sizes in per_op.items():
            ordered = sorted(sizes, key=int)
            small, large = sizes[ordered[0]], sizes[ordered[-1]]
            per_op[op] = {
                "sizes": sizes,
                "largest_over_smallest": large["objects_per_s"] / small["objects_per_s"],
            }
        scaling[contender] = per_op

    startup: dict[str, Any] = {}
    for contender, runs in raw["startup"].items():
        startup[contender] = {key: stats([run[key] for run in runs]) for key in runs[0]}

    memory = raw["memory"]
    targets = _targets(throughput, scaling, startup, memory)
    return {
        "meta": raw["meta"],
        "throughput": throughput,
        "scaling": scaling,
        "startup": startup,
        "memory": memory,
        "targets": targets,
        "skipped": raw["skipped"],
    }


def _targets(
    throughput: dict[str, Any], scaling: dict[str, Any], startup: dict[str, Any], memory: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each target of issue 4 with the value measured for lightschema (higher is better)."""
    rows: list[dict[str, Any]] = []

    def add(what: str, model: str, value: float | None, target: float) -> None:
        rows.append(
            {
                "what": what,
                "model": model,
                "value": value,
                "target": target,
                "met": None if value is None else value >= target,
            }
        )

    for model, ops in throughput.items():
        factor = 1.0 if model == "FlowRun" else OTHER_MODEL_FACTOR
        accelerated = ops.get("to_json_orjson", {}).get("lightschema")
        for op, target in THROUGHPUT_TARGETS.items():
            cell = ops.get(op, {}).get("lightschema")
            what = f"{op} speed-up"
            if op == "to_json" and accelerated:
                # the issue lets the optional orjson extra meet it; the stdlib figure is in the table
                cell, what = accelerated, "to_json speed-up (orjson extra)"
            add(what, model, cell["ratio"] if cell else None, target * factor)
    light, ref = startup.get("lightschema"), startup.get(REFERENCE)
    if light and ref:
        add(
            "import time (ref / lightschema)",
            "-",
            ref["import_s"]["median"] / light["import_s"]["median"],
            IMPORT_TARGET,
        )
        add(
            "import-only peak RSS (ref / lightschema)",
            "-",
            ref["maxrss_kb"]["median"] / light["maxrss_kb"]["median"],
            RSS_TARGET,
        )
    if "lightschema" in memory and REFERENCE in memory:
        mem_l, mem_r = memory["lightschema"], memory[REFERENCE]
        add(
            "bytes per retained object (ref / ls)",
            mem_l.get("model", "FlowRun"),
            mem_r["traced_bytes_per_object"] / mem_l["traced_bytes_per_object"],
            MEMORY_TARGET,
        )
    for op, entry in scaling.get("lightschema", {}).items():
        add(f"{op} obj/s, largest / smallest n", "FlowRun", entry["largest_over_smallest"], SCALING_TARGET)
    return rows


# -- terminal table -------------------------------------------------------------------


def _rate(value: float) -> str:
    if value >= 100_000:
        return f"{value / 1000:,.0f}k"
    if value >= 10_000:
        return f"{value / 1000:,.1f}k"
    return f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def format_table(results: dict[str, Any]) -> str:
    """The results as fixed-width text: objects/s (± half-range %) and ratio to the reference."""
    meta = results["meta"]
    contenders = meta["contenders"]
    lines = [
        f"lightschema benchmarks ({meta['mode']}) - {meta['machine']['summary']}",
        "versions: " + "; ".join(f"{k} {v}" for c in contenders for k, v in meta["versions"].get(c, {}).items()),
        f"load average start/end: {meta['loadavg_start']} / {meta['loadavg_end']}",
        "",
    ]
    head = f"{'operation':<32}" + "".join(f"{c + ' obj/s':>22}{'vs ref':>9}" for c in contenders)
    for model, ops in results["throughput"].items():
        any_cell = next(iter(next(iter(ops.values())).values()))
        lines.append(f"{model}  (n={any_cell['n']:,}, {any_cell['bytes_per_object'] / 1024:.2f} KiB JSON/object)")
        lines.append(head)
        for op in OPERATION_LABELS:
            if op not in ops:
                continue
            row = f"  {OPERATION_LABELS[op]:<30}"
            for contender in contenders:
                cell = ops[op].get(contender)
                if cell is None:
                    row += f"{'-':>22}{'':>9}"
                else:
                    text = f"{_rate(cell['objects_per_s'])} ±{cell['spread_pct']:.0f}%"
                    row += f"{text:>22}{_ratio(cell['ratio']):>9}"
            lines.append(row)
        lines.append("")

    if results["startup"]:
        lines.append("Fresh process (median over runs; import and first use timed inside the process)")
        lines.append(f"  {'':<30}" + "".join(f"{c:>18}" for c in results["startup"]))
        for key, label, scale, unit in (
            ("import_s", "import models", 1000, "ms"),
            ("first_use_s", "import + first FlowRun", 1000, "ms"),
            ("process_s", "whole process wall time", 1000, "ms"),
            ("maxrss_kb", "peak RSS after import", 1 / 1024, "MiB"),
        ):
            row = f"  {label:<30}"
            for contender in results["startup"]:
                cell = results["startup"][contender][key]
                row += f"{cell['median'] * scale:>11.1f} {unit:<3}±{cell['spread_pct']:.0f}%".rjust(18)
            lines.append(row)
        lines.append("")

    if results["memory"]:
        lines.append("Memory retained per decoded object")
        for contender, entry in results["memory"].items():
            lines.append(
                f"  {contender:<14} {entry['model']} n={entry['n']:,}: "
                f"{entry['traced_bytes_per_object']:,.0f} B (tracemalloc), "
                f"{entry['rss_bytes_per_object']:,.0f} B (RSS growth)"
            )
        lines.append("")

    if results["scaling"]:
        lines.append("Scaling, FlowRun objects/s by corpus size")
        for contender, per_op in results["scaling"].items():
            for op, entry in per_op.items():
                sizes = entry["sizes"]
                cells = "  ".join(f"{int(n):>7,}: {_rate(sizes[n]['objects_per_s'])}" for n in sorted(sizes, key=int))
                lines.append(
                    f"  {contender:<14} {op:<12} {cells}   largest/smallest {entry['largest_over_smallest']:.2f}"
                )
        lines.append("")

    if results["targets"]:
        lines.append("Issue 4 targets for lightschema (higher is better)")
        for row in results["targets"]:
            value = "n/a" if row["value"] is None else f"{row['value']:.2f}"
            mark = {True: "met", False: "NOT met", None: "not measured"}[row["met"]]
            lines.append(f"  {row['model']:<11} {row['what']:<46} {value:>7} (target >= {row['target']:.2f})  {mark}")
        lines.append("")
    for note in results["skipped"]:
        lines.append(f"skipped: {note}")
    lines.append("Note: " + CAVEAT)
    return "\n".join(lines)


def format_markdown(results: dict[str, Any]) -> str:
    """A compact Markdown table of the FlowRun ratios and startup figures, for the README."""
    meta = results["meta"]
    contenders = meta["contenders"]
    out = [
        f"Measured with `python -m benchmarks{' --quick' if meta['mode'] == 'quick' else ''}` on "
        f"{meta['machine']['summary']}.",
        "",
        "| FlowRun | " + " | ".join(contenders) + " |",
        "|---|" + "---:|" * len(contenders),
    ]
    for op, cells in results["throughput"].get("FlowRun", {}).items():
        row = [OPERATION_LABELS[op]]
        for contender in contenders:
            cell = cells.get(contender)
            row.append("" if cell is None else f"{_rate(cell['objects_per_s'])}/s ({_ratio(cell['ratio'])})")
        out.append("| " + " | ".join(row) + " |")
    for key, label, scale, unit in (
        ("import_s", "import", 1000, "ms"),
        ("maxrss_kb", "peak RSS after import", 1 / 1024, "MiB"),
    ):
        row = [label]
        for contender in contenders:
            cell = results["startup"].get(contender, {}).get(key)
            row.append("" if cell is None else f"{cell['median'] * scale:.1f} {unit}")
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    out.append(
        "Objects per second, median of several rounds (ratio to prefect's own models in the same run). " + CAVEAT
    )
    return "\n".join(out) + "\n"


# -- chart ------------------------------------------------------------------------------

COLORS = {"lightschema": "#2a7ab0", "prefect": "#e07b39", "msgspec": "#7a7a7a"}


def draw_chart(results: dict[str, Any], path: Path) -> str | None:
    """Draw the PNG; returns a note instead when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install '.[bench]'); chart skipped"

    meta = results["meta"]
    contenders = meta["contenders"]
    throughput = results["throughput"]
    models = list(throughput)
    ops = [op for op in OPERATION_LABELS if op != "to_json_orjson" and any(op in throughput[m] for m in models)]

    fig, axes = plt.subplots(3, 3, figsize=(15, 12.5))
    flat = axes.ravel()
    width = 0.8 / max(1, len(contenders))
    for ax, op in zip(flat, ops, strict=False):
        for i, contender in enumerate(contenders):
            xs, ys, lo, hi = [], [], [], []
            for j, model in enumerate(models):
                cell = throughput[model].get(op, {}).get(contender)
                if cell is None:
                    continue
                rate = cell["objects_per_s"]
                xs.append(j + (i - (len(contenders) - 1) / 2) * width)
                ys.append(rate)
                lo.append(rate - cell["n"] / cell["max"])
                hi.append(cell["n"] / cell["min"] - rate)
            ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, color=COLORS.get(contender), label=contender)
        ax.set_yscale("log")
        ax.set_xticks(range(len(models)), models, fontsize=8)
        ax.set_title(OPERATION_LABELS[op], fontsize=10)
        ax.set_ylabel("objects/s (log)", fontsize=8)
        ax.grid(axis="y", which="both", alpha=0.3)
    flat[0].legend(fontsize=8)

    # fresh-process figures, as multiples of the reference (lower is better)
    ax = flat[len(ops)]
    keys = [("import_s", "import"), ("first_use_s", "first FlowRun"), ("maxrss_kb", "peak RSS\nimport only")]
    startup = results["startup"]
    ref_start = startup.get(REFERENCE)
    if ref_start:
        for i, contender in enumerate(contenders):
            if contender not in startup:
                continue
            vals = [startup[contender][k]["median"] / ref_start[k]["median"] for k, _ in keys]
            labels = [label for _, label in keys]
            mem = results["memory"]
            if contender in mem and REFERENCE in mem:
                vals.append(mem[contender]["traced_bytes_per_object"] / mem[REFERENCE]["traced_bytes_per_object"])
                labels.append("bytes per\nretained FlowRun")
            xs = [j + (i - (len(contenders) - 1) / 2) * width for j in range(len(vals))]
            ax.bar(xs, vals, width, color=COLORS.get(contender), label=contender)
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        ax.set_title("Startup and memory, relative to prefect (lower is better)", fontsize=10)
        ax.axhline(1.0, color="black", linewidth=0.6)
        ax.grid(axis="y", alpha=0.3)

    ax = flat[len(ops) + 1]
    all_sizes: set[int] = set()
    for contender, per_op in results["scaling"].items():
        for op, entry in per_op.items():
            sizes = sorted(entry["sizes"], key=int)
            all_sizes.update(int(s) for s in sizes)
            style = "-" if op == "from_dicts" else "--"
            ax.plot(
                [int(s) for s in sizes],
                [entry["sizes"][s]["objects_per_s"] for s in sizes],
                style,
                marker="o",
                color=COLORS.get(contender),
                label=f"{contender} {op}",
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sorted(all_sizes), [f"{s:,}" for s in sorted(all_sizes)], fontsize=8)
    ax.minorticks_off()
    ax.set_xlabel("FlowRuns per call", fontsize=8)
    ax.set_ylabel("objects/s (log)", fontsize=8)
    ax.set_title("Scaling with corpus size (GC enabled)", fontsize=10)
    ax.grid(which="both", alpha=0.3)
    if results["scaling"]:
        ax.legend(fontsize=7)

    # lightschema's FlowRun speed-ups against the targets
    ax = flat[len(ops) + 2]
    flow = throughput.get("FlowRun", {})
    names = [op for op in OPERATION_LABELS if "lightschema" in flow.get(op, {})]
    if names:
        values = [flow[op]["lightschema"]["ratio"] or 0.0 for op in names]
        ax.bar(range(len(names)), values, 0.6, color=COLORS["lightschema"], label="lightschema / prefect")
        targets = [THROUGHPUT_TARGETS.get("to_json" if op == "to_json_orjson" else op) for op in names]
        ax.scatter([i for i, t in enumerate(targets) if t], [t for t in targets if t], marker="_", s=600, color="black")
        ax.axhline(1.0, color=COLORS["prefect"], linewidth=1)
        ax.set_xticks(range(len(names)), [SHORT_LABELS[op] for op in names], fontsize=7)
        ax.set_title("FlowRun speed-up over prefect (black: target)", fontsize=10)
        ax.grid(axis="y", alpha=0.3)

    ax = flat[len(ops) + 3]
    ax.axis("off")
    lines = ["Issue 4 targets for lightschema (x better than prefect)", ""]
    for row in results["targets"]:
        if row["value"] is None:
            continue
        mark = "met" if row["met"] else "not met"
        lines.append(f"{row['model']:<10} {row['what'][:38]:<38} {row['value']:5.2f} / {row['target']:.2f}  {mark}")
    ax.text(0, 1, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=6, transform=ax.transAxes)
    for extra in flat[len(ops) + 4 :]:
        extra.axis("off")

    versions = "; ".join(f"{k} {v}" for c in contenders for k, v in meta["versions"].get(c, {}).items())
    fig.suptitle(f"lightschema vs prefect 3.9.1 models vs msgspec ({meta['mode']} run)", fontsize=13)
    footer = f"{meta['machine']['summary']}. {versions}. Error bars: min-max of rounds.\n{CAVEAT}"
    fig.text(0.01, 0.005, footer, fontsize=7, va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return None


def write(results: dict[str, Any], out_dir: Path, *, chart: bool = True) -> list[str]:
    """Write ``latest.json``, ``latest.md`` and (if possible) ``latest.png``; returns notes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=1) + "\n")
    (out_dir / "latest.md").write_text(format_markdown(results))
    notes = []
    if chart:
        note = draw_chart(results, out_dir / "latest.png")
        if note:
            notes.append(note)
    return notes
