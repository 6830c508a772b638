"""Flows, deployments, their schedules and version info, checked against prefect 3.9.1."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightschema import ValidationError
from lightschema import _deployments as ls
from lightschema._enums import BranchingScheduleHandling
from lightschema.schedules import CronSchedule, IntervalSchedule, NoSchedule
from tests.oracle import assert_conforms, dump_ref, pydantic
from tests.oracle import ref_objects as ref
from tests.strategies import uuids

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FLOW_ID = "2b5c5a7e-8a5c-4e5f-9a0e-6f1c2d3e4f50"
STAMPS = {"id": ID, "created": "2020-01-01T00:00:00Z", "updated": "2020-01-02T03:04:05.123456Z"}
INTERVAL_TAG = "function-after[validate_timezone(), IntervalSchedule]"
NAME_PATTERN_MSG = "String should match pattern '^[^/%&><]+$'"


def error_triples(exc: Any) -> list[tuple[Any, ...]]:
    return sorted(((e["type"], e["loc"], e["msg"]) for e in exc.errors()), key=repr)


def assert_same_rejection(name: str, payload: Any) -> list[tuple[Any, ...]]:
    with pytest.raises(pydantic.ValidationError) as theirs:
        getattr(ref, name).model_validate(payload)
    with pytest.raises(ValidationError) as ours:
        getattr(ls, name).model_validate(payload)
    assert error_triples(ours.value) == error_triples(theirs.value)
    return error_triples(ours.value)


# -- Flow ---------------------------------------------------------------------------------------


class TestFlow:
    @pytest.mark.oracle
    def test_whole_dump(self) -> None:
        payload = {**STAMPS, "name": "my-flow", "tags": ["a"], "labels": {"team": "x", "n": 1.5, "ok": True}}
        assert assert_conforms("Flow", payload) == payload

    @pytest.mark.oracle
    def test_defaults(self) -> None:
        assert assert_conforms("Flow", {**STAMPS, "name": "f", "labels": None}) == {
            **STAMPS,
            "name": "f",
            "tags": [],
            "labels": {},
        }

    @pytest.mark.oracle
    @pytest.mark.parametrize("name", ["a/b", "50%", "x&y", "<tag>", ""])
    def test_banned_characters_in_name(self, name: str) -> None:
        payload = {**STAMPS, "name": name}
        with pytest.raises(ValidationError) as ours:
            ls.Flow.model_validate(payload)
        assert [(e["type"], e["loc"], e["msg"], e["input"]) for e in ours.value.errors()] == [
            ("string_pattern_mismatch", ("name",), NAME_PATTERN_MSG, name)
        ]
        assert_same_rejection("Flow", payload)

    def test_banned_characters_on_construction(self) -> None:
        with pytest.raises(ValidationError):
            ls.Flow(name="a/b")

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload", [{}, {"name": 5}, {"name": "f", "tags": "x"}, {"name": "f", "labels": {"a": [1]}}]
    )
    def test_rejections_match(self, payload: dict[str, Any]) -> None:
        assert_same_rejection("Flow", payload)


# -- DeploymentSchedule ---------------------------------------------------------------------------


class TestDeploymentSchedule:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "schedule",
        [
            {},
            {"interval": 3600, "anchor_date": "2020-01-01T00:00:00+02:00"},
            {"cron": "0 9 * * mon-fri", "timezone": "Europe/Paris", "day_or": False},
            {"rrule": "FREQ=DAILY"},
        ],
    )
    def test_schedule_members(self, schedule: dict[str, Any]) -> None:
        payload = {**STAMPS, "deployment_id": FLOW_ID, "schedule": schedule, "max_scheduled_runs": 3, "slug": "s"}
        assert_conforms("DeploymentSchedule", payload)

    def test_whole_dump_and_member_type(self) -> None:
        payload = {**STAMPS, "schedule": {"cron": "0 0 * * *"}, "parameters": {"x": [1, {"y": None}]}}
        ours = ls.DeploymentSchedule.model_validate(payload)
        assert isinstance(ours.schedule, CronSchedule)
        assert ours.model_dump(mode="json") == {
            **STAMPS,
            "deployment_id": None,
            "schedule": {"cron": "0 0 * * *", "timezone": None, "day_or": True},
            "active": True,
            "max_scheduled_runs": None,
            "parameters": {"x": [1, {"y": None}]},
            "slug": None,
        }
        assert ours.model_dump()["schedule"] == {"cron": "0 0 * * *", "timezone": None, "day_or": True}

    def test_schedule_instance_accepted(self) -> None:
        schedule = IntervalSchedule(interval=dt.timedelta(minutes=5))
        ours = ls.DeploymentSchedule(schedule=schedule)
        assert ours.schedule is schedule
        assert ls.DeploymentSchedule.model_validate({"schedule": NoSchedule()}).schedule == NoSchedule()

    @pytest.mark.oracle
    @pytest.mark.parametrize("runs", [0, -1])
    def test_max_scheduled_runs_positive(self, runs: int) -> None:
        payload = {**STAMPS, "schedule": {}, "max_scheduled_runs": runs}
        assert assert_same_rejection("DeploymentSchedule", payload) == [
            ("greater_than", ("max_scheduled_runs",), "Input should be greater than 0")
        ]

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "schedule",
        [
            {"interval": 60, "cron": "* * * * *"},
            {"cron": "* * * *"},
            {"interval": 60, "timezone": "Foo"},
            {"x": 1},
            "daily",
            None,
        ],
    )
    def test_schedule_errors_name_each_member(self, schedule: Any) -> None:
        errors = assert_same_rejection("DeploymentSchedule", {**STAMPS, "schedule": schedule})
        assert all(loc[0] == "schedule" for _, loc, _ in errors)
        assert ("schedule", INTERVAL_TAG) in {loc[:2] for _, loc, _ in errors}

    @pytest.mark.oracle
    def test_schedule_required(self) -> None:
        assert assert_same_rejection("DeploymentSchedule", {**STAMPS}) == [("missing", ("schedule",), "Field required")]


# -- VersionInfo ---------------------------------------------------------------------------------


class TestVersionInfo:
    PAYLOAD: ClassVar[dict[str, Any]] = {
        "type": "vcs:git",
        "version": "abc123",
        "branch": "main",
        "meta": {"n": [1, 2]},
    }

    @pytest.mark.oracle
    def test_extra_keys_round_trip(self) -> None:
        assert assert_conforms("VersionInfo", self.PAYLOAD) == self.PAYLOAD
        ours = ls.VersionInfo.model_validate(self.PAYLOAD)
        assert ours.model_extra == ref.VersionInfo.model_validate(self.PAYLOAD).model_extra
        assert ours.model_dump() == self.PAYLOAD
        assert ls.VersionInfo.model_validate_json(ours.model_dump_json()) == ours

    def test_extra_keys_count_for_equality(self) -> None:
        plain = ls.VersionInfo(type="vcs:git", version="abc123")
        assert ls.VersionInfo.model_validate(self.PAYLOAD) != plain
        assert plain == ls.VersionInfo.model_validate({"type": "vcs:git", "version": "abc123"})

    @pytest.mark.oracle
    def test_include_exclude_reach_extra_keys(self) -> None:
        ours = ls.VersionInfo.model_validate(self.PAYLOAD)
        theirs = ref.VersionInfo.model_validate(self.PAYLOAD)
        assert ours.model_dump(mode="json", exclude={"branch"}) == theirs.model_dump(mode="json", exclude={"branch"})
        assert ours.model_dump(mode="json", include={"branch"}) == theirs.model_dump(mode="json", include={"branch"})

    @pytest.mark.oracle
    def test_copy_keeps_extra_keys(self) -> None:
        ours = ls.VersionInfo.model_validate(self.PAYLOAD)
        theirs = ref.VersionInfo.model_validate(self.PAYLOAD)
        assert ours.model_copy().model_dump() == self.PAYLOAD
        assert (
            ours.model_copy(update={"version": "v2"}).model_dump()
            == theirs.model_copy(update={"version": "v2"}).model_dump()
        )
        assert (
            ours.model_copy(update={"branch": "dev"}).model_dump()
            == theirs.model_copy(update={"branch": "dev"}).model_dump()
        )
        deep = ours.model_copy(deep=True)
        assert deep == ours and deep.model_extra["meta"] is not ours.model_extra["meta"]
        assert copy.deepcopy(ours) == ours

    @pytest.mark.oracle
    @pytest.mark.parametrize("payload", [{}, {"type": "git"}, {"type": 1, "version": None}])
    def test_rejections_match(self, payload: dict[str, Any]) -> None:
        assert_same_rejection("VersionInfo", payload)


# -- DeploymentBranchingOptions ----------------------------------------------------------------------


class TestDeploymentBranchingOptions:
    @pytest.mark.oracle
    @pytest.mark.parametrize("payload", [{**STAMPS}, {**STAMPS, "schedule_handling": "keep"}])
    def test_conforms(self, payload: dict[str, Any]) -> None:
        assert_conforms("DeploymentBranchingOptions", payload)

    def test_default(self) -> None:
        assert ls.DeploymentBranchingOptions().schedule_handling is BranchingScheduleHandling.REMOVE

    @pytest.mark.oracle
    def test_rejection(self) -> None:
        assert assert_same_rejection("DeploymentBranchingOptions", {"schedule_handling": "KEEP"}) == [
            ("enum", ("schedule_handling",), "Input should be 'keep', 'remove' or 'inactive'")
        ]


# -- Deployment ------------------------------------------------------------------------------------

FULL_DEPLOYMENT: dict[str, Any] = {
    **STAMPS,
    "name": "nightly",
    "version": "1.2",
    "version_id": ID,
    "version_info": {"type": "vcs:github", "version": "1.2", "url": "https://example.invalid/x"},
    "description": "runs at night",
    "flow_id": FLOW_ID,
    "paused": True,
    "concurrency_limit": 2,
    "schedules": [
        {
            **STAMPS,
            "deployment_id": ID,
            "schedule": {"cron": "0 0 * * *", "timezone": None, "day_or": True},
            "active": True,
            "max_scheduled_runs": None,
            "parameters": {},
            "slug": None,
        },
        {
            **STAMPS,
            "deployment_id": ID,
            "schedule": {"interval": 60.0, "anchor_date": "2020-01-01T00:00:00Z", "timezone": "UTC"},
            "active": False,
            "max_scheduled_runs": 5,
            "parameters": {"a": 1},
            "slug": "every-minute",
        },
    ],
    "job_variables": {"image": "python:3.12"},
    "parameters": {"n": 3},
    "pull_steps": [{"prefect.deployments.steps.git_clone": {"repository": "x"}}],
    "tags": ["prod"],
    "labels": {"team": "data"},
    "work_queue_name": "default",
    "last_polled": "2024-05-06T07:08:09.123456Z",
    "parameter_openapi_schema": {"type": "object", "properties": {}},
    "path": "/opt/flows",
    "entrypoint": "flows.py:nightly",
    "storage_document_id": None,
    "infrastructure_document_id": ID,
    "created_by": {"id": ID, "type": "USER", "display_value": "me"},
    "updated_by": {"id": None, "type": "AUTOMATION", "display_value": "auto"},
    "work_queue_id": ID,
    "enforce_parameter_schema": False,
}


class TestDeployment:
    @pytest.mark.oracle
    def test_whole_dump(self) -> None:
        assert assert_conforms("Deployment", FULL_DEPLOYMENT) == FULL_DEPLOYMENT

    @pytest.mark.oracle
    def test_defaults(self) -> None:
        dumped = assert_conforms("Deployment", {**STAMPS, "name": "d", "flow_id": FLOW_ID})
        assert dumped["schedules"] == [] and dumped["labels"] == {} and dumped["enforce_parameter_schema"] is True

    @pytest.mark.oracle
    def test_naive_last_polled_is_utc(self) -> None:
        dumped = assert_conforms(
            "Deployment", {**STAMPS, "name": "d", "flow_id": FLOW_ID, "last_polled": "2024-01-01T00:00:00"}
        )
        assert dumped["last_polled"] == "2024-01-01T00:00:00Z"

    @pytest.mark.oracle
    @pytest.mark.parametrize("name", ["a/b", "x>y", ""])
    def test_banned_characters_in_name(self, name: str) -> None:
        assert assert_same_rejection("Deployment", {**STAMPS, "name": name, "flow_id": FLOW_ID}) == [
            ("string_pattern_mismatch", ("name",), NAME_PATTERN_MSG)
        ]

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "changes",
        [
            {"flow_id": None},
            {"schedules": [{"schedule": {"rrule": "nope"}}]},
            {"schedules": [{"schedule": {"interval": 0}}, {"schedule": {"cron": "* * * * *", "x": 1}}]},
            {"version_info": {"type": "git"}},
            {"pull_steps": ["step"]},
            {"labels": {"a": None}},
            {"concurrency_limit": "many", "paused": "maybe"},
        ],
    )
    def test_rejections_match(self, changes: dict[str, Any]) -> None:
        assert_same_rejection("Deployment", {**STAMPS, "name": "d", "flow_id": FLOW_ID, **changes})

    def test_equality_ignores_ids_and_timestamps(self) -> None:
        a = ls.Deployment.model_validate(FULL_DEPLOYMENT)
        b = ls.Deployment.model_validate({**FULL_DEPLOYMENT, "id": FLOW_ID, "updated": None})
        assert a == b
        assert a != ls.Deployment.model_validate({**FULL_DEPLOYMENT, "paused": False})


# -- property tests ------------------------------------------------------------------------------

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_names = _text.filter(lambda s: s and not set(s) & set("/%&><"))
_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), _text)
_json = st.recursive(
    _json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3), max_leaves=6
)
_labels = st.dictionaries(_text, st.one_of(st.booleans(), st.integers(-1000, 1000), _text), max_size=3)
_stamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.timezone.utc)
)

schedule_dicts = st.one_of(
    st.just({}),
    st.builds(lambda s, a: {"interval": s, "anchor_date": a}, st.integers(1, 10**6), _stamps),
    st.sampled_from(["0 0 * * *", "*/5 * * * *", "0 9 * * mon-fri"]).map(lambda c: {"cron": c}),
    st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO"]).map(lambda r: {"rrule": r}),
)
deployment_schedules = st.fixed_dictionaries(
    {"id": uuids, "schedule": schedule_dicts},
    optional={
        "deployment_id": st.one_of(st.none(), uuids),
        "active": st.booleans(),
        "max_scheduled_runs": st.one_of(st.none(), st.integers(1, 1000)),
        "parameters": st.dictionaries(_text, _json, max_size=3),
        "slug": st.one_of(st.none(), _text),
    },
)
version_infos = st.builds(
    lambda t, v, extra: {"type": t, "version": v, **extra},
    _text,
    _text,
    st.dictionaries(_text.filter(lambda k: k not in ("type", "version")), _json, max_size=3),
)
deployments = st.fixed_dictionaries(
    {"id": uuids, "name": _names, "flow_id": uuids},
    optional={
        "created": _stamps,
        "version": st.one_of(st.none(), _text),
        "version_info": st.one_of(st.none(), version_infos),
        "paused": st.booleans(),
        "concurrency_limit": st.one_of(st.none(), st.integers(0, 100)),
        "schedules": st.lists(deployment_schedules, max_size=2),
        "job_variables": st.dictionaries(_text, _json, max_size=3),
        "pull_steps": st.one_of(st.none(), st.lists(st.dictionaries(_text, _json, max_size=2), max_size=2)),
        "tags": st.lists(_text, max_size=3),
        "labels": _labels,
        "last_polled": st.one_of(st.none(), _stamps),
        "created_by": st.one_of(st.none(), st.fixed_dictionaries({"id": uuids, "type": _text})),
        "enforce_parameter_schema": st.booleans(),
    },
)
flows = st.fixed_dictionaries(
    {"id": uuids, "name": _names}, optional={"tags": st.lists(_text, max_size=3), "labels": _labels}
)


@pytest.mark.oracle
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.one_of(
        deployments.map(lambda p: ("Deployment", p)),
        flows.map(lambda p: ("Flow", p)),
        deployment_schedules.map(lambda p: ("DeploymentSchedule", p)),
        version_infos.map(lambda p: ("VersionInfo", p)),
    )
)
def test_round_trip_like_the_reference(case: tuple[str, dict[str, Any]]) -> None:
    name, python_payload = case
    payload = dump_ref(name, python_payload)
    assert assert_conforms(name, payload) == payload
    ours = getattr(ls, name).model_validate(payload)
    assert getattr(ls, name).model_validate_json(ours.model_dump_json()) == ours
