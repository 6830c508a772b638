"""Contender: msgspec Structs of the same shapes, as a near-limit reference for Python.

The Structs mirror the reference models' fields and wire types (UUID, timezone-
aware datetimes, timedeltas as float seconds, nested structs, the tagged
``task_inputs`` union). They do less than the reference in three places that
msgspec cannot express, which favours msgspec a little: ``State.data`` is
``Any`` (no result-metadata discriminator), a deployment's ``schedule`` and
``version_info`` are plain dicts (no untagged union of structs), and there are
no Prefect-specific validators (name checks, derived defaults, label rules).
"""

from __future__ import annotations

import datetime
import enum
from typing import Any, Literal
from uuid import UUID

import msgspec

NAME = "msgspec"
IMPORT = "import benchmarks.bench_msgspec as models"
FIRST_USE = "models.msgspec.json.decode(payload, type=models.FlowRun)"


def versions() -> dict[str, str]:
    """The msgspec version."""
    return {"msgspec": msgspec.__version__}


class StateType(str, enum.Enum):
    SCHEDULED = "SCHEDULED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    CRASHED = "CRASHED"
    PAUSED = "PAUSED"
    CANCELLING = "CANCELLING"


Labels = dict[str, bool | int | float | str]


class Base(msgspec.Struct, kw_only=True):
    """Fields every object model starts with."""

    id: UUID
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


class Actor(msgspec.Struct, kw_only=True):
    id: UUID | None = None
    type: str | None = None
    display_value: str | None = None


class StateDetails(msgspec.Struct, kw_only=True):
    flow_run_id: UUID | None = None
    task_run_id: UUID | None = None
    child_flow_run_id: UUID | None = None
    scheduled_time: datetime.datetime | None = None
    cache_key: str | None = None
    cache_expiration: datetime.datetime | None = None
    deferred: bool | None = None
    untrackable_result: bool = False
    pause_timeout: datetime.datetime | None = None
    pause_reschedule: bool = False
    pause_key: str | None = None
    run_input_keyset: dict[str, str] | None = None
    refresh_cache: bool | None = None
    retriable: bool | None = None
    transition_id: UUID | None = None
    task_parameters_id: UUID | None = None
    traceparent: str | None = None
    deployment_concurrency_lease_id: UUID | None = None


class State(Base, kw_only=True):
    type: StateType
    name: str | None = None
    timestamp: datetime.datetime
    message: str | None = None
    state_details: StateDetails = msgspec.field(default_factory=StateDetails)
    data: Any = None


class FlowRunPolicy(msgspec.Struct, kw_only=True):
    max_retries: int = 0
    retry_delay_seconds: float = 0.0
    retries: int | None = None
    retry_delay: int | None = None
    pause_keys: set[str] | None = msgspec.field(default_factory=set)
    resuming: bool | None = False
    retry_type: Literal["in_process", "reschedule"] | None = None


class FlowRun(Base, kw_only=True):
    name: str
    flow_id: UUID
    state_id: UUID | None = None
    deployment_id: UUID | None = None
    deployment_version: str | None = None
    work_queue_name: str | None = None
    flow_version: str | None = None
    parameters: dict[str, Any] = {}
    idempotency_key: str | None = None
    context: dict[str, Any] = {}
    empirical_policy: FlowRunPolicy = msgspec.field(default_factory=FlowRunPolicy)
    tags: list[str] = []
    labels: Labels = {}
    parent_task_run_id: UUID | None = None
    run_count: int = 0
    expected_start_time: datetime.datetime | None = None
    next_scheduled_start_time: datetime.datetime | None = None
    start_time: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    total_run_time: float = 0.0
    estimated_run_time: float = 0.0
    estimated_start_time_delta: float = 0.0
    auto_scheduled: bool = False
    infrastructure_document_id: UUID | None = None
    infrastructure_pid: str | None = None
    created_by: Actor | None = None
    work_queue_id: UUID | None = None
    work_pool_id: UUID | None = None
    work_pool_name: str | None = None
    state: State | None = None
    job_variables: dict[str, Any] | None = None
    state_type: StateType | None = None
    state_name: str | None = None


