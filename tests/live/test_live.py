"""lightschema against a real Prefect 3.9.1 server (run with ``LIGHTSCHEMA_LIVE=1``).

Reads the raw JSON of every read/filter endpoint whose items lightschema models and
checks each item against the reference; then writes through the API with
lightschema-dumped data where the server accepts the same shape, and reads it back.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prefect", reason="needs the oracle, prefect==3.9.1 (the live tier runs its server)")

import httpx
from live_endpoints import LABELS, collect, conformance_problems

from lightschema.exceptions import PathNotAllowed
from lightschema.objects import (
    Artifact,
    DeploymentSchedule,
    FlowRun,
    Log,
    SavedSearch,
    SavedSearchFilter,
    ServerDefaultResultStorage,
    ServerDefaultResultStorageUpdate,
    State,
    StateType,
    TaskRun,
    Variable,
)
from lightschema.schedules import CronSchedule, IntervalSchedule, RRuleSchedule

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("LIGHTSCHEMA_LIVE") != "1", reason="set LIGHTSCHEMA_LIVE=1 to run"),
]

STATE_CREATE_FIELDS = {"type", "name", "message", "data", "state_details"}


@pytest.fixture(scope="module")
def payloads(api: httpx.Client, summary: dict[str, Any]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Every endpoint's raw items, read once before any test writes."""
    return collect(api, summary)


def test_every_endpoint_was_read(payloads: dict[str, tuple[str, list[dict[str, Any]]]]) -> None:
    assert sorted(payloads) == sorted(LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_endpoint_items_conform(payloads: dict[str, tuple[str, list[dict[str, Any]]]], label: str) -> None:
    model, items = payloads[label]
    assert items, f"{label} returned nothing; populate.py should have made some"
    problems = [problem for item in items for problem in conformance_problems(model, item)]
    assert problems == []


def test_population_covers_the_interesting_shapes(payloads: dict[str, tuple[str, list[dict[str, Any]]]]) -> None:
    """The server really holds the variety the checks are meant to see."""
    states = payloads["flow_run_states/"][1] + payloads["task_run_states/"][1]
    assert {(s["type"], s["name"]) for s in states} >= {
        ("COMPLETED", "Completed"),
        ("COMPLETED", "Cached"),
        ("FAILED", "Failed"),
        ("SCHEDULED", "AwaitingRetry"),
        ("RUNNING", "Retrying"),
        ("SCHEDULED", "Scheduled"),
        ("PENDING", "Pending"),
        ("RUNNING", "Running"),
    }
    serializers = {s["data"]["serializer"]["type"] for s in states if isinstance(s.get("data"), dict)}
    assert serializers == {"json", "pickle"}
    flow_runs = payloads["flow_runs/filter"][1]
    labels = [run["labels"] for run in flow_runs if run["name"] == "parent-3"]
    assert [{k: v for k, v in label.items() if not k.startswith("prefect.")} for label in labels] == [
        {"team": "data", "priority": 3, "weight": 0.75, "urgent": True}
    ]
    assert any(run["parent_task_run_id"] for run in flow_runs)
    task_input_kinds = {
        (key == "__parents__", ref["input_type"])
        for run in payloads["task_runs/filter"][1]
        for key, refs in run["task_inputs"].items()
        for ref in refs
    }
    assert task_input_kinds == {(False, "task_run"), (False, "flow_run"), (True, "task_run")}
    schedule_kinds = {label.split()[-1] for label in payloads if label.startswith("deployments/{id}/schedules ")}
    assert schedule_kinds == {"IntervalSchedule", "CronSchedule", "RRuleSchedule"}
    artifact_types = {artifact["type"] for artifact in payloads["artifacts/filter"][1]}
    assert artifact_types == {None, "markdown", "table", "progress"}  # links are written as markdown
    assert {limit["tag"] for limit in payloads["concurrency_limits/filter"][1]} == {"db", "unused-tag"}
    queues = payloads["work_pools/{name}/queues/filter"][1]
    assert sorted((queue["name"], queue["is_paused"]) for queue in queues) == [
        ("default", False),
        ("default", False),
        ("high", False),
        ("low", True),
    ]


def test_json_result_reads_back_through_lightschema(summary: dict[str, Any], api: httpx.Client, storage: Path) -> None:
    """The subflow's persisted JSON result is read from local storage by lightschema's State;
    its key is absolute, so only where the reader is told the storage is (or allows it)."""
    runs = FlowRun.model_validate_list(
        api.post("/flow_runs/filter", json={"flow_runs": {"name": {"any_": ["parent-3"]}}}).json()
    )
    assert [run.name for run in runs] == ["parent-3"]
    children = FlowRun.model_validate_list(
        api.post(
            "/flow_runs/filter",
            json={"flow_runs": {"parent_flow_run_id": {"operator": "and_", "any_": [str(runs[0].id)]}}},
        ).json()
    )
    states = [child.state for child in children if child.state]
    assert [state.result(local_storage_path=storage) for state in states] == ["abab"]
    assert [state.result(allow_outside_storage=True) for state in states] == ["abab"]
    with pytest.raises(PathNotAllowed, match="allow_outside_storage=True"):
        states[0].result(local_storage_path=storage / "elsewhere")


def test_pickled_failure_reads_back_only_when_allowed(
    summary: dict[str, Any], api: httpx.Client, storage: Path
) -> None:
    run = FlowRun.model_validate(api.get(f"/flow_runs/{summary['failed_flow_run_id']}").json())
    assert run.state is not None and run.state.type == StateType.FAILED
    error = run.state.result(raise_on_failure=False, allow_pickle=True, local_storage_path=storage)
    assert (type(error), str(error)) == (RuntimeError, "it broke")


def _set_state(api: httpx.Client, kind: str, run_id: str, state: State[Any]) -> dict[str, Any]:
    body = {"state": state.model_dump(mode="json", include=STATE_CREATE_FIELDS), "force": True}
    response = api.post(f"/{kind}/{run_id}/set_state", json=body)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "SCHEDULED", "name": "Rescheduled", "state_details": {"scheduled_time": "2099-01-02T03:04:05Z"}},
        {
            "type": "PAUSED",
            "message": "waiting",
            "state_details": {"pause_timeout": "2099-01-01T00:00:00Z", "pause_key": "k1", "pause_reschedule": True},
        },
        {"type": "CANCELLED", "message": "cancelled by lightschema"},
    ],
    ids=["scheduled", "paused", "cancelled"],
)
def test_set_flow_run_state_from_lightschema(
    api: httpx.Client, summary: dict[str, Any], payload: dict[str, Any]
) -> None:
    run_id = summary["scheduled_flow_run_id"]
    state: State[Any] = State.model_validate(payload)
    result = _set_state(api, "flow_runs", run_id, state)
    assert result["status"] == "ACCEPT"
    assert conformance_problems("State", result["state"]) == []
    run = FlowRun.model_validate(api.get(f"/flow_runs/{run_id}").json())
    assert run.state is not None
    sent = state.model_dump(mode="json", include={"type", "name", "message", "state_details"})
    got = run.state.model_dump(mode="json", include={"type", "name", "message", "state_details"})
    for key in ("flow_run_id", "transition_id"):
        got["state_details"][key] = sent["state_details"][key]
    assert got == sent
    assert str(run.state.id) == result["state"]["id"]


