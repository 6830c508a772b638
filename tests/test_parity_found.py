"""Disagreements with prefect 3.9.1 that a differential fuzz found, each checked against it.

Payloads are compared whole: accepted ones must dump alike, rejected ones must give the
same (type, loc, msg) for every error, as Python objects (``model_validate``) and as JSON
text (``model_validate_json``, whose wording pydantic changes: "object", "array", "duration").
"""

from __future__ import annotations

import decimal
import enum
import json
import types
import uuid
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lightschema
from lightschema import objects as light
from tests.oracle import pydantic
from tests.oracle import ref_objects as ref

warnings.filterwarnings("ignore", category=DeprecationWarning)

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
RUN = {"id": ID, "flow_id": ID}
TASK_RUN = {"id": ID, "task_key": "k", "dynamic_key": "0"}


def outcome(name: str, payload: Any, *, reference: bool, as_json: bool) -> tuple[Any, ...]:
    cls = getattr(ref if reference else light, name)
    try:
        obj = cls.model_validate_json(json.dumps(payload)) if as_json else cls.model_validate(payload)
    except (pydantic.ValidationError, lightschema.ValidationError) as exc:
        errors = exc.errors(include_url=False) if reference else exc.errors()  # type: ignore[call-arg]
        return "error", sorted((e["type"], tuple(e["loc"]), e["msg"]) for e in errors)
    return "ok", obj.model_dump(mode="json")


def assert_same(name: str, payload: Any, *, as_json: bool) -> None:
    theirs = outcome(name, payload, reference=True, as_json=as_json)
    assert outcome(name, payload, reference=False, as_json=as_json) == theirs


CASES = [
    # a list or dict as a union's literal tag: every member's errors, not "unhashable type"
    ("TaskRun", {**TASK_RUN, "task_inputs": {"x": [{"input_type": [], "id": ID}]}}),
    ("TaskRun", {**TASK_RUN, "task_inputs": {"x": [{"input_type": {}, "id": ID}]}}),
    # the reference's API objects (ObjectBaseModel) read "objects to extract fields from"
    ("FlowRun", {**RUN, "state": [1]}),
    ("FlowRun", {**RUN, "state": "x"}),
    ("BlockSchema", {"id": ID, "checksum": "c", "block_type_id": ID, "block_type": "x"}),
    ("FlowRun", {**RUN, "empirical_policy": [1]}),
    ("Flow", 1),
    ("Flow", [{"name": "f"}]),
    # containers and durations of the wrong JSON type
    ("Flow", {"id": ID, "name": "f", "tags": "x"}),
    ("FlowRun", {**RUN, "tags": {}, "parameters": 1, "total_run_time": [], "labels": "x"}),
    ("FlowRunPolicy", {"pause_keys": {}}),
    ("FlowRunPolicy", {"pause_keys": 1}),
    ("State", {"type": "COMPLETED", "state_details": []}),
    # the deprecated retry fields carry over when the raw successor is falsy ("0" is not)
    ("FlowRunPolicy", {"max_retries": 3, "retries": "0"}),
    ("FlowRunPolicy", {"retry_delay": "0", "retry_delay_seconds": 1}),
    ("FlowRunPolicy", {"max_retries": 3, "retries": 0}),
    # a variable's float value is written as the reference's float member writes it
    ("Variable", {"id": ID, "name": "v", "value": float("inf")}),
    ("Variable", {"id": ID, "name": "v", "value": [float("-inf"), 1.5]}),
    # durations run to the last microsecond of day 999,999,999 (a schema-driven fuzz)
    ("TaskRun", {**TASK_RUN, "name": "t", "total_run_time": 86399999999999}),
    ("TaskRun", {**TASK_RUN, "name": "t", "total_run_time": 86399999913601.5}),
    ("TaskRun", {**TASK_RUN, "name": "t", "estimated_run_time": "P999999999DT23H59M59S"}),
    ("TaskRun", {**TASK_RUN, "name": "t", "estimated_run_time": 86400000000000}),
    # rules the reference checks before conversion see the raw input only
    ("BlockDocument", {"id": ID, "block_schema_id": ID, "block_type_id": ID, "is_anonymous": "0"}),
    ("BlockDocument", {"id": ID, "block_schema_id": ID, "block_type_id": ID, "is_anonymous": "false"}),
    ("BlockDocument", {"id": ID, "block_schema_id": ID, "block_type_id": ID, "is_anonymous": 0}),
    (
        "BlockDocumentReference",
        {"id": ID, "parent_block_document_id": ID, "reference_block_document_id": ID.upper(), "name": "n"},
    ),
    (
        "BlockDocumentReference",
        {"id": ID, "parent_block_document_id": ID, "reference_block_document_id": ID, "name": "n"},
    ),
]


