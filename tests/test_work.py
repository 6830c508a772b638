"""Work pools, queues, workers and agents: their rules and methods, checked against prefect 3.9.1."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import re
import uuid
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lightschema
from lightschema import _work as ls
from lightschema._enums import WorkerStatus, WorkPoolStatus, WorkQueueStatus
from tests.oracle import pydantic
from tests.oracle import ref_objects as ref

UTC = dt.timezone.utc
ID = "6b9f1a10-5a8d-4a8c-8b0e-2a4f2f0c9d11"
POOL_ID = "0f6c2d1e-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
QUEUE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"

ALL = [
    ls.QueueFilter,
    ls.WorkQueue,
    ls.WorkQueueHealthPolicy,
    ls.WorkQueueStatusDetail,
    ls.Agent,
    ls.WorkPoolStorageConfiguration,
    ls.ServerDefaultResultStorage,
    ls.ServerDefaultResultStorageUpdate,
    ls.WorkPool,
    ls.Worker,
    ls.Integration,
    ls.WorkerMetadata,
]

#: the smallest payload each class accepts (ids supplied so dumps can be compared)
MINIMAL: dict[type, dict[str, Any]] = {
    ls.QueueFilter: {},
    ls.WorkQueue: {"id": ID, "name": "default", "work_pool_id": POOL_ID},
    ls.WorkQueueHealthPolicy: {},
    ls.WorkQueueStatusDetail: {"healthy": True, "health_check_policy": {}},
    ls.Agent: {"id": ID, "name": "calm-otter", "work_queue_id": QUEUE_ID},
    ls.WorkPoolStorageConfiguration: {},
    ls.ServerDefaultResultStorage: {},
    ls.ServerDefaultResultStorageUpdate: {"default_result_storage_block_id": ID},
    ls.WorkPool: {"id": ID, "name": "pool", "type": "process", "default_queue_id": QUEUE_ID},
    ls.Worker: {"id": ID, "name": "worker-1", "work_pool_id": POOL_ID},
    ls.Integration: {"name": "prefect-aws", "version": "0.5.0"},
    ls.WorkerMetadata: {"integrations": []},
}


def reference(cls: type) -> Any:
    return getattr(ref, cls.__name__)


def errors_of(exc: pydantic.ValidationError | lightschema.ValidationError) -> list[tuple[str, tuple[Any, ...]]]:
    return [(e["type"], tuple(e["loc"])) for e in exc.errors()]


def conform(cls: Any, payload: dict[str, Any], *, random: tuple[str, ...] = ()) -> Any:
    """Assert lightschema reads ``payload`` exactly as the reference does; return ours (or None).

    Rejections must agree on every error's type and loc. Accepted payloads must dump
    identically in both modes (``random`` names fields the reference invents when
    absent), our JSON must validate in the reference and dump back unchanged, and
    reading our own dump again must give the same dump.
    """
    ref_cls = reference(cls)
    try:
        expected = ref_cls.model_validate(payload)
    except pydantic.ValidationError as exc:
        with pytest.raises(lightschema.ValidationError) as info:
            cls.model_validate(payload)
        assert errors_of(info.value) == errors_of(exc)
        return None
    ours = cls.model_validate(payload)
    ours_json = ours.model_dump(mode="json")
    ref_json = expected.model_dump(mode="json")
    ours_py = ours.model_dump()
    ref_py = expected.model_dump()
    for name in random:
        for dump in (ours_json, ref_json, ours_py, ref_py):
            dump.pop(name)
    assert ours_json == ref_json
    assert list(ours_json) == list(ref_json)
    assert ours_py == ref_py
    full = ours.model_dump(mode="json")
    try:
        reread = ref_cls.model_validate(full)
    except pydantic.ValidationError as exc:
        # the reference cannot always read its own dump back (a WorkPool without
        # ``default_queue_id`` dumps it as null); then neither can we, in the same way
        with pytest.raises(lightschema.ValidationError) as info:
            cls.model_validate(full)
        assert errors_of(info.value) == errors_of(exc)
        return ours
    assert reread.model_dump(mode="json") == full
    assert cls.model_validate(full).model_dump(mode="json") == full
    assert cls.model_validate_json(ours.model_dump_json()) == ours
    return ours


def unreadable_dump(dumped: dict[str, Any]) -> bool:
    """A WorkPool dump with a null ``default_queue_id``: the reference cannot read it back either."""
    return "default_queue_id" in dumped and dumped["default_queue_id"] is None


# -- strategies ----------------------------------------------------------------------

names = st.text(
    alphabet=st.characters(blacklist_characters="/%&><", codec="utf-8"), min_size=1, max_size=12
) | st.sampled_from([" ", "''", '" "', "a b", "名前", "x\n", "\t"])
any_names = names | st.sampled_from(["", "a/b", "%", "a&b", ">", "<x", "ok"])
texts = st.text(max_size=12)
edge_ints = st.integers(-3, 3) | st.sampled_from([2**31, 2**63 - 1, 2**63, 2**64, -(2**63), 10**20])
uuid_texts = st.uuids().map(str) | st.uuids().map(lambda u: u.hex) | st.uuids().map(lambda u: str(u).upper())
offsets = st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8))])
_datetimes = st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30))
datetime_texts = st.one_of(
    _datetimes.map(dt.datetime.isoformat),
    st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(), _datetimes, offsets),
    st.sampled_from(["2024-02-29T23:59:59.999999Z", "2024-01-01T00:00:00", "2024-01-01", 0, 1_700_000_000]),
)
json_values = st.recursive(
    st.none() | st.booleans() | edge_ints | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(texts, json_values, max_size=4)


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def object_base(required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]) -> Any:
    return st.fixed_dictionaries(
        {"id": uuid_texts, **required},
        optional={"created": opt(datetime_texts), "updated": opt(datetime_texts), **optional},
    )


queue_filters = st.fixed_dictionaries(
    {}, optional={"tags": opt(st.lists(texts, max_size=3)), "deployment_ids": opt(st.lists(uuid_texts, max_size=3))}
)
health_policies = st.fixed_dictionaries(
    {}, optional={"maximum_late_runs": opt(edge_ints), "maximum_seconds_since_last_polled": opt(edge_ints)}
)
storage_configs = st.fixed_dictionaries(
    {},
    optional={
        "bundle_upload_step": opt(json_objects),
        "bundle_execution_step": opt(json_objects),
        "default_result_storage_block_id": opt(uuid_texts),
    },
)
integrations = st.fixed_dictionaries({"name": texts, "version": texts})

PAYLOADS: dict[type, st.SearchStrategy[dict[str, Any]]] = {
    ls.QueueFilter: queue_filters,
    ls.WorkQueue: object_base(
        {"name": names, "work_pool_id": opt(uuid_texts)},
        {
            "description": opt(texts),
            "is_paused": st.booleans(),
            "concurrency_limit": opt(st.integers(0, 5) | st.just(2**63)),
            "priority": st.integers(1, 5) | st.just(2**63),
            "work_pool_name": opt(texts),
            "filter": opt(queue_filters),
            "last_polled": opt(datetime_texts),
            "status": opt(st.sampled_from([s.value for s in WorkQueueStatus])),
            "active_slots": opt(edge_ints),
        },
    ),
    ls.WorkQueueHealthPolicy: health_policies,
    ls.WorkQueueStatusDetail: st.fixed_dictionaries(
        {"healthy": st.booleans(), "health_check_policy": health_policies},
        optional={"late_runs_count": edge_ints, "last_polled": opt(datetime_texts)},
    ),
    ls.Agent: object_base({"name": texts, "work_queue_id": uuid_texts}, {"last_activity_time": opt(datetime_texts)}),
    ls.WorkPoolStorageConfiguration: storage_configs,
    ls.ServerDefaultResultStorage: st.fixed_dictionaries(
        {}, optional={"default_result_storage_block_id": opt(uuid_texts)}
    ),
    ls.ServerDefaultResultStorageUpdate: st.fixed_dictionaries({"default_result_storage_block_id": uuid_texts}),
    ls.WorkPool: object_base(
        {"name": names, "type": texts | st.sampled_from(["ecs:push", "prefect:managed", "process"])},
        {
            "description": opt(texts),
            "base_job_template": json_objects,
            "is_paused": st.booleans(),
            "concurrency_limit": opt(st.integers(0, 5) | st.just(2**63)),
            "status": opt(st.sampled_from([s.value for s in WorkPoolStatus])),
            "active_slots": opt(edge_ints),
            "storage_configuration": storage_configs,
            "default_queue_id": uuid_texts,
        },
    ),
    ls.Worker: object_base(
        {"name": texts, "work_pool_id": uuid_texts},
        {
            "last_heartbeat_time": opt(datetime_texts),
            "heartbeat_interval_seconds": opt(edge_ints),
            "status": st.sampled_from([s.value for s in WorkerStatus]),
        },
    ),
    ls.Integration: integrations,
    ls.WorkerMetadata: st.builds(
        lambda ints, extra: {"integrations": ints, **extra},
        st.lists(integrations, max_size=3),
        st.dictionaries(texts.filter(lambda k: k not in ("integrations", "model_extra")), json_values, max_size=3),
    ),
}

#: values that break some field somewhere: wrong types, out of range, banned characters
BAD_VALUES = st.sampled_from(
    [None, -1, 0, 1.5, True, "", "a/b", "x", "-1", "READY", [], ["a"], [None], {}, {"a": 1}, ID, "2024-13-01"]
)


@st.composite
def damaged(draw: st.DrawFn, cls: type) -> dict[str, Any]:
    """A generated payload with one field (or an unknown key) set to a likely-bad value."""
    payload = dict(draw(PAYLOADS[cls]))
    key = draw(st.sampled_from([a.name for a in attrs.fields(cls) if a.init] + ["unknown_key"]))
    payload[key] = draw(BAD_VALUES)
    return payload


# -- unit tests ----------------------------------------------------------------------


#: a pool's type, and whether it is a push pool and a managed one
POOL_TYPES = [
    ("ecs:push", True, False),
    ("prefect:managed", False, True),
    ("process", False, False),
    ("push", False, False),
    (":push:managed", False, True),
    ("", False, False),
]
#: pool names with a character the reference bans
BANNED_NAMES = ["a/b", "100%", "R&D", "a>b", "<pool>", ""]


class TestWorkPool:
    """Push/managed predicates, name rules, the limit, and ``default_queue_id``."""

    @pytest.mark.parametrize(("pool_type", "push", "managed"), POOL_TYPES)
    def test_push_and_managed(self, pool_type: str, push: bool, managed: bool) -> None:
        pool = ls.WorkPool.model_validate({**MINIMAL[ls.WorkPool], "type": pool_type})
        assert (pool.is_push_pool, pool.is_managed_pool) == (push, managed)

    @pytest.mark.oracle
    @pytest.mark.parametrize(("pool_type", "push", "managed"), POOL_TYPES)
    def test_push_and_managed_as_the_reference(self, pool_type: str, push: bool, managed: bool) -> None:
        expected = reference(ls.WorkPool).model_validate({**MINIMAL[ls.WorkPool], "type": pool_type})
        assert (expected.is_push_pool, expected.is_managed_pool) == (push, managed)

    def test_defaults(self) -> None:
        pool = ls.WorkPool.model_validate(MINIMAL[ls.WorkPool])
        assert pool.model_dump(mode="json") == {
            "id": ID,
            "created": None,
            "updated": None,
            "name": "pool",
            "description": None,
            "type": "process",
            "base_job_template": {},
            "is_paused": False,
            "concurrency_limit": None,
            "status": None,
            "active_slots": None,
            "storage_configuration": {
                "bundle_upload_step": None,
                "bundle_execution_step": None,
                "default_result_storage_block_id": None,
            },
            "default_queue_id": QUEUE_ID,
        }
        assert pool.default_queue_id == uuid.UUID(QUEUE_ID)

    @pytest.mark.oracle
    def test_missing_default_queue_id_reads_as_none_like_the_reference(self) -> None:
        payload = {"id": ID, "name": "pool", "type": "process"}
        pool = conform(ls.WorkPool, payload)
        assert pool is not None
        assert pool.default_queue_id is None

    def test_null_default_queue_id_is_not_a_uuid(self) -> None:
        payload = {**MINIMAL[ls.WorkPool], "default_queue_id": None}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkPool.model_validate(payload)
        assert str(info.value) == (
            "1 validation error for WorkPool\n"
            "  $.default_queue_id: UUID input should be a string, bytes or UUID object [type=uuid_type, input=None]"
        )

    @pytest.mark.oracle
    def test_null_default_queue_id_is_not_a_uuid_as_the_reference(self) -> None:
        conform(ls.WorkPool, {**MINIMAL[ls.WorkPool], "default_queue_id": None})

    @pytest.mark.oracle
    def test_reference_never_reaches_its_helpful_default_queue_id_message(self) -> None:
        """The reference's custom message sits behind UUID validation, so null fails first."""
        with pytest.raises(pydantic.ValidationError) as info:
            reference(ls.WorkPool).model_validate({**MINIMAL[ls.WorkPool], "default_queue_id": None})
        assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [
            ("uuid_type", ("default_queue_id",), "UUID input should be a string, bytes or UUID object")
        ]

    @pytest.mark.parametrize("name", BANNED_NAMES)
    def test_banned_name_characters(self, name: str) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkPool.model_validate({**MINIMAL[ls.WorkPool], "name": name})
        assert info.value.errors() == [
            {
                "type": "string_pattern_mismatch",
                "loc": ("name",),
                "path": "$.name",
                "msg": "String should match pattern '^[^/%&><]+$'",
                "input": name,
            }
        ]

    @pytest.mark.oracle
    @pytest.mark.parametrize("name", BANNED_NAMES)
    def test_banned_name_characters_as_the_reference(self, name: str) -> None:
        conform(ls.WorkPool, {**MINIMAL[ls.WorkPool], "name": name})

    @pytest.mark.oracle
    @pytest.mark.parametrize("name", [" ", "''", "名前", "a\nb", "my pool"])
    def test_blank_looking_names_are_allowed_like_the_reference(self, name: str) -> None:
        pool = conform(ls.WorkPool, {**MINIMAL[ls.WorkPool], "name": name})
        assert pool is not None
        assert pool.name == name

    def test_rules_apply_to_direct_construction(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkPool(name="a/b", type="process")
        assert str(info.value) == (
            "1 validation error for WorkPool\n"
            "  $.name: String should match pattern '^[^/%&><]+$' [type=string_pattern_mismatch, input='a/b']"
        )
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkPool(name="pool", type="process", concurrency_limit=-1)
        assert str(info.value) == (
            "1 validation error for WorkPool\n"
            "  $.concurrency_limit: Input should be greater than or equal to 0 [type=greater_than_equal, input=-1]"
        )

    @pytest.mark.oracle
    @pytest.mark.parametrize("limit", [-1, 0, 1, None, "3", 2.0, 2.5])
    def test_concurrency_limit(self, limit: Any) -> None:
        conform(ls.WorkPool, {**MINIMAL[ls.WorkPool], "concurrency_limit": limit})

    @pytest.mark.oracle
    def test_status_and_storage(self) -> None:
        pool = conform(
            ls.WorkPool,
            {
                **MINIMAL[ls.WorkPool],
                "status": "NOT_READY",
                "base_job_template": {"job_configuration": {"command": "{{ command }}"}, "variables": {}},
                "storage_configuration": {"bundle_upload_step": {"step": {"requires": "prefect-aws"}}},
            },
        )
        assert pool is not None
        assert pool.status is WorkPoolStatus.NOT_READY
        assert pool.storage_configuration == ls.WorkPoolStorageConfiguration(
            bundle_upload_step={"step": {"requires": "prefect-aws"}}
        )

    def test_unhashable_and_equality_ignores_ids(self) -> None:
        a = ls.WorkPool.model_validate({**MINIMAL[ls.WorkPool], "created": "2024-01-01T00:00:00Z"})
        b = ls.WorkPool.model_validate({**MINIMAL[ls.WorkPool], "id": POOL_ID})
        assert a == b
        assert a != b.model_copy(update={"is_paused": True})
        with pytest.raises(TypeError, match="unhashable type: 'WorkPool'"):
            hash(a)


#: a queue's field, a value it refuses, and how lightschema says so
QUEUE_RULES = [
    ("concurrency_limit", -1, "Input should be greater than or equal to 0 [type=greater_than_equal, input=-1]"),
    ("priority", 0, "Input should be greater than 0 [type=greater_than, input=0]"),
    ("priority", -5, "Input should be greater than 0 [type=greater_than, input=-5]"),
    ("name", "a/b", "String should match pattern '^[^/%&><]+$' [type=string_pattern_mismatch, input='a/b']"),
]


class TestWorkQueue:
    """Queue names, limits, priority, the required-but-nullable pool id, the old filter."""

    def test_defaults(self) -> None:
        queue = ls.WorkQueue.model_validate(MINIMAL[ls.WorkQueue])
        assert queue.model_dump(mode="json") == {
            "id": ID,
            "created": None,
            "updated": None,
            "name": "default",
            "description": "",
            "is_paused": False,
            "concurrency_limit": None,
            "priority": 1,
            "work_pool_name": None,
            "work_pool_id": POOL_ID,
            "filter": None,
            "last_polled": None,
            "status": None,
            "active_slots": None,
        }

    def test_work_pool_id_is_required_but_may_be_null(self) -> None:
        payload = {"id": ID, "name": "default"}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkQueue.model_validate(payload)
        assert info.value.errors() == [
            {
                "type": "missing",
                "loc": ("work_pool_id",),
                "path": "$.work_pool_id",
                "msg": "Field required",
                "input": payload,
            }
        ]

    @pytest.mark.oracle
    def test_work_pool_id_is_required_but_may_be_null_as_the_reference(self) -> None:
        conform(ls.WorkQueue, {**MINIMAL[ls.WorkQueue], "work_pool_id": None})
        conform(ls.WorkQueue, {"id": ID, "name": "default"})

    @pytest.mark.parametrize(("field", "value", "message"), QUEUE_RULES)
    def test_rules(self, field: str, value: Any, message: str) -> None:
        payload = {**MINIMAL[ls.WorkQueue], field: value}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkQueue.model_validate(payload)
        assert str(info.value) == f"1 validation error for WorkQueue\n  $.{field}: {message}"

    @pytest.mark.oracle
    @pytest.mark.parametrize(("field", "value"), [rule[:2] for rule in QUEUE_RULES])
    def test_rules_as_the_reference(self, field: str, value: Any) -> None:
        conform(ls.WorkQueue, {**MINIMAL[ls.WorkQueue], field: value})

    @pytest.mark.oracle
    @pytest.mark.parametrize(("field", "value"), [("concurrency_limit", 0), ("priority", 1), ("priority", 2**63)])
    def test_bounds_are_inclusive_where_the_reference_says(self, field: str, value: int) -> None:
        queue = conform(ls.WorkQueue, {**MINIMAL[ls.WorkQueue], field: value})
        assert getattr(queue, field) == value

    def test_every_failing_field_is_reported(self) -> None:
        payload = {**MINIMAL[ls.WorkQueue], "name": "%", "priority": 0, "concurrency_limit": -2}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkQueue.model_validate(payload)
        assert [e["path"] for e in info.value.errors()] == ["$.name", "$.concurrency_limit", "$.priority"]

    @pytest.mark.oracle
    def test_every_failing_field_is_reported_as_the_reference(self) -> None:
        conform(ls.WorkQueue, {**MINIMAL[ls.WorkQueue], "name": "%", "priority": 0, "concurrency_limit": -2})

    @pytest.mark.oracle
    def test_filter_and_status(self) -> None:
        queue = conform(
            ls.WorkQueue,
            {
                **MINIMAL[ls.WorkQueue],
                "filter": {"tags": ["a", "b"], "deployment_ids": [ID.replace("-", "")]},
                "status": "PAUSED",
                "last_polled": "2024-05-01T12:00:00",
            },
        )
        assert queue is not None
        assert queue.filter == ls.QueueFilter(tags=["a", "b"], deployment_ids=[uuid.UUID(ID)])
        assert queue.status is WorkQueueStatus.PAUSED
        assert queue.last_polled == dt.datetime(2024, 5, 1, 12, tzinfo=UTC)

    def test_bad_filter_paths(self) -> None:
        payload = {**MINIMAL[ls.WorkQueue], "filter": {"tags": "a", "deployment_ids": [ID, "nope"]}}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkQueue.model_validate(payload)
        assert [(e["path"], e["type"]) for e in info.value.errors()] == [
            ("$.filter.tags", "list_type"),
            ("$.filter.deployment_ids[1]", "uuid_parsing"),
        ]

    @pytest.mark.oracle
    def test_bad_filter_paths_as_the_reference(self) -> None:
        conform(ls.WorkQueue, {**MINIMAL[ls.WorkQueue], "filter": {"tags": "a", "deployment_ids": [ID, "nope"]}})


class TestHealthPolicy:
    """``evaluate_health_status`` gives the reference's verdict for every combination."""

    @pytest.mark.oracle
    @pytest.mark.parametrize("max_late", [None, 0, 2])
    @pytest.mark.parametrize("max_seconds", [None, 0, 60, 3600])
    @pytest.mark.parametrize("late", [0, 1, 3])
    @pytest.mark.parametrize("polled_ago", [None, -86400, 5, 600, 7200])
    def test_matches_reference(
        self, max_late: int | None, max_seconds: int | None, late: int, polled_ago: int | None
    ) -> None:
        payload = {"maximum_late_runs": max_late, "maximum_seconds_since_last_polled": max_seconds}
        ours = ls.WorkQueueHealthPolicy.model_validate(payload)
        theirs = reference(ls.WorkQueueHealthPolicy).model_validate(payload)
        polled = None if polled_ago is None else dt.datetime.now(UTC) - dt.timedelta(seconds=polled_ago)
        # 5 seconds against a limit of 0 is clearly late for both; no case sits near a boundary
        assert ours.evaluate_health_status(late, polled) == theirs.evaluate_health_status(late, polled)

    @pytest.mark.parametrize(
        ("kwargs", "late", "polled_ago", "healthy"),
        [
            ({}, 0, 1, True),
            ({}, 1, 1, False),
            ({}, 0, None, False),
            ({}, 0, 3600, False),
            ({"maximum_seconds_since_last_polled": None}, 0, None, True),
            ({"maximum_late_runs": None}, 10**6, 1, True),
            ({"maximum_late_runs": 5}, 5, 1, True),
        ],
    )
    def test_verdicts(self, kwargs: dict[str, Any], late: int, polled_ago: int | None, healthy: bool) -> None:
        polled = None if polled_ago is None else dt.datetime.now(UTC) - dt.timedelta(seconds=polled_ago)
        assert ls.WorkQueueHealthPolicy(**kwargs).evaluate_health_status(late, polled) is healthy

    def test_naive_last_polled_is_refused(self) -> None:
        with pytest.raises(TypeError, match="offset-naive and offset-aware"):
            ls.WorkQueueHealthPolicy().evaluate_health_status(0, dt.datetime.now())

    @pytest.mark.oracle
    def test_naive_last_polled_is_refused_like_the_reference(self) -> None:
        with pytest.raises(TypeError):
            reference(ls.WorkQueueHealthPolicy)().evaluate_health_status(0, dt.datetime.now())

    @pytest.mark.oracle
    def test_status_detail(self) -> None:
        detail = conform(
            ls.WorkQueueStatusDetail,
            {"healthy": "true", "late_runs_count": "2", "health_check_policy": {"maximum_late_runs": None}},
        )
        assert detail == ls.WorkQueueStatusDetail(
            healthy=True, late_runs_count=2, health_check_policy=ls.WorkQueueHealthPolicy(maximum_late_runs=None)
        )
        conform(ls.WorkQueueStatusDetail, {})
        conform(ls.WorkQueueStatusDetail, {"healthy": True, "health_check_policy": {"maximum_late_runs": "many"}})


class TestAgentAndWorker:
    """Agents get a slug name when unnamed; workers keep naive heartbeats naive."""

    @pytest.mark.oracle
    def test_agent_without_name_gets_a_slug(self) -> None:
        payload = {"id": ID, "work_queue_id": QUEUE_ID}
        agent = conform(ls.Agent, payload, random=("name",))
        assert agent is not None
        assert re.fullmatch(r"[a-z]+-[a-z]+", agent.name)
        assert ls.Agent(work_queue_id=uuid.UUID(QUEUE_ID)).name != ""

    @pytest.mark.oracle
    @pytest.mark.parametrize("name", ["", "a/b", None])
    def test_agent_name_is_taken_as_given(self, name: str | None) -> None:
        conform(ls.Agent, {"id": ID, "work_queue_id": QUEUE_ID, "name": name})

    @pytest.mark.oracle
    def test_agent_last_activity_is_a_prefect_datetime(self) -> None:
        agent = conform(ls.Agent, {**MINIMAL[ls.Agent], "last_activity_time": "2024-01-01T00:00:00"})
        assert agent is not None
        assert agent.last_activity_time == dt.datetime(2024, 1, 1, tzinfo=UTC)

    @pytest.mark.oracle
    def test_worker(self) -> None:
        worker = conform(
            ls.Worker,
            {**MINIMAL[ls.Worker], "last_heartbeat_time": "2024-01-01T00:00:00", "heartbeat_interval_seconds": "30"},
        )
        assert worker is not None
        assert worker.last_heartbeat_time == dt.datetime(2024, 1, 1)  # a plain datetime: naive stays naive
        assert worker.status is WorkerStatus.OFFLINE
        assert worker.heartbeat_interval_seconds == 30

    @pytest.mark.oracle
    @pytest.mark.parametrize("status", ["ONLINE", "OFFLINE", "online", None])
    def test_worker_status(self, status: Any) -> None:
        conform(ls.Worker, {**MINIMAL[ls.Worker], "status": status})

    def test_worker_requires_name_and_pool(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.Worker.model_validate({})
        assert [e["path"] for e in info.value.errors()] == ["$.name", "$.work_pool_id"]

    @pytest.mark.oracle
    def test_worker_requires_name_and_pool_as_the_reference(self) -> None:
        conform(ls.Worker, {})


@pytest.mark.oracle
class TestStorage:
    """Storage settings ignore unknown keys; the update needs its block id."""

    @pytest.mark.parametrize("cls", [ls.WorkPoolStorageConfiguration, ls.ServerDefaultResultStorage])
    def test_all_optional_and_extra_ignored(self, cls: Any) -> None:
        ours = conform(cls, {"surprise": 1})
        assert ours == cls()

    def test_update_requires_block_id(self) -> None:
        conform(ls.ServerDefaultResultStorageUpdate, {})
        conform(ls.ServerDefaultResultStorageUpdate, {"default_result_storage_block_id": None})
        update = conform(ls.ServerDefaultResultStorageUpdate, {"default_result_storage_block_id": ID, "other": 2})
        assert update == ls.ServerDefaultResultStorageUpdate(default_result_storage_block_id=uuid.UUID(ID))

    @pytest.mark.parametrize("cls", ALL)
    def test_extra_policy_matches_reference(self, cls: Any) -> None:
        assert cls._extra == reference(cls).model_config["extra"]


class TestWorkerMetadata:
    """Unknown keys are kept, in order, through reading, dumping, copying and pickling."""

    PAYLOAD: ClassVar[dict[str, Any]] = {
        "integrations": [{"name": "prefect-aws", "version": "0.5.0", "dropped": True}],
        "worker_type": "ecs",
        "nested": {"a": [1, 2.5, None], "b": {"c": "d"}},
    }

    @pytest.mark.oracle
    def test_extras_round_trip(self) -> None:
        meta = conform(ls.WorkerMetadata, self.PAYLOAD)
        assert meta is not None
        assert meta.model_extra == {"worker_type": "ecs", "nested": {"a": [1, 2.5, None], "b": {"c": "d"}}}
        assert meta.model_dump(mode="json") == {
            "integrations": [{"name": "prefect-aws", "version": "0.5.0"}],
            "worker_type": "ecs",
            "nested": {"a": [1, 2.5, None], "b": {"c": "d"}},
        }
        assert meta.model_dump_json() == (
            '{"integrations":[{"name":"prefect-aws","version":"0.5.0"}],'
            '"worker_type":"ecs","nested":{"a":[1,2.5,null],"b":{"c":"d"}}}'
        )

    def test_extras_survive_copies_and_pickling(self) -> None:
        meta = ls.WorkerMetadata.model_validate(self.PAYLOAD)
        expected = meta.model_dump(mode="json")
        for other in (
            meta.model_copy(),
            meta.model_copy(deep=True),
            copy.copy(meta),
            copy.deepcopy(meta),
            pickle.loads(pickle.dumps(meta)),
            meta.reset_fields(),
        ):
            assert other.model_dump(mode="json") == expected
        updated = meta.model_copy(update={"integrations": []})
        assert updated.model_dump(mode="json") == {**expected, "integrations": []}

    def test_equality_counts_extras(self) -> None:
        a = ls.WorkerMetadata.model_validate({"integrations": [], "x": 1})
        assert a == ls.WorkerMetadata.model_validate({"integrations": [], "x": 1})
        assert a != ls.WorkerMetadata.model_validate({"integrations": [], "x": 2})
        assert a != ls.WorkerMetadata(integrations=[])
        with pytest.raises(TypeError, match="unhashable type: 'WorkerMetadata'"):
            hash(a)

    def test_direct_construction_has_no_extras(self) -> None:
        meta = ls.WorkerMetadata(integrations=[ls.Integration(name="a", version="1")])
        assert meta.model_extra == {}
        assert meta.model_dump(mode="json") == {"integrations": [{"name": "a", "version": "1"}]}

    def test_bad_integrations(self) -> None:
        payload = {"integrations": [{"name": 1}, "x"], "extra": 1}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.WorkerMetadata.model_validate(payload)
        assert [(e["path"], e["msg"]) for e in info.value.errors()] == [
            ("$.integrations[0].name", "Input should be a valid string"),
            ("$.integrations[0].version", "Field required"),
            ("$.integrations[1]", "Input should be a valid dictionary or instance of Integration"),
        ]

    @pytest.mark.oracle
    def test_bad_integrations_as_the_reference(self) -> None:
        conform(ls.WorkerMetadata, {"integrations": [{"name": 1}, "x"], "extra": 1})
        conform(ls.WorkerMetadata, {"worker_type": "ecs"})

    @pytest.mark.oracle
    def test_key_named_model_extra_is_kept(self) -> None:
        conform(ls.WorkerMetadata, {"integrations": [], "model_extra": 5})


# -- conformance and properties ---------------------------------------------------------


@pytest.mark.oracle
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_minimal_payloads_conform(cls: Any) -> None:
    assert conform(cls, MINIMAL[cls]) is not None


@pytest.mark.oracle
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_field_order_matches_reference(cls: Any) -> None:
    ours = [a.name for a in attrs.fields(cls) if a.name != "model_extra"]
    assert ours == list(reference(cls).model_fields)


@pytest.mark.oracle
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_payloads_conform(cls: Any, data: st.DataObject) -> None:
    """Reference-made JSON reads back identically here and in the reference."""
    payload = data.draw(PAYLOADS[cls])
    try:
        ref_json = reference(cls).model_validate(payload).model_dump(mode="json")
    except pydantic.ValidationError:
        ref_json = None
    conform(cls, payload)
    if ref_json is not None and not unreadable_dump(ref_json):
        assert cls.model_validate(ref_json).model_dump(mode="json") == ref_json


@pytest.mark.oracle
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_payloads_conform(cls: Any, data: st.DataObject) -> None:
    """One bad field: both reject it at the same locs, or both accept it the same way."""
    conform(cls, data.draw(damaged(cls)))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(cls: Any, data: st.DataObject) -> None:
    """Dumping and reading back gives an equal object and the same JSON, python dumps included."""
    payload = data.draw(PAYLOADS[cls])
    try:
        obj = cls.model_validate(payload)
    except lightschema.ValidationError:
        return
    dumped = obj.model_dump(mode="json")
    if unreadable_dump(dumped):
        with pytest.raises(lightschema.ValidationError):
            cls.model_validate(dumped)
        return
    again = cls.model_validate(dumped)
    assert again == obj
    assert again.model_dump(mode="json") == dumped
    assert cls.model_validate_json(obj.model_dump_json()) == obj
    assert cls.model_validate(obj.model_dump()) == obj
