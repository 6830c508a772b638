"""The one error type: what it holds, how paths are written, and how it reads in a terminal.

Whole messages are compared, never substrings: the message is part of the interface.
"""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest

import lightschema
import lightschema.objects as lo
import lightschema.schedules as lsch
from lightschema import ValidationError, _hooks
from lightschema._base import PrefectBaseModel, model
from lightschema._fields import STRUCTURE
from lightschema.errors import ErrorDetails, InvalidValue, format_path

U = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
INTERVAL = "function-after[validate_timezone(), IntervalSchedule]"


def _pendulum_datetime() -> bool:
    """Whether Prefect's DateTime reads text pydantic rejects with pendulum (a value_error when
    that fails too): before Python 3.13; from 3.13 on it has pydantic's datetime errors."""
    import sys

    return sys.version_info < (3, 13)


def raised(call: Any, *args: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args)
    return info.value


class TestTheType:
    def test_is_a_value_error_and_exported(self) -> None:
        assert issubclass(ValidationError, ValueError)
        assert lightschema.ValidationError is ValidationError
        assert not issubclass(InvalidValue, ValidationError)  # internal, never escapes

    @pytest.mark.parametrize(
        ("call", "arg"),
        [
            (lo.FlowRun.model_validate, None),
            (lo.FlowRun.model_validate, []),
            (lo.FlowRun.model_validate, {"flow_id": 1}),
            (lo.FlowRun.model_validate_json, "{"),
            (lo.FlowRun.model_validate_json, b"\xff"),
            (lo.FlowRun.model_validate_json, 12),
            (lo.FlowRun.model_validate_list, {"flow_id": U}),
            (lo.FlowRun.model_validate_list, [1]),
            (lsch.CronSchedule.model_validate, {"cron": "not cron"}),
            (lo.WorkQueue.model_validate, {"name": "", "work_pool_id": U}),
        ],
    )
    def test_every_kind_of_failure_raises_it(self, call: Any, arg: Any) -> None:
        exc = raised(call, arg)
        assert exc.error_count() == len(exc.errors()) >= 1

    def test_errors_are_fresh_copies(self) -> None:
        exc = raised(lo.FlowRun.model_validate, {"flow_id": "x"})
        first = exc.errors()
        first[0]["msg"] = "changed"
        first.clear()
        assert exc.errors()[0]["msg"] == "Input should be a valid UUID, got 'x'"

    def test_pickles(self) -> None:
        exc = raised(lo.FlowRun.model_validate, {"flow_id": "x", "tags": [1]})
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is ValidationError
        assert (back.title, back.errors(), str(back)) == (exc.title, exc.errors(), str(exc))

    def test_repr_shows_the_message(self) -> None:
        exc = raised(lo.Flow.model_validate, {})
        assert (
            repr(exc)
            == "ValidationError('1 validation error for Flow\\n  $.name: Field required [type=missing, input={}]')"
        )