@pytest.mark.oracle
@pytest.mark.parametrize("as_json", [False, True], ids=["python", "json"])
@pytest.mark.parametrize(("name", "payload"), CASES, ids=lambda v: repr(v)[:50])
def test_found_cases_match(name: str, payload: Any, as_json: bool) -> None:
    assert_same(name, payload, as_json=as_json)


@pytest.mark.oracle
@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("Flow", {"id": ID, "name": "a\ud800b"}),
        ("Variable", {"id": ID, "name": "\udfff", "value": 1}),
        ("BlockType", {"id": ID, "name": "n", "slug": "s", "logo_url": "http://x/\ud800"}),
        ("FlowRun", {**RUN, "name": "a\ud800b", "tags": ["\ud800"]}),
        # values parsed from text: the UTF-8 read fails first
        ("FlowRun", {**RUN, "flow_id": "\ud800", "state_type": "\udfff", "run_count": "\ud800"}),
        ("FlowRun", {**RUN, "auto_scheduled": "\ud800", "total_run_time": "\ud800"}),
        ("State", {"type": "COMPLETED", "timestamp": "\ud800"}),
        ("FlowRunPolicy", {"retry_type": "é\ud800"}),
        ("TaskRun", {**TASK_RUN, "task_inputs": {"x": [{"input_type": "\ud800"}]}}),
    ],
    ids=lambda v: repr(v)[:50],
)
def test_lone_surrogates(name: str, payload: Any) -> None:
    """Refused where pydantic reads the text as UTF-8 (patterns, lengths, URLs, parsed values),
    kept in plain text fields.
    (Python input only: JSON text holding them fails to parse, worded by each side's parser.)"""
    assert_same(name, payload, as_json=False)


@pytest.mark.oracle
def test_block_document_parts_read_objects() -> None:
    """As Python input only: given JSON text, the reference says ``model_attributes_type`` here
    but ``model_type`` for a BlockSchema's ``block_type`` or a run's ``state``, which lightschema
    says everywhere (a JSON value is never an object to read attributes from)."""
    payload = {"id": ID, "name": "d", "block_schema_id": ID, "block_type_id": ID, "block_schema": 1}
    assert_same("BlockDocument", payload, as_json=False)


PREFIX = f'{{"id": "{ID}", "flow_id": "{ID}", '


@pytest.mark.oracle
@pytest.mark.parametrize(
    "text",
    [
        PREFIX + '"total_run_time": true}',
        PREFIX + '"estimated_run_time": false}',
        PREFIX + '"total_run_time": 100000000000000000000}',
        PREFIX + '"total_run_time": NaN}',
        PREFIX + '"start_time": 100000000000000000000}',
        PREFIX + '"total_run_time": 9223372036854775807}',
    ],
)
def test_json_only_values(text: str) -> None:
    """What only JSON text can say: ``true`` is no duration there, nor a 65-bit integer a time."""
    outcomes: list[tuple[Any, ...]] = []
    for module, error in ((ref, pydantic.ValidationError), (light, lightschema.ValidationError)):
        try:
            module.FlowRun.model_validate_json(text)
            outcomes.append(("ok",))
        except error as exc:
            outcomes.append(("error", sorted((e["type"], tuple(e["loc"]), e["msg"]) for e in exc.errors())))
    assert outcomes[1] == outcomes[0]


def test_json_values_keep_python_rules_outside_json() -> None:
    """The same values as Python objects are read as before: ``True`` is one second."""
    run = light.FlowRun.model_validate({**RUN, "total_run_time": True})
    assert run.total_run_time.total_seconds() == 1


@pytest.mark.oracle
def test_json_values_keep_python_rules_outside_json_as_the_reference() -> None:
    assert ref.FlowRun.model_validate({**RUN, "total_run_time": True}).total_run_time.total_seconds() == 1


def test_bulk_json_readers_use_json_wording() -> None:
    body = json.dumps([{"id": ID, "name": "f", "tags": "x"}])
    with pytest.raises(lightschema.ValidationError) as info:
        lightschema.load_json(body, list[light.Flow])
    assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [
        ("list_type", (0, "tags"), "Input should be a valid array")
    ]
    with pytest.raises(lightschema.ValidationError) as info:
        lightschema.load_json_lines(body[1:-1] + "\n[]", light.Flow)
    assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [
        ("list_type", (0, "tags"), "Input should be a valid array"),
        ("model_type", (1,), "Input should be an object"),
    ]


