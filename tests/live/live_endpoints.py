"""The read endpoints of a Prefect 3.9.1 server whose items lightschema models, and the checks.

Shared by ``test_live.py`` (against a running server) and ``record.py`` (which saves a
trimmed corpus for the offline suite).  ``collect`` reads raw JSON exactly as the server
sends it; ``conformance_problems`` compares lightschema with the reference on one item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx
import prefect.client.schemas.objects as ref_objects
import prefect.client.schemas.schedules as ref_schedules

import lightschema.objects as light_objects
import lightschema.schedules as light_schedules

Item = dict[str, Any]
SCHEDULE_CLASSES = ("IntervalSchedule", "CronSchedule", "RRuleSchedule", "NoSchedule")


def classes(model: str) -> tuple[Any, Any]:
    """The lightschema class and the reference class of that name."""
    if model in SCHEDULE_CLASSES:
        return getattr(light_schedules, model), getattr(ref_schedules, model)
    return getattr(light_objects, model), getattr(ref_objects, model)


def schedule_class(schedule: Item) -> str:
    """Which schedule class a raw schedule dict is, by its distinguishing key."""
    for key, name in (("interval", "IntervalSchedule"), ("cron", "CronSchedule"), ("rrule", "RRuleSchedule")):
        if key in schedule:
            return name
    return "NoSchedule"


def conformance_problems(model: str, item: Item) -> list[str]:
    """Everything that differs between lightschema and the reference on one raw item.

    Checks that lightschema structures the item, that its JSON dump (and its JSON text)
    equals the reference's dump of the same item, and that the reference accepts
    lightschema's dump and dumps it back identically.
    """
    light_cls, ref_cls = classes(model)
    expected = ref_cls.model_validate(item).model_dump(mode="json")
    try:
        ours = light_cls.model_validate(item)
    except (ValueError, TypeError) as exc:  # report, don't stop: every item gets checked
        return [f"{model}: lightschema rejects a real payload: {exc}"]
    problems: list[str] = []
    dumped = ours.model_dump(mode="json")
    if dumped != expected:
        diff = {
            key: (dumped.get(key, "<missing>"), expected.get(key, "<missing>"))
            for key in sorted(set(dumped) | set(expected))
            if dumped.get(key, "<missing>") != expected.get(key, "<missing>")
        }
        problems.append(f"{model}: dump differs (ours, reference): {diff!r}")
    if json.loads(ours.model_dump_json()) != expected:
        problems.append(f"{model}: model_dump_json differs from the reference dump")
    try:
        again = ref_cls.model_validate(dumped).model_dump(mode="json")
    except ValueError as exc:  # pydantic.ValidationError
        problems.append(f"{model}: reference rejects lightschema's dump: {exc}")
    else:
        if again != expected:
            problems.append(f"{model}: reference reads lightschema's dump back differently")
    return problems


def _post(client: httpx.Client, path: str, body: Item | None = None) -> list[Item]:
    response = client.post(path, json=body or {})
    response.raise_for_status()
    items: list[Item] = response.json()
    return items


def _get(client: httpx.Client, path: str, params: dict[str, str] | None = None) -> Any:
    response = client.get(path, params=params)
    response.raise_for_status()
    return response.json()


def _nested(items: Iterable[Item], key: str) -> list[Item]:
    return [item[key] for item in items if isinstance(item.get(key), dict)]


def collect(client: httpx.Client, summary: Item) -> dict[str, tuple[str, list[Item]]]:
    """Reads every endpoint; maps an endpoint label to (model name, raw items)."""
    out: dict[str, tuple[str, list[Item]]] = {}

    def put(label: str, model: str, items: list[Item]) -> None:
        out[label] = (model, items)

    flow_runs = _post(client, "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_ASC"})
    task_runs = _post(client, "/task_runs/filter", {"sort": "EXPECTED_START_TIME_ASC"})
    put("flows/filter", "Flow", _post(client, "/flows/filter"))
    put("flow_runs/filter", "FlowRun", flow_runs)
    put("task_runs/filter", "TaskRun", task_runs)
    put("flow_runs/{id}", "FlowRun", [_get(client, f"/flow_runs/{summary['parent_flow_run_id']}")])
    put("flow_runs/filter state", "State", _nested(flow_runs, "state"))
    put("flow_runs/filter empirical_policy", "FlowRunPolicy", _nested(flow_runs, "empirical_policy"))
    put("task_runs/filter empirical_policy", "TaskRunPolicy", _nested(task_runs, "empirical_policy"))
    put("task_runs/filter state_details", "StateDetails", _nested(_nested(task_runs, "state"), "state_details"))
    states: list[Item] = []
    for run in flow_runs:
        states += _get(client, "/flow_run_states/", {"flow_run_id": run["id"]})
    put("flow_run_states/", "State", states)
    states = []
    for run in task_runs:
        states += _get(client, "/task_run_states/", {"task_run_id": run["id"]})
    put("task_run_states/", "State", states)
    inputs: list[Item] = []
    for prefix in ("approval", "note"):
        inputs += _post(
            client, f"/flow_runs/{summary['parent_flow_run_id']}/input/filter", {"prefix": prefix, "limit": 10}
        )
    put("flow_runs/{id}/input/filter", "FlowRunInput", inputs)

    deployments = _post(client, "/deployments/filter")
    put("deployments/filter", "Deployment", deployments)
    schedules: list[Item] = []
    for deployment in deployments:
        schedules += _get(client, f"/deployments/{deployment['id']}/schedules")
    put("deployments/{id}/schedules", "DeploymentSchedule", schedules)
    for raw in _nested(schedules, "schedule"):
        label = f"deployments/{{id}}/schedules {schedule_class(raw)}"
        put(label, schedule_class(raw), [*out.get(label, ("", []))[1], raw])

    put("logs/filter", "Log", _post(client, "/logs/filter", {"limit": 200}))
    put("artifacts/filter", "Artifact", _post(client, "/artifacts/filter"))
    put("artifacts/latest/filter", "ArtifactCollection", _post(client, "/artifacts/latest/filter"))
    put("variables/filter", "Variable", _post(client, "/variables/filter"))
    put("saved_searches/filter", "SavedSearch", _post(client, "/saved_searches/filter"))
    put("admin/storage", "ServerDefaultResultStorage", [_get(client, "/admin/storage")])

    pools = _post(client, "/work_pools/filter")
    put("work_pools/filter", "WorkPool", pools)
    put(
        "work_pools/filter storage_configuration",
        "WorkPoolStorageConfiguration",
        _nested(pools, "storage_configuration"),
    )
    queues: list[Item] = []
    workers: list[Item] = []
    for pool in pools:
        queues += _post(client, f"/work_pools/{pool['name']}/queues/filter")
        workers += _post(client, f"/work_pools/{pool['name']}/workers/filter")
    put("work_pools/{name}/queues/filter", "WorkQueue", queues)
    put("work_pools/{name}/workers/filter", "Worker", workers)
    all_queues = _post(client, "/work_queues/filter")
    put("work_queues/filter", "WorkQueue", all_queues)
    put(
        "work_queues/{id}/status",
        "WorkQueueStatusDetail",
        [_get(client, f"/work_queues/{queue['id']}/status") for queue in all_queues],
    )

    put("block_types/filter", "BlockType", _post(client, "/block_types/filter"))
    put("block_schemas/filter", "BlockSchema", _post(client, "/block_schemas/filter"))
    put("block_documents/filter", "BlockDocument", _post(client, "/block_documents/filter"))
    put(
        "block_documents/filter include_secrets",
        "BlockDocument",
        _post(client, "/block_documents/filter", {"include_secrets": True}),
    )
    put("concurrency_limits/filter", "ConcurrencyLimit", _post(client, "/concurrency_limits/filter"))
    put("v2/concurrency_limits/filter", "GlobalConcurrencyLimit", _post(client, "/v2/concurrency_limits/filter"))
    return out


LABELS: tuple[str, ...] = (
    "flows/filter",
    "flow_runs/filter",
    "task_runs/filter",
    "flow_runs/{id}",
    "flow_runs/filter state",
    "flow_runs/filter empirical_policy",
    "task_runs/filter empirical_policy",
    "task_runs/filter state_details",
    "flow_run_states/",
    "task_run_states/",
    "flow_runs/{id}/input/filter",
    "deployments/filter",
    "deployments/{id}/schedules",
    "deployments/{id}/schedules IntervalSchedule",
    "deployments/{id}/schedules CronSchedule",
    "deployments/{id}/schedules RRuleSchedule",
    "logs/filter",
    "artifacts/filter",
    "artifacts/latest/filter",
    "variables/filter",
    "saved_searches/filter",
    "admin/storage",
    "work_pools/filter",
    "work_pools/filter storage_configuration",
    "work_pools/{name}/queues/filter",
    "work_pools/{name}/workers/filter",
    "work_queues/filter",
    "work_queues/{id}/status",
    "block_types/filter",
    "block_schemas/filter",
    "block_documents/filter",
    "block_documents/filter include_secrets",
    "concurrency_limits/filter",
    "v2/concurrency_limits/filter",
)
