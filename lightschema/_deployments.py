"""Flows and deployments: the flow record, a deployment, its schedules and version details."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

import attrs

from lightschema._base import DateTime, ExtraPolicy, ObjectBaseModel, PrefectBaseModel, model
from lightschema._enums import BranchingScheduleHandling
from lightschema._fields import constrained, greater_than, name_check, optional
from lightschema._runs import CreatedBy, KeyValueLabels, UpdatedBy, _labels_field
from lightschema._schedules import SCHEDULE_FIELD_METADATA, SCHEDULE_TYPES

__all__ = [
    "Deployment",
    "DeploymentBranchingOptions",
    "DeploymentSchedule",
    "Flow",
    "VersionInfo",
]


@model
class Flow(ObjectBaseModel):
    """A flow as the server records it: a name, tags and labels."""

    name: str = constrained(name_check)
    tags: list[str] = attrs.field(factory=list)
    labels: KeyValueLabels = _labels_field()


@model
class DeploymentSchedule(ObjectBaseModel):
    """One of a deployment's schedules, with whether it is active and its own parameters."""

    deployment_id: UUID | None = None
    schedule: SCHEDULE_TYPES = attrs.field(metadata=SCHEDULE_FIELD_METADATA)
    active: bool = True
    max_scheduled_runs: int | None = constrained(optional(greater_than(0)), default=None)
    parameters: dict[str, Any] = attrs.field(factory=dict)
    slug: str | None = None


@model
class VersionInfo(PrefectBaseModel):
    """Where a deployment's version came from (``type``, ``version``), plus any other keys.

    Keys beyond ``type`` and ``version`` (a git branch, a commit url, ...) are kept
    in ``model_extra``, written back out, and count for equality.
    """

    _extra: ClassVar[ExtraPolicy] = "allow"

    type: str
    version: str
    model_extra: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, metadata={"lightschema.omit": True})


@model
class DeploymentBranchingOptions(ObjectBaseModel):
    """What happens to a deployment's schedules when it is branched."""

    schedule_handling: BranchingScheduleHandling = BranchingScheduleHandling.REMOVE


@model
class Deployment(ObjectBaseModel):
    """A deployment: how and where a flow runs, with its schedules, parameters and placement."""

    name: str = constrained(name_check)
    version: str | None = None
    version_id: UUID | None = None
    version_info: VersionInfo | None = None
    description: str | None = None
    flow_id: UUID
    paused: bool = False
    concurrency_limit: int | None = None
    schedules: list[DeploymentSchedule] = attrs.field(factory=list)
    job_variables: dict[str, Any] = attrs.field(factory=dict)
    parameters: dict[str, Any] = attrs.field(factory=dict)
    pull_steps: list[dict[str, Any]] | None = None
    tags: list[str] = attrs.field(factory=list)
    labels: KeyValueLabels = _labels_field()
    work_queue_name: str | None = None
    last_polled: DateTime | None = None
    parameter_openapi_schema: dict[str, Any] | None = None
    path: str | None = None
    entrypoint: str | None = None
    storage_document_id: UUID | None = None
    infrastructure_document_id: UUID | None = None
    created_by: CreatedBy | None = None
    updated_by: UpdatedBy | None = None
    work_queue_id: UUID | None = None
    enforce_parameter_schema: bool = True
