"""Hostile inputs, side by side with the reference: ``python -m benchmarks.hostile``.

Each case is one bad (or pathological) input given to lightschema and to prefect 3.9.1 in
this process, best of ``--repeat`` runs each, with the ratio. What the cases stand for: an
untrusted payload must cost about what the reference pays for it, and never much more than
100 ms for 100 KB. Wall-clock times, so read them as a range on a shared machine; nothing
here is asserted.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from typing import Any

FLOW_ID = "2a7c5b1e-4d3f-4a8e-9b2c-1d0e6f7a8b9c"


def _ranges(size: int) -> str:
    parts, length, i = [], 0, 0
    while length < size:
        part = f"{i % 50}-{i % 50 + 9}"
        parts.append(part)
        length += len(part) + 1
        i += 1
    return ",".join(parts)


def cases() -> dict[str, tuple[str, Any]]:
    """name -> (model, payload); a payload of ``bytes`` is JSON text, anything else a dict."""
    bad_items = json.dumps([{"flow_id": "x", "tags": [1]} for _ in range(20_000)]).encode()
    return {
        "cron, 16 KB of ranges": ("CronSchedule", {"cron": f"{_ranges(16_000)} * * * *"}),
        "cron, 100 KB of ranges": ("CronSchedule", {"cron": f"{_ranges(100_000)} * * * *"}),
        "tags, 25,000 numbers": ("FlowRun", {"flow_id": FLOW_ID, "tags": list(range(25_000))}),
        "DateTime, duration-like text": ("FlowRun", {"flow_id": FLOW_ID, "start_time": "P" + "1D" * 20_000}),
        "DateTime, 100 KB of digits": ("FlowRun", {"flow_id": FLOW_ID, "start_time": "1" * 100_000}),
        "timedelta, 5,000-digit hours": ("FlowRun", {"flow_id": FLOW_ID, "total_run_time": "9" * 5000 + ":00:00"}),
        "JSON nested 1,000 deep": (
            "FlowRun",
            f'{{"flow_id": "{FLOW_ID}", "parameters": {{"p": {"[" * 1000}{"]" * 1000}}}}}'.encode(),
        ),
        "JSON array of 20,000 bad items": ("list[FlowRun]", bad_items),
    }


def _runner(library: str, model: str, payload: Any) -> Callable[[], Any]:
    if library == "lightschema":
        import lightschema
        from lightschema import objects, schedules

        many = model.startswith("list[")
        name = model[5:-1] if many else model
        cls = getattr(objects, name, None) or getattr(schedules, name)
        target: Any = list[cls] if many else cls  # type: ignore[valid-type]
        errors: tuple[type[BaseException], ...] = (lightschema.ValidationError,)
        if isinstance(payload, bytes):
            return lambda: _expect(lambda: lightschema.load_json(payload, target), errors)
        return lambda: _expect(lambda: lightschema.structure(payload, target), errors)
    import pydantic
    from prefect.client.schemas import objects as ref_objects
    from prefect.client.schemas import schedules as ref_schedules

    many = model.startswith("list[")
    name = model[5:-1] if many else model
    ref_cls = getattr(ref_objects, name, None) or getattr(ref_schedules, name)
    adapter: Any = pydantic.TypeAdapter(list[ref_cls] if many else ref_cls)  # type: ignore[valid-type]
    ref_errors: tuple[type[BaseException], ...] = (pydantic.ValidationError,)
    if isinstance(payload, bytes):
        return lambda: _expect(lambda: adapter.validate_json(payload), ref_errors)
    return lambda: _expect(lambda: adapter.validate_python(payload), ref_errors)


def _expect(call: Callable[[], Any], errors: tuple[type[BaseException], ...]) -> str:
    try:
        call()
    except errors:
        return "refused"
    return "accepted"


def best(run: Callable[[], Any], repeat: int) -> tuple[float, str]:
    outcome, times = "", []
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = run()
        times.append(time.perf_counter() - start)
    return min(times), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"{'case':34} {'lightschema':>14} {'prefect':>14} {'ratio':>7}")
    for name, (model, payload) in cases().items():
        ours, our_outcome = best(_runner("lightschema", model, payload), args.repeat)
        theirs, their_outcome = best(_runner("prefect", model, payload), args.repeat)
        note = "" if our_outcome == their_outcome else f"  (ours {our_outcome}, prefect {their_outcome})"
        print(f"{name:34} {ours * 1000:11.1f} ms {theirs * 1000:11.1f} ms {ours / theirs:6.2f}x{note}")


if __name__ == "__main__":
    main()