class TestWholeMessages:
    def test_nested_path(self) -> None:
        exc = raised(
            lo.FlowRun.model_validate,
            {"flow_id": U, "state": {"type": "RUNNING", "state_details": {"flow_run_id": "nope"}}},
        )
        assert exc.errors() == [
            {
                "type": "uuid_parsing",
                "loc": ("state", "state_details", "flow_run_id"),
                "path": "$.state.state_details.flow_run_id",
                "msg": "Input should be a valid UUID, got 'nope'",
                "input": "nope",
            }
        ]
        assert str(exc) == (
            "1 validation error for FlowRun\n"
            "  $.state.state_details.flow_run_id: Input should be a valid UUID, got 'nope' "
            "[type=uuid_parsing, input='nope']"
        )

    def test_missing_and_wrong_types_together(self) -> None:
        exc = raised(lo.Log.model_validate, {"level": "x", "message": 1, "timestamp": "nope"})
        assert str(exc) == "\n".join(
            [
                "4 validation errors for Log",
                "  $.name: Field required [type=missing, input={'level': 'x', 'message': 1, 'timestamp': 'nope'}]",
                "  $.level: Input should be a valid integer, unable to parse string as an integer "
                "[type=int_parsing, input='x']",
                "  $.message: Input should be a valid string [type=string_type, input=1]",
                "  $.timestamp: Value error, Unable to parse string [nope] [type=value_error, input='nope']"
                if _pendulum_datetime()
                else "  $.timestamp: Input should be a valid datetime or date, input is too short "
                "[type=datetime_from_date_parsing, input='nope']",
            ]
        )

    def test_enum_and_rules(self) -> None:
        exc = raised(lo.WorkQueue.model_validate, {"name": "a/b", "work_pool_id": U, "priority": 0, "status": "SLEEPY"})
        assert str(exc) == "\n".join(
            [
                "3 validation errors for WorkQueue",
                "  $.name: String should match pattern '^[^/%&><]+$' [type=string_pattern_mismatch, input='a/b']",
                "  $.priority: Input should be greater than 0 [type=greater_than, input=0]",
                "  $.status: Input should be 'READY', 'NOT_READY' or 'PAUSED' [type=enum, input='SLEEPY']",
            ]
        )

    def test_list_index_and_keys_that_are_not_identifiers(self) -> None:
        exc = raised(lo.FlowRun.model_validate, {"flow_id": U, "tags": ["a", 2], "labels": {"my key": None}})
        assert str(exc) == "\n".join(
            [
                "5 validation errors for FlowRun",
                "  $.tags[1]: Input should be a valid string [type=string_type, input=2]",
                "  $.labels['my key'].bool: Input should be a valid boolean [type=bool_type, input=None]",
                "  $.labels['my key'].int: Input should be a valid integer [type=int_type, input=None]",
                "  $.labels['my key'].float: Input should be a valid number [type=float_type, input=None]",
                "  $.labels['my key'].str: Input should be a valid string [type=string_type, input=None]",
            ]
        )
        assert [e["loc"] for e in exc.errors()][:2] == [("tags", 1), ("labels", "my key", "bool")]

    def test_unknown_keys_where_forbidden(self) -> None:
        exc = raised(lsch.IntervalSchedule.model_validate, {"interval": 60, "every": "day"})
        assert str(exc) == (
            "1 validation error for IntervalSchedule\n"
            "  $.every: Extra inputs are not permitted [type=extra_forbidden, input='day']"
        )

    def test_union_members_are_named_in_the_path(self) -> None:
        exc = raised(lo.DeploymentSchedule.model_validate, {"schedule": {"cron": 5}})
        assert str(exc) == "\n".join(
            [
                "6 validation errors for DeploymentSchedule",
                f"  $.schedule['{INTERVAL}'].interval: Field required [type=missing, input={{'cron': 5}}]",
                f"  $.schedule['{INTERVAL}'].cron: Extra inputs are not permitted [type=extra_forbidden, input=5]",
                "  $.schedule.CronSchedule.cron: Input should be a valid string [type=string_type, input=5]",
                "  $.schedule.RRuleSchedule.rrule: Field required [type=missing, input={'cron': 5}]",
                "  $.schedule.RRuleSchedule.cron: Extra inputs are not permitted [type=extra_forbidden, input=5]",
                "  $.schedule.NoSchedule.cron: Extra inputs are not permitted [type=extra_forbidden, input=5]",
            ]
        )

    def test_bad_durations_and_datetimes(self) -> None:
        exc = raised(lo.FlowRun.model_validate, {"flow_id": U, "total_run_time": "soon", "start_time": "2024-13-01"})
        assert str(exc) == "\n".join(
            [
                "2 validation errors for FlowRun",
                "  $.start_time: Value error, Unable to parse string [2024-13-01] "
                "[type=value_error, input='2024-13-01']"
                if _pendulum_datetime()
                else "  $.start_time: Input should be a valid datetime or date, month value is outside expected "
                "range of 1-12 [type=datetime_from_date_parsing, input='2024-13-01']",
                "  $.total_run_time: Input should be a valid timedelta, invalid duration format "
                "[type=time_delta_parsing, input='soon']",
            ]
        )

    def test_list_of_models(self) -> None:
        exc = raised(lo.FlowRun.model_validate_list, [{"flow_id": U}, {"flow_id": U, "tags": [1]}])
        assert str(exc) == (
            "1 validation error for list[FlowRun]\n"
            "  $[1].tags[0]: Input should be a valid string [type=string_type, input=1]"
        )

    def test_not_a_mapping(self) -> None:
        exc = raised(lo.FlowRun.model_validate, ["flow_id", U])
        assert str(exc) == (
            "1 validation error for FlowRun\n"
            "  $: Input should be a valid dictionary or object to extract fields from "
            f"[type=model_attributes_type, input=['flow_id', '{U}']]"
        )