def test_set_task_run_state_with_result_metadata(api: httpx.Client, summary: dict[str, Any], storage: Path) -> None:
    """A Completed state carrying lightschema-dumped result metadata replaces a Failed one."""
    runs = TaskRun.model_validate_list(api.post("/task_runs/filter").json())
    donor = next(run for run in runs if run.state and run.state.name == "Cached")
    failed = next(run for run in runs if run.state_type == StateType.FAILED)
    assert donor.state is not None
    state: State[Any] = State.model_validate(
        {"type": "COMPLETED", "message": "fixed", "data": donor.state.model_dump(mode="json")["data"]}
    )
    result = _set_state(api, "task_runs", str(failed.id), state)
    assert result["status"] == "ACCEPT"
    back = TaskRun.model_validate(api.get(f"/task_runs/{failed.id}").json())
    assert back.state is not None
    assert (back.state.type, back.state.message) == (StateType.COMPLETED, "fixed")
    assert back.state.model_dump(mode="json")["data"] == donor.state.model_dump(mode="json")["data"]
    assert back.state.result(local_storage_path=storage) == donor.state.result(local_storage_path=storage)


def test_saved_search_from_lightschema_filters(api: httpx.Client) -> None:
    filters = [
        SavedSearchFilter.model_validate(
            {"object": "task_run", "property": "tags", "type": "list", "operation": "any", "value": ["db", 2, None]}
        ),
        SavedSearchFilter.model_validate(
            {
                "object": "flow_run",
                "property": "start_time",
                "type": "date",
                "operation": "after",
                "value": {"when": "2024-01-01T00:00:00Z"},
            }
        ),
    ]
    body = {"name": "from lightschema", "filters": [f.model_dump(mode="json") for f in filters]}
    created = api.put("/saved_searches/", json=body)
    assert created.status_code in (200, 201), created.text
    saved = SavedSearch.model_validate(api.get(f"/saved_searches/{created.json()['id']}").json())
    assert (saved.name, saved.filters) == ("from lightschema", filters)