class TaskRunPolicy(msgspec.Struct, kw_only=True):
    max_retries: int = 0
    retry_delay_seconds: float = 0.0
    retries: int | None = None
    retry_delay: int | float | list[int | float] | None = None
    retry_jitter_factor: float | None = None


class TaskRunResult(msgspec.Struct, kw_only=True, tag_field="input_type", tag="task_run"):
    id: UUID


class FlowRunResult(msgspec.Struct, kw_only=True, tag_field="input_type", tag="flow_run"):
    id: UUID


class Parameter(msgspec.Struct, kw_only=True, tag_field="input_type", tag="parameter"):
    name: str


class Constant(msgspec.Struct, kw_only=True, tag_field="input_type", tag="constant"):
    type: str


TaskInput = TaskRunResult | FlowRunResult | Parameter | Constant


class TaskRun(Base, kw_only=True):
    name: str
    flow_run_id: UUID | None = None
    task_key: str
    dynamic_key: str
    cache_key: str | None = None
    cache_expiration: datetime.datetime | None = None
    task_version: str | None = None
    empirical_policy: TaskRunPolicy = msgspec.field(default_factory=TaskRunPolicy)
    tags: list[str] = []
    labels: Labels = {}
    state_id: UUID | None = None
    task_inputs: dict[str, list[TaskInput]] = {}
    state_type: StateType | None = None
    state_name: str | None = None
    run_count: int = 0
    flow_run_run_count: int = 0
    expected_start_time: datetime.datetime | None = None
    next_scheduled_start_time: datetime.datetime | None = None
    start_time: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    total_run_time: float = 0.0
    estimated_run_time: float = 0.0
    estimated_start_time_delta: float = 0.0
    state: State | None = None


class DeploymentSchedule(Base, kw_only=True):
    deployment_id: UUID | None = None
    schedule: dict[str, Any]
    active: bool = True
    max_scheduled_runs: int | None = None
    parameters: dict[str, Any] = {}
    slug: str | None = None


class Deployment(Base, kw_only=True):
    name: str
    version: str | None = None
    version_id: UUID | None = None
    version_info: dict[str, Any] | None = None
    description: str | None = None
    flow_id: UUID
    paused: bool = False
    concurrency_limit: int | None = None
    schedules: list[DeploymentSchedule] = []
    job_variables: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    pull_steps: list[dict[str, Any]] | None = None
    tags: list[str] = []
    labels: Labels = {}
    work_queue_name: str | None = None
    last_polled: datetime.datetime | None = None
    parameter_openapi_schema: dict[str, Any] | None = None
    path: str | None = None
    entrypoint: str | None = None
    storage_document_id: UUID | None = None
    infrastructure_document_id: UUID | None = None
    created_by: Actor | None = None
    updated_by: Actor | None = None
    work_queue_id: UUID | None = None
    enforce_parameter_schema: bool = True


class Log(Base, kw_only=True):
    name: str
    level: int
    message: str
    timestamp: datetime.datetime
    flow_run_id: UUID | None = None
    task_run_id: UUID | None = None


MODELS: dict[str, type[msgspec.Struct]] = {
    "FlowRun": FlowRun,
    "TaskRun": TaskRun,
    "Deployment": Deployment,
    "Log": Log,
    "State": State,
}


class Codec:
    """The five measured operations for one Struct type."""

    def __init__(self, cls: type[msgspec.Struct]) -> None:
        self.cls = cls
        self._decoder = msgspec.json.Decoder(list[cls])  # type: ignore[valid-type]
        self._one = msgspec.json.Decoder(cls)
        self._encoder = msgspec.json.Encoder()

    def decode_json(self, data: bytes) -> list[Any]:
        return self._decoder.decode(data)

    def decode_jsonl(self, data: bytes) -> list[Any]:
        return self._one.decode_lines(data)

    def from_dicts(self, items: list[Any]) -> list[Any]:
        return msgspec.convert(items, list[self.cls])  # type: ignore[name-defined]

    def to_dicts(self, objs: list[Any]) -> list[Any]:
        return msgspec.to_builtins(objs)  # type: ignore[no-any-return]

    def to_json(self, objs: list[Any]) -> bytes:
        return self._encoder.encode(objs)


def load(model: str) -> Codec | None:
    """The codec for ``model``'s Struct mirror."""
    cls = MODELS.get(model)
    return None if cls is None else Codec(cls)
