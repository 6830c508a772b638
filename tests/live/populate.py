"""Fill a Prefect 3.9.1 server the way users do, so the live tier reads real payloads.

Run as a subprocess with ``PREFECT_API_URL`` pointing at the test server; it runs real
flows and tasks (successes, failures, retries, a subflow, cached tasks, persisted
results), creates deployments with interval, cron and rrule schedules, a process work
pool with queues and a worker heartbeat, blocks, artifacts, variables, logs, tag and
global concurrency limits, flow run inputs and a saved search.  It writes a JSON summary
of the ids it made to the path given as its only argument.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import uuid
from typing import Any

import httpx
from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.blocks.core import Block
from prefect.blocks.notifications import SlackWebhook
from prefect.blocks.system import Secret
from prefect.cache_policies import INPUTS
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import (
    DeploymentScheduleCreate,
    GlobalConcurrencyLimitCreate,
    WorkPoolCreate,
)
from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions, WorkerMetadata
from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule, RRuleSchedule
from prefect.concurrency.sync import concurrency
from prefect.filesystems import LocalFileSystem
from prefect.states import Completed
from prefect.utilities.callables import parameter_schema
from prefect.variables import Variable
from prefect.workers.process import ProcessWorker
from pydantic import Field

API = os.environ["PREFECT_API_URL"]
ATTEMPTS: dict[str, int] = {}


class Inner(Block):
    """A small custom block, referenced by ``Outer`` so documents carry references."""

    _block_type_slug = "lightschema-inner"
    size: int
    label: str | None = None


class Outer(Block):
    """A custom block holding another block, for block document references."""

    _block_type_slug = "lightschema-outer"
    inner: Inner
    extras: dict[str, Any] = Field(default_factory=dict)


@task(tags=["db"], log_prints=True)
def add(x: int, y: int) -> int:
    """Succeeds and takes a slot of the ``db`` tag limit."""
    print(f"adding {x} and {y}")
    return x + y


@task(cache_policy=INPUTS, cache_expiration=dt.timedelta(hours=1), persist_result=True, result_serializer="json")
def cached_square(x: int) -> int:
    """Second call with the same input ends Cached."""
    return x * x


@task(retries=2, retry_delay_seconds=0)
def flaky(key: str) -> str:
    """Fails on its first attempt, succeeds on the retry."""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] == 1:
        raise RuntimeError(f"transient failure for {key}")
    return f"{key} ok after {ATTEMPTS[key]} attempts"


@task
def always_fails(reason: str) -> None:
    """Ends Failed; its state data is persisted exception metadata."""
    raise ValueError(reason)


@task(persist_result=True, result_serializer="json")
def with_limits(n: int) -> dict[str, Any]:
    """Occupies the global limit and writes a table and a progress artifact."""
    add(n, 1)  # a nested task run: its inputs list this one under __parents__
    with concurrency("api-calls", occupy=1):
        create_table_artifact(
            key="scores",
            table=[{"name": "a", "score": n}, {"name": "b", "score": n + 0.5}],
            description="A table of scores",
        )
    progress = create_progress_artifact(progress=10.0, key="progress", description="Work done")
    assert isinstance(progress, uuid.UUID)
    update_progress_artifact(progress, progress=100.0)
    return {"n": n, "nested": {"list": [1, 2.5, "three", None, True]}}


@task
def shout(text: str) -> str:
    """Takes a subflow's result, so its task inputs hold a flow run reference."""
    return text.upper()


@flow(log_prints=True, persist_result=True, result_serializer="json")
def child(depth: int, note: str = "hello") -> str:
    """A subflow with its own logs and a markdown artifact."""
    get_run_logger().warning("child at depth %s", depth)
    create_markdown_artifact(markdown=f"# Child {depth}\n\n{note}", key="child-report")
    return note * depth