class TestJson:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ('{"flow_id": ', "Invalid JSON: Expecting value at line 1 column 13"),
            ('{"flow_id": "x",}', None),  # a trailing comma: the running stdlib's words (see below)
            ("{}\n  x", "Invalid JSON: Extra data at line 2 column 3"),
            ("", "Invalid JSON: Expecting value at line 1 column 1"),
        ],
    )
    def test_parse_errors_carry_the_position(self, text: str, message: str | None) -> None:
        if message is None:  # worded by the stdlib, which names a trailing comma from Python 3.13 on
            import json

            with pytest.raises(json.JSONDecodeError) as stdlib:
                json.loads(text)
            message = f"Invalid JSON: {stdlib.value.msg} at line {stdlib.value.lineno} column {stdlib.value.colno}"
        exc = raised(lo.FlowRun.model_validate_json, text)
        assert exc.errors() == [{"type": "json_invalid", "loc": (), "path": "$", "msg": message, "input": text}]
        assert str(exc) == f"1 validation error for FlowRun\n  $: {message} [type=json_invalid, input={text!r}]"

    def test_invalid_utf8(self) -> None:
        exc = raised(lo.FlowRun.model_validate_json, b'{"name": "caf\xe9"}')
        assert str(exc) == (
            "1 validation error for FlowRun\n"
            '  $: Invalid JSON: invalid UTF-8 at byte 13 [type=json_invalid, input=b\'{"name": "caf\\xe9"}\']'
        )

    def test_not_text(self) -> None:
        exc = raised(lo.FlowRun.model_validate_json, 12)
        assert (
            str(exc) == "1 validation error for FlowRun\n"
            "  $: JSON input should be string, bytes or bytearray [type=json_type, input=12]"
        )

    def test_valid_json_then_the_model_rules(self) -> None:
        exc = raised(lo.FlowRun.model_validate_json, "[]")
        assert str(exc) == "1 validation error for FlowRun\n  $: Input should be an object [type=model_type, input=[]]"


class TestPathsAndInputs:
    @pytest.mark.parametrize(
        ("loc", "path"),
        [
            ((), "$"),
            (("state", "state_details", "flow_run_id"), "$.state.state_details.flow_run_id"),
            (("schedules", 0, "schedule"), "$.schedules[0].schedule"),
            ((0, "tags", 3), "$[0].tags[3]"),
            (("labels", "a.b"), "$.labels['a.b']"),
            (("labels", ""), "$.labels['']"),
            (("labels", "it's"), '$.labels["it\'s"]'),
        ],
    )
    def test_format_path(self, loc: tuple[Any, ...], path: str) -> None:
        assert format_path(loc) == path

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            ("x" * 200, "'" + "x" * 76 + "..."),
            (list(range(10**6)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21..."),
            pytest.param(10**5000, "<unprintable int object>", id="int-of-5001-digits"),
            ({"a": [1, (2,)], "b": {3}}, "{'a': [1, (2,)], 'b': {3}}"),
            (frozenset(), "frozenset()"),
        ],
    )
    def test_inputs_are_shown_short(self, value: Any, shown: str) -> None:
        exc = ValidationError("T", [{"type": "t", "loc": ("f",), "path": "$.f", "msg": "m", "input": value}])
        assert str(exc) == f"1 validation error for T\n  $.f: m [type=t, input={shown}]"

    def test_deeply_nested_input_is_shown_short(self) -> None:
        value: Any = 1
        for _ in range(100_000):
            value = [value]
        exc = ValidationError("T", [{"type": "t", "loc": (), "path": "$", "msg": "m", "input": value}])
        assert str(exc) == "1 validation error for T\n  $: m [type=t, input=" + "[" * 77 + "...]"

    def test_the_input_is_the_callers_value(self) -> None:
        bad = {"not": "a list"}
        exc = raised(lo.FlowRun.model_validate, {"flow_id": U, "tags": bad})
        assert exc.errors()[0]["input"] is bad

    def test_path_follows_loc_even_when_built_by_hand(self) -> None:
        entry: ErrorDetails = {"type": "t", "loc": ("a", 1), "path": "stale", "msg": "m", "input": None}
        exc = ValidationError("T", [entry])
        assert exc.errors()[0]["path"] == "$.a[1]"
        assert str(exc) == "1 validation error for T\n  $.a[1]: m [type=t, input=None]"

    def test_plural_and_singular(self) -> None:
        assert str(ValidationError("T", [])) == "0 validation errors for T"


def _out_of_memory(value: Any, _: Any = None) -> Any:
    raise MemoryError("no room")


@model
class Hungry(PrefectBaseModel):
    """A model whose one field runs out of memory while being read."""

    x: int = attrs.field(metadata={STRUCTURE: _out_of_memory})