def test_fields_are_read_from_an_object() -> None:
    """``from_attributes``: an object that is not a builtin gives its attributes as fields."""
    state = types.SimpleNamespace(type="COMPLETED", name="Done", message=None)
    ours = light.FlowRun.model_validate({**RUN, "state": state})
    assert ours.state is not None
    assert (ours.state.type.value, ours.state.name) == ("COMPLETED", "Done")
    flow = light.Flow.model_validate(types.SimpleNamespace(name="f", tags=["a"]))
    assert (flow.name, flow.tags) == ("f", ["a"])


@pytest.mark.oracle
def test_fields_are_read_from_an_object_as_the_reference() -> None:
    state = types.SimpleNamespace(type="COMPLETED", name="Done", message=None)
    theirs = ref.FlowRun.model_validate({**RUN, "state": state})
    assert theirs.state is not None
    assert (theirs.state.type.value, theirs.state.name) == ("COMPLETED", "Done")


def test_models_that_do_not_read_objects_say_so() -> None:
    with pytest.raises(lightschema.ValidationError) as info:
        light.FlowRunPolicy.model_validate(types.SimpleNamespace(retries=1))
    assert [(e["type"], e["msg"]) for e in info.value.errors()] == [
        ("model_type", "Input should be a valid dictionary or instance of FlowRunPolicy")
    ]


_DELAY_ITEMS = st.one_of(
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False).map(lambda f: round(f, 1)),
    st.booleans(),
    st.sampled_from(["1", "2.0", "1.5", "x", " 3 "]),
    st.none(),
)


@pytest.mark.oracle
@settings(max_examples=300, deadline=None)
@given(st.lists(_DELAY_ITEMS, max_size=4))
def test_a_list_of_delays_is_read_as_the_best_fitting_list(delays: list[Any]) -> None:
    """``int | float | list[int] | list[float]``: pydantic's smart union takes the list member
    whose items fit best (``[1, 2.0]`` is floats, ``["1", 2.0]`` ints, the first on a tie).
    Compared as text, since ``[1, 2] == [1.0, 2.0]`` in Python."""
    payload = {"retry_delay": delays}
    for as_json in (False, True):
        theirs = outcome("TaskRunPolicy", payload, reference=True, as_json=as_json)
        ours = outcome("TaskRunPolicy", payload, reference=False, as_json=as_json)
        assert json.dumps(ours) == json.dumps(theirs)


_RANDOM_DEFAULTS = {"id", "name", "timestamp"}  # uuid7s, generated slugs and clocks differ by nature


_UUID = uuid.UUID(ID)


@pytest.mark.oracle
@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("FlowRun", {"flow_id": _UUID, "parameters": {"x": 1}, "type": "not a field"}),
        ("State", {"message": "m", "data": {"x": (1, 2)}}),
        ("WorkerMetadata", {"type": "t", "extra": 5}),  # its required integrations left unset
        ("Variable", {"id": _UUID, "value": [1]}),
        ("TaskRunPolicy", {"retries": 2}),
    ],
)
def test_model_construct_takes_values_unchecked_and_defaults_the_rest(name: str, values: dict[str, Any]) -> None:
    ours = getattr(light, name).model_construct(**values)
    theirs = getattr(ref, name).model_construct(**values)
    for mode in ("json", "python"):
        mine, reference = ours.model_dump(mode=mode), theirs.model_dump(mode=mode)
        assert {k: v for k, v in mine.items() if k not in _RANDOM_DEFAULTS} == {
            k: v for k, v in reference.items() if k not in _RANDOM_DEFAULTS
        }
        assert set(mine) == set(reference)
    assert getattr(ours, "model_extra", None) == theirs.model_extra


def test_model_json_schema_is_the_schema_module_gives() -> None:
    """(Compared with the reference's, but for documentation, in ``test_schema``.)"""
    from lightschema._schema import model_json_schema

    assert light.FlowRun.model_json_schema() == model_json_schema(light.FlowRun)
    assert light.FlowRun.model_json_schema("serialization") == model_json_schema(light.FlowRun, "serialization")


class _Level(enum.IntEnum):
    ONE = 1


class _Word(str, enum.Enum):
    ONE = "1"
    DONE = "COMPLETED"


class _Ratio(float, enum.Enum):
    HALF = 1.5


class _Plain(enum.Enum):
    ONE = 1
    DONE = "COMPLETED"


