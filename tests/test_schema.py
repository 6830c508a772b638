"""JSON Schema derived from the attrs classes, compared with the reference's for every model."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import warnings
from pathlib import Path
from typing import Any, ClassVar, Literal
from uuid import UUID

import attrs
import jsonschema  # type: ignore[import-untyped]
import pytest

from lightschema import objects, schedules
from lightschema._base import PrefectBaseModel, model
from lightschema._enums import StateType
from lightschema._fields import all_of, at_least, at_most, constrained, matches, max_items, max_length, optional
from lightschema._schema import model_json_schema
from tests.payloads import reference_schema

#: the reference's schemas, generated from prefect's models and kept in tests/data
REFERENCE = reference_schema()
REF_MODELS: dict[str, Any] = REFERENCE["models"]
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "flow_runs.json"

#: keywords that only document (the texts are the reference's, ours are our own)
DOCUMENTATION = frozenset({"title", "description", "examples", "deprecated"})

#: where lightschema's schema differs on purpose, as (model, path into the reference schema, why)
KNOWN_DIVERGENCES: list[tuple[str, tuple[str, ...], str]] = [
    (
        name,
        ("$defs", "Serializer", "additionalProperties"),
        "lightschema reads the concrete serializers' options (jsonlib, picklelib, ...) into Serializer.options "
        "rather than refusing them, so it does not declare unknown keys forbidden",
    )
    for name in ("State", "FlowRun", "TaskRun")
]


def lightschema_class(name: str) -> type[PrefectBaseModel]:
    cls = getattr(objects, name, None) or getattr(schedules, name)
    assert isinstance(cls, type)
    return cls


def normalise(schema: Any) -> Any:
    """Drop documentation keywords at every level, keeping property and $defs names."""
    if isinstance(schema, dict):
        return {
            key: {name: normalise(sub) for name, sub in value.items()}
            if key in ("properties", "$defs")
            else normalise(value)
            for key, value in schema.items()
            if key not in DOCUMENTATION
        }
    if isinstance(schema, list):
        return [normalise(item) for item in schema]
    return schema


def json_types(schema: Any, defs: dict[str, Any]) -> Any:
    """What JSON values a property takes: its types and formats, with ``$ref`` followed one level."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[1]]
        return ("ref", target.get("type"), tuple(target.get("enum", ())))
    members = schema.get("anyOf") or schema.get("oneOf")
    if members is not None:
        return ("union", tuple(json_types(m, defs) for m in members))
    out: dict[str, Any] = {"type": schema.get("type"), "format": schema.get("format"), "const": schema.get("const")}
    if "enum" in schema:
        out["enum"] = tuple(schema["enum"])
    if "items" in schema:
        out["items"] = json_types(schema["items"], defs)
    if "additionalProperties" in schema:
        out["values"] = json_types(schema["additionalProperties"], defs)
    return tuple(sorted(out.items()))


def reference_with_divergences(name: str) -> Any:
    """The reference's schema, normalised, with the known divergences applied."""
    ref = normalise(copy.deepcopy(REF_MODELS[name]["schema"]))
    for model_name, path, _ in KNOWN_DIVERGENCES:
        if model_name == name:
            parent = ref
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
    return ref


ALL_MODELS = sorted(REF_MODELS)


def test_every_reference_model_is_covered() -> None:
    assert len(ALL_MODELS) == 55
    for name in ALL_MODELS:
        assert lightschema_class(name).__name__ == name


@pytest.mark.parametrize("name", ALL_MODELS)
def test_same_properties_required_and_types(name: str) -> None:
    ours = model_json_schema(lightschema_class(name))
    ref = REF_MODELS[name]["schema"]
    assert list(ours["properties"]) == list(ref["properties"])
    assert ours.get("required", []) == ref.get("required", [])
    assert ours.get("additionalProperties") == ref.get("additionalProperties")
    our_types = {p: json_types(s, ours.get("$defs", {})) for p, s in ours["properties"].items()}
    ref_types = {p: json_types(s, ref.get("$defs", {})) for p, s in ref["properties"].items()}
    assert our_types == ref_types


@pytest.mark.parametrize("name", ALL_MODELS)
def test_whole_schema_matches_reference_but_for_documentation(name: str) -> None:
    """Defaults, constraints, $defs and their order too: everything but titles and descriptions."""
    assert normalise(model_json_schema(lightschema_class(name))) == reference_with_divergences(name)


