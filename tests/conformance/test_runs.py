"""Run-model conformance: states, flow runs, task runs, their policies and inputs.

Payloads are made by the reference (``model_dump(mode="json")`` of what it
validated from generated dicts), so every volatile field (ids, timestamps,
generated names) is present and both sides must dump them identically. Each
payload is then mutated (a key dropped, a value replaced by something of the
wrong type, format or size) and both sides must agree again: same dump if the
reference accepts, the same set of error locations if it rejects.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lightschema
from lightschema import objects as light
from tests import strategies as s
from tests.oracle import pydantic, ref_fields
from tests.oracle import ref_objects as ref

warnings.filterwarnings("ignore", category=DeprecationWarning)
pytestmark = pytest.mark.oracle  # every test compares with the reference

#: name -> (reference class, lightschema class, payload strategy, required keys)
CLASSES: dict[str, tuple[Any, Any, Any, tuple[str, ...]]] = {
    "CreatedBy": (ref_fields.CreatedBy, light.CreatedBy, s.created_by(), ()),
    "UpdatedBy": (ref_fields.UpdatedBy, light.UpdatedBy, s.created_by(), ()),
    "StateDetails": (ref.StateDetails, light.StateDetails, s.state_details(), ()),
    "State": (ref.State, light.State, s.state(), ("type",)),
    "FlowRunPolicy": (ref.FlowRunPolicy, light.FlowRunPolicy, s.flow_run_policy(), ()),
    "TaskRunPolicy": (ref.TaskRunPolicy, light.TaskRunPolicy, s.task_run_policy(), ()),
    "FlowRun": (ref.FlowRun, light.FlowRun, s.flow_run(), ("flow_id",)),
    "TaskRun": (ref.TaskRun, light.TaskRun, s.task_run(), ("task_key", "dynamic_key")),
    "TaskRunResult": (
        ref.TaskRunResult,
        light.TaskRunResult,
        s.run_input().filter(lambda d: d["input_type"] == "task_run"),
        ("id",),
    ),
    "FlowRunResult": (
        ref.FlowRunResult,
        light.FlowRunResult,
        s.run_input().filter(lambda d: d["input_type"] == "flow_run"),
        ("id",),
    ),
    "Parameter": (
        ref.Parameter,
        light.Parameter,
        s.run_input().filter(lambda d: d["input_type"] == "parameter"),
        ("name",),
    ),
    "Constant": (
        ref.Constant,
        light.Constant,
        s.run_input().filter(lambda d: d["input_type"] == "constant"),
        ("type",),
    ),
}
NAMES = sorted(CLASSES)

#: values that, when they replace a field, the reference fills in freshly (so they cannot be compared)
VOLATILE = {"id", "name", "timestamp", "scheduled_time"}

BAD_VALUES: list[Any] = [
    None,
    [],
    {},
    "",
    "not-a-valid-value",
    "2020-13-45T00:00:00",
    -1,
    1.5,
    2**70,
    True,
    "1e400",
    {"type": 1},
    [{"input_type": "bogus"}],
    list(range(51)),
]


def reference_payload(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    ref_cls = CLASSES[name][0]
    try:
        return ref_cls.model_validate(raw).model_dump(mode="json")  # type: ignore[no-any-return]
    except pydantic.ValidationError:
        assume(False)
        raise


def outcome(cls: Any, payload: Any, *, reference: bool) -> tuple[str, Any]:
    try:
        obj = cls.model_validate(payload)
    except pydantic.ValidationError as exc:
        return "error", sorted({tuple(map(str, e["loc"])) for e in exc.errors()})
    except lightschema.ValidationError as exc:
        return "error", sorted({tuple(map(str, e["loc"])) for e in exc.errors()})
    except (OverflowError, TypeError) as exc:  # the reference: int(inf) in a policy; an unhashable
        return "crash", type(exc).__name__  # serializer type in its registry lookup
    # the reference warns when it dumps a serializer type that is not text (``{"type": -1}``),
    # though it writes it as lightschema does
    return "ok", unordered(obj.model_dump(mode="json", warnings=False) if reference else obj.model_dump(mode="json"))


def unordered(dump: Any) -> Any:
    """Sort what the models hold as sets: their dump order follows set iteration, not input."""
    if isinstance(dump, dict):
        return {k: sorted(v) if k == "pause_keys" and isinstance(v, list) else unordered(v) for k, v in dump.items()}
    if isinstance(dump, list):
        return [unordered(v) for v in dump]
    return dump


def _forget(dump: Any, keys: set[str]) -> Any:
    if isinstance(dump, dict):
        return {k: _forget(v, keys) for k, v in dump.items() if k not in keys}
    if isinstance(dump, list):
        return [_forget(v, keys) for v in dump]
    return dump


def assert_agree(name: str, payload: Any, volatile: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    ref_cls, light_cls, _, _ = CLASSES[name]
    expected = outcome(ref_cls, payload, reference=True)
    got = outcome(light_cls, payload, reference=False)
    if expected[0] == "ok" and got[0] == "ok" and volatile:
        expected, got = ("ok", _forget(expected[1], volatile)), ("ok", _forget(got[1], volatile))
    if expected[0] == "crash":  # where the reference crashes, lightschema reports a validation error
        assert got[0] == "error"
        return
    assert got == expected


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_reference_payloads_round_trip(name: str, data: st.DataObject) -> None:
    ref_cls, light_cls, strategy, _ = CLASSES[name]
    payload = unordered(reference_payload(name, data.draw(strategy)))
    light_obj = light_cls.model_validate(payload)
    light_dump = light_obj.model_dump(mode="json")
    assert unordered(light_dump) == payload
    assert unordered(json.loads(light_obj.model_dump_json())) == payload
    assert unordered(ref_cls.model_validate(light_dump).model_dump(mode="json")) == payload


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out.append((*prefix, k))
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value[:2]):
            out.append((*prefix, i))
            out.extend(_paths(v, (*prefix, i)))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any, *, drop: bool = False) -> Any:
    head, *rest = path
    if isinstance(value, dict):
        copy: Any = dict(value)
    else:
        copy = list(value)
    if rest:
        copy[head] = _replace(copy[head], tuple(rest), new, drop=drop)
    elif drop and isinstance(copy, dict):
        del copy[head]
    else:
        copy[head] = new
    return copy


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_payloads_agree(name: str, data: st.DataObject) -> None:
    _, _, strategy, _ = CLASSES[name]
    payload = reference_payload(name, data.draw(strategy))
    paths = _paths(payload)
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    if data.draw(st.booleans()):
        mutated = _replace(payload, path, None, drop=True)
    else:
        bad = data.draw(st.sampled_from(BAD_VALUES))
        mutated = _replace(payload, path, bad)
    # a SCHEDULED state without a scheduled time gets the current time on both sides
    volatile = (VOLATILE & {str(p) for p in path}) | {"scheduled_time"}
    assert_agree(name, mutated, volatile=volatile)


@pytest.mark.parametrize("name", [n for n in NAMES if CLASSES[n][3]])
def test_missing_required_keys(name: str) -> None:
    for key in CLASSES[name][3]:
        assert_agree(name, {})
        assert_agree(name, {k: "x" for k in CLASSES[name][3] if k != key})


STATE_DATA = [
    None,
    1,
    "text",
    [1, {"a": None}],
    {"type": "unpersisted"},
    {"storage_key": None},
    {"storage_key": "/tmp/abc", "serializer": {"type": "json", "jsonlib": "orjson"}},
    {"storage_key": "k", "serializer": {"type": "compressed/pickle"}, "expiration": "2030-01-01T00:00:00"},
    {"storage_key": "k", "serializer": {"type": "unknown-kind", "x": 1}, "prefect_version": "2.0.0"},
    {"storage_key": "k", "serializer": "pickle"},
    {"storage_key": 5},
    {"storage_key": "k", "expiration": "never", "storage_block_id": "nope"},
]


@pytest.mark.parametrize("data", STATE_DATA, ids=lambda d: json.dumps(d)[:40])
def test_state_data_shapes(data: Any) -> None:
    payload = {
        "type": "COMPLETED",
        "id": "0190b5f2-0000-7000-8000-000000000000",
        "timestamp": "2024-01-01T00:00:00Z",
        "data": data,
    }
    assert_agree("State", payload)


#: serializer descriptions the reference reads in its own particular ways
SERIALIZER_SHAPES = [
    {"type": 1},  # an unknown type, even a non-text one, is kept unchecked and dumped as is
    {"type": None},
    {},  # no type: the base serializer, "__base__"
    {"foo": 1},  # unknown keys without a type: extra_forbidden at serializer.foo
    {"type": "json", "bogus": 1},  # a known type takes only its own options
    {"type": "json", "jsonlib": 5},  # ... typed
    {"type": "pickle", "picklelib": "pickle", "picklelib_version": None},
    {"type": "compressed/json", "serializer": "json", "compressionlib": "zlib"},
]


@pytest.mark.parametrize("serializer", SERIALIZER_SHAPES, ids=lambda d: json.dumps(d))
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_serializer_shapes(serializer: Any) -> None:
    payload = {
        "type": "COMPLETED",
        "id": "0190b5f2-0000-7000-8000-000000000000",
        "timestamp": "2024-01-01T00:00:00Z",
        "data": {"storage_key": "k", "serializer": serializer},
    }
    assert_agree("State", payload)


@pytest.mark.parametrize("labels", [[], 0, "", False, 0.0, None])
def test_falsy_labels(labels: Any) -> None:
    """The reference reads any falsy labels as no labels."""
    payload = {"id": "0190b5f2-0000-7000-8000-000000000009", "flow_id": "6f1b1c9e-0d1c-4c4e-9e64-3c1e0b6f7a10"}
    assert_agree("FlowRun", {**payload, "name": "n", "labels": labels})


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    labels=st.dictionaries(st.text(max_size=4), _JSON_SCALARS | st.lists(_JSON_SCALARS, max_size=2), max_size=4)
    | st.lists(st.tuples(st.text(max_size=2), _JSON_SCALARS), max_size=2)
)
def test_labels_of_any_json_values(labels: Any) -> None:
    """Scalars are kept as they are (the fast path); anything else fails as in the reference."""
    payload = {"id": "0190b5f2-0000-7000-8000-000000000009", "flow_id": "6f1b1c9e-0d1c-4c4e-9e64-3c1e0b6f7a10"}
    assert_agree("FlowRun", {**payload, "name": "n", "labels": labels})


def test_task_inputs_of_every_kind() -> None:
    payload = {
        "task_key": "k",
        "dynamic_key": "0",
        "name": "t",
        "id": "0190b5f2-0000-7000-8000-000000000001",
        "task_inputs": {
            "x": [
                {"input_type": "task_run", "id": "0190b5f2-0000-7000-8000-000000000002"},
                {"input_type": "flow_run", "id": "0190b5f2-0000-7000-8000-000000000003"},
                {"input_type": "parameter", "name": "p"},
                {"input_type": "constant", "type": "int"},
            ],
            "bad": [{"input_type": "parameter"}, {"input_type": "constant", "type": 3}, {"id": "nope"}],
        },
    }
    assert_agree("TaskRun", payload)
    del payload["task_inputs"]["bad"]  # type: ignore[attr-defined]
    assert_agree("TaskRun", payload)


@pytest.mark.parametrize(
    "policy",
    [
        {"retry_delay": list(range(51))},
        {"retry_delay": list(range(50))},
        {"retry_jitter_factor": -0.5},
        {"retry_delay": [1.5, 2]},
        {"retry_delay": "10"},
        {"max_retries": 3, "retry_delay_seconds": 2.7},
        {"retries": 0, "max_retries": 2},
    ],
)
def test_task_run_policy_bounds(policy: dict[str, Any]) -> None:
    assert_agree("TaskRunPolicy", policy)