class _Text(str):
    pass


class _Whole(int):
    pass


class _Real(float):
    pass


_PYTHON_VALUES = [
    _Level.ONE,
    _Word.ONE,
    _Word.DONE,
    _Ratio.HALF,
    _Plain.ONE,
    _Plain.DONE,
    _Text("1"),
    _Whole(1),
    _Real(1.0),
    _Real(2.5),
    *(decimal.Decimal(t) for t in ("1", "0", "2", "1.5", "-0", "1E+3", "1E+30", "NaN", "Infinity")),
]
_FIELDS = [
    ("FlowRun", "run_count"),
    ("FlowRun", "auto_scheduled"),
    ("FlowRun", "total_run_time"),
    ("FlowRun", "start_time"),
    ("FlowRun", "tags"),
    ("FlowRun", "labels"),
    ("FlowRun", "state_type"),
    ("FlowRun", "work_queue_name"),
    ("TaskRunPolicy", "retry_jitter_factor"),
    ("TaskRunPolicy", "retry_delay"),
    ("FlowRunPolicy", "retry_delay_seconds"),
]


def _comparable(result: tuple[Any, ...]) -> str:
    """JSON text of an outcome; duration and UUID reasons are worded differently by design."""
    if result[0] == "error":
        result = (
            "error",
            [(t, loc, "" if t in ("time_delta_parsing", "uuid_parsing") else msg) for t, loc, msg in result[1]],
        )
    return json.dumps(result, default=str)


@pytest.mark.oracle
@pytest.mark.parametrize(("name", "field"), _FIELDS)
def test_python_values_of_other_classes_are_read_as_the_reference_reads_them(name: str, field: str) -> None:
    """Enum members, subclasses of str/int/float (a numpy float is one) and decimals (as
    ``json.loads(parse_float=Decimal)`` or a database driver gives them), where a Python
    caller builds the payload. Compared as JSON text: ``1 == 1.0 == True`` in Python."""
    for value in _PYTHON_VALUES:
        if value is _Plain.DONE and field in ("run_count", "retry_delay", "retry_delay_seconds"):
            continue  # pydantic hands a plain enum's value to an int field unchecked ("COMPLETED")
        if value is _Word.DONE and field == "start_time":
            continue  # the reference's message shows str(member), "_Word.DONE"; ours the text
        wrapped = [value] if field == "tags" else {"a": value} if field == "labels" else value
        payload = {**RUN, "name": "n", field: wrapped} if name == "FlowRun" else {field: wrapped}
        theirs = outcome(name, payload, reference=True, as_json=False)
        ours = outcome(name, payload, reference=False, as_json=False)
        assert _comparable(ours) == _comparable(theirs), repr(value)


_HEX = ID.replace("-", "")


@pytest.mark.oracle
@pytest.mark.parametrize(
    "text",
    [
        _HEX,
        "{" + ID + "}",
        "urn:uuid:" + ID,
        "{" + _HEX + "}",
        "urn:uuid:" + _HEX,
        "urn:uuid:{" + ID + "}",
        ID[:13] + ID[14:],
    ],
)
def test_uuid_forms_are_the_ones_pydantic_reads(text: str) -> None:
    """Hyphenated (bare, braced or urn) or 32 bare hex digits; braces or urn only around the
    hyphenated form. Error reasons are worded differently by design: types and places compared."""
    for as_json in (False, True):
        theirs = outcome("Variable", {"id": text, "name": "v", "value": 1}, reference=True, as_json=as_json)
        ours = outcome("Variable", {"id": text, "name": "v", "value": 1}, reference=False, as_json=as_json)
        assert ours[0] == theirs[0]
        if ours[0] == "error":
            assert [e[:2] for e in ours[1]] == [e[:2] for e in theirs[1]]


@pytest.mark.oracle
@pytest.mark.parametrize(
    "delays",
    [[_Real(1.0)], [decimal.Decimal("1")], [1, _Real(2.0)], [_Level.ONE], [True, _Real(1.0)], [_Text("1")]],
    ids=repr,
)
def test_list_items_of_other_classes_fit_as_scalars_do(delays: list[Any]) -> None:
    """The same ranking as a scalar union member: a float subclass or a decimal fits a list of
    floats strictly, ahead of the lax reading as ints."""
    payload = {"retry_delay": delays}
    theirs = outcome("TaskRunPolicy", payload, reference=True, as_json=False)
    assert json.dumps(outcome("TaskRunPolicy", payload, reference=False, as_json=False)) == json.dumps(theirs)