class TestMemoryErrorIsRaised:
    """Running out of memory is no fault of the input: it is raised as it is, never
    reported as an error entry (a ``value_error``) of the item it happened in."""

    @pytest.mark.parametrize(
        "call",
        [
            lambda: Hungry.model_validate({"x": 1}),
            lambda: Hungry.model_validate_list([{"x": 1}] * 100),
            lambda: Hungry.model_validate_json('{"x": 1}'),
            lambda: lightschema.load_json("[" + ",".join(['{"x": 1}'] * 100) + "]", list[Hungry]),
            lambda: lightschema.load_json_lines('{"x": 1}\n{"x": 2}', Hungry),
            lambda: _hooks.structure_items([1, 2], _out_of_memory),
            lambda: _hooks.make_dict_hook(_hooks.structure_str, _out_of_memory)({"a": 1}),
            lambda: _hooks.make_smart_union_hook([("int", int, _out_of_memory)])("1"),
        ],
        ids=["model", "bulk", "json", "load_json", "json_lines", "items", "dict", "union"],
    )
    def test_raised(self, call: Any) -> None:
        with pytest.raises(MemoryError, match="no room"):
            call()

    def test_after_other_failures_in_the_same_list(self) -> None:
        with pytest.raises(MemoryError):
            _hooks.structure_items(["x", 1, 2], lambda v, _=None: _hooks.structure_int(v) and _out_of_memory(v))


class TestCompactEntries:
    """A rejected bulk call keeps one small tuple per error, made once, never copied per level."""

    def test_entries_are_tuples_shared_across_titles(self) -> None:
        items = [{"name": "x"}] * 200
        exc = raised(lo.FlowRun.model_validate_list, items)
        assert exc.title == "list[FlowRun]"
        assert all(type(e) is tuple and len(e) == 4 for e in exc._entries)
        assert exc._entries[7] == ("missing", (7, "flow_id"), "Field required", items[7])
        # one message object for every entry: constant messages are shared, not rebuilt
        assert len({id(e[2]) for e in exc._entries}) == 1

    def test_errors_and_text_built_only_when_asked(self) -> None:
        exc = raised(lo.FlowRun.model_validate_list, [{"name": "x"}] * 3)
        assert exc._text is None
        assert exc.errors()[2] == {
            "type": "missing",
            "loc": (2, "flow_id"),
            "path": "$[2].flow_id",
            "msg": "Field required",
            "input": {"name": "x"},
        }

    def test_memory_per_bad_item(self) -> None:
        import gc
        import tracemalloc

        items = [{"name": str(i)} for i in range(20_000)]
        lo.FlowRun.model_validate({"flow_id": U})  # build the hooks first
        gc.collect()
        tracemalloc.start()
        try:
            with pytest.raises(ValidationError) as info:
                lo.FlowRun.model_validate_list(items)
            held, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert info.value.error_count() == len(items)
        # a tuple, its location and the index: about 170 bytes; dicts with paths took 600
        assert held / len(items) < 250
        assert peak / len(items) < 300


class TestFailurePathWork:
    """How often a failing value is read, counted as the InvalidValue errors made: the fast
    pass stops at the first bad item (its error is thrown away), and only the detailed pass
    reads every one, so a bad list costs one pass, and nesting adds one read per level
    (it used to double at every level)."""

    @pytest.fixture
    def made(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        made: list[str] = []
        init = InvalidValue.__init__

        def counting(self: InvalidValue, kind: str, msg: str, value: Any, loc: Any = ()) -> None:
            made.append(kind)
            init(self, kind, msg, value, loc)

        monkeypatch.setattr(InvalidValue, "__init__", counting)
        return made

    def test_a_bad_list_is_read_once_in_full(self, made: list[str]) -> None:
        exc = raised(lo.FlowRun.model_validate, {"flow_id": U, "tags": list(range(1000))})
        assert exc.error_count() == 1000
        assert len(made) == 1 + 1000  # the fast pass's first bad tag, then the detailed pass's

    def test_a_bad_dict_is_read_once_in_full(self, made: list[str]) -> None:
        exc = raised(lo.Flow.model_validate, {"name": "f", "labels": {str(i): [] for i in range(100)}})
        assert exc.error_count() == 400  # four union members for each label
        assert len(made) <= 2 * 100  # a label's value read at most twice, not once per pass and level

    @pytest.mark.parametrize(
        ("payload", "reads"),
        [
            ({"flow_id": U, "state": {"type": "BAD"}}, 3),
            ({"flow_id": U, "state": {"type": "RUNNING", "state_details": {"flow_run_id": "x"}}}, 4),
        ],
    )
    def test_nesting_adds_one_read_per_level(self, made: list[str], payload: Any, reads: int) -> None:
        exc = raised(lo.FlowRun.model_validate_list, [payload] * 10)
        assert exc.error_count() == 10
        assert len(made) == 10 * reads

    def test_union_members_each_read_once(self, made: list[str]) -> None:
        task = {"task_key": "k", "dynamic_key": "d", "task_inputs": {"x": [{"input_type": "bad"}] * 50}}
        exc = raised(lo.TaskRun.model_validate, task)
        assert exc.error_count() == 50 * 8  # four members, two errors each
        # the fast pass: the first item's four members and the union's own refusal; then each
        # member of each item: its fast pass and its detailed pass (it was also every member
        # of every item a second time)
        assert len(made) == 4 + 1 + 50 * 4 * 2
