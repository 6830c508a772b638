"""Record a small corpus of real Prefect 3.9.1 payloads for the offline suite.

Starts a throwaway server, populates it with ``populate.py``, reads every endpoint in
``live_endpoints.py`` and keeps, per model, the few items that together show the most
distinct shapes (keys, JSON types, enum-like values).  Writes
``tests/data/live_payloads.json``: ``{model name: [raw item, ...]}``.

    python tests/live/record.py [OUTPUT]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from live_endpoints import collect
from live_process import populate, running_server

DEFAULT_OUT = Path(__file__).parents[1] / "data" / "live_payloads.json"
PER_MODEL = 8
ENUM_KEYS = frozenset({"type", "state_type", "state_name", "status", "input_type", "collision_strategy", "level"})
Feature = tuple[str, str]


def features(value: Any, path: str = "$", depth: int = 0) -> set[Feature]:
    """What an item shows: each path with its JSON type, plus enum-like and boolean values."""
    kind = type(value).__name__
    found: set[Feature] = {(path, kind)}
    if depth >= 4:
        return found
    if isinstance(value, dict):
        if "state_details" in value and isinstance(value.get("name"), str):
            found.add((f"{path}.name", value["name"]))  # a state's name: Cached, Retrying, Late...
        for key, inner in value.items():
            inner_path = f"{path}.{key}"
            found |= features(inner, inner_path, depth + 1)
            if (key in ENUM_KEYS and isinstance(inner, (str, int))) or isinstance(inner, bool):
                found.add((inner_path, repr(inner)))
    elif isinstance(value, list):
        for inner in value:
            found |= features(inner, f"{path}[]", depth + 1)
    return found


def pick(items: list[dict[str, Any]], limit: int = PER_MODEL) -> list[dict[str, Any]]:
    """Greedily keeps the items adding the most unseen features, smallest first on ties."""
    unique = list({json.dumps(item, sort_keys=True): item for item in items}.values())
    seen: set[Feature] = set()
    chosen: list[dict[str, Any]] = []
    while unique and len(chosen) < limit:
        best = max(unique, key=lambda item: (len(features(item) - seen), -len(json.dumps(item))))
        gain = features(best) - seen
        if chosen and not gain:
            break
        chosen.append(best)
        seen |= gain
        unique.remove(best)
    return chosen


def record(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Runs a server, reads it, and writes the trimmed corpus to ``out``."""
    with tempfile.TemporaryDirectory(prefix="lightschema-record-") as tmp, running_server(Path(tmp)) as server:
        summary = populate(server)
        with httpx.Client(base_url=server.api_url, timeout=30) as client:
            read = collect(client, summary)
    by_model: dict[str, list[dict[str, Any]]] = {}
    for model, items in read.values():
        by_model.setdefault(model, []).extend(items)
    corpus = {model: pick(items) for model, items in sorted(by_model.items())}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(corpus, indent=1, sort_keys=True) + "\n")
    return corpus


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    corpus = record(out)
    counts = ", ".join(f"{model} {len(items)}" for model, items in corpus.items())
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB): {counts}")


if __name__ == "__main__":
    main()
