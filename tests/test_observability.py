"""Logs, artifacts, variables, run inputs, saved searches and configuration against the reference."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightschema._observability import (
    Artifact,
    FlowRunInput,
    Log,
    Variable,
)
from lightschema.errors import ValidationError
from tests.oracle import assert_generated_round_trip, both_reject, conforms
from tests.oracle import ref_objects as ref
from tests.strategies import utc_stamp_texts, uuids, with_base

ID = "9f3c1a52-7a0e-4c8b-bf34-0b6f2f7d1a11"
ID2 = "4d2e8c61-1b3f-4a5d-8e7c-9f0a1b2c3d4e"
STAMP = "2024-05-06T07:08:09.123456Z"
BASE = {"id": ID, "created": STAMP, "updated": STAMP}


class TestLog:
    @pytest.mark.oracle
    def test_round_trip(self) -> None:
        dumped = conforms(
            "Log",
            {
                **BASE,
                "name": "prefect.flow_runs",
                "level": 20,
                "message": "hi",
                "timestamp": "2024-05-06 07:08:09",
                "flow_run_id": ID2,
                "task_run_id": None,
            },
        )
        assert dumped["timestamp"] == "2024-05-06T07:08:09Z"

    def test_id_is_time_ordered(self) -> None:
        log = Log(name="n", level=1, message="m", timestamp=dt.datetime.now(dt.timezone.utc))  # type: ignore[arg-type]
        assert log.id.version == 7

    @pytest.mark.oracle
    def test_rejections(self) -> None:
        both_reject("Log", {"name": 1, "level": "high", "message": None})


class TestArtifact:
    @pytest.mark.oracle
    def test_round_trip_with_any_data(self) -> None:
        for data in [{"a": [1, {"b": None}]}, [1, 2], "text", 3.5, None, True]:
            conforms(
                "Artifact",
                {
                    **BASE,
                    "key": "k",
                    "type": "table",
                    "description": "d",
                    "data": data,
                    "metadata_": {"x": "y"},
                    "flow_run_id": ID2,
                    "task_run_id": ID,
                },
            )

    @pytest.mark.oracle
    def test_metadata_values_are_cut_at_500(self) -> None:
        long = "é" * 501
        dumped = conforms("Artifact", {**BASE, "metadata_": {"long": long, "edge": "x" * 500, "short": ""}})
        assert dumped["metadata_"] == {"long": "é" * 500 + "...", "edge": "x" * 500, "short": ""}
        assert conforms("Artifact", {**BASE, "metadata_": dumped["metadata_"]}) == dumped

    @pytest.mark.oracle
    def test_constructor_cuts_too(self) -> None:
        made = Artifact(metadata_={"a": "z" * 600})
        assert made.metadata_ == {"a": "z" * 500 + "..."}
        assert ref.Artifact(metadata_={"a": "z" * 600}).metadata_ == made.metadata_

    @pytest.mark.oracle
    def test_metadata_must_be_text(self) -> None:
        assert both_reject("Artifact", {"metadata_": {"a": 1, "b": "ok", "c": None}}) == [
            (("metadata_", "a"), "string_type", "Input should be a valid string"),
            (("metadata_", "c"), "string_type", "Input should be a valid string"),
        ]
        assert both_reject("Artifact", {"metadata_": ["a"]}) == [
            (("metadata_",), "dict_type", "Input should be a valid dictionary")
        ]

    def test_wire_key_is_metadata_underscore(self) -> None:
        dumped = Artifact.model_validate({"metadata": {"a": "b"}}).model_dump(mode="json")
        assert "metadata" not in dumped and dumped["metadata_"] is None


@pytest.mark.oracle
class TestArtifactCollection:
    def test_round_trip_keeps_long_metadata(self) -> None:
        dumped = conforms(
            "ArtifactCollection",
            {**BASE, "key": "k", "latest_id": ID2, "metadata_": {"a": "q" * 700}, "data": {"rows": [[1, 2]]}},
        )
        assert dumped["metadata_"] == {"a": "q" * 700}

    def test_required_fields(self) -> None:
        assert both_reject("ArtifactCollection", {}) == [
            (("key",), "missing", "Field required"),
            (("latest_id",), "missing", "Field required"),
        ]


class TestVariable:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "value",
        [
            "v",
            0,
            -(2**63),
            2**64 - 1,
            True,
            False,
            1.5,
            1e-7,
            1e-5,
            None,
            {"a": [1, {"b": None}]},
            [1, "x"],
            [],
            "x" * 4998,
            "é" * 2499,
            "\n" * 2499,
            [0.00001] * 624,
            [1e-7] * 999,
        ],
    )
    def test_values_accepted(self, value: Any) -> None:
        conforms("Variable", {**BASE, "name": "n", "value": value, "tags": ["a"]})

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        ("value", "msg"),
        [
            ("x" * 4999, "Value error, Variable value must be less than 5000 characters"),
            ("é" * 2500, "Value error, Variable value must be less than 5000 characters"),
            ("\n" * 2500, "Value error, Variable value must be less than 5000 characters"),
            ([0.00001] * 625, "Value error, Variable value must be less than 5000 characters"),
            ([1e-7] * 1000, "Value error, Variable value must be less than 5000 characters"),
            (2**64, "Value error, Variable value must be serializable to JSON"),
            (-(2**63) - 1, "Value error, Variable value must be serializable to JSON"),
            ({"a": {1, 2}}, "Value error, Variable value must be serializable to JSON"),
            (b"bytes", "Value error, Variable value must be serializable to JSON"),
        ],
    )
    def test_value_rules(self, value: Any, msg: str) -> None:
        assert both_reject("Variable", {"name": "n", "value": value}) == [(("value",), "value_error", msg)]

    def test_value_size_is_measured_as_orjson_writes_it(self) -> None:
        for value in [[0.00001] * 624, [0.00001] * 625, [1e-7] * 999, [1e-7] * 1000, ["\x00"] * 555, ["\x00"] * 556]:
            size = len(orjson.dumps(value))
            theirs_ok = size <= 5000
            try:
                Variable.model_validate({"name": "n", "value": value})
                ours_ok = True
            except ValidationError:
                ours_ok = False
            assert ours_ok == theirs_ok, size

    @pytest.mark.oracle
    def test_tuple_becomes_list_and_other_types_fail_each_member(self) -> None:
        assert Variable.model_validate({"name": "n", "value": (1, 2)}).value == [1, 2]
        assert both_reject("Variable", {"name": "n", "value": frozenset()}) == [
            (("value",), "value_error", "Value error, Variable value must be serializable to JSON")
        ]

    @pytest.mark.oracle
    def test_name_length(self) -> None:
        conforms("Variable", {**BASE, "name": "n" * 255, "value": 1})
        assert both_reject("Variable", {"name": "n" * 256, "value": 1}) == [
            (("name",), "string_too_long", "String should have at most 255 characters")
        ]

    @pytest.mark.oracle
    def test_value_is_required_but_may_be_null(self) -> None:
        assert both_reject("Variable", {"name": "n"}) == [(("value",), "missing", "Field required")]
        assert conforms("Variable", {**BASE, "name": "n", "value": None})["value"] is None

    def test_constructor_checks(self) -> None:
        with pytest.raises(ValidationError) as caught:
            Variable(name="n", value="x" * 5000)
        assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [
            (("value",), "Value error, Variable value must be less than 5000 characters")
        ]
        with pytest.raises(ValidationError):
            Variable(name="n" * 256, value=1)


class TestFlowRunInput:
    @pytest.mark.oracle
    def test_round_trip_and_decoded_value(self) -> None:
        payload = {
            **BASE,
            "flow_run_id": ID2,
            "key": "approval-1",
            "value": '{"ok": true, "n": [1, 2.5]}',
            "sender": "me",
        }
        conforms("FlowRunInput", payload)
        ours = FlowRunInput.model_validate(payload)
        theirs = ref.FlowRunInput.model_validate(payload)
        assert ours.decoded_value == theirs.decoded_value == {"ok": True, "n": [1, 2.5]}

    @pytest.mark.parametrize("text", ["123456789012345678901234567890", "18446744073709551615", "-9223372036854775809"])
    def test_decoded_numbers_as_orjson_reads_them(self, text: str) -> None:
        ours = FlowRunInput(flow_run_id=uuid.UUID(ID2), key="k", value=text).decoded_value
        assert ours == orjson.loads(text) and type(ours) is type(orjson.loads(text))

    @pytest.mark.parametrize("text", ["NaN", "Infinity", "1e400", "{", ""])
    def test_decoding_bad_json_fails(self, text: str) -> None:
        ours = FlowRunInput(flow_run_id=uuid.UUID(ID2), key="k", value=text)
        with pytest.raises(ValueError):
            ours.decoded_value  # noqa: B018 - the property is what is tested
        with pytest.raises(ValueError):
            orjson.loads(text)

    @pytest.mark.oracle
    @pytest.mark.parametrize("key", ["Upper", "under_score", "dot.ted", "sp ace"])
    def test_key_rules(self, key: str) -> None:
        assert both_reject("FlowRunInput", {"flow_run_id": ID2, "key": key, "value": "1"}) == [
            (("key",), "value_error", "Value error, value must only contain lowercase letters, numbers, and dashes.")
        ]

    @pytest.mark.oracle
    def test_empty_key_is_allowed(self) -> None:
        conforms("FlowRunInput", {**BASE, "flow_run_id": ID2, "key": "", "value": "1"})


@pytest.mark.oracle
class TestSavedSearch:
    def test_round_trip(self) -> None:
        flt = {"object": "flow", "property": "name", "type": "string", "operation": "equals", "value": ["a", 1]}
        conforms("SavedSearchFilter", flt)
        dumped = conforms("SavedSearch", {**BASE, "name": "mine", "filters": [flt, {**flt, "value": None}]})
        assert dumped["filters"][1]["value"] is None

    def test_filter_value_is_required(self) -> None:
        assert both_reject("SavedSearchFilter", {"object": "o", "property": "p", "type": "t", "operation": "o"}) == [
            (("value",), "missing", "Field required")
        ]

    def test_nested_filter_errors(self) -> None:
        both_reject("SavedSearch", {"name": "n", "filters": [{"object": 1}, "x"]})

    def test_default_filters(self) -> None:
        assert conforms("SavedSearch", {**BASE, "name": "n"})["filters"] == []


@pytest.mark.oracle
class TestConfiguration:
    def test_round_trip(self) -> None:
        conforms("Configuration", {**BASE, "key": "telemetry", "value": {"enabled": True, "n": [1]}})

    def test_rejections(self) -> None:
        both_reject("Configuration", {"key": "k", "value": [1]})
        both_reject("Configuration", {})


# -- generated payloads ----------------------------------------------------------------------

_text = st.text(max_size=10)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


_artifact_fields = {
    "type": st.none() | _text,
    "description": st.none() | _text,
    "data": _json,
    "metadata_": st.none() | st.dictionaries(_text, st.text(max_size=600), max_size=3),
    "flow_run_id": st.none() | uuids,
    "task_run_id": st.none() | uuids,
}
saved_search_filters = st.fixed_dictionaries(
    {"object": _text, "property": _text, "type": _text, "operation": _text, "value": _json}
)
STRATEGIES = {
    "Log": with_base(
        {"name": _text, "level": st.integers(0, 50), "message": _text, "timestamp": utc_stamp_texts},
        {"flow_run_id": st.none() | uuids, "task_run_id": st.none() | uuids},
    ),
    "Artifact": with_base({}, {"key": st.none() | _text, **_artifact_fields}),
    "ArtifactCollection": with_base({"key": _text, "latest_id": uuids}, _artifact_fields),
    "Variable": with_base(
        {"name": st.text(max_size=300), "value": _json | st.text(min_size=4990, max_size=5010)},
        {"tags": st.lists(_text, max_size=3)},
    ),
    "FlowRunInput": with_base(
        {
            "flow_run_id": uuids,
            "key": st.from_regex(r"[a-zA-Z0-9_-]{0,8}", fullmatch=True),
            "value": _json.map(json.dumps),
        },
        {"sender": st.none() | _text},
    ),
    "SavedSearchFilter": saved_search_filters,
    "SavedSearch": with_base({"name": _text}, {"filters": st.lists(saved_search_filters, max_size=3)}),
    "Configuration": with_base({"key": _text, "value": st.dictionaries(_text, _json, max_size=3)}, {}),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(STRATEGIES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_generated_payloads_conform(name: str, data: st.DataObject) -> None:
    """Reference-made payloads round-trip to identical JSON; reference rejections are ours."""
    assert_generated_round_trip(name, data.draw(STRATEGIES[name]))
