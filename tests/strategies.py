"""Hypothesis strategies shared by the test modules: wire payloads (JSON-shaped dicts).

The strategies produce what a Prefect server could send: every field optional
unless required, edge values included (empty strings, big numbers, offsets,
unicode). Conformance tests feed them through the reference first and keep only
what it accepts, so a strategy may occasionally produce an invalid payload.
A module's own strategies, used nowhere else, stay in that module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

STATE_TYPES = ["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED", "CANCELLING"]

uuids = st.uuids().map(str)
#: a UTC datetime as ``isoformat()`` writes it (``+00:00``)
utc_stamp_texts = st.datetimes(timezones=st.just(dt.timezone.utc)).map(lambda d: d.isoformat())
texts = st.text(max_size=12)
optional_texts = st.none() | texts
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
small_ints = st.integers(min_value=0, max_value=1000)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)

_offsets = st.one_of(
    st.just(dt.timezone.utc),
    st.integers(min_value=-1439, max_value=1439).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
)
aware_datetimes = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=_offsets)
naive_datetimes = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30))
#: a datetime as text, in the forms the server and clients write
datetime_text = st.one_of(
    aware_datetimes.map(lambda d: d.isoformat()),
    aware_datetimes.map(lambda d: d.isoformat().replace("+00:00", "Z")),
    naive_datetimes.map(lambda d: d.isoformat()),
    naive_datetimes.map(lambda d: d.isoformat(sep=" ")),
)
optional_datetime_text = st.none() | datetime_text
#: durations as the reference dumps them: float seconds (ints too, as servers send)
durations = st.one_of(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.timedeltas(min_value=dt.timedelta(days=-(10**5)), max_value=dt.timedelta(days=10**5)).map(
        lambda t: t.total_seconds()
    ),
)
json_scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
    max_leaves=8,
)
label_values = st.one_of(st.booleans(), ints, floats, texts)


def _some(
    fields: dict[str, st.SearchStrategy[Any]], required: dict[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with the required keys and any subset of the optional ones."""
    return st.fixed_dictionaries(required or {}, optional=fields)


def created_by() -> st.SearchStrategy[dict[str, Any]]:
    return _some({"id": st.none() | uuids, "type": optional_texts, "display_value": optional_texts})


def state_details() -> st.SearchStrategy[dict[str, Any]]:
    optional_bools = st.none() | st.booleans()
    return _some(
        {
            "flow_run_id": st.none() | uuids,
            "task_run_id": st.none() | uuids,
            "child_flow_run_id": st.none() | uuids,
            "scheduled_time": optional_datetime_text,
            "cache_key": optional_texts,
            "cache_expiration": optional_datetime_text,
            "deferred": optional_bools,
            "untrackable_result": st.booleans(),
            "pause_timeout": optional_datetime_text,
            "pause_reschedule": st.booleans(),
            "pause_key": optional_texts,
            "run_input_keyset": st.none() | st.dictionaries(texts, texts, max_size=3),
            "refresh_cache": optional_bools,
            "retriable": optional_bools,
            "transition_id": st.none() | uuids,
            "task_parameters_id": st.none() | uuids,
            "traceparent": optional_texts,
            "deployment_concurrency_lease_id": st.none() | uuids,
        }
    )


def result_record_metadata() -> st.SearchStrategy[dict[str, Any]]:
    serializers = st.one_of(
        st.just({"type": "pickle"}),
        st.just({"type": "pickle", "picklelib": "cloudpickle"}),
        st.just({"type": "json"}),
        st.just({"type": "json", "jsonlib": "json"}),
        st.just({"type": "compressed/pickle"}),
        st.just({"type": "compressed/json"}),
        st.just({"type": "my-own-serializer", "level": 3}),
    )
    return _some(
        {
            "expiration": optional_datetime_text,
            "serializer": serializers,
            "prefect_version": texts,
            "storage_block_id": st.none() | uuids,
        },
        {"storage_key": st.none() | texts},
    )


def state_data() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), json_values, result_record_metadata(), st.just({"type": "unpersisted"}))


def state() -> st.SearchStrategy[dict[str, Any]]:
    return _some(
        {
            "id": uuids,
            "created": optional_datetime_text,
            "updated": optional_datetime_text,
            "name": optional_texts,
            "timestamp": datetime_text,
            "message": optional_texts,
            "state_details": state_details(),
            "data": state_data(),
        },
        {"type": st.sampled_from(STATE_TYPES)},
    )


