"""The run model's own rules, each checked against the reference on the same input."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

import lightschema
from lightschema import objects as ls
from tests.oracle import pydantic
from tests.oracle import ref_objects as ref

FLOW_ID = "2b5c5a7e-8a5c-4e5f-9a0e-6f1c2d3e4f50"
STAMP = "2024-05-06T07:08:09.123456Z"


def both(name: str, payload: dict[str, Any]) -> tuple[Any, Any]:
    """The same payload structured by the reference and by lightschema."""
    return getattr(ref, name).model_validate(payload), getattr(ls, name).model_validate(payload)


@pytest.mark.oracle
class TestEnums:
    """Enums and constants carry the reference's values."""

    @pytest.mark.parametrize(
        "name",
        [
            "RunType",
            "StateType",
            "WorkPoolStatus",
            "WorkerStatus",
            "DeploymentStatus",
            "WorkQueueStatus",
            "ConcurrencyLimitStrategy",
            "BranchingScheduleHandling",
        ],
    )
    def test_same_members_and_values(self, name: str) -> None:
        assert [(m.name, m.value) for m in getattr(ls, name)] == [(m.name, m.value) for m in getattr(ref, name)]

    def test_repr_and_display_name(self) -> None:
        assert repr(ls.StateType.COMPLETED) == repr(ref.StateType.COMPLETED) == "StateType.COMPLETED"
        assert ls.WorkPoolStatus.NOT_READY.display_name == ref.WorkPoolStatus.NOT_READY.display_name == "Not ready"
        assert ls.StateType.auto() is not None

    def test_constants(self) -> None:
        assert {t.value for t in ls.TERMINAL_STATES} == {t.value for t in ref.TERMINAL_STATES}
        assert ls.DEFAULT_BLOCK_SCHEMA_VERSION == ref.DEFAULT_BLOCK_SCHEMA_VERSION
        assert ls.DEFAULT_AGENT_WORK_POOL_NAME == ref.DEFAULT_AGENT_WORK_POOL_NAME


