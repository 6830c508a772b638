"""Seeded corpora of realistic Prefect API payloads for the benchmark contenders.

Raw objects are drawn from a ``random.Random`` seeded per model, then passed
through the reference models (``prefect==3.9.1``) and dumped with
``model_dump(mode="json")``, so every payload is exactly what a Prefect server
sends: all fields present, defaults filled, values in wire form. Everything that
the reference would otherwise fill from the clock or a random source (ids, names,
timestamps, scheduled times, anchor dates) is supplied, so a seed always gives
the same bytes.

Generation needs ``prefect``; the result is cached as a JSON list under
``benchmarks/.cache/`` so contender processes only read bytes. A corpus of ``n``
objects is the first ``n`` of any larger one with the same seed.
"""

from __future__ import annotations

import datetime
import json
import random
import uuid
import zlib
from pathlib import Path
from typing import Any

#: models a corpus can be made for, in the order results are shown
MODELS = ("FlowRun", "TaskRun", "Deployment", "Log", "State")
DEFAULT_SEED = 20240917
#: bump when the generator changes so stale cache files are not reused
GENERATOR_VERSION = 2
CACHE_DIR = Path(__file__).resolve().parent / ".cache"

_EPOCH = datetime.datetime(2025, 6, 2, 8, 0, tzinfo=datetime.timezone.utc)
_ADJECTIVES = (
    "amber", "brave", "calm", "dapper", "eager", "fuzzy", "gentle", "hasty", "icy", "jolly",
    "keen", "lively", "mellow", "nimble", "orange", "plucky", "quiet", "rustic", "sturdy", "tidy",
)  # fmt: skip
_ANIMALS = (
    "aardvark", "badger", "caribou", "dingo", "egret", "ferret", "gecko", "heron", "ibis", "jackal",
    "koala", "lemur", "marmot", "newt", "otter", "puffin", "quail", "raven", "stoat", "tapir",
)  # fmt: skip
_TAGS = ("etl", "nightly", "prod", "staging", "ml", "reporting", "backfill", "critical", "team-data", "s3")
_STATES = (
    ("COMPLETED", 50),
    ("FAILED", 8),
    ("RUNNING", 10),
    ("SCHEDULED", 15),
    ("PENDING", 5),
    ("CANCELLED", 4),
    ("CRASHED", 3),
    ("PAUSED", 2),
    ("CANCELLING", 1),
    ("CANCELLED", 2),
)
_LOGGERS = ("prefect.flow_runs", "prefect.task_runs", "prefect.engine", "httpx", "my_project.extract")
_WORDS = (
    "downloaded", "rows", "from", "bucket", "retrying", "after", "timeout", "finished", "task", "writing",
    "partition", "to", "warehouse", "loaded", "records", "skipping", "empty", "file", "checkpoint", "batch",
)  # fmt: skip


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _uuid7(rng: random.Random, when: datetime.datetime) -> str:
    millis = int(when.timestamp() * 1000)
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | rng.getrandbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76
    value = value & ~(0x3 << 62) | 0x2 << 62
    return str(uuid.UUID(int=value))


def _when(rng: random.Random, spread_days: float = 60.0) -> datetime.datetime:
    micros = rng.randrange(int(spread_days * 86_400_000_000))
    return _EPOCH + datetime.timedelta(microseconds=micros)