@flow(log_prints=True, persist_result=True, flow_run_name="parent-{count}")
def parent(
    count: int,
    ratio: float = 0.5,
    name: str = "lightschema",
    enabled: bool = True,
    nothing: None = None,
    items: list[Any] | None = None,
    mapping: dict[str, Any] | None = None,
    when: dt.datetime | None = None,
) -> dict[str, Any]:
    """Runs every kind of task outcome, a subflow and some artifacts."""
    logger = get_run_logger()
    logger.info("parent started with %d items", len(items or []))
    total = add.submit(count, 2)
    chained = add.submit(total, count, wait_for=[total], return_state=False)
    mapped = add.map([1, 2, 3], 10)
    first = cached_square(count)
    second = cached_square(count)
    retried = flaky(f"flaky-{count}")
    failed = always_fails(f"bad input {count}", return_state=True)
    limited = with_limits(count)
    sub = child(2, note=name)
    loud = shout(sub)
    create_link_artifact(link="https://example.com/report", link_text="report", key="link")
    logger.error("a failed task: %s", failed.message)
    return {
        "total": total.result(),
        "chained": chained.result(),
        "mapped": [m.result() for m in mapped],
        "cached": [first, second],
        "retried": retried,
        "limited": limited,
        "sub": sub,
        "loud": loud,
    }


@flow(retries=1, retry_delay_seconds=0)
def failing(message: str) -> None:
    """A flow that fails even after its retry."""
    print(message)
    raise RuntimeError(message)


@flow
def deployed(region: str = "eu", size: int = 1, options: dict[str, Any] | None = None) -> str:
    """A flow only created as deployments; its runs stay scheduled."""
    return f"{region}-{size}"


def make_blocks() -> dict[str, str]:
    """Saves system and custom blocks, one of which references another."""
    ids: dict[str, str] = {}
    ids["secret"] = str(Secret.model_validate({"value": "s3cr3t"}).save("api-key", overwrite=True))
    ids["json"] = str(
        Secret.model_validate({"value": {"a": [1, 2, {"b": None}], "ok": True}}).save("settings", overwrite=True)
    )
    ids["files"] = str(LocalFileSystem(basepath="/tmp/lightschema").save("scratch", overwrite=True))
    ids["slack"] = str(
        SlackWebhook.model_validate({"url": "https://hooks.slack.com/services/x/y/z"}).save("alerts", overwrite=True)
    )
    inner = Inner(size=3, label="small")
    ids["inner"] = str(inner.save("inner-one", overwrite=True))
    ids["outer"] = str(Outer(inner=inner, extras={"k": 1.5}).save("outer-one", overwrite=True))
    return ids


