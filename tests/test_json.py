"""JSON text output: the orjson path writes the reference's exact text; the stdlib path its data."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lightschema
from lightschema import _json
from lightschema import objects as ls
from lightschema._base import validate_json_text
from tests.oracle import pydantic
from tests.oracle import ref_objects as ref

RUNS = json.loads((Path(__file__).parent.parent / "examples" / "flow_runs.json").read_text())
FLOW_ID = "2b5c5a7e-8a5c-4e5f-9a0e-6f1c2d3e4f50"
ODD_PAYLOADS: list[tuple[str, dict[str, Any]]] = [
    (
        "FlowRun",
        {
            "id": FLOW_ID,
            "flow_id": FLOW_ID,
            "name": "n",
            "parameters": {"x": float("nan"), "y": 1e-7, "z": [1e16, -0.0, float("inf")], "u": "ünïcode ☃"},
            "total_run_time": 1e-7,
        },
    ),
    (
        "FlowRun",
        {
            "id": FLOW_ID,
            "flow_id": FLOW_ID,
            "name": "n",
            "start_time": "2024-01-02T03:04:05.5+05:30",
            "end_time": "2024-01-02T03:04:05-00:00",
            "expected_start_time": "2024-01-02",
        },
    ),
    (
        "State",
        {
            "id": FLOW_ID,
            "type": "COMPLETED",
            "timestamp": "2024-01-02T03:04:05",
            "data": {"storage_key": "k", "serializer": {"type": "json", "jsonlib": "json"}},
        },
    ),
    ("State", {"id": FLOW_ID, "type": "FAILED", "timestamp": "2024-01-02T03:04:05Z", "data": {"a": [1, {"b": None}]}}),
    (
        "TaskRun",
        {
            "id": FLOW_ID,
            "name": "t",
            "task_key": "k",
            "dynamic_key": "0",
            "task_inputs": {
                "x": [{"input_type": "constant", "type": "int"}, {"input_type": "task_run", "id": FLOW_ID}]
            },
            "empirical_policy": {"retry_delay": [1, 2.5]},
        },
    ),
    (  # label values are a union of JSON scalars that orjson writes itself
        "FlowRun",
        {
            "id": FLOW_ID,
            "flow_id": FLOW_ID,
            "name": "n",
            "labels": {"nan": float("nan"), "inf": float("-inf"), "z": -0.0, "big": 1e16, "t": True, "s": "ü"},
        },
    ),
]
CASES = [("FlowRun", run) for run in RUNS[:10]] + ODD_PAYLOADS


@pytest.fixture
def stdlib_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(_json, "_orjson", None)
    monkeypatch.setattr(_json, "_orjson_checked", True)
    yield


@pytest.mark.oracle
@pytest.mark.parametrize(("name", "payload"), CASES)
def test_text_is_the_references(name: str, payload: dict[str, Any]) -> None:
    pytest.importorskip("orjson")
    expected = getattr(ref, name).model_validate(payload).model_dump_json()
    assert getattr(ls, name).model_validate(payload).model_dump_json() == expected


@pytest.mark.oracle
@pytest.mark.parametrize(("name", "payload"), CASES)
def test_stdlib_path_writes_the_same_data(name: str, payload: dict[str, Any], stdlib_only: None) -> None:
    expected = json.loads(getattr(ref, name).model_validate(payload).model_dump_json())
    text = getattr(ls, name).model_validate(payload).model_dump_json()
    assert json.loads(text) == expected
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.oracle
def test_values_orjson_would_write_differently_fall_back() -> None:
    pytest.importorskip("orjson")
    odd_offset = dt.timezone(dt.timedelta(seconds=30))  # the reference drops the seconds
    run = ls.FlowRun.model_validate(
        {
            "id": FLOW_ID,
            "flow_id": FLOW_ID,
            "name": "n",
            "parameters": {"when": dt.datetime(2024, 1, 1, tzinfo=odd_offset), "big": 2**70, "set": {3}},
        }
    )
    theirs = ref.FlowRun.model_validate(run.model_dump())
    assert run.model_dump_json() == theirs.model_dump_json()


def test_indent_and_exclude_use_the_json_mode_dump() -> None:
    run = ls.FlowRun.model_validate(RUNS[0])
    assert json.loads(run.model_dump_json(indent=2)) == run.model_dump(mode="json")
    assert json.loads(run.model_dump_json(exclude={"state"})) == run.model_dump(mode="json", exclude={"state"})


@pytest.mark.oracle
def test_dump_json_of_a_list_is_the_references() -> None:
    pytest.importorskip("orjson")
    from pydantic import TypeAdapter

    import lightschema

    ours = lightschema.dump_json(ls.FlowRun.model_validate_list(RUNS))
    assert ours == TypeAdapter(list[ref.FlowRun]).dump_json(ref.FlowRun.model_validate_list(RUNS))


def test_dump_json_stdlib(stdlib_only: None) -> None:
    import lightschema

    runs = ls.FlowRun.model_validate_list(RUNS[:3])
    assert json.loads(lightschema.dump_json(runs)) == [r.model_dump(mode="json") for r in runs]
    assert json.loads(lightschema.dump_json(runs[0])) == runs[0].model_dump(mode="json")


class TestLoadJson:
    """load_json parses with orjson when it can and with json when orjson would differ."""

    def test_list_of_models(self) -> None:
        import lightschema

        text = json.dumps(RUNS)
        assert lightschema.load_json(text, list[ls.FlowRun]) == ls.FlowRun.model_validate_list(RUNS)
        assert lightschema.load_json(text.encode(), list[ls.FlowRun]) == ls.FlowRun.model_validate_list(RUNS)

    def test_list_errors_name_the_index_and_keep_the_input(self) -> None:
        import lightschema

        items = [*RUNS[:2], {**RUNS[0], "state": {"type": "NOPE"}}, {"name": "no flow id"}]
        errors = _error(lambda: lightschema.load_json(json.dumps(items), list[ls.FlowRun]))
        assert [(e["loc"], e["input"]) for e in errors] == [
            ((2, "state", "type"), "NOPE"),
            ((3, "flow_id"), {"name": "no flow id"}),
        ]
        with pytest.raises(lightschema.ValidationError) as info:
            lightschema.load_json(json.dumps(items), list[ls.FlowRun])
        assert info.value.title == "list[FlowRun]"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ('{"x": 123456789012345678901234567890}', {"x": 123456789012345678901234567890}),  # exact, not a float
            ('{"x": 18446744073709551616}', {"x": 18446744073709551616}),
            ('{"x": NaN}', {"x": float("nan")}),
            ('{"x": 1e400}', {"x": float("inf")}),
            ('{"x": 1, "x": 2}', {"x": 2}),
        ],
    )
    def test_parses_as_json_does(self, text: str, expected: dict[str, Any]) -> None:
        run = ls.FlowRun.model_validate_json(
            json.dumps({"flow_id": FLOW_ID, "name": "n"})[:-1] + ', "parameters": ' + text + "}"
        )
        assert json.dumps(run.parameters) == json.dumps(expected)

    def test_errors_are_the_same_with_and_without_orjson(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import lightschema

        bad = ['{"flow_id": ', '{"name": "\\ud800"}', "[1, 2", b'{"name": "\xff"}']
        with_orjson = [_error(lambda t=t: lightschema.load_json(t, ls.FlowRun)) for t in bad]
        monkeypatch.setattr(_json, "_orjson", None)
        monkeypatch.setattr(_json, "_orjson_checked", True)
        assert [_error(lambda t=t: lightschema.load_json(t, ls.FlowRun)) for t in bad] == with_orjson

    @pytest.mark.parametrize(
        "text",
        [
            b"12345678901234567890123",
            b"-12345678901234567890123",
            b'{"x":-12345678901234567890123}',
            b"[1,\n\t 12345678901234567890123]",
            b'["1234567890123456789012", 12345678901234567890123]',
        ],
    )
    def test_long_integers_stay_exact(self, text: bytes) -> None:
        assert validate_json_text(text, "x") == json.loads(text)
        assert validate_json_text(text.decode(), "x") == json.loads(text)

    @given(
        st.recursive(
            st.integers() | st.text(alphabet="0123456789abc-: ,[") | st.booleans() | st.none(),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
            max_leaves=12,
        )
    )
    def test_any_integer_or_digit_run_parses_as_json_does(self, value: Any) -> None:
        """Integers of any size, and digit runs inside text, which must not be mistaken for them."""
        text = json.dumps(value)
        assert validate_json_text(text.encode(), "x") == value
        assert validate_json_text(text, "x") == value


class TestLoadJsonLines:
    """load_json_lines gives what model_validate_json gives line by line, in one call."""

    @given(st.lists(st.sampled_from(RUNS[:5]), min_size=1, max_size=5), st.data())
    def test_same_objects_as_line_by_line(self, runs: list[dict[str, Any]], data: st.DataObject) -> None:
        import lightschema

        lines = [json.dumps(run) for run in runs]
        ending = data.draw(st.sampled_from(["\n", "\r\n"]))
        padding = data.draw(st.lists(st.sampled_from(["", " ", "\t", "\r"]), max_size=3))
        text = ending.join([*padding, *lines, *padding])
        expected = [ls.FlowRun.model_validate_json(line) for line in lines]
        assert lightschema.load_json_lines(text, ls.FlowRun) == expected
        assert lightschema.load_json_lines(text.encode(), ls.FlowRun) == expected
        assert lightschema.load_json_lines(bytearray(text.encode()), ls.FlowRun) == expected

    def test_every_bad_line_is_reported_under_its_line_index(self) -> None:
        import lightschema

        good, bad_state = json.dumps(RUNS[0]), json.dumps({**RUNS[0], "state": {"type": "NOPE"}})
        text = "\n".join([good, "", "{not json", bad_state, '{"name": "no flow id"}', "[1, 2]"])
        errors = _error(lambda: lightschema.load_json_lines(text, ls.FlowRun))
        assert [(e["loc"], e["type"]) for e in errors] == [
            ((2,), "json_invalid"),
            ((3, "state", "type"), "enum"),
            ((4, "flow_id"), "missing"),
            ((5,), "model_type"),
        ]
        assert [e["path"] for e in errors][:2] == ["$[2]", "$[3].state.type"]

    def test_lines_are_freed_as_they_are_read(self) -> None:
        """Peak memory is about the lines or the objects, not both: each line goes once read."""
        import tracemalloc

        import lightschema

        log = {"name": "n", "level": 20, "timestamp": "2024-01-01T00:00:00Z"}
        # each Log keeps its own message (distinct, so not one interned text), as big as its line
        lines = [json.dumps({**log, "message": f"{i:03d}" + "x" * 20_000}) for i in range(100)]
        data = "\n".join(lines).encode()
        tracemalloc.start()
        try:
            logs = lightschema.load_json_lines(data, ls.Log)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(logs) == 100
        assert len(data) < peak < 1.5 * len(data)  # the lines and the objects would be twice the input

    def test_a_line_error_is_the_one_model_validate_json_raises(self) -> None:
        import lightschema

        line = json.dumps({"flow_id": "not a uuid", "name": 3, "run_count": "x"})
        alone = _error(lambda: ls.FlowRun.model_validate_json(line))
        in_lines = _error(lambda: lightschema.load_json_lines(f"\n{line}\n", ls.FlowRun))
        assert [(e["loc"][1:], e["type"], e["msg"], e["input"]) for e in in_lines] == [
            (e["loc"], e["type"], e["msg"], e["input"]) for e in alone
        ]
        assert {e["loc"][0] for e in in_lines} == {1}

    @pytest.mark.parametrize("orjson_installed", [True, False])
    def test_lines_orjson_would_misread_are_read_as_json_reads_them(
        self, orjson_installed: bool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A long integer anywhere, a NaN literal on one line: every line reads as on its own."""
        import lightschema

        if not orjson_installed:
            monkeypatch.setattr(_json, "_orjson", None)
            monkeypatch.setattr(_json, "_orjson_checked", True)
        head = json.dumps({"flow_id": FLOW_ID, "name": "n"})[:-1]
        lines = [head + ', "parameters": ' + p + "}" for p in ('{"a": 1}', '{"big": 12345678901234567890123}')]
        lines.append(head + ', "parameters": {"x": NaN}}')
        got = lightschema.load_json_lines("\n".join(lines), ls.FlowRun)
        assert [json.dumps(run.parameters) for run in got] == [
            '{"a": 1}',
            '{"big": 12345678901234567890123}',
            '{"x": NaN}',
        ]
        assert got[:2] == [ls.FlowRun.model_validate_json(line) for line in lines[:2]]  # NaN is not equal to itself

    def test_a_line_separator_inside_a_string_is_not_a_line_break(self) -> None:
        import lightschema

        text = json.dumps({"flow_id": FLOW_ID, "name": "a\u2028b\x85c"}, ensure_ascii=False)
        (run,) = lightschema.load_json_lines(text + "\n", ls.FlowRun)
        assert run.name == "a\u2028b\x85c"

    @pytest.mark.parametrize("data", ["", "\n\n", b"  \r\n"])
    def test_no_lines_no_objects(self, data: str | bytes) -> None:
        import lightschema

        assert lightschema.load_json_lines(data, ls.FlowRun) == []

    @pytest.mark.parametrize("data", [None, 5, ["{}"], {"a": 1}])
    def test_input_that_is_not_text(self, data: Any) -> None:
        import lightschema

        errors = _error(lambda: lightschema.load_json_lines(data, ls.FlowRun))
        assert [(e["loc"], e["type"]) for e in errors] == [((), "json_type")]


