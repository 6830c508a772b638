"""Instructions per object, counted by valgrind's callgrind: the figure that repeats.

Wall-time ratios on a shared two-core machine move by tens of percent between runs of
the same code; instruction counts do not. Each operation is run twice under callgrind
in a fresh process, once with no timed pass and once with one, on the same cached
corpus; the difference divided by the corpus size is what one object costs, warm-up
and setup cancelled out. It is not a speed (memory stalls and branch misses cost
time but no instructions), so it complements the timed suite and never replaces it.

    python -m benchmarks.instructions --model FlowRun --n 2000
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import corpus, run_one
from benchmarks.__main__ import run_checked

REFERENCE = "prefect"
_COLLECTED = re.compile(r"Collected : (\d+)")


def run_passes(contender: str, model: str, n: int, op: str, passes: int) -> Any:
    """Set up ``op`` over the corpus (warmed up on a slice), then run it ``passes`` times.

    Returns what the last call gave (the warm-up's, with no pass).
    """
    codec = run_one.contender_module(contender).load(model)
    if codec is None:
        raise SystemExit(f"{contender} has no {model} model")
    forms = run_one._forms(json.loads(corpus.load(model, n)))
    operation, form = run_one._operations(codec)[op]
    if form == "objects":
        forms["objects"] = codec.from_dicts(forms["dicts"])
    warm_forms = run_one._forms(forms["dicts"][: run_one.WARM_SIZE])
    if form == "objects":
        warm_forms["objects"] = codec.from_dicts(warm_forms["dicts"])
    result = operation(warm_forms[form])
    gc.collect()
    for _ in range(passes):
        del result  # as in the timed suite, a pass's output is freed before the next runs
        result = operation(forms[form])
    return result


def collected(valgrind_stderr: str) -> int:
    """The instruction total callgrind reports at exit."""
    found = _COLLECTED.search(valgrind_stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{valgrind_stderr[-2000:]}")
    return int(found.group(1))


def count(contender: str, model: str, n: int, op: str, passes: int) -> int:
    """Instructions of one fresh process that sets ``op`` up and runs it ``passes`` times."""
    child = [sys.executable, "-m", "benchmarks.instructions", "--child", contender, model, str(n), op, str(passes)]
    proc = run_checked(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *child], " ".join(child))
    return collected(proc.stderr)


def per_object(contender: str, model: str, n: int, op: str) -> float:
    """Instructions one object costs in ``op``: one pass minus none, over ``n`` (both at once)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        without, with_one = pool.map(lambda passes: count(contender, model, n, op, passes), (0, 1))
    return (with_one - without) / n


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="FlowRun", choices=corpus.MODELS)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--ops", default=",".join(run_one.OPERATIONS))
    parser.add_argument("--child", nargs=5, metavar=("CONTENDER", "MODEL", "N", "OP", "PASSES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        contender, model, n, op, passes = args.child
        run_passes(contender, model, int(n), op, int(passes))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed; this measure needs its callgrind tool")
    corpus.load(args.model, args.n)  # cached now, so both processes of a pair read the same file
    print(f"{args.model}, n={args.n:,}: instructions per object (callgrind, one pass minus none)")
    print(f"  {'operation':<16}{'lightschema':>14}{REFERENCE:>14}{'ratio':>9}")
    reference: dict[str, float] = {}
    for op in args.ops.split(","):
        ours = per_object("lightschema", args.model, args.n, op)
        # the orjson figure is compared with the reference's own dump_json, as in the timed suite
        ref_op = "to_json" if op == "to_json_orjson" else op
        if ref_op not in reference:
            reference[ref_op] = per_object(REFERENCE, args.model, args.n, ref_op)
        ref = reference[ref_op]
        print(f"  {op:<16}{ours:>14,.0f}{ref:>14,.0f}{ref / ours:>8.2f}x", flush=True)


if __name__ == "__main__":
    main()