def test_variable_update_from_lightschema(api: httpx.Client) -> None:
    current = Variable.model_validate(api.get("/variables/name/config").json())
    changed = current.model_copy(update={"value": {"list": [1, 2.5, "x", None, {"deep": True}]}, "tags": ["new"]})
    response = api.patch("/variables/name/config", json=changed.model_dump(mode="json", include={"value", "tags"}))
    assert response.status_code == 204, response.text
    back = Variable.model_validate(api.get("/variables/name/config").json())
    assert back.model_dump(mode="json", exclude={"updated"}) == changed.model_dump(mode="json", exclude={"updated"})


def test_logs_written_from_lightschema(api: httpx.Client, summary: dict[str, Any]) -> None:
    marker = f"lightschema-{uuid.uuid4()}"
    log = Log.model_validate(
        {
            "name": "lightschema.test",
            "level": 30,
            "message": marker,
            "timestamp": "2024-05-06T07:08:09.123456Z",
            "flow_run_id": summary["parent_flow_run_id"],
        }
    )
    fields = {"name", "level", "message", "timestamp", "flow_run_id", "task_run_id"}
    response = api.post("/logs/", json=[log.model_dump(mode="json", include=fields)])
    assert response.status_code == 201, response.text
    found = [
        item
        for item in api.post(
            "/logs/filter", json={"logs": {"flow_run_id": {"any_": [summary["parent_flow_run_id"]]}}, "limit": 200}
        ).json()
        if item["message"] == marker
    ]
    assert [Log.model_validate(item).model_dump(mode="json", include=fields) for item in found] == [
        log.model_dump(mode="json", include=fields)
    ]


def test_artifact_created_from_lightschema(api: httpx.Client, summary: dict[str, Any]) -> None:
    artifact = Artifact.model_validate(
        {
            "key": "from-lightschema",
            "type": "markdown",
            "description": "made by a test",
            "data": "# hi",
            "metadata_": {"source": "lightschema"},
            "flow_run_id": summary["parent_flow_run_id"],
        }
    )
    fields = {"key", "type", "description", "data", "metadata_", "flow_run_id", "task_run_id"}
    response = api.post("/artifacts/", json=artifact.model_dump(mode="json", include=fields))
    assert response.status_code == 201, response.text
    assert conformance_problems("Artifact", response.json()) == []
    back = Artifact.model_validate(api.get(f"/artifacts/{response.json()['id']}").json())
    assert back.model_dump(mode="json", include=fields) == artifact.model_dump(mode="json", include=fields)


def test_deployment_schedules_from_lightschema(api: httpx.Client, summary: dict[str, Any]) -> None:
    deployment_id = summary["deployment_ids"][1]
    schedules = {
        "ls-interval": IntervalSchedule.model_validate(
            {"interval": 5400, "anchor_date": "2024-03-04T05:06:07Z", "timezone": "Asia/Tokyo"}
        ),
        "ls-cron": CronSchedule.model_validate({"cron": "*/15 8-18 * * mon-fri", "timezone": "UTC", "day_or": True}),
        "ls-rrule": RRuleSchedule.model_validate(
            {"rrule": "DTSTART:20240301T080000\nRRULE:FREQ=DAILY;COUNT=5", "timezone": "America/Chicago"}
        ),
    }
    body = [
        {"schedule": schedule.model_dump(mode="json"), "active": False, "slug": slug, "parameters": {"size": 3}}
        for slug, schedule in schedules.items()
    ]
    response = api.post(f"/deployments/{deployment_id}/schedules", json=body)
    assert response.status_code == 201, response.text
    back = {
        item.slug: item
        for item in DeploymentSchedule.model_validate_list(api.get(f"/deployments/{deployment_id}/schedules").json())
    }
    assert {slug: back[slug].schedule for slug in schedules} == schedules
    assert {(back[slug].active, json.dumps(back[slug].parameters)) for slug in schedules} == {(False, '{"size": 3}')}


def test_default_result_storage_from_lightschema(api: httpx.Client, summary: dict[str, Any]) -> None:
    update = ServerDefaultResultStorageUpdate.model_validate(
        {"default_result_storage_block_id": summary["blocks"]["files"]}
    )
    response = api.put("/admin/storage", json=update.model_dump(mode="json"))
    assert response.status_code == 200, response.text
    back = ServerDefaultResultStorage.model_validate(api.get("/admin/storage").json())
    assert back.model_dump(mode="json") == update.model_dump(mode="json")
    assert api.delete("/admin/storage").status_code == 204