def flow_run_policy() -> st.SearchStrategy[dict[str, Any]]:
    return _some(
        {
            "max_retries": small_ints,
            "retry_delay_seconds": st.floats(min_value=0, max_value=1e6),
            "retries": st.none() | small_ints,
            "retry_delay": st.none() | small_ints,
            "pause_keys": st.none() | st.lists(texts, max_size=3, unique=True),
            "resuming": st.none() | st.booleans(),
            "retry_type": st.sampled_from([None, "in_process", "reschedule"]),
        }
    )


def task_run_policy() -> st.SearchStrategy[dict[str, Any]]:
    delays = st.one_of(
        st.none(),
        small_ints,
        st.floats(min_value=0, max_value=1e6),
        st.lists(small_ints, max_size=5),
        st.lists(st.floats(min_value=0, max_value=1e6), max_size=5),
    )
    return _some(
        {
            "max_retries": small_ints,
            "retry_delay_seconds": st.floats(min_value=0, max_value=1e6),
            "retries": st.none() | small_ints,
            "retry_delay": delays,
            "retry_jitter_factor": st.none() | st.floats(min_value=0, max_value=100),
        }
    )


def run_input() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.fixed_dictionaries({"input_type": st.just("task_run"), "id": uuids}),
        st.fixed_dictionaries({"input_type": st.just("flow_run"), "id": uuids}),
        st.fixed_dictionaries({"input_type": st.just("parameter"), "name": texts}),
        st.fixed_dictionaries({"input_type": st.just("constant"), "type": texts}),
    )


def _run_common() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "id": uuids,
        "created": optional_datetime_text,
        "updated": optional_datetime_text,
        "name": texts,
        "state_id": st.none() | uuids,
        "tags": st.lists(texts, max_size=3),
        "labels": st.dictionaries(texts, label_values, max_size=3),
        "run_count": small_ints,
        "expected_start_time": optional_datetime_text,
        "next_scheduled_start_time": optional_datetime_text,
        "start_time": optional_datetime_text,
        "end_time": optional_datetime_text,
        "total_run_time": durations,
        "estimated_run_time": durations,
        "estimated_start_time_delta": durations,
        "state_type": st.none() | st.sampled_from(STATE_TYPES),
        "state_name": optional_texts,
        "state": st.none() | state(),
    }


def flow_run() -> st.SearchStrategy[dict[str, Any]]:
    return _some(
        {
            **_run_common(),
            "deployment_id": st.none() | uuids,
            "deployment_version": optional_texts,
            "work_queue_name": optional_texts,
            "flow_version": optional_texts,
            "parameters": st.dictionaries(texts, json_values, max_size=3),
            "idempotency_key": optional_texts,
            "context": st.dictionaries(texts, json_values, max_size=3),
            "empirical_policy": flow_run_policy(),
            "parent_task_run_id": st.none() | uuids,
            "auto_scheduled": st.booleans(),
            "infrastructure_document_id": st.none() | uuids,
            "infrastructure_pid": optional_texts,
            "created_by": st.none() | created_by(),
            "work_queue_id": st.none() | uuids,
            "work_pool_id": st.none() | uuids,
            "work_pool_name": optional_texts,
            "job_variables": st.none() | st.dictionaries(texts, json_values, max_size=3),
        },
        {"flow_id": uuids},
    )


def task_run() -> st.SearchStrategy[dict[str, Any]]:
    return _some(
        {
            **_run_common(),
            "flow_run_id": st.none() | uuids,
            "cache_key": optional_texts,
            "cache_expiration": optional_datetime_text,
            "task_version": optional_texts,
            "empirical_policy": task_run_policy(),
            "task_inputs": st.dictionaries(texts, st.lists(run_input(), max_size=4), max_size=3),
            "flow_run_run_count": small_ints,
        },
        {"task_key": texts, "dynamic_key": texts},
    )


def with_base(fields: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]) -> Any:
    """An object with an id and created/updated stamps, ``fields`` always and ``optional`` sometimes."""
    base = st.fixed_dictionaries({"id": uuids, "created": utc_stamp_texts, "updated": utc_stamp_texts})
    return st.builds(lambda b, f: {**b, **f}, base, st.fixed_dictionaries(fields, optional=optional))