def _error(call: Any) -> list[Any]:
    import lightschema

    with pytest.raises(lightschema.ValidationError) as info:
        call()
    return info.value.errors()


# -- text that cannot be UTF-8 ----------------------------------------------------------------

SURROGATES = [
    ({"name": "a\ud800b"}, ("name",), "'\\ud800' in position 1"),
    ({"parameters": {"x": {"y\udc00": 1}}}, ("parameters", "x", "y\udc00"), "'\\udc00' in position 1"),
    ({"parameters": {"k": ["fine", "\ud800"]}}, ("parameters", "k", 1), "'\\ud800' in position 0"),
]
JSON_WRITERS = {
    "model_dump_json": lambda run: run.model_dump_json(),
    "model_dump_json, stdlib": lambda run: run.model_dump_json(exclude_none=True),
    "model_dump_json, indented": lambda run: run.model_dump_json(indent=2),
    "dump_json": lambda run: lightschema.dump_json(run),
    "dump_json of a list": lambda run: lightschema.dump_json([run])[1:],
}


@pytest.mark.parametrize(("extra", "loc", "where"), SURROGATES)
@pytest.mark.parametrize("write", JSON_WRITERS.values(), ids=JSON_WRITERS.keys())
def test_half_a_surrogate_pair_is_a_serialization_error_with_its_path(
    write: Any, extra: dict[str, Any], loc: tuple[Any, ...], where: str
) -> None:
    """No JSON text holds it as UTF-8: every writer says where it is (``dump_json`` raised a bare
    ``UnicodeEncodeError``; ``model_dump_json`` returned text that could not be encoded)."""
    run = ls.FlowRun.model_validate({"flow_id": FLOW_ID, **extra})
    with pytest.raises(lightschema.SerializationError) as info:
        write(run)
    got = info.value.loc[1:] if info.value.loc[:1] == (0,) else info.value.loc
    assert got == loc
    assert (
        info.value.reason == f"UnicodeEncodeError: 'utf-8' codec can't encode character {where}: surrogates not allowed"
    )


