"""Measure one contender in this process and print the results as JSON on stdout.

The runner (``python -m benchmarks``) starts one of these per contender and
measurement so that no library's imports, caches or heap affect another's.
The cyclic garbage collector stays in its normal state throughout: a collection
is forced *between* timed rounds so each round starts alike, never disabled
inside one.

    python -m benchmarks.run_one throughput --contender lightschema --models FlowRun,Log --n 2000
    python -m benchmarks.run_one scaling --contender prefect --model FlowRun --sizes 1000,10000
    python -m benchmarks.run_one memory --contender msgspec --model FlowRun --n 100000
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import itertools
import json
import math
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks import corpus

CONTENDERS = ("lightschema", "prefect", "msgspec")
#: the operations every codec has, in display order; ``to_json_orjson`` is optional
OPERATIONS = ("decode_json", "decode_jsonl", "from_dicts", "to_dicts", "to_json", "to_json_orjson")


def contender_module(name: str) -> Any:
    """The ``benchmarks.bench_<name>`` module."""
    if name not in CONTENDERS:
        raise SystemExit(f"unknown contender {name!r}; choose from {', '.join(CONTENDERS)}")
    return importlib.import_module(f"benchmarks.bench_{name}")


def time_rounds(
    fn: Callable[[], Any],
    warm: Callable[[], Any],
    *,
    rounds: int,
    warmup: int,
    min_time: float,
    number: int | None = None,
) -> list[float]:
    """Seconds per call of ``fn`` for each of ``rounds`` timed rounds.

    ``warm`` (the same operation on a small slice) runs ``warmup`` times first so
    lazily built code and caches exist before timing. A round repeats the call
    until it has run for at least ``min_time`` (the count is fixed from the
    first call), so fast contenders are not timed on a single tick-sized call;
    a first call that already takes that long counts as round one. ``number``,
    when given, is the count of calls a round makes instead.
    """
    for _ in range(warmup):
        warm()
    gc.collect()
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if number is None:
        number = max(1, math.ceil(min_time / max(first, 1e-9)))
    times = [first] if number == 1 else []
    while len(times) < rounds:
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return times


#: objects in the slice each operation warms up on
WARM_SIZE = 100


def _inputs(model: str, n: int, seed: int) -> dict[str, Any]:
    """The same corpus in each input form an operation takes: JSON array, JSON Lines, dicts."""
    return _forms(json.loads(corpus.load(model, n, seed)))


def _forms(items: list[Any]) -> dict[str, Any]:
    """``items`` in each input form an operation takes: JSON array, JSON Lines, dicts."""
    return {"json": corpus.dumps(items), "jsonl": corpus.to_jsonl(items), "dicts": items}


def _operations(codec: Any) -> dict[str, tuple[Callable[[Any], Any], str]]:
    """Each operation the codec has, with the input form it takes (``objects`` for dumps)."""
    ops: dict[str, tuple[Callable[[Any], Any], str]] = {
        "decode_json": (codec.decode_json, "json"),
        "decode_jsonl": (codec.decode_jsonl, "jsonl"),
        "from_dicts": (codec.from_dicts, "dicts"),
        "to_dicts": (codec.to_dicts, "objects"),
        "to_json": (codec.to_json, "objects"),
    }
    orjson_dump = getattr(codec, "to_json_orjson", None)
    if orjson_dump is not None and orjson_dump([]) is not None:
        ops["to_json_orjson"] = (orjson_dump, "objects")
    return ops


def _measure(
    codec: Any, inputs: list[dict[str, Any]], names: list[str], args: argparse.Namespace, number: int | None = None
) -> dict[str, list[float]]:
    """Round timings of the named operations; successive calls take successive ``inputs``.

    ``inputs`` holds one or more distinct copies of the data in each form (cycled
    through, so with enough of them no call reads what an earlier call read).
    ``number`` fixes the calls a round makes (see ``time_rounds``).
    """
    small = _forms(inputs[0]["dicts"][:WARM_SIZE])
    ops = _operations(codec)
    if any(ops[name][1] == "objects" for name in names if name in ops):
        inputs = [{**forms, "objects": codec.from_dicts(forms["dicts"])} for forms in inputs]
        small["objects"] = inputs[0]["objects"][:WARM_SIZE]
    timings = {}
    for name in names:
        if name not in ops:
            continue
        op, form = ops[name]
        timings[name] = time_rounds(
            _cycling(op, [forms[form] for forms in inputs]),
            functools.partial(op, small[form]),
            rounds=args.rounds,
            warmup=args.warmup,
            min_time=args.min_time,
            number=number,
        )
    return timings


def _cycling(op: Callable[[Any], Any], inputs: list[Any]) -> Callable[[], Any]:
    """``op`` over ``inputs``, the next one at each call (the only one, when there is one)."""
    if len(inputs) == 1:
        return functools.partial(op, inputs[0])
    following = itertools.cycle(inputs)
    return lambda: op(next(following))


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    """Seconds per call of every operation, for each model, over the same corpus."""
    module = contender_module(args.contender)
    models: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    names = args.ops.split(",") if args.ops else list(OPERATIONS)
    for model in args.models.split(","):
        codec = module.load(model)
        if codec is None:
            skipped[model] = f"{args.contender} has no {model} model"
            continue
        inputs = _inputs(model, args.n, args.seed)
        models[model] = {"n": args.n, "bytes": len(inputs["json"]), "seconds": _measure(codec, [inputs], names, args)}
        del inputs
        gc.collect()
    return {"models": models, "skipped": skipped}


#: at most this many distinct slices of the corpus per size in the scaling measure
SCALING_SLICES = 32


def scaling(args: argparse.Namespace) -> dict[str, Any]:
    """Seconds per call at each corpus size, for one model.

    Each size is cut into disjoint slices of the largest corpus and every timed call
    reads the next slice, so no call sees data an earlier call read. Timing one
    small list over and over would favour any contender that caches parsed values
    (lightschema keeps recently read UUIDs and datetimes): a 1,000-object corpus fits
    in such a cache and a 100,000-object one does not, which is a property of the
    benchmark, not of reading bigger responses.

    Every round handles the same number of objects at each size (the largest size,
    in calls of ``n``), so every round is exposed to the shared machine's noise for
    as long: rounds of 0.2 s of 1,000-object calls against single 100,000-object calls
    of several seconds favoured the small size whenever the noise came in bursts.
    """
    module = contender_module(args.contender)
    codec = module.load(args.model)
    if codec is None:
        return {"sizes": {}, "skipped": {args.model: f"{args.contender} has no {args.model} model"}}
    sizes = [int(s) for s in args.sizes.split(",")]
    pool = json.loads(corpus.load(args.model, max(sizes), args.seed))
    timings: dict[str, Any] = {}
    for n in sizes:
        slices = [pool[start : start + n] for start in range(0, len(pool) - n + 1, n)][:SCALING_SLICES]
        inputs = [_forms(items) for items in slices]
        timings[str(n)] = _measure(codec, inputs, args.ops.split(","), args, number=max(1, max(sizes) // n))
        del inputs, slices
        gc.collect()
    return {"model": args.model, "sizes": timings, "skipped": {}}


def _rss_bytes() -> int:
    """This process's resident set size now (Linux), or 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def memory(args: argparse.Namespace) -> dict[str, Any]:
    """Bytes retained per object after decoding ``n`` objects from JSON bytes.

    Two figures: the growth of resident memory (what the OS sees, including
    allocator slack), and the Python heap still allocated according to
    ``tracemalloc`` (exact for objects, blind to memory a C/Rust extension gets
    outside Python's allocator). Objects are decoded from bytes so nothing they
    hold is shared with an input kept alive by the harness.
    """
    module = contender_module(args.contender)
    codec = module.load(args.model)
    if codec is None:
        return {"skipped": {args.model: f"{args.contender} has no {args.model} model"}}
    data = corpus.load(args.model, args.n, args.seed)
    codec.decode_json(corpus.load(args.model, 10, args.seed))  # build lazily generated code first
    gc.collect()
    before = _rss_bytes()
    objs = codec.decode_json(data)
    gc.collect()
    rss_growth = _rss_bytes() - before
    count = len(objs)
    del objs
    gc.collect()
    tracemalloc.start()
    objs = codec.decode_json(data)
    gc.collect()
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del objs  # held until here so the traced figure is what they keep alive
    return {
        "model": args.model,
        "n": count,
        "rss_bytes_per_object": rss_growth / count,
        "traced_bytes_per_object": traced / count,
        "skipped": {},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_one", description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("throughput", "scaling", "memory", "versions"))
    parser.add_argument("--contender", required=True)
    parser.add_argument("--models", default=",".join(corpus.MODELS))
    parser.add_argument("--model", default="FlowRun")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--ops", default="")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--min-time", type=float, default=0.05)
    args = parser.parse_args(argv)
    if args.kind == "scaling" and not args.ops:
        args.ops = "from_dicts"
    run = {"throughput": throughput, "scaling": scaling, "memory": memory}.get(args.kind)
    result: dict[str, Any] = run(args) if run else {}
    result["contender"] = args.contender
    result["versions"] = contender_module(args.contender).versions()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
