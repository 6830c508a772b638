"""Where runs get picked up: work pools and their queues, workers, agents, queue health."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar
from uuid import UUID

import attrs

from lightschema import _hooks
from lightschema._base import DateTime, ExtraPolicy, ObjectBaseModel, PrefectBaseModel, model, now_utc
from lightschema._enums import WorkerStatus, WorkPoolStatus, WorkQueueStatus
from lightschema._fields import STRUCTURE, at_least, constrained, greater_than, name_check, optional
from lightschema._names import generate_slug

__all__ = [
    "Agent",
    "Integration",
    "QueueFilter",
    "ServerDefaultResultStorage",
    "ServerDefaultResultStorageUpdate",
    "WorkPool",
    "WorkPoolStorageConfiguration",
    "WorkQueue",
    "WorkQueueHealthPolicy",
    "WorkQueueStatusDetail",
    "Worker",
    "WorkerMetadata",
]

_non_negative = optional(at_least(0))


@model
class QueueFilter(PrefectBaseModel):
    """The old (deprecated) way to narrow a queue: only runs with these tags or deployments."""

    tags: list[str] | None = None
    deployment_ids: list[UUID] | None = None


@model
class WorkQueue(ObjectBaseModel):
    """A queue inside a work pool: its limits, priority (1 runs first) and polling status."""

    name: str = constrained(name_check)
    description: str | None = ""
    is_paused: bool = False
    concurrency_limit: int | None = constrained(_non_negative, default=None)
    priority: int = constrained(greater_than(0), default=1)
    work_pool_name: str | None = None
    work_pool_id: UUID | None
    filter: QueueFilter | None = None
    last_polled: DateTime | None = None
    status: WorkQueueStatus | None = None
    active_slots: int | None = None


@model
class WorkQueueHealthPolicy(PrefectBaseModel):
    """When a queue counts as unhealthy: too many late runs, or polled too long ago."""

    maximum_late_runs: int | None = 0
    maximum_seconds_since_last_polled: int | None = 60

    def evaluate_health_status(self, late_runs_count: int, last_polled: datetime.datetime | None = None) -> bool:
        """Whether a queue with this many late runs, last polled then, passes the policy.

        A limit of None switches that test off; with the polling limit on, a queue
        never polled is unhealthy. ``last_polled`` must be timezone-aware.
        """
        healthy = True
        if self.maximum_late_runs is not None and late_runs_count > self.maximum_late_runs:
            healthy = False
        if self.maximum_seconds_since_last_polled is not None and (
            last_polled is None or (now_utc() - last_polled).total_seconds() > self.maximum_seconds_since_last_polled
        ):
            healthy = False
        return healthy


@model
class WorkQueueStatusDetail(PrefectBaseModel):
    """A queue's health as the server judged it, with the policy it used."""

    healthy: bool
    late_runs_count: int = 0
    last_polled: DateTime | None = None
    health_check_policy: WorkQueueHealthPolicy


@model
class Agent(ObjectBaseModel):
    """A (legacy) agent polling one work queue; unnamed agents get a random slug."""

    name: str = attrs.field(factory=lambda: generate_slug(2))
    work_queue_id: UUID
    last_activity_time: DateTime | None = None


@model
class WorkPoolStorageConfiguration(PrefectBaseModel):
    """How a pool's bundles are uploaded and run, and where results go by default."""

    bundle_upload_step: dict[str, Any] | None = None
    bundle_execution_step: dict[str, Any] | None = None
    default_result_storage_block_id: UUID | None = None


@model
class ServerDefaultResultStorage(PrefectBaseModel):
    """The server-wide default result storage block, if one is set."""

    default_result_storage_block_id: UUID | None = None


@model
class ServerDefaultResultStorageUpdate(PrefectBaseModel):
    """A request to set the server-wide default result storage block."""

    default_result_storage_block_id: UUID


@model
class WorkPool(ObjectBaseModel):
    """A pool of infrastructure of one ``type``, with its job template, limits and queues.

    ``default_queue_id`` may be absent (it reads as None, as in the reference), but
    an explicit null is rejected as not a UUID.
    """

    name: str = constrained(name_check)
    description: str | None = None
    type: str
    base_job_template: dict[str, Any] = attrs.field(factory=dict)
    is_paused: bool = False
    concurrency_limit: int | None = constrained(_non_negative, default=None)
    status: WorkPoolStatus | None = None
    active_slots: int | None = None
    storage_configuration: WorkPoolStorageConfiguration = attrs.field(factory=WorkPoolStorageConfiguration)
    default_queue_id: UUID | None = attrs.field(default=None, metadata={STRUCTURE: _hooks.structure_uuid})

    @property
    def is_push_pool(self) -> bool:
        """Whether runs are pushed to serverless infrastructure (type ends in ``:push``)."""
        return self.type.endswith(":push")

    @property
    def is_managed_pool(self) -> bool:
        """Whether Prefect runs the infrastructure (type ends in ``:managed``)."""
        return self.type.endswith(":managed")


@model
class Worker(ObjectBaseModel):
    """A worker process serving a pool, with its heartbeat and whether it is online."""

    name: str
    work_pool_id: UUID
    last_heartbeat_time: datetime.datetime | None = None
    heartbeat_interval_seconds: int | None = None
    status: WorkerStatus = WorkerStatus.OFFLINE


@model
class Integration(PrefectBaseModel):
    """One Prefect integration package installed where a worker runs."""

    name: str
    version: str


@model
class WorkerMetadata(PrefectBaseModel):
    """What a worker reports about itself: its integrations, plus any other keys, kept as sent."""

    _extra: ClassVar[ExtraPolicy] = "allow"

    integrations: list[Integration]
    model_extra: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)