def main(out_path: str) -> None:
    """Populates the server and writes the summary."""
    summary: dict[str, Any] = {}
    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag="db", concurrency_limit=5)
        client.create_concurrency_limit(tag="unused-tag", concurrency_limit=1)
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name="api-calls", limit=4, slot_decay_per_second=0.5)
        )
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name="inactive", limit=0, active=False))

        template = ProcessWorker.get_default_base_job_template()
        client.create_work_pool(
            WorkPoolCreate(
                name="local-process",
                type="process",
                description="A process pool",
                base_job_template=template,
                concurrency_limit=10,
            )
        )
        client.create_work_pool(WorkPoolCreate(name="paused-pool", type="process", is_paused=True))
        client.create_work_queue("high", priority=1, concurrency_limit=3, work_pool_name="local-process")
        client.create_work_queue(
            "low", priority=5, is_paused=True, description="slow lane", work_pool_name="local-process"
        )
        client.send_worker_heartbeat(
            "local-process",
            "worker-1",
            heartbeat_interval_seconds=30,
            worker_metadata=WorkerMetadata.model_validate({"integrations": [], "machine": {"cpus": 2}}),
        )
        client.send_worker_heartbeat("local-process", "worker-2", heartbeat_interval_seconds=15)

        summary["blocks"] = make_blocks()

        Variable.set("plain", "text", tags=["a"], overwrite=True)
        Variable.set("count", 42, overwrite=True)
        Variable.set("ratio", 0.25, overwrite=True)
        Variable.set("flag", False, overwrite=True)
        Variable.set("config", {"nested": {"list": [1, "two", None]}}, tags=["cfg", "json"], overwrite=True)
        Variable.set("items", [1, 2, 3], overwrite=True)

        with tags("live", "lightschema"):
            parent_state = parent(
                3,
                ratio=1.25,
                name="ab",
                items=[1, "x", None, 2.5, {"k": [True]}],
                mapping={"a": 1, "b": {"c": [1, 2]}},
                when=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc),
                return_state=True,
            )
        parent(1, return_state=True)
        failed_state = failing("it broke", return_state=True)
        parent_id = parent_state.state_details.flow_run_id
        assert parent_id is not None
        summary["parent_flow_run_id"] = str(parent_id)
        summary["failed_flow_run_id"] = str(failed_state.state_details.flow_run_id)

        client.update_flow_run_labels(parent_id, {"team": "data", "priority": 3, "weight": 0.75, "urgent": True})
        client.create_flow_run_input(parent_id, "approval", json.dumps({"approved": True, "by": "me"}))
        client.create_flow_run_input(parent_id, "approval-2", json.dumps([1, 2, 3]), sender="someone")
        client.create_flow_run_input(parent_id, "note", json.dumps("plain text"))

        flow_id = client.create_flow(deployed)
        schema = parameter_schema(deployed).model_dump_for_openapi()
        anchor = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        schedules = [
            DeploymentScheduleCreate(
                schedule=IntervalSchedule(interval=dt.timedelta(hours=6), anchor_date=anchor, timezone="UTC"),
                max_scheduled_runs=3,
                parameters={"region": "us"},
                slug="every-six-hours",
            ),
            DeploymentScheduleCreate(
                schedule=CronSchedule(cron="0 9 * * 1-5", timezone="America/New_York", day_or=False),
                active=False,
            ),
            DeploymentScheduleCreate(
                schedule=RRuleSchedule(
                    rrule="DTSTART:20240101T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9",
                    timezone="Europe/Berlin",
                )
            ),
        ]
        dep_ids = [
            client.create_deployment(
                flow_id,
                "scheduled",
                version="1.0",
                schedules=schedules,
                parameters={"size": 2, "options": {"fast": True, "retries": [1, 2]}},
                description="Deployment with three schedules",
                work_pool_name="local-process",
                work_queue_name="high",
                tags=["prod", "nightly"],
                path=".",
                entrypoint="populate.py:deployed",
                parameter_openapi_schema=schema,
                pull_steps=[{"prefect.deployments.steps.set_working_directory": {"directory": "/tmp"}}],
                enforce_parameter_schema=True,
                job_variables={"env": {"A": "1"}, "command": None},
            ),
            client.create_deployment(
                flow_id,
                "limited",
                schedules=[],
                concurrency_limit=2,
                concurrency_options=ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
                work_pool_name="local-process",
                paused=True,
            ),
        ]
        summary["deployment_ids"] = [str(d) for d in dep_ids]
        _send(
            "POST",
            f"{API}/deployments/{dep_ids[0]}/schedule",
            json={"min_runs": 2, "max_runs": 4, "end_time": "2100-01-01T00:00:00Z"},
        )
        scheduled = client.create_flow_run_from_deployment(
            dep_ids[0], parameters={"region": "ap", "size": 7}, tags=["manual"], job_variables={"x": 1}
        )
        summary["scheduled_flow_run_id"] = str(scheduled.id)
        client.create_flow_run_from_deployment(dep_ids[1], state=Completed(message="done elsewhere"))

        _send(
            "PUT",
            f"{API}/saved_searches/",
            json={
                "name": "failed prod runs",
                "filters": [
                    {
                        "object": "flow_run",
                        "property": "state",
                        "type": "string",
                        "operation": "equals",
                        "value": "FAILED",
                    },
                    {
                        "object": "flow_run",
                        "property": "tags",
                        "type": "list",
                        "operation": "contains",
                        "value": ["prod", 1],
                    },
                ],
            },
        )

    with open(out_path, "w") as handle:
        json.dump(summary, handle, indent=2)


def _send(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """A raw API call, retried while the server answers 503 (busy), as Prefect's own client does."""
    for attempt in range(6):
        response = httpx.request(method, url, timeout=30, **kwargs)
        if response.status_code != 503 or attempt == 5:
            return response.raise_for_status()
        time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: populate.py SUMMARY_JSON")
    main(sys.argv[1])
