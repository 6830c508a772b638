"""Prefect's client data model (``prefect.client.schemas.objects``) as frozen attrs classes.

Names follow the reference module, so ``from lightschema.objects import FlowRun`` is a
drop-in for ``from prefect.client.schemas.objects import FlowRun``. The enums load
with this module; each model family loads on first use (``FlowRun`` brings in the
run model, not block documents or work pools), which keeps ``import`` cheap.
"""

import importlib
import typing

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

if typing.TYPE_CHECKING:
    from lightschema._blocks import (
        BlockDocument,
        BlockDocumentReference,
        BlockSchema,
        BlockSchemaReference,
        BlockType,
    )
    from lightschema._cloud import (
        CsrfToken,
        IPAllowlist,
        IPAllowlistEntry,
        IPAllowlistMyAccessResponse,
        Workspace,
    )
    from lightschema._concurrency import (
        ConcurrencyLeaseHolder,
        ConcurrencyLimit,
        ConcurrencyLimitConfig,
        ConcurrencyOptions,
        GlobalConcurrencyLimit,
    )
    from lightschema._deployments import (
        Deployment,
        DeploymentBranchingOptions,
        DeploymentSchedule,
        Flow,
        VersionInfo,
    )
    from lightschema._observability import (
        Artifact,
        ArtifactCollection,
        Configuration,
        FlowRunInput,
        Log,
        SavedSearch,
        SavedSearchFilter,
        Variable,
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
    from lightschema._work import (
        Agent,
        Integration,
        QueueFilter,
        ServerDefaultResultStorage,
        ServerDefaultResultStorageUpdate,
        Worker,
        WorkerMetadata,
        WorkPool,
        WorkPoolStorageConfiguration,
        WorkQueue,
        WorkQueueHealthPolicy,
        WorkQueueStatusDetail,
    )

#: where each model lives; imported when the name is first asked for
_MODULES = {
    "BlockDocument": "lightschema._blocks",
    "BlockDocumentReference": "lightschema._blocks",
    "BlockSchema": "lightschema._blocks",
    "BlockSchemaReference": "lightschema._blocks",
    "BlockType": "lightschema._blocks",
    "CsrfToken": "lightschema._cloud",
    "IPAllowlist": "lightschema._cloud",
    "IPAllowlistEntry": "lightschema._cloud",
    "IPAllowlistMyAccessResponse": "lightschema._cloud",
    "Workspace": "lightschema._cloud",
    "ConcurrencyLeaseHolder": "lightschema._concurrency",
    "ConcurrencyLimit": "lightschema._concurrency",
    "ConcurrencyLimitConfig": "lightschema._concurrency",
    "ConcurrencyOptions": "lightschema._concurrency",
    "GlobalConcurrencyLimit": "lightschema._concurrency",
    "Deployment": "lightschema._deployments",
    "DeploymentBranchingOptions": "lightschema._deployments",
    "DeploymentSchedule": "lightschema._deployments",
    "Flow": "lightschema._deployments",
    "VersionInfo": "lightschema._deployments",
    "Artifact": "lightschema._observability",
    "ArtifactCollection": "lightschema._observability",
    "Configuration": "lightschema._observability",
    "FlowRunInput": "lightschema._observability",
    "Log": "lightschema._observability",
    "SavedSearch": "lightschema._observability",
    "SavedSearchFilter": "lightschema._observability",
    "Variable": "lightschema._observability",
    "Constant": "lightschema._runs",
    "CreatedBy": "lightschema._runs",
    "FlowRun": "lightschema._runs",
    "FlowRunPolicy": "lightschema._runs",
    "FlowRunResult": "lightschema._runs",
    "Parameter": "lightschema._runs",
    "ResultRecordMetadata": "lightschema._runs",
    "RunInput": "lightschema._runs",
    "Serializer": "lightschema._runs",
    "State": "lightschema._runs",
    "StateDetails": "lightschema._runs",
    "TaskRun": "lightschema._runs",
    "TaskRunPolicy": "lightschema._runs",
    "TaskRunResult": "lightschema._runs",
    "UpdatedBy": "lightschema._runs",
    "data_discriminator": "lightschema._runs",
    "Agent": "lightschema._work",
    "Integration": "lightschema._work",
    "QueueFilter": "lightschema._work",
    "ServerDefaultResultStorage": "lightschema._work",
    "ServerDefaultResultStorageUpdate": "lightschema._work",
    "WorkPool": "lightschema._work",
    "WorkPoolStorageConfiguration": "lightschema._work",
    "WorkQueue": "lightschema._work",
    "WorkQueueHealthPolicy": "lightschema._work",
    "WorkQueueStatusDetail": "lightschema._work",
    "Worker": "lightschema._work",
    "WorkerMetadata": "lightschema._work",
}

__all__ = [
    "DEFAULT_AGENT_WORK_POOL_NAME",
    "DEFAULT_BLOCK_SCHEMA_VERSION",
    "TERMINAL_STATES",
    "Agent",
    "Artifact",
    "ArtifactCollection",
    "BlockDocument",
    "BlockDocumentReference",
    "BlockSchema",
    "BlockSchemaReference",
    "BlockType",
    "BranchingScheduleHandling",
    "ConcurrencyLeaseHolder",
    "ConcurrencyLimit",
    "ConcurrencyLimitConfig",
    "ConcurrencyLimitStrategy",
    "ConcurrencyOptions",
    "Configuration",
    "Constant",
    "CreatedBy",
    "CsrfToken",
    "Deployment",
    "DeploymentBranchingOptions",
    "DeploymentSchedule",
    "DeploymentStatus",
    "Flow",
    "FlowRun",
    "FlowRunInput",
    "FlowRunPolicy",
    "FlowRunResult",
    "GlobalConcurrencyLimit",
    "IPAllowlist",
    "IPAllowlistEntry",
    "IPAllowlistMyAccessResponse",
    "Integration",
    "Log",
    "Parameter",
    "QueueFilter",
    "ResultRecordMetadata",
    "RunInput",
    "RunType",
    "SavedSearch",
    "SavedSearchFilter",
    "Serializer",
    "ServerDefaultResultStorage",
    "ServerDefaultResultStorageUpdate",
    "State",
    "StateDetails",
    "StateType",
    "TaskRun",
    "TaskRunPolicy",
    "TaskRunResult",
    "UpdatedBy",
    "Variable",
    "VersionInfo",
    "WorkPool",
    "WorkPoolStatus",
    "WorkPoolStorageConfiguration",
    "WorkQueue",
    "WorkQueueHealthPolicy",
    "WorkQueueStatus",
    "WorkQueueStatusDetail",
    "Worker",
    "WorkerMetadata",
    "WorkerStatus",
    "Workspace",
    "data_discriminator",
]


def __getattr__(name: str) -> typing.Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'lightschema.objects' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
