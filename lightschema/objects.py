"""Prefect's client data model (``prefect.client.schemas.objects``) as frozen attrs classes.

Names and order follow the reference module, so ``from lightschema.objects import
FlowRun`` is a drop-in for ``from prefect.client.schemas.objects import FlowRun``.
"""

from lightschema._enums import (
    DEFAULT_AGENT_WORK_POOL_NAME,
    DEFAULT_BLOCK_SCHEMA_VERSION,
    TERMINAL_STATES,
    BranchingScheduleHandling,
    ConcurrencyLimitStrategy,
    DeploymentStatus,
    RunType,
    StateType,
    WorkerStatus,
    WorkPoolStatus,
    WorkQueueStatus,
)
from lightschema._runs import (
    Constant,
    CreatedBy,
    FlowRun,
    FlowRunPolicy,
    FlowRunResult,
    Parameter,
    ResultRecordMetadata,
    RunInput,
    Serializer,
    State,
    StateDetails,
    TaskRun,
    TaskRunPolicy,
    TaskRunResult,
    UpdatedBy,
    data_discriminator,
)

__all__ = [
    "DEFAULT_AGENT_WORK_POOL_NAME",
    "DEFAULT_BLOCK_SCHEMA_VERSION",
    "TERMINAL_STATES",
    "BranchingScheduleHandling",
    "ConcurrencyLimitStrategy",
    "Constant",
    "CreatedBy",
    "DeploymentStatus",
    "FlowRun",
    "FlowRunPolicy",
    "FlowRunResult",
    "Parameter",
    "ResultRecordMetadata",
    "RunInput",
    "RunType",
    "Serializer",
    "State",
    "StateDetails",
    "StateType",
    "TaskRun",
    "TaskRunPolicy",
    "TaskRunResult",
    "UpdatedBy",
    "WorkPoolStatus",
    "WorkQueueStatus",
    "WorkerStatus",
    "data_discriminator",
]