def _iso(value: datetime.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _slug(rng: random.Random) -> str:
    return f"{rng.choice(_ADJECTIVES)}-{rng.choice(_ANIMALS)}"


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


class _Pools:
    """Ids that recur across objects (flows, deployments, work pools), as in a real workspace."""

    def __init__(self, rng: random.Random) -> None:
        self.flows = [_uuid4(rng) for _ in range(40)]
        self.deployments = [_uuid4(rng) for _ in range(25)]
        self.work_pools = [(_uuid4(rng), name) for name in ("k8s-prod", "k8s-staging", "process", "ecs")]
        self.work_queues = [_uuid4(rng) for _ in range(6)]
        self.users = [(_uuid4(rng), f"user-{i}@example.com") for i in range(8)]


def _parameters(rng: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {
        "source": f"s3://raw-bucket/{rng.choice(_TAGS)}/{rng.randrange(10_000):05d}.parquet",
        "date": _when(rng).date().isoformat(),
        "limit": rng.randrange(100, 100_000),
        "dry_run": rng.random() < 0.2,
        "threshold": round(rng.random(), 4),
    }
    if rng.random() < 0.6:
        params["columns"] = [f"col_{i}" for i in range(rng.randint(2, 8))]
    if rng.random() < 0.5:
        params["options"] = {
            "mode": rng.choice(["append", "overwrite", "merge"]),
            "retries": rng.randrange(5),
            "notify": [f"team-{rng.randrange(9)}@example.com"],
        }
    if rng.random() < 0.3:
        params["note"] = None
    return params


def _labels(rng: random.Random, pools: _Pools, flow_id: str, deployment_id: str | None) -> dict[str, Any]:
    labels: dict[str, Any] = {"prefect.flow.id": flow_id}
    if deployment_id:
        labels["prefect.deployment.id"] = deployment_id
    if rng.random() < 0.5:
        labels["team"] = rng.choice(["data", "ml", "platform"])
    if rng.random() < 0.3:
        labels["priority"] = rng.randrange(1, 5)
    if rng.random() < 0.2:
        labels["billable"] = rng.random() < 0.5
    return labels


def _state(
    rng: random.Random,
    *,
    flow_run_id: str | None = None,
    task_run_id: str | None = None,
    state_type: str | None = None,
) -> dict[str, Any]:
    if state_type is None:
        state_type = rng.choices([s for s, _ in _STATES], [w for _, w in _STATES])[0]
    at = _when(rng)
    details: dict[str, Any] = {
        "flow_run_id": flow_run_id,
        "task_run_id": task_run_id,
        "transition_id": _uuid4(rng),
        # supplied for every state so the reference never fills it from the clock
        "scheduled_time": _iso(at - datetime.timedelta(seconds=rng.randrange(1, 600))),
    }
    if state_type == "FAILED":
        details["retriable"] = rng.random() < 0.5
    if state_type == "PAUSED":
        details["pause_timeout"] = _iso(at + datetime.timedelta(hours=1))
        details["pause_key"] = f"pause-{rng.randrange(100)}"
        details["pause_reschedule"] = True
    if rng.random() < 0.3:
        details["traceparent"] = f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01"
    if rng.random() < 0.2:
        details["deployment_concurrency_lease_id"] = _uuid4(rng)
    data: Any = None
    message = None
    if state_type == "COMPLETED" and rng.random() < 0.4:
        data = {
            "storage_key": f"/home/prefect/.prefect/storage/{rng.getrandbits(128):032x}",
            "expiration": None,
            "serializer": {"type": "json"},
            "prefect_version": "3.9.1",
            "storage_block_id": None,
        }
    elif state_type == "FAILED":
        message = f"Flow run encountered an exception: ValueError('{_sentence(rng, 3, 8)}')"
    elif state_type == "COMPLETED":
        message = "All states completed."
    return {
        "id": _uuid7(rng, at),
        # a server sends a state's created and updated as null (seen in tests/data/live_payloads.json)
        "created": None,
        "updated": None,
        "type": state_type,
        "timestamp": _iso(at),
        "message": message,
        "state_details": details,
        "data": data,
    }


def _state_name(state_type: str) -> str:
    return " ".join(word.capitalize() for word in state_type.split("_"))


def _timing(rng: random.Random, state_type: str) -> dict[str, Any]:
    expected = _when(rng)
    out: dict[str, Any] = {"expected_start_time": _iso(expected)}
    if state_type in ("SCHEDULED", "PENDING"):
        out["next_scheduled_start_time"] = _iso(expected)
        out["estimated_start_time_delta"] = round(rng.random() * 30, 6)
        return out
    start = expected + datetime.timedelta(seconds=rng.random() * 20)
    out["start_time"] = _iso(start)
    out["estimated_start_time_delta"] = round((start - expected).total_seconds(), 6)
    runtime = rng.random() * 900
    out["total_run_time"] = round(runtime, 6)
    out["estimated_run_time"] = round(runtime, 6)
    if state_type not in ("RUNNING", "PAUSED", "CANCELLING"):
        out["end_time"] = _iso(start + datetime.timedelta(seconds=runtime))
    return out


def _flow_run(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    created = _when(rng)
    run_id = _uuid7(rng, created)
    flow_id = rng.choice(pools.flows)
    deployment_id = rng.choice(pools.deployments) if rng.random() < 0.8 else None
    state = _state(rng, flow_run_id=run_id)
    pool_id, pool_name = rng.choice(pools.work_pools)
    user_id, user_name = rng.choice(pools.users)
    run: dict[str, Any] = {
        "id": run_id,
        "created": _iso(created),
        "updated": _iso(created + datetime.timedelta(seconds=rng.randrange(3600))),
        "name": _slug(rng),
        "flow_id": flow_id,
        "state_id": state["id"],
        "deployment_id": deployment_id,
        "deployment_version": f"{rng.getrandbits(32):08x}" if deployment_id else None,
        "work_queue_name": "default" if deployment_id else None,
        "flow_version": f"{rng.getrandbits(128):032x}",
        "parameters": _parameters(rng),
        "idempotency_key": f"scheduled {deployment_id} {_iso(created)}" if deployment_id else None,
        "context": {},
        "empirical_policy": {
            "retries": rng.choice([0, 0, 1, 3]),
            "retry_delay": rng.choice([0, 10, 60]),
            "pause_keys": [f"pause-{rng.randrange(100)}"] if state["type"] == "PAUSED" else [],
            "resuming": False,
            "retry_type": rng.choice([None, None, "in_process", "reschedule"]),
        },
        "tags": rng.sample(_TAGS, rng.randint(0, 4)),
        "labels": _labels(rng, pools, flow_id, deployment_id),
        "parent_task_run_id": _uuid7(rng, created) if rng.random() < 0.15 else None,
        "run_count": rng.randint(0, 3),
        "auto_scheduled": deployment_id is not None and rng.random() < 0.6,
        "infrastructure_pid": f"{rng.randrange(1, 65_000)}:worker-{rng.randrange(20)}" if rng.random() < 0.7 else None,
        "created_by": {"id": user_id, "type": "USER", "display_value": user_name} if rng.random() < 0.5 else None,
        "work_queue_id": rng.choice(pools.work_queues) if deployment_id else None,
        "work_pool_id": pool_id if deployment_id else None,
        "work_pool_name": pool_name if deployment_id else None,
        "state": state,
        "job_variables": {"image": "prefecthq/prefect:3-python3.11", "env": {"LOG_LEVEL": "INFO"}}
        if deployment_id
        else None,
        "state_type": state["type"],
        "state_name": _state_name(state["type"]),
    }
    run.update(_timing(rng, state["type"]))
    return run


def _task_inputs(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for i in range(rng.randint(1, 5)):
        kind = rng.choice(("task_run", "task_run", "parameter", "constant", "flow_run", "none"))
        if kind == "task_run":
            items: list[dict[str, Any]] = [
                {"input_type": "task_run", "id": _uuid7(rng, _when(rng))} for _ in range(rng.randint(1, 3))
            ]
        elif kind == "flow_run":
            items = [{"input_type": "flow_run", "id": _uuid7(rng, _when(rng))}]
        elif kind == "parameter":
            items = [{"input_type": "parameter", "name": f"param_{i}"}]
        elif kind == "constant":
            items = [{"input_type": "constant", "type": rng.choice(["int", "str", "list", "dict"])}]
        else:
            items = []
        inputs[f"arg_{i}"] = items
    return inputs


def _task_run(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    created = _when(rng)
    run_id = _uuid7(rng, created)
    flow_run_id = _uuid7(rng, created)
    state = _state(rng, task_run_id=run_id)
    task_name = rng.choice(("extract", "transform", "load", "train_model", "send_report"))
    run: dict[str, Any] = {
        "id": run_id,
        "created": _iso(created),
        "updated": _iso(created + datetime.timedelta(seconds=rng.randrange(600))),
        "name": f"{task_name}-{rng.randrange(1000):03d}",
        "flow_run_id": flow_run_id,
        "task_key": f"{task_name}-{rng.getrandbits(32):08x}",
        "dynamic_key": str(rng.randrange(50)),
        "cache_key": f"{rng.getrandbits(128):032x}" if rng.random() < 0.3 else None,
        "cache_expiration": _iso(created + datetime.timedelta(days=1)) if rng.random() < 0.2 else None,
        "task_version": f"{rng.randrange(1, 5)}.{rng.randrange(10)}" if rng.random() < 0.4 else None,
        "empirical_policy": {
            "retries": rng.choice([0, 0, 2]),
            "retry_delay": rng.choice([None, 5, [1, 10, 100]]),
            "retry_jitter_factor": rng.choice([None, 0.5]),
        },
        "tags": rng.sample(_TAGS, rng.randint(0, 3)),
        "labels": {"prefect.flow-run.id": flow_run_id} if rng.random() < 0.5 else {},
        "state_id": state["id"],
        "task_inputs": _task_inputs(rng, pools),
        "state_type": state["type"],
        "state_name": _state_name(state["type"]),
        "run_count": rng.randint(0, 2),
        "flow_run_run_count": rng.randint(0, 2),
        "state": state,
    }
    run.update(_timing(rng, state["type"]))
    return run


def _schedule(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(("interval", "interval", "cron", "rrule"))
    if kind == "interval":
        return {
            "interval": float(rng.choice([60, 300, 3600, 86_400])),
            "anchor_date": _iso(_when(rng).replace(microsecond=0)),
            "timezone": rng.choice(["UTC", "America/New_York", "Europe/Berlin"]),
        }
    if kind == "cron":
        return {
            "cron": f"{rng.randrange(60)} {rng.randrange(24)} * * {rng.choice(['*', '1-5'])}",
            "timezone": rng.choice(["UTC", "America/Chicago"]),
            "day_or": True,
        }
    return {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=0", "timezone": "UTC"}


def _openapi_schema(rng: random.Random) -> dict[str, Any]:
    props = {}
    for i in range(rng.randint(2, 6)):
        kind = rng.choice(("string", "integer", "number", "boolean"))
        props[f"param_{i}"] = {"title": f"param_{i}", "type": kind, "position": i}
    return {
        "title": "Parameters",
        "type": "object",
        "properties": props,
        "required": sorted(props)[:1],
        "definitions": {},
    }


def _deployment(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    created = _when(rng)
    dep_id = _uuid4(rng)
    user_id, user_name = rng.choice(pools.users)
    flow_name = rng.choice(("etl", "train", "report", "sync"))
    schedules = []
    for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
        schedules.append(
            {
                "id": _uuid4(rng),
                "created": _iso(created),
                "updated": _iso(created),
                "deployment_id": dep_id,
                "schedule": _schedule(rng),
                "active": rng.random() < 0.9,
                "max_scheduled_runs": rng.choice([None, None, 10]),
                "parameters": {"limit": rng.randrange(100)} if rng.random() < 0.3 else {},
                "slug": f"schedule-{rng.randrange(100)}" if rng.random() < 0.4 else None,
            }
        )
    return {
        "id": dep_id,
        "created": _iso(created),
        "updated": _iso(created + datetime.timedelta(hours=rng.randrange(100))),
        "name": f"{flow_name}-{rng.choice(['prod', 'staging', 'dev'])}-{rng.randrange(100)}",
        "version": f"{rng.getrandbits(32):08x}",
        "version_id": _uuid4(rng) if rng.random() < 0.3 else None,
        "version_info": {"type": "vcs:git", "version": f"{rng.getrandbits(40):010x}", "branch": "main"}
        if rng.random() < 0.3
        else None,
        "description": _sentence(rng, 5, 15) if rng.random() < 0.5 else None,
        "flow_id": rng.choice(pools.flows),
        "paused": rng.random() < 0.1,
        "concurrency_limit": rng.choice([None, None, 1, 5]),
        "schedules": schedules,
        "job_variables": {"image": "prefecthq/prefect:3-python3.11", "cpu": rng.choice([1, 2, 4])},
        "parameters": _parameters(rng),
        "pull_steps": [
            {
                "prefect.deployments.steps.git_clone": {
                    "repository": f"https://github.com/example/{flow_name}.git",
                    "branch": "main",
                }
            }
        ],
        "tags": rng.sample(_TAGS, rng.randint(0, 4)),
        "labels": {"prefect.flow.id": rng.choice(pools.flows)},
        "work_queue_name": "default",
        "last_polled": _iso(_when(rng)) if rng.random() < 0.7 else None,
        "parameter_openapi_schema": _openapi_schema(rng),
        "path": "/opt/prefect/flows",
        "entrypoint": f"flows/{flow_name}.py:{flow_name}_flow",
        "storage_document_id": None,
        "infrastructure_document_id": None,
        "created_by": {"id": user_id, "type": "USER", "display_value": user_name},
        "updated_by": {"id": user_id, "type": "USER", "display_value": user_name} if rng.random() < 0.5 else None,
        "work_queue_id": rng.choice(pools.work_queues),
        "enforce_parameter_schema": rng.random() < 0.8,
    }


def _log(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    at = _when(rng)
    return {
        "id": _uuid7(rng, at),
        "created": _iso(at),
        "updated": _iso(at),
        "name": rng.choice(_LOGGERS),
        "level": rng.choice((10, 20, 20, 20, 30, 40)),
        "message": _sentence(rng, 4, 30),
        "timestamp": _iso(at),
        "flow_run_id": _uuid7(rng, at),
        "task_run_id": _uuid7(rng, at) if rng.random() < 0.6 else None,
    }


def _standalone_state(rng: random.Random, pools: _Pools) -> dict[str, Any]:
    return _state(rng, flow_run_id=_uuid7(rng, _when(rng)))


_MAKERS = {
    "FlowRun": _flow_run,
    "TaskRun": _task_run,
    "Deployment": _deployment,
    "Log": _log,
    "State": _standalone_state,
}


def reference_class(model: str) -> Any:
    """The prefect==3.9.1 pydantic class a corpus is validated with (imports prefect)."""
    from prefect.client.schemas import objects

    return getattr(objects, model)


def raw_objects(model: str, n: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """``n`` raw payloads for ``model``, before the reference normalizes them."""
    rng = random.Random(seed * 1_000_003 + zlib.crc32(model.encode()))
    pools = _Pools(rng)
    make = _MAKERS[model]
    return [make(rng, pools) for _ in range(n)]


def generate(model: str, n: int, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """``n`` wire-format payloads: raw objects validated and dumped by the reference."""
    cls = reference_class(model)
    return [cls.model_validate(raw).model_dump(mode="json") for raw in raw_objects(model, n, seed)]


def cache_path(model: str, n: int, seed: int = DEFAULT_SEED) -> Path:
    """Where the corpus for ``model``/``n``/``seed`` is cached (a JSON list)."""
    return CACHE_DIR / f"{model}-s{seed}-g{GENERATOR_VERSION}-n{n}.json"


def corpus_file(model: str, n: int, seed: int = DEFAULT_SEED) -> Path:
    """The cached corpus file for ``model``, generating (or slicing a larger one) if needed."""
    path = cache_path(model, n, seed)
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    larger = sorted(
        (p for p in CACHE_DIR.glob(f"{model}-s{seed}-g{GENERATOR_VERSION}-n*.json") if _size_of(p) > n),
        key=_size_of,
    )
    items = json.loads(larger[0].read_bytes())[:n] if larger else generate(model, n, seed)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(dumps(items))
    tmp.replace(path)
    return path


def _size_of(path: Path) -> int:
    return int(path.stem.rsplit("-n", 1)[1])


def dumps(items: list[Any]) -> bytes:
    """The corpus as one compact JSON array, the way an API list response arrives."""
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode()


def to_jsonl(items: list[Any]) -> bytes:
    """The corpus as JSON Lines: one compact object per line."""
    return b"".join(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for item in items)


def load(model: str, n: int, seed: int = DEFAULT_SEED) -> bytes:
    """The corpus bytes (a JSON array), from the cache or freshly generated."""
    return corpus_file(model, n, seed).read_bytes()
