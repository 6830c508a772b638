"""Payloads the test modules share, and where lightschema keeps each model.

* ``MINIMAL``: the smallest payload every model accepts (the reference accepts it too);
  ``RICH``: fuller ones for the models with nested parts.
* ``CORPUS``: real payloads recorded from a Prefect 3.9.1 server by ``live/record.py``
  (``data/live_payloads.json``), and ``CASES`` to parametrize over them.
* ``REFERENCE_SCHEMA``: the reference's JSON Schema of every model, generated from
  prefect's models once (``data/prefect-3.9.1-objects.schema.json``).

Nothing here needs the oracle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

import lightschema.objects as lo
import lightschema.schedules as lsch

DATA = Path(__file__).parent / "data"
CORPUS_PATH = DATA / "live_payloads.json"
REFERENCE_SCHEMA_PATH = DATA / "prefect-3.9.1-objects.schema.json"

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
ID2 = "2b5c5a7e-8a5c-4e5f-9a0e-6f1c2d3e4f50"
STAMP = "2024-05-06T07:08:09.123456Z"
OBJ = {"id": ID, "created": STAMP, "updated": STAMP}
#: the smallest payload each model accepts (the reference accepts it too)
MINIMAL: dict[str, dict[str, Any]] = {
    "Agent": {**OBJ, "name": "calm-otter", "work_queue_id": ID2},
    "Artifact": {**OBJ},
    "ArtifactCollection": {**OBJ, "key": "k", "latest_id": ID2},
    "BlockDocument": {**OBJ, "name": "doc", "block_schema_id": ID2, "block_type_id": ID2},
    "BlockDocumentReference": {
        **OBJ,
        "name": "ref",
        "parent_block_document_id": ID2,
        "reference_block_document_id": ID,
    },
    "BlockSchema": {**OBJ, "checksum": "sha256:abc", "block_type_id": ID2},
    "BlockSchemaReference": {**OBJ, "name": "ref", "parent_block_schema_id": ID2, "reference_block_schema_id": ID},
    "BlockType": {**OBJ, "name": "bt", "slug": "bt"},
    "ConcurrencyLeaseHolder": {"type": "flow_run", "id": ID2},
    "ConcurrencyLimit": {**OBJ, "tag": "t", "concurrency_limit": 3},
    "ConcurrencyLimitConfig": {"limit": 2},
    "ConcurrencyOptions": {"collision_strategy": "ENQUEUE"},
    "Configuration": {**OBJ, "key": "k", "value": {}},
    "Constant": {"type": "int"},
    "CreatedBy": {},
    "CsrfToken": {**OBJ, "token": "t", "client": "c", "expiration": STAMP},
    "Deployment": {**OBJ, "name": "dep", "flow_id": ID2},
    "DeploymentBranchingOptions": {},
    "DeploymentSchedule": {**OBJ, "schedule": {"interval": 60}},
    "Flow": {**OBJ, "name": "flow"},
    "FlowRun": {**OBJ, "flow_id": ID2},
    "FlowRunInput": {**OBJ, "flow_run_id": ID2, "key": "k", "value": "v"},
    "FlowRunPolicy": {},
    "FlowRunResult": {"id": ID2},
    "GlobalConcurrencyLimit": {**OBJ, "name": "g", "limit": 1},
    "IPAllowlist": {"entries": []},
    "IPAllowlistEntry": {"ip_network": "10.0.0.0/8", "enabled": True},
    "IPAllowlistMyAccessResponse": {"allowed": True, "detail": "ok"},
    "Integration": {"name": "prefect-aws", "version": "0.5.0"},
    "Log": {**OBJ, "name": "n", "level": 20, "message": "m", "timestamp": STAMP},
    "Parameter": {"name": "p"},
    "QueueFilter": {},
    "ResultRecordMetadata": {"storage_key": "k"},
    "Serializer": {"type": "json"},
    "RunInput": {"input_type": "x"},
    "SavedSearch": {**OBJ, "name": "s"},
    "SavedSearchFilter": {"object": "o", "property": "p", "type": "t", "operation": "op", "value": 1},
    "ServerDefaultResultStorage": {},
    "ServerDefaultResultStorageUpdate": {"default_result_storage_block_id": ID2},
    "State": {**OBJ, "type": "RUNNING", "timestamp": STAMP},
    "StateDetails": {},
    "TaskRun": {**OBJ, "task_key": "k", "dynamic_key": "0"},
    "TaskRunPolicy": {},
    "TaskRunResult": {"id": ID2},
    "UpdatedBy": {},
    "Variable": {**OBJ, "name": "v", "value": 1},
    "VersionInfo": {"type": "git", "version": "1"},
    "WorkPool": {**OBJ, "name": "pool", "type": "process", "default_queue_id": ID2},
    "WorkPoolStorageConfiguration": {},
    "WorkQueue": {**OBJ, "name": "default", "work_pool_id": ID2},
    "WorkQueueHealthPolicy": {},
    "WorkQueueStatusDetail": {"healthy": True, "health_check_policy": {}},
    "Worker": {**OBJ, "name": "w", "work_pool_id": ID2},
    "WorkerMetadata": {"integrations": []},
    "Workspace": {
        "account_id": ID,
        "account_name": "A",
        "account_handle": "a",
        "workspace_id": ID2,
        "workspace_name": "P",
        "workspace_description": "",
        "workspace_handle": "p",
    },
    "CronSchedule": {"cron": "0 0 * * *"},
    "IntervalSchedule": {"interval": 60, "anchor_date": STAMP},
    "NoSchedule": {},
    "RRuleSchedule": {"rrule": "FREQ=DAILY"},
}

#: every lightschema model class, by name
MODELS: dict[str, Any] = {
    name: getattr(module, name)
    for module in (lo, lsch)
    for name in module.__all__
    if isinstance(getattr(module, name), type) and attrs.has(getattr(module, name))
}
NAMES = sorted(MODELS)

#: richer payloads, with nested models, lists and dicts filled
RICH: dict[str, dict[str, Any]] = {
    "FlowRun": {
        **MINIMAL["FlowRun"],
        "tags": ["a", "b"],
        "labels": {"k": 1, "s": "v"},
        "parameters": {"x": [1, 2]},
        "empirical_policy": {"retries": 2, "retry_delay": 5, "pause_keys": ["p"]},
        "state": {"type": "FAILED", "timestamp": STAMP, "state_details": {"flow_run_id": ID, "pause_timeout": STAMP}},
        "total_run_time": 1.5,
        "start_time": STAMP,
    },
    "TaskRun": {
        **MINIMAL["TaskRun"],
        "task_inputs": {"x": [{"input_type": "task_run", "id": ID}, {"input_type": "parameter", "name": "p"}]},
        "empirical_policy": {"retries": 1, "retry_delay": [1, 2], "retry_jitter_factor": 0.5},
        "state": {
            "type": "COMPLETED",
            "timestamp": STAMP,
            "data": {"storage_key": "k", "serializer": {"type": "json"}},
        },
    },
    "State": {**MINIMAL["State"], "state_details": {"task_run_id": ID, "cache_expiration": STAMP}, "message": "m"},
    "Deployment": {
        **MINIMAL["Deployment"],
        "schedules": [{**MINIMAL["DeploymentSchedule"], "active": True}, {"id": ID, "schedule": {"cron": "0 * * * *"}}],
        "concurrency_limit": 3,
        "tags": ["t"],
        "parameters": {"a": 1},
    },
    "WorkPool": {**MINIMAL["WorkPool"], "concurrency_limit": 2, "base_job_template": {"job_configuration": {}}},
    "Log": {**MINIMAL["Log"], "flow_run_id": ID, "task_run_id": ID},
    "BlockDocument": {
        **MINIMAL["BlockDocument"],
        "data": {"a": 1},
        "block_document_references": {"r": {"block_document": {"id": ID}}},
    },
    "Variable": {**MINIMAL["Variable"], "tags": ["t"], "value": {"a": [1]}},
    "WorkQueue": {**MINIMAL["WorkQueue"], "priority": 2, "concurrency_limit": 1, "filter": {"tags": ["a"]}},
    "DeploymentSchedule": {**MINIMAL["DeploymentSchedule"], "schedule": {"rrule": "FREQ=DAILY", "timezone": "UTC"}},
}


def our_class(name: str) -> Any:
    """lightschema's model of that name."""
    return getattr(lo, name, None) or getattr(lsch, name)


#: the recorded server payloads, by model
CORPUS: dict[str, list[dict[str, Any]]] = json.loads(CORPUS_PATH.read_text())
CASES = [(model, index) for model, items in sorted(CORPUS.items()) for index in range(len(items))]


def reference_schema() -> dict[str, Any]:
    """The vendored reference schema: ``models`` (name -> module, schema) and ``enums``."""
    return json.loads(REFERENCE_SCHEMA_PATH.read_text())  # type: ignore[no-any-return]