class TestState:
    """Defaults, predicates and text forms of State match the reference."""

    @pytest.mark.oracle
    @pytest.mark.parametrize("state_type", [t.value for t in ls.StateType])  # the same as the reference's (TestEnums)
    def test_default_name_predicates_and_text(self, state_type: str) -> None:
        payload = {"type": state_type, "timestamp": STAMP, "message": "hello", "data": [1, "two"]}
        theirs, ours = both("State", payload)
        assert ours.name == theirs.name
        for predicate in (
            "is_scheduled",
            "is_pending",
            "is_running",
            "is_completed",
            "is_failed",
            "is_crashed",
            "is_cancelled",
            "is_cancelling",
            "is_paused",
            "is_final",
        ):
            assert getattr(ours, predicate)() == getattr(theirs, predicate)(), predicate
        assert repr(ours) == repr(theirs)
        assert str(ours) == str(theirs)

    @pytest.mark.oracle
    def test_str_with_custom_name(self) -> None:
        theirs, ours = both("State", {"type": "COMPLETED", "name": "Cached", "message": None})
        assert str(ours) == str(theirs) == "Cached(type=COMPLETED)"

    def test_scheduled_state_gets_a_scheduled_time(self) -> None:
        before = dt.datetime.now(dt.timezone.utc)
        state = ls.State.model_validate({"type": "SCHEDULED"})
        assert state.state_details.scheduled_time is not None
        assert state.state_details.scheduled_time >= before
        kept = ls.State.model_validate({"type": "SCHEDULED", "state_details": {"scheduled_time": STAMP}})
        assert kept.model_dump(mode="json")["state_details"]["scheduled_time"] == STAMP

    @pytest.mark.oracle
    def test_unpersisted_result_becomes_none(self) -> None:
        theirs, ours = both("State", {"type": "COMPLETED", "data": {"type": "unpersisted"}})
        assert ours.data is None and theirs.data is None

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "data",
        [
            {"storage_key": "/tmp/result", "serializer": {"type": "json", "jsonlib": "json"}},
            {
                "storage_key": "k",
                "serializer": {"type": "compressed/pickle"},
                "expiration": STAMP,
                "storage_block_id": FLOW_ID,
                "prefect_version": "3.0.0",
            },
            {"storage_key": None},
            {"storage_key": "k", "serializer": {"type": "made-up", "x": 1}},
        ],
    )
    def test_result_metadata_routes_and_dumps_like_the_reference(self, data: dict[str, Any]) -> None:
        theirs, ours = both("State", {"type": "COMPLETED", "timestamp": STAMP, "data": data})
        assert isinstance(ours.data, ls.ResultRecordMetadata)
        assert ours.model_dump(mode="json")["data"] == theirs.model_dump(mode="json")["data"]

    @pytest.mark.oracle
    @pytest.mark.parametrize("data", [None, 1, "text", [1, 2], {"key": "value"}, {"type": "json"}])
    def test_other_data_stays_as_is(self, data: Any) -> None:
        theirs, ours = both("State", {"type": "COMPLETED", "data": data})
        assert ours.data == theirs.data
        assert ours.model_dump(mode="json")["data"] == theirs.model_dump(mode="json")["data"]

    @pytest.mark.oracle
    def test_discriminator(self) -> None:
        for value in [{"storage_key": 1}, {"a": 1}, [], None, "storage_key"]:
            assert ls.data_discriminator(value) == ref.data_discriminator(value)

    def test_bad_result_metadata_path_names_the_tag(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.State.model_validate({"type": "COMPLETED", "data": {"storage_key": 5, "serializer": 3}})
        assert [(e["loc"], e["type"]) for e in info.value.errors()] == [
            (("data", "ResultRecordMetadata", "storage_key"), "string_type"),
            (("data", "ResultRecordMetadata", "serializer"), "model_type"),
        ]


class TestPolicies:
    """Deprecated-field population and the retry rules."""

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"max_retries": 3, "retry_delay_seconds": 10},
            {"max_retries": 3, "retries": 1},
            {},
            {"retry_delay_seconds": 0, "retry_delay": 5},
        ],
    )
    def test_flow_run_policy_deprecated_fields(self, payload: dict[str, Any]) -> None:
        theirs, ours = both("FlowRunPolicy", payload)
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"max_retries": 3, "retry_delay_seconds": 2.5},
            {"retry_delay": [1, 2.5]},
            {"retry_delay": 2.0},
            {"retry_delay": "3"},
            {"retry_jitter_factor": 0.5},
        ],
    )
    def test_task_run_policy(self, payload: dict[str, Any]) -> None:
        theirs, ours = both("TaskRunPolicy", payload)
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")

    def test_retry_rules_report_every_failure(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.TaskRunPolicy.model_validate({"retry_delay": list(range(51)), "retry_jitter_factor": -1})
        assert [(e["path"], e["msg"]) for e in info.value.errors()] == [
            ("$.retry_delay", "Value error, Can not configure more than 50 retry delays per task."),
            ("$.retry_jitter_factor", "Value error, `retry_jitter_factor` must be >= 0."),
        ]

    def test_rules_apply_to_direct_construction(self) -> None:
        with pytest.raises(lightschema.ValidationError, match=r"\$\.retry_jitter_factor: Value error"):
            ls.TaskRunPolicy(retry_jitter_factor=-0.1)


class TestRuns:
    """FlowRun and TaskRun names, inputs and result links."""

    @pytest.mark.parametrize("name", [None, ""])
    def test_missing_name_becomes_two_word_slug(self, name: str | None) -> None:
        run = ls.FlowRun.model_validate({"flow_id": FLOW_ID, "name": name})
        assert re.fullmatch(r"[a-z]+-[a-z]+", run.name)
        assert re.fullmatch(r"[a-z]+-[a-z]+", ls.FlowRun(flow_id=uuid.UUID(FLOW_ID)).name)

    @pytest.mark.oracle
    def test_task_inputs_told_apart_by_input_type(self) -> None:
        inputs = {
            "x": [
                {"input_type": "constant", "type": "int"},
                {"input_type": "task_run", "id": FLOW_ID},
                {"input_type": "flow_run", "id": FLOW_ID},
                {"input_type": "parameter", "name": "p"},
                {"id": FLOW_ID},
            ]
        }
        theirs, ours = both("TaskRun", {"task_key": "k", "dynamic_key": "0", "task_inputs": inputs})
        assert [type(i).__name__ for i in ours.task_inputs["x"]] == [type(i).__name__ for i in theirs.task_inputs["x"]]
        assert ours.model_dump(mode="json")["task_inputs"] == theirs.model_dump(mode="json")["task_inputs"]

    def test_to_run_result(self) -> None:
        details = ls.StateDetails.model_validate({"flow_run_id": FLOW_ID})
        assert details.to_run_result(ls.RunType.FLOW_RUN) == ls.FlowRunResult(id=uuid.UUID(FLOW_ID))
        assert details.to_run_result(ls.RunType.TASK_RUN) is None

    @pytest.mark.oracle
    def test_labels_reject_nested_values_under_each_type(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.FlowRun.model_validate({"flow_id": FLOW_ID, "labels": {"a": [1]}})
        with pytest.raises(pydantic.ValidationError) as theirs:
            ref.FlowRun.model_validate({"flow_id": FLOW_ID, "labels": {"a": [1]}})
        expected = [e["loc"] for e in theirs.value.errors()]
        assert [e["loc"] for e in info.value.errors()] == expected

    @pytest.mark.oracle
    def test_label_values_dump_as_they_are(self) -> None:
        labels = {"inf": float("-inf"), "nan": float("nan"), "z": -0.0, "i": 2**70, "t": True, "s": "ü"}
        theirs, ours = both("FlowRun", {"flow_id": FLOW_ID, "labels": labels})
        dumped = ours.model_dump(mode="json")["labels"]
        assert repr(dumped) == repr(theirs.model_dump(mode="json")["labels"])  # repr: nan != nan
        assert [type(v) for v in dumped.values()] == [float, float, float, int, bool, str]
        assert dumped is not ours.labels  # a copy: changing the dump leaves the run alone

    def test_task_inputs_built_unchecked_still_dump(self) -> None:
        """A run built from keywords keeps what it was given; a dict among the inputs is
        written as data, beside the models written by their classes."""
        inputs: Any = {"x": [ls.TaskRunResult(id=uuid.UUID(FLOW_ID)), {"input_type": "parameter", "name": "p"}]}
        run = ls.TaskRun(task_key="k", dynamic_key="0", task_inputs=inputs)
        assert run.model_dump(mode="json")["task_inputs"] == {
            "x": [{"input_type": "task_run", "id": FLOW_ID}, {"input_type": "parameter", "name": "p"}]
        }


class TestErrors:
    """Every failing field is listed with its path; the message reads in a terminal."""

    def test_whole_message(self) -> None:
        payload = {"flow_id": "x", "tags": "abc", "state": {"type": "X", "state_details": {"flow_run_id": 5}}}
        with pytest.raises(lightschema.ValidationError) as info:
            ls.FlowRun.model_validate(payload)
        assert str(info.value) == "\n".join(
            [
                "4 validation errors for FlowRun",
                "  $.flow_id: Input should be a valid UUID, got 'x' [type=uuid_parsing, input='x']",
                "  $.tags: Input should be a valid list [type=list_type, input='abc']",
                "  $.state.type: Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', "
                "'CANCELLED', 'CRASHED', 'PAUSED' or 'CANCELLING' [type=enum, input='X']",
                "  $.state.state_details.flow_run_id: UUID input should be a string, bytes or UUID object "
                "[type=uuid_type, input=5]",
            ]
        )
        assert isinstance(info.value, ValueError)

    def test_errors_list(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.TaskRun.model_validate({"task_key": 1})
        assert info.value.errors() == [
            {
                "type": "string_type",
                "loc": ("task_key",),
                "path": "$.task_key",
                "msg": "Input should be a valid string",
                "input": 1,
            },
            {
                "type": "missing",
                "loc": ("dynamic_key",),
                "path": "$.dynamic_key",
                "msg": "Field required",
                "input": {"task_key": 1},
            },
        ]

    @pytest.mark.parametrize("payload", [None, [], "x", 1])
    def test_not_a_dict(self, payload: Any) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            ls.FlowRun.model_validate(payload)
        assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [
            ("model_attributes_type", (), "Input should be a valid dictionary or object to extract fields from")
        ]