@pytest.mark.oracle
@pytest.mark.parametrize(("extra", "loc", "where"), SURROGATES)
def test_the_reference_cannot_write_half_a_surrogate_pair_either(extra: dict[str, Any], loc: Any, where: str) -> None:
    run = ref.FlowRun.model_validate({"flow_id": FLOW_ID, **extra})
    with pytest.raises(ValueError, match="surrogates not allowed"):
        run.model_dump_json()


# -- how deep JSON text may nest ----------------------------------------------------------------


def _deep_document(depth: int, shape: str) -> str:
    """A flow run whose ``parameters.p`` nests ``depth`` levels of ``shape``."""
    inner = {
        "arrays": "[" * depth + "]" * depth,
        "arrays around a number": "[" * depth + "1" + "]" * depth,
        "objects": '{"a":' * depth + "1" + "}" * depth,
        "mixed, brackets in text": '[{"k": "[[[{{{", "x":' * (depth // 2) + "null" + "}]" * (depth // 2),
    }[shape]
    return f'{{"flow_id": "{FLOW_ID}",\n "parameters": {{"p": {inner}}}}}'


def _deepest_value(depth: int, shape: str) -> int:
    """How many levels from the top the deepest value of ``_deep_document`` sits (the run is
    level 1, its parameters 2, ``p`` 3)."""
    if shape == "arrays":
        return depth + 2  # the innermost array is empty: nothing inside it
    if shape == "mixed, brackets in text":
        return 2 * (depth // 2) + 3
    return depth + 3


SHAPES = ["arrays", "arrays around a number", "objects", "mixed, brackets in text"]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("depth", [150, 198, 199, 200, 201, 330, 1022])
def test_json_text_nests_as_deep_as_the_references_parser_reads(shape: str, depth: int) -> None:
    """pydantic's JSON parser reads no value more than 201 levels from the top (the document is
    2 of them here); deeper text is refused at that value, and what is read can be written."""
    text = _deep_document(depth, shape)
    for data in (text, text.encode()):
        try:
            run = ls.FlowRun.model_validate_json(data)
        except lightschema.ValidationError as exc:
            (error,) = exc.errors()
            assert (error["type"], error["loc"]) == ("json_invalid", ())
            assert error["msg"].startswith("Invalid JSON: recursion limit exceeded at line 2 column ")
            assert _deepest_value(depth, shape) > 201
            continue
        assert _deepest_value(depth, shape) <= 201
        assert ls.FlowRun.model_validate_json(run.model_dump_json()) == run
        assert pickle.loads(pickle.dumps(run)) == run
        assert copy.deepcopy(run) == run


def test_a_deep_list_body_is_refused_at_its_deep_value() -> None:
    text = "[" + _deep_document(250, "objects") + "]"
    with pytest.raises(lightschema.ValidationError) as info:
        lightschema.load_json(text, list[ls.FlowRun])
    # levels: the list 1, the run 2, its parameters 3, the k-th object 3 + k: the value at level 202
    # is the 199th object, after 198 times '{"a":' on the line ' "parameters": {"p": '
    column = len(' "parameters": {"p": ') + 198 * len('{"a":') + 1
    expected = f"Invalid JSON: recursion limit exceeded at line 2 column {column}"
    assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [("json_invalid", (), expected)]


@pytest.mark.oracle
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("depth", [197, 198, 199, 200, 201, 330])
@pytest.mark.parametrize("as_list", [False, True])
def test_json_depth_limit_as_the_reference(shape: str, depth: int, as_list: bool) -> None:
    text = _deep_document(depth, shape)
    if as_list:
        text = f"[{text}, {text}]"
    outcomes = []
    for read, error in (
        (lambda t: pydantic.TypeAdapter(list[ref.FlowRun] if as_list else ref.FlowRun).validate_json(t), pydantic),
        (lambda t: lightschema.load_json(t, list[ls.FlowRun] if as_list else ls.FlowRun), lightschema),
    ):
        try:
            read(text)
            outcomes.append("ok")
        except error.ValidationError as exc:  # type: ignore[attr-defined]
            outcomes.append(str([(e["type"], tuple(e["loc"]), e["msg"]) for e in exc.errors()]))
    assert outcomes[1] == outcomes[0]


def test_json_lines_too_deep_are_refused_line_by_line() -> None:
    good = f'{{"flow_id": "{FLOW_ID}"}}'
    deep = [_deep_document(300, "arrays"), _deep_document(3000, "objects")]
    lines = [good, deep[0].replace("\n", " "), good, deep[1].replace("\n", " ")]
    with pytest.raises(lightschema.ValidationError) as info:
        lightschema.load_json_lines("\n".join(lines), ls.FlowRun)
    got = [(e["type"], e["loc"], e["msg"].split(" at ")[0]) for e in info.value.errors()]
    assert got == [
        ("json_invalid", (1,), "Invalid JSON: recursion limit exceeded"),
        ("json_invalid", (3,), "Invalid JSON: recursion limit exceeded"),
    ]
    assert len(lightschema.load_json_lines("\n".join([good, good]), ls.FlowRun)) == 2


@pytest.mark.parametrize(("broken_first", "kind"), [(False, "recursion limit exceeded"), (True, "Expecting value")])
def test_broken_deep_text_reports_what_comes_first(broken_first: bool, kind: str) -> None:
    """Text both too deep and broken: the reference's parser reports whichever it meets first."""
    deep = "[" * 300 + "]" * 300
    text = (
        f'{{"flow_id": "{FLOW_ID}", "x": , "parameters": {{"p": {deep}}}}}'
        if broken_first
        else f'{{"flow_id": "{FLOW_ID}", "parameters": {{"p": {deep}}}, "x": }}'
    )
    for read in (
        lambda t: ls.FlowRun.model_validate_json(t),
        lambda t: lightschema.load_json(f"[{t}]", list[ls.FlowRun]),
    ):
        with pytest.raises(lightschema.ValidationError) as info:
            read(text)
        ((kind_got, msg),) = [(e["type"], e["msg"]) for e in info.value.errors()]
        assert (kind_got, msg.split(" at ")[0]) == ("json_invalid", f"Invalid JSON: {kind}")
