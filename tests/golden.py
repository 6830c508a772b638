"""Golden file: what the reference made of each recorded server payload (``data/live_golden.json``).

For every payload in ``data/live_payloads.json``, in the same order, the file holds what
prefect==3.9.1 makes of it once validated (``entry`` below):

* ``sha256``: of the payload itself (canonical JSON), tying the entry to its payload;
* ``json``: ``model_dump(mode="json")``, in its key order;
* ``python``: ``model_dump()``, in ``python_form`` (JSON with the Python types tagged);
* ``json_text``: ``model_dump_json()``, only where it is not the compact rendering of
  ``json`` (``json.dumps(..., separators=(",", ":"), ensure_ascii=False)``), which is
  what the reference writes for every payload recorded so far.

``python tests/record_golden.py`` writes it (the oracle is needed for that). Without the
oracle, ``test_live_corpus.py`` holds lightschema to it; with the oracle, it also checks that
the file is still what the reference makes (a stale file fails).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
import uuid
from typing import Any

from tests.payloads import CORPUS, DATA

GOLDEN_PATH = DATA / "live_golden.json"
ABOUT = (
    "What prefect==3.9.1 makes of each payload in live_payloads.json (same order): see tests/golden.py. "
    "Written by `python tests/record_golden.py`; do not edit by hand."
)


def compact(data: Any) -> str:
    """JSON text as pydantic writes it: no spaces, non-ASCII characters as they are."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def digest(payload: Any) -> str:
    """sha256 of a payload's canonical JSON (keys sorted)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def python_form(value: Any) -> Any:
    """A python-mode dump as JSON, every value that JSON would lose tagged with its type.

    A tag is a one-key object whose key starts with ``$`` (``{"$uuid": "..."}``); a dict
    whose keys are not all text, or include one starting with ``$``, is tagged too, so
    the form is unambiguous. Subclasses are written as their base (a pendulum-style
    DateTime as a datetime, a str enum as an enum), and pydantic's URL types (the
    reference's, where lightschema has text) as their text. Sets are sorted.
    """
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, enum.Enum):
        return {"$enum": [kind.__name__, python_form(value.value)]}
    if isinstance(value, dict):
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: python_form(v) for k, v in value.items()}
        return {"$dict": [[python_form(k), python_form(v)] for k, v in value.items()]}
    if kind is list:
        return [python_form(v) for v in value]
    if kind is tuple:
        return {"$tuple": [python_form(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted((python_form(v) for v in value), key=compact)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if kind.__module__.startswith("pydantic") and kind.__name__.endswith("Url"):
        return str(value)
    raise TypeError(f"no golden form for a {kind.__module__}.{kind.__qualname__}: add one to python_form")


def entry(obj: Any, payload: Any) -> dict[str, Any]:
    """The golden entry of a model instance made from ``payload``, by either library."""
    dumped = obj.model_dump(mode="json")
    made: dict[str, Any] = {"sha256": digest(payload), "json": dumped, "python": python_form(obj.model_dump())}
    text = obj.model_dump_json()
    if text != compact(dumped):
        made["json_text"] = text
    return made


def json_text(golden_entry: dict[str, Any]) -> str:
    """The ``model_dump_json()`` text an entry stands for."""
    return golden_entry.get("json_text", compact(golden_entry["json"]))  # type: ignore[no-any-return]


def record() -> dict[str, Any]:
    """The golden data as the installed oracle makes it now."""
    import prefect

    from tests.oracle import reference_class

    models = {
        model: [entry(reference_class(model).model_validate(payload), payload) for payload in payloads]
        for model, payloads in sorted(CORPUS.items())
    }
    return {"about": ABOUT, "prefect": prefect.__version__, "models": models}


def render(golden: dict[str, Any]) -> str:
    """The file's text: indented like the payload file, key order kept."""
    return json.dumps(golden, indent=1, ensure_ascii=False) + "\n"


def load() -> dict[str, Any]:
    return json.loads(GOLDEN_PATH.read_text())  # type: ignore[no-any-return]