def test_divergences_are_real() -> None:
    """Each listed divergence is still a difference (remove it from the list once it is not)."""
    for name, path, _ in KNOWN_DIVERGENCES:
        ours: Any = normalise(model_json_schema(lightschema_class(name)))
        ref: Any = normalise(REF_MODELS[name]["schema"])
        for part in path[:-1]:
            ours, ref = ours[part], ref[part]
        assert path[-1] in ref
        assert path[-1] not in ours


@pytest.mark.oracle
@pytest.mark.parametrize("name", ALL_MODELS)
def test_serialization_mode_matches_reference(name: str) -> None:
    """``mode="serialization"`` describes dumps: timedeltas as seconds, as the reference's says."""
    ref_cls = getattr(importlib.import_module(REF_MODELS[name]["module"]), name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = normalise(ref_cls.model_json_schema(mode="serialization"))
    if name in ("BlockDocument", "BlockDocumentReference"):
        # the reference serialises BlockDocument with a plain function, so pydantic knows nothing of its shape
        ref_doc = ref if name == "BlockDocument" else ref["$defs"]["BlockDocument"]
        assert ref_doc == {}
        return
    for model_name, path, _ in KNOWN_DIVERGENCES:
        if model_name == name:
            del ref["$defs"]["Serializer"][path[-1]]
    assert normalise(model_json_schema(lightschema_class(name), mode="serialization")) == ref


@pytest.mark.oracle
def test_vendored_reference_schema_is_what_the_reference_generates() -> None:
    """``tests/data``'s copy is still prefect's own ``model_json_schema()`` of each model, and its enums."""
    for name, entry in REF_MODELS.items():
        ref_cls = getattr(importlib.import_module(entry["module"]), name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert ref_cls.model_json_schema(mode="validation") == entry["schema"], name
    for name, entry in REFERENCE["enums"].items():
        assert [m.value for m in getattr(importlib.import_module(entry["module"]), name)] == entry["values"], name


def test_flow_run_schema_in_full() -> None:
    """Spot check of the exact output, documentation included, for a few properties."""
    schema = model_json_schema(objects.FlowRun)
    assert schema["title"] == "FlowRun"
    assert schema["type"] == "object"
    assert schema["required"] == ["flow_id"]
    assert schema["properties"]["total_run_time"] == {
        "default": "PT0S",
        "format": "duration",
        "title": "Total Run Time",
        "type": "string",
    }
    assert schema["properties"]["state"] == {
        "anyOf": [{"$ref": "#/$defs/State"}, {"type": "null"}],
        "default": None,
        "title": "State",
    }
    assert schema["$defs"]["StateType"] == {
        "description": StateType.__doc__,
        "enum": [
            "SCHEDULED",
            "PENDING",
            "RUNNING",
            "COMPLETED",
            "FAILED",
            "CANCELLED",
            "CRASHED",
            "PAUSED",
            "CANCELLING",
        ],
        "title": "StateType",
        "type": "string",
    }
    assert list(schema["$defs"]) == sorted(schema["$defs"])
    serialized = model_json_schema(objects.FlowRun, mode="serialization")
    assert serialized["properties"]["total_run_time"] == {"default": 0.0, "title": "Total Run Time", "type": "number"}


def test_example_dumps_validate_against_serialization_schema() -> None:
    runs = json.loads(EXAMPLE.read_text())
    schema = model_json_schema(objects.FlowRun, mode="serialization")
    validator = jsonschema.Draft202012Validator(schema)
    stored = 0
    for run in runs:
        dumped = objects.FlowRun.model_validate(run).model_dump(mode="json")
        found = [(e.json_path, e.validator) for e in validator.iter_errors(dumped)]
        # State.data is ``oneOf: [ResultRecordMetadata, {}]`` as in the reference, and ``{}`` accepts
        # anything, so result metadata matches both members: a quirk of the reference's schema, kept.
        if isinstance(dumped["state"]["data"], dict) and "storage_key" in dumped["state"]["data"]:
            stored += 1
            assert found == [("$.state", "anyOf")]  # State | None: neither member passes
            (error,) = validator.iter_errors(dumped)
            assert [(e.json_path, e.validator) for e in descendants(error) if e.validator != "type"] == [
                ("$.state.data", "oneOf")
            ]
        else:
            assert found == []
    assert 0 < stored < len(runs)


def test_validation_schema_rejects_what_the_model_rejects() -> None:
    schema = model_json_schema(objects.ConcurrencyOptions)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors({"collision_strategy": "ENQUEUE", "grace_period_seconds": 60})) == []
    errors = validator.iter_errors({"collision_strategy": "X", "grace_period_seconds": 59})
    messages = sorted(e.message for error in errors for e in [error, *descendants(error)])
    assert messages == [
        "'X' is not one of ['ENQUEUE', 'CANCEL_NEW']",
        "59 is less than the minimum of 60",
        "59 is not of type 'null'",
        "59 is not valid under any of the given schemas",
    ]


def descendants(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The errors under an anyOf/oneOf error, depth first."""
    found = []
    for sub in error.context or ():
        found += [sub, *descendants(sub)]
    return found


# -- synthetic models: each annotation and check on its own ---------------------------------


class Colour:
    """Not a model: an annotation the schema cannot describe."""


@model
class Inner(PrefectBaseModel):
    """An inner model."""

    label: str


@model
class Sample(PrefectBaseModel):
    _extra: ClassVar[Literal["forbid"]] = "forbid"

    when: dt.datetime
    uid: UUID | None = None
    gap: dt.timedelta = dt.timedelta(days=1, seconds=30)
    short: dt.timedelta = dt.timedelta(seconds=1.5)
    kinds: set[str] = attrs.field(factory=set)
    pick: Literal["a", "b"] = "a"
    one: Literal[3] = 3
    mixed: int | str | None = None
    nested: list[Inner] = attrs.field(factory=list)
    mapping: dict[str, list[int]] = attrs.field(factory=dict)
    free: dict[str, Any] | None = None
    ranged: int | None = constrained(optional(all_of(at_least(1), at_most(9))), default=None)
    code: str = constrained(all_of(max_length(4), matches("^[A-Z]+$")), default="AB")
    few: list[int] = constrained(max_items(2), factory=list)
    state: StateType = StateType.PENDING


def test_each_annotation_and_check() -> None:
    assert model_json_schema(Sample) == {
        "$defs": {
            "Inner": {
                "description": "An inner model.",
                "properties": {"label": {"title": "Label", "type": "string"}},
                "required": ["label"],
                "title": "Inner",
                "type": "object",
            },
            "StateType": model_json_schema(objects.FlowRun)["$defs"]["StateType"],
        },
        "additionalProperties": False,
        "properties": {
            "when": {"format": "date-time", "title": "When", "type": "string"},
            "uid": {"anyOf": [{"format": "uuid", "type": "string"}, {"type": "null"}], "default": None, "title": "Uid"},
            "gap": {"default": "P1DT30S", "format": "duration", "title": "Gap", "type": "string"},
            "short": {"default": "PT1.5S", "format": "duration", "title": "Short", "type": "string"},
            "kinds": {"items": {"type": "string"}, "title": "Kinds", "type": "array", "uniqueItems": True},
            "pick": {"default": "a", "enum": ["a", "b"], "title": "Pick", "type": "string"},
            "one": {"const": 3, "default": 3, "title": "One", "type": "integer"},
            "mixed": {
                "anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}],
                "default": None,
                "title": "Mixed",
            },
            "nested": {"items": {"$ref": "#/$defs/Inner"}, "title": "Nested", "type": "array"},
            "mapping": {
                "additionalProperties": {"items": {"type": "integer"}, "type": "array"},
                "title": "Mapping",
                "type": "object",
            },
            "free": {
                "anyOf": [{"additionalProperties": True, "type": "object"}, {"type": "null"}],
                "default": None,
                "title": "Free",
            },
            "ranged": {
                "anyOf": [{"maximum": 9, "minimum": 1, "type": "integer"}, {"type": "null"}],
                "default": None,
                "title": "Ranged",
            },
            "code": {"default": "AB", "maxLength": 4, "pattern": "^[A-Z]+$", "title": "Code", "type": "string"},
            "few": {"items": {"type": "integer"}, "maxItems": 2, "title": "Few", "type": "array"},
            "state": {"$ref": "#/$defs/StateType", "default": "PENDING", "title": "State"},
        },
        "required": ["when"],
        "title": "Sample",
        "type": "object",
    }


def test_unknown_annotation_and_mode_are_refused() -> None:
    @model
    class Odd(PrefectBaseModel):
        colour: Colour

    with pytest.raises(TypeError) as info:
        model_json_schema(Odd)
    assert str(info.value) == f"no JSON Schema for annotation {Colour!r}"
    with pytest.raises(ValueError) as mode_info:
        model_json_schema(Sample, mode="python")  # type: ignore[arg-type]
    assert str(mode_info.value) == "mode must be 'validation' or 'serialization', got 'python'"
