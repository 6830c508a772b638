"""The command line: outputs compared whole, exit codes, input layouts, streaming and memory."""

from __future__ import annotations

import errno
import io
import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lightschema._cli as cli
from lightschema import objects
from lightschema._base import validate_json_text
from lightschema._schema import model_json_schema
from tests.oracle import ref_objects as ref
from tests.payloads import reference_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "flow_runs.json"
RUNS: list[dict[str, Any]] = json.loads(EXAMPLE.read_text())
RATE = re.compile(r"\([0-9,]+ objects/s\)|\(inf objects/s\)")


def masked(text: str) -> str:
    """Output with the throughput figure (the only part that varies) replaced."""
    return RATE.sub("(N objects/s)", text)


def run_module(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "lightschema", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    return result


def run_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, stdin: bytes = b""
) -> tuple[int, str, str]:
    """``main(argv)`` in this process, with ``stdin`` as standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, masked(captured.out), masked(captured.err)


BAD_RUN = {"flow_id": "x", "state": {"type": "X"}}
BAD_RUN_REPORT = (
    "  $.flow_id: Input should be a valid UUID, got 'x'\n"
    "  $.state.type: Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', "
    "'CRASHED', 'PAUSED' or 'CANCELLING'\n"
)


def jsonl(*items: Any) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode()


# -- the README's first command ---------------------------------------------------------------


def test_quickstart_command_as_in_the_readme() -> None:
    result = run_module("validate", "--model", "FlowRun", "examples/flow_runs.json")
    assert (result.returncode, masked(result.stdout), result.stderr) == (
        0,
        "25 FlowRun objects read, 25 valid, 0 invalid (N objects/s)\n",
        "",
    )


@pytest.mark.oracle
def test_example_file_is_real_reference_data() -> None:
    for run in RUNS:
        assert ref.FlowRun.model_validate(run).model_dump(mode="json") == run


# -- validate ---------------------------------------------------------------------------------


def test_validate_jsonl_reports_each_invalid_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_bytes(jsonl(RUNS[0], RUNS[1]) + b"\n" + jsonl(BAD_RUN) + b"not json\n" + jsonl([1], RUNS[2]))
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", str(path)) == (
        1,
        "line 4: invalid FlowRun\n" + BAD_RUN_REPORT + "line 5: invalid FlowRun\n"
        "  $: Invalid JSON: Expecting value at line 1 column 1\n"
        "line 6: invalid FlowRun\n"
        "  $: Input should be an object\n"
        "6 FlowRun objects read, 3 valid, 3 invalid (N objects/s)\n",
        "",
    )


def test_validate_jsonl_line_with_bad_utf8_is_one_invalid_object(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = jsonl(RUNS[0]) + b'{"flow_id": "\xff"}\n' + jsonl(RUNS[1])
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=data) == (
        1,
        "line 2: invalid FlowRun\n"
        "  $: Invalid JSON: invalid UTF-8 at byte 13\n"
        "3 FlowRun objects read, 2 valid, 1 invalid (N objects/s)\n",
        "",
    )


def test_validate_jsonl_counts_leading_blank_lines_and_crlf(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"\r\n\n" + jsonl(RUNS[0]).replace(b"\n", b"\r\n") + b'{"flow_id": "x"}\r\n'
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=data) == (
        1,
        "line 4: invalid FlowRun\n"
        "  $.flow_id: Input should be a valid UUID, got 'x'\n"
        "2 FlowRun objects read, 1 valid, 1 invalid (N objects/s)\n",
        "",
    )


def test_validate_array(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "runs.json"
    path.write_text(json.dumps([RUNS[0], BAD_RUN, 5, RUNS[1]], indent=2))
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", str(path)) == (
        1,
        "[1]: invalid FlowRun\n" + BAD_RUN_REPORT + "[2]: invalid FlowRun\n"
        "  $: Input should be an object\n"
        "4 FlowRun objects read, 2 valid, 2 invalid (N objects/s)\n",
        "",
    )


def test_validate_single_object_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pretty = json.dumps(RUNS[3], indent=2).encode()
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=pretty) == (
        0,
        "1 FlowRun objects read, 1 valid, 0 invalid (N objects/s)\n",
        "",
    )
    bad = json.dumps(BAD_RUN, indent=2).encode()
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=bad) == (
        1,
        "document: invalid FlowRun\n" + BAD_RUN_REPORT + "1 FlowRun objects read, 0 valid, 1 invalid (N objects/s)\n",
        "",
    )


def test_validate_stdin_in_a_subprocess() -> None:
    result = run_module("validate", "--model", "Log", "-", stdin=jsonl({"name": "x", "level": "high"}))
    assert (result.returncode, masked(result.stdout), result.stderr) == (
        1,
        "line 1: invalid Log\n"
        "  $.level: Input should be a valid integer, unable to parse string as an integer\n"
        "  $.message: Field required\n"
        "  $.timestamp: Field required\n"
        "1 Log objects read, 0 valid, 1 invalid (N objects/s)\n",
        "",
    )


@pytest.mark.parametrize("stdin", [b"", b" \n\n", b"\r\n\t \n"])
@pytest.mark.parametrize("command", [["validate"], ["dump"], ["dump", "--format", "json"]])
def test_empty_input_is_an_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: bytes, command: list[str]
) -> None:
    """No JSON at all (a failed ``curl ... |``) is not "all valid", and dump writes nothing."""
    assert run_main(capsys, monkeypatch, *command, "--model", "Flow", "-", stdin=stdin) == (
        2,
        "",
        "lightschema: -: no JSON value: the input is empty or only whitespace\n",
    )


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    result = run_module("validate", "--model", "Flow", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"lightschema: {path}: no JSON value: the input is empty or only whitespace\n",
    )


def test_empty_array_is_all_valid(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_main(capsys, monkeypatch, "validate", "--model", "Flow", "-", stdin=b"[]") == (
        0,
        "0 Flow objects read, 0 valid, 0 invalid (N objects/s)\n",
        "",
    )


@pytest.mark.parametrize(
    ("first", "report"),
    [
        (b"not json", "  $: Invalid JSON: Expecting value at line 1 column 1\n"),
        (b'{"flow_id": }', "  $: Invalid JSON: Expecting value at line 1 column 13\n"),
        (b'{"name": "x', "  $: Invalid JSON: Invalid control character at at line 1 column 12\n"),
        (b'"\xff"', "  $: Invalid JSON: invalid UTF-8 at byte 1\n"),
        (b"5", "  $: Input should be an object\n"),
        (b"[1, 2]", "  $: Input should be an object\n"),
    ],
)
def test_jsonl_whose_first_line_is_not_an_object(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, first: bytes, report: str
) -> None:
    """A first line that is not an object still starts JSON Lines when more lines follow."""
    data = b"\n" + first + b"\n" + jsonl(RUNS[0], BAD_RUN)
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=data) == (
        1,
        "line 2: invalid FlowRun\n"
        + report
        + "line 4: invalid FlowRun\n"
        + BAD_RUN_REPORT
        + "3 FlowRun objects read, 1 valid, 2 invalid (N objects/s)\n",
        "",
    )


def test_single_broken_line_is_a_malformed_document(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=b'{"flow_id": }\n\n') == (
        2,
        "",
        "lightschema: -: Invalid JSON: Expecting value at line 1 column 13\n",
    )


def test_validate_schedules_are_models_too(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = jsonl({"cron": "0 0 * * *"}, {"cron": "0 0 * * *", "interval": 5})
    assert run_main(capsys, monkeypatch, "validate", "--model", "CronSchedule", "-", stdin=data) == (
        1,
        "line 2: invalid CronSchedule\n"
        "  $.interval: Extra inputs are not permitted\n"
        "2 CronSchedule objects read, 1 valid, 1 invalid (N objects/s)\n",
        "",
    )


# -- usage errors -----------------------------------------------------------------------------


def test_unknown_model(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    names = ", ".join(sorted(cli.model_registry()))
    assert run_main(capsys, monkeypatch, "validate", "--model", "Nope", "-") == (
        2,
        "",
        f"lightschema: unknown model 'Nope'; try one of: {names}\n",
    )
    assert run_main(capsys, monkeypatch, "schema", "--model", "Nope") == (
        2,
        "",
        f"lightschema: unknown model 'Nope'; try one of: {names}\n",
    )


def test_unreadable_files(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", str(missing)) == (
        2,
        "",
        f"lightschema: cannot read {missing}: No such file or directory\n",
    )
    assert run_main(capsys, monkeypatch, "dump", "--model", "FlowRun", str(tmp_path)) == (
        2,
        "",
        f"lightschema: cannot read {tmp_path}: Is a directory\n",
    )


def test_malformed_array_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[\n" + json.dumps(BAD_RUN) + ',\n  {"a": }\n]')
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", str(path)) == (
        2,
        "[0]: invalid FlowRun\n" + BAD_RUN_REPORT,
        f"lightschema: {path}: Invalid JSON: Expecting value at line 3 column 9\n",
    )


def test_malformed_document_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = '{\n"a": 1,\n}'
    # the reason and position are the running stdlib's: a trailing comma has its own from 3.13 on
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads(text)
    reason = f"{stdlib.value.msg} at line {stdlib.value.lineno} column {stdlib.value.colno}"
    assert run_main(capsys, monkeypatch, "validate", "--model", "FlowRun", "-", stdin=text.encode()) == (
        2,
        "",
        f"lightschema: -: Invalid JSON: {reason}\n",
    )


def test_argument_errors_exit_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_main(capsys, monkeypatch) == (
        2,
        "",
        "usage: lightschema [-h] COMMAND ...\nlightschema: error: the following arguments are required: COMMAND\n",
    )
    code, out, err = run_main(capsys, monkeypatch, "validate", "x.json")
    assert (code, out, err.splitlines()[-1]) == (
        2,
        "",
        "lightschema validate: error: the following arguments are required: --model",
    )


# -- dump -------------------------------------------------------------------------------------


@pytest.mark.oracle
def test_dump_array_writes_an_array_of_wire_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_main(capsys, monkeypatch, "dump", "--model", "FlowRun", str(EXAMPLE))
    expected = "[\n" + ",\n".join(objects.FlowRun.model_validate(r).model_dump_json() for r in RUNS) + "\n]\n"
    assert (code, out, err) == (0, expected, "25 FlowRun objects read, 25 valid, 0 invalid (N objects/s)\n")
    assert json.loads(out) == [ref.FlowRun.model_validate(r).model_dump(mode="json") for r in RUNS]


def test_dump_jsonl_skips_and_reports_invalid_objects(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    loose = {**RUNS[0], "created": "2024-01-02 03:04:05", "tags": ("a",), "run_count": "3"}
    data = jsonl(loose, BAD_RUN, RUNS[1])
    code, out, err = run_main(capsys, monkeypatch, "dump", "--model", "FlowRun", "-", stdin=data)
    lines = [objects.FlowRun.model_validate(r).model_dump_json() for r in (loose, RUNS[1])]
    assert (code, out, err) == (
        1,
        "".join(line + "\n" for line in lines),
        "line 2: invalid FlowRun\n" + BAD_RUN_REPORT + "3 FlowRun objects read, 2 valid, 1 invalid (N objects/s)\n",
    )
    assert json.loads(out.splitlines()[0])["created"] == "2024-01-02T03:04:05Z"


@pytest.mark.parametrize(
    ("fmt", "stdin", "expected"),
    [
        ("auto", json.dumps(RUNS[0], indent=1), "{one}\n"),
        ("json", json.dumps(RUNS[0], indent=1), "[\n{one}\n]\n"),
        ("jsonl", json.dumps([RUNS[0], RUNS[1]]), "{one}\n{two}\n"),
        ("json", jsonl(RUNS[0], RUNS[1]).decode(), "[\n{one},\n{two}\n]\n"),
        ("auto", "[]", "[]\n"),
        ("json", "[]", "[]\n"),
        ("auto", json.dumps([BAD_RUN]), "[]\n"),
    ],
)
def test_dump_formats(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str, stdin: str, expected: str
) -> None:
    one, two = (objects.FlowRun.model_validate(r).model_dump_json() for r in RUNS[:2])
    code, out, _ = run_main(
        capsys, monkeypatch, "dump", "--model", "FlowRun", "--format", fmt, "-", stdin=stdin.encode()
    )
    assert (code, out) == (1 if 'flow_id": "x' in stdin else 0, expected.format(one=one, two=two))


# -- schema and models ------------------------------------------------------------------------


def test_schema_command(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_main(capsys, monkeypatch, "schema", "--model", "Log") == (
        0,
        json.dumps(model_json_schema(objects.Log), indent=2) + "\n",
        "",
    )
    assert run_main(capsys, monkeypatch, "schema", "--model", "FlowRun", "--indent", "0") == (
        0,
        json.dumps(model_json_schema(objects.FlowRun), indent=0) + "\n",
        "",
    )
    assert run_main(capsys, monkeypatch, "schema", "--model", "TaskRun", "--mode", "serialization") == (
        0,
        json.dumps(model_json_schema(objects.TaskRun, mode="serialization"), indent=2) + "\n",
        "",
    )


def test_models_command() -> None:
    result = run_module("models")
    reference = reference_schema()["models"]
    names = sorted({*reference, "CreatedBy", "UpdatedBy", "Serializer", "ResultRecordMetadata"})
    assert (result.returncode, result.stdout, result.stderr) == (0, "".join(n + "\n" for n in names), "")


# -- the stream reader ------------------------------------------------------------------------


def read_all(data: bytes) -> list[tuple[str, Any]]:
    return list(cli.iter_documents(io.BytesIO(data)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=50, deadline=None)
@given(items=st.lists(json_values, max_size=6), indent=st.sampled_from([None, 1]), chunk=st.integers(1, 7))
def test_array_items_match_json_loads(items: list[Any], indent: int | None, chunk: int) -> None:
    """Any array, read in tiny chunks (values split anywhere, even inside a character)."""
    text = json.dumps(items, indent=indent, ensure_ascii=False).encode()
    original = cli._CHUNK
    cli._CHUNK = chunk
    try:
        assert read_all(text) == [(f"[{i}]", item) for i, item in enumerate(items)]
    finally:
        cli._CHUNK = original


@pytest.mark.parametrize(
    "text",
    [
        "[1,2",
        "[1 2]",
        "[1,]",
        "[1, 2 ,\n\n   ]",
        "[1,",
        "[1] x",
        "[",
        '[{"a":1}',
        '  \n\n [1,\n  2,\n  {"b" 1}]',
        '["é" , tru]',
        "[1e]",
    ],
)
@pytest.mark.parametrize("chunk", [1, 3, 1 << 16])
def test_array_errors_read_like_whole_document_errors(text: str, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_CHUNK", chunk)
    with pytest.raises(cli.InputError) as info:
        read_all(text.encode())
    with pytest.raises(ValueError) as whole:
        validate_json_text(text, "x")
    assert str(info.value) == whole.value.errors()[0]["msg"]  # type: ignore[attr-defined]


class Tracking(io.BytesIO):
    """A stream that refuses to be read whole (a line at a time is fine)."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size > 0, "whole read"
        return super().read(size)


RUN_TEXT = json.dumps(RUNS[0]).encode()


def test_array_items_come_before_the_input_is_read_through() -> None:
    """An array is read a buffer at a time: the first item is out long before the end."""
    stream = Tracking(b"[" + b",".join([RUN_TEXT] * 2000) + b"]")
    items: Iterator[tuple[str, Any]] = cli.iter_documents(stream)
    assert next(items) == ("[0]", RUNS[0])
    assert stream.tell() < 3 * (1 << 16) < len(stream.getvalue()) // 10
    assert sum(1 for _ in items) == 1999


@pytest.mark.parametrize("first", [b"not json", b"5", b'{"a": }', b"[1, 2]"])
def test_jsonl_with_a_bad_first_line_is_read_a_line_at_a_time(first: bytes) -> None:
    """Telling JSON Lines from one document takes one more line, never the rest."""
    line = RUN_TEXT + b"\n"
    stream = Tracking(first + b"\n" + line * 2000)
    items = cli.iter_documents(stream)
    position, _ = next(items)
    assert (position, stream.tell()) == ("line 1", len(first) + 1 + len(line))
    assert next(items) == ("line 2", RUNS[0])
    assert next(items) == ("line 3", RUNS[0])
    assert stream.tell() == len(first) + 1 + 2 * len(line)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (b"[" + RUN_TEXT + b',\n  {"a": }', "Expecting value at line 2 column 9"),
        (b"[" + RUN_TEXT + b"\n  " + RUN_TEXT, "Expecting ',' delimiter at line 2 column 3"),
        (b'[{"a": }\n', "Expecting value at line 1 column 8"),
        (b'{\n"name": "x",\n"tags": [1 2],', "Expecting ',' delimiter at line 3 column 12"),
        (b'{\n"name": "x\n', "Invalid control character at at line 2 column 11"),
    ],
)
def test_broken_value_is_reported_before_reading_on(text: bytes, error: str) -> None:
    """An array item or a document broken near the top: an error at once, the rest unread."""
    stream = Tracking(text + b"," + b",".join([RUN_TEXT] * 2000) + b"]")
    with pytest.raises(cli.InputError) as info:
        list(cli.iter_documents(stream))
    assert str(info.value) == f"Invalid JSON: {error}"
    assert stream.tell() < 3 * (1 << 16) < len(stream.getvalue()) // 10


@settings(max_examples=50, deadline=None)
@given(
    value=st.dictionaries(st.text(max_size=5), json_values, min_size=1, max_size=4),
    chunk=st.integers(1, 7),
)
def test_documents_match_json_loads(value: dict[str, Any], chunk: int) -> None:
    """A pretty-printed object, read in tiny chunks, is one document."""
    text = json.dumps(value, indent=1, ensure_ascii=False).encode()
    original = cli._CHUNK
    cli._CHUNK = chunk
    try:
        assert read_all(text) == [("document", value)]
    finally:
        cli._CHUNK = original


@pytest.mark.parametrize(
    "text",
    [
        b'{\n"a": 1,\n}',
        b'{\n"a": [1, 2\n"b"]}',
        b'{\n"a": 1}\n x',
        b'{\n "a": "\\ud800"}',
        b'{\n"a": tru}',
        b'{\n"a": 1e}',
        b'{\n"a": "\xc3\xa9" "b"}',
        b'{\n"a": "\xc3\xa9\xff"}',
        b'{\n"a": ' + b"1" * 5000 + b"}",
        b'{\n"a": ' + b"[" * 100_000 + b"}",
        b"{\n",
    ],
)
@pytest.mark.parametrize("chunk", [1, 3, 1 << 16])
def test_document_errors_read_like_whole_document_errors(
    text: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamed, a document fails as it does read whole: same reason, same position."""
    monkeypatch.setattr(cli, "_CHUNK", chunk)
    with pytest.raises(cli.InputError) as info:
        read_all(text)
    with pytest.raises(ValueError) as whole:
        validate_json_text(text, "x")
    assert str(info.value) == whole.value.errors()[0]["msg"]  # type: ignore[attr-defined]


def test_huge_integer_in_an_array_is_malformed_input() -> None:
    with pytest.raises(cli.InputError, match=r"^Invalid JSON: number out of range$"):
        read_all(b"[" + b"1" * 5000 + b"]")


any_json = st.recursive(
    json_values | st.sampled_from([float("inf"), float("-inf"), -0.0, 1e-7, "\U0001f642", "\x00"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=any_json, indent=st.sampled_from([None, 1]), ascii_only=st.booleans(), data=st.data())
def test_only_text_cut_short_is_read_on(value: Any, indent: int | None, ascii_only: bool, data: st.DataObject) -> None:
    """Any prefix of valid JSON that fails to decode fails where more input may mend it."""
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    cut = data.draw(st.integers(0, len(text) - 1))
    try:
        json.JSONDecoder().raw_decode(text[:cut])
    except json.JSONDecodeError as exc:
        assert cli._maybe_cut(exc, cut), (text[:cut], exc)


def test_text_broken_early_is_not_read_on() -> None:
    decoder = json.JSONDecoder()
    for text in ('{"a": }' + " " * 20, "[1 2" + "3" * 20, '"\x01' + "x" * 20):
        with pytest.raises(json.JSONDecodeError) as info:
            decoder.raw_decode(text)
        assert not cli._maybe_cut(info.value, len(text))


# -- progress ---------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_at_most_every_interval_and_clears() -> None:
    now = [100.0]
    screen = Terminal()
    progress = cli.Progress(screen, 1000, enabled=True, clock=lambda: now[0], interval=0.5, delay=1.0)
    progress.update(10, 0, 100)  # within the delay: nothing
    now[0] = 101.0
    progress.update(20, 1, 250)
    now[0] = 101.2
    progress.update(30, 1, 300)  # within the interval: nothing
    now[0] = 102.0
    progress.update(40, 2, 2000)
    progress.clear()
    first = "[#######.......................]  25% 20 objects, 1 invalid, 20 objects/s"
    second = "[##############################] 100% 40 objects, 2 invalid, 20 objects/s"
    assert screen.getvalue() == "\r" + first + "\r" + second + "\r" + " " * len(second) + "\r"


def test_progress_without_a_size_shows_bytes_and_is_off_when_disabled() -> None:
    screen = Terminal()
    progress = cli.Progress(screen, None, enabled=True, clock=lambda: 5.0, delay=0.0)
    progress.update(3, 0, 2_500_000)
    assert screen.getvalue() == "\r2.5 MB, 3 objects, 0 invalid, 0 objects/s"
    silent = io.StringIO()
    off = cli.Progress(silent, 10, enabled=False, delay=0.0)
    off.update(1, 0, 5)
    off.clear()
    assert silent.getvalue() == ""


def test_no_progress_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Captured stderr is no terminal: nothing but the reports appears there, however long the run."""
    monkeypatch.setattr(cli.Progress, "__init__", _eager_progress_init)
    code, _, err = run_main(capsys, monkeypatch, "dump", "--model", "FlowRun", str(EXAMPLE))
    assert (code, err) == (0, "25 FlowRun objects read, 25 valid, 0 invalid (N objects/s)\n")


def test_progress_shown_on_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.Progress, "__init__", _eager_progress_init)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["validate", "--model", "FlowRun", str(EXAMPLE)]) == 0
    size = EXAMPLE.stat().st_size
    assert terminal.getvalue().startswith("\r[")
    assert terminal.getvalue().endswith("\r")
    assert re.sub(r"[\d,]+ objects/s", "R", terminal.getvalue().split("\r")[-3]) == (
        f"[{'#' * 30}] 100% 25 objects, 0 invalid, R"
    )
    assert size > 0
    assert masked(capsys.readouterr().out) == "25 FlowRun objects read, 25 valid, 0 invalid (N objects/s)\n"
    terminal.truncate(0)
    terminal.seek(0)
    assert cli.main(["validate", "--no-progress", "--model", "FlowRun", str(EXAMPLE)]) == 0
    assert terminal.getvalue() == ""


_original_progress_init = cli.Progress.__init__


def _eager_progress_init(self: cli.Progress, stream: Any, total: int | None, *, enabled: bool, **_: Any) -> None:
    """A progress line that draws on every update (no delay, no interval)."""
    _original_progress_init(self, stream, total, enabled=enabled, interval=0.0, delay=0.0)


# -- bounded memory ---------------------------------------------------------------------------

MEMORY_LIMIT_KB = 80_000  # interpreter + lightschema is ~25 MB; loading 50 MB of JSON whole is > 110 MB

# The peak resident size of this process image: /proc's VmHWM where there is one, since
# getrusage's ru_maxrss also counts the parent's pages the child had before exec.
MEASURE = """
import resource, sys
from pathlib import Path
from lightschema._cli import main
code = main(sys.argv[1:])
status = Path("/proc/self/status")
lines = status.read_text().splitlines() if status.exists() else []
peak = [int(line.split()[1]) for line in lines if line.startswith("VmHWM:")]
print("MAXRSS", peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("layout", ["jsonl", "array"])
def test_large_input_runs_in_bounded_memory(tmp_path: Path, layout: str) -> None:
    """~50 MB of flow runs (large parameters keep it quick) never held at once."""
    run = {**RUNS[0], "parameters": {"blob": "x" * 25_000}}
    text = json.dumps(run)
    count = 50_000_000 // len(text)
    path = tmp_path / f"big.{layout}"
    with path.open("w") as f:
        if layout == "jsonl":
            f.writelines(text + "\n" for _ in range(count))
        else:
            f.write("[" + ",\n".join(text for _ in range(count)) + "]")
    assert path.stat().st_size > 49_000_000
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, "validate", "--model", "FlowRun", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, masked(result.stdout)) == (
        0,
        f"{count} FlowRun objects read, {count} valid, 0 invalid (N objects/s)\n",
    )
    maxrss = int(result.stderr.split()[-1])
    assert maxrss < MEMORY_LIMIT_KB, f"max RSS {maxrss} KB"


# What a pipe from a program brings: head, then item ``count`` times (forever if negative),
# then tail. Prints how many bytes it got to write before the reader went away.
GENERATE = """
import sys
head, item, tail = (part.encode() for part in sys.argv[1:4])
count = int(sys.argv[4])
out = sys.stdout.buffer
written = 0
try:
    out.write(head)
    while count:
        out.write(item)
        written += len(item)
        count -= 1
    out.write(tail)
    out.flush()
except BrokenPipeError:
    pass
print(written, file=sys.stderr)
"""

# The CLI under an address-space limit some 150 MB above what it starts with.
LIMITED = """
import resource, sys
from pathlib import Path
from lightschema._cli import main
status = Path("/proc/self/status").read_text().splitlines()
start = [int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:")][0]
resource.setrlimit(resource.RLIMIT_AS, (start + 150_000_000, start + 150_000_000))
sys.exit(main(sys.argv[1:]))
"""


def piped(head: str, item: str, tail: str, count: int, *args: str, script: str = MEASURE) -> tuple[int, str, str, int]:
    """The CLI (run by ``script``) reading a generated stream through a pipe: its exit status,
    stdout and stderr, and how many bytes of items the generator wrote."""
    generator = subprocess.Popen(
        [sys.executable, "-c", GENERATE, head, item, tail, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert generator.stdout is not None
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            stdin=generator.stdout,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
            check=False,
        )
    finally:
        generator.stdout.close()  # so that an endless generator meets a closed pipe
    _, written = generator.communicate(timeout=60)
    return result.returncode, result.stdout, result.stderr, int(written)


def peak_kb(stderr: str) -> int:
    assert stderr.splitlines()[-1].startswith("MAXRSS "), stderr
    return int(stderr.split()[-1])


@pytest.mark.parametrize(
    ("first", "report"),
    [
        ("not json", "  $: Invalid JSON: Expecting value at line 1 column 1\n"),
        ('"a string"', "  $: Input should be an object\n"),
    ],
)
def test_jsonl_with_a_bad_first_line_streams_in_bounded_memory(first: str, report: str) -> None:
    """200 MB of JSON Lines from a pipe, the first line not an object: read a line at a time."""
    line = json.dumps({**RUNS[0], "parameters": {"blob": "x" * 25_000}}) + "\n"
    count = 200_000_000 // len(line)
    code, out, err, written = piped(first + "\n", line, "", count, "validate", "--model", "FlowRun", "-")
    assert written > 199_000_000
    assert (code, masked(out)) == (
        1,
        f"line 1: invalid FlowRun\n{report}{count + 1} FlowRun objects read, {count} valid, 1 invalid (N objects/s)\n",
    )
    assert peak_kb(err) < MEMORY_LIMIT_KB, f"max RSS {peak_kb(err)} KB"


@pytest.mark.parametrize(
    ("head", "error"),
    [
        ('[{"name": "a"},\n {"a": }', "Expecting value at line 2 column 8"),
        ('{\n "name": "x",\n "tags": ["a" "b"]', "Expecting ',' delimiter at line 3 column 15"),
    ],
)
def test_endless_input_broken_near_the_top_stops_there(head: str, error: str) -> None:
    """An endless array or document, broken near the top: reported there, reading stops."""
    code, out, err, written = piped(head, ', {"name": "a"}' * 100, "", -1, "validate", "--model", "Flow", "-")
    assert (code, out, err.splitlines()[0]) == (2, "", f"lightschema: -: Invalid JSON: {error}")
    assert peak_kb(err) < MEMORY_LIMIT_KB, f"max RSS {peak_kb(err)} KB"
    assert written < 10_000_000  # what the reader took, and what the pipe held


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to set the limit")
def test_endless_line_ends_in_a_message_not_a_traceback() -> None:
    """One endless value cannot be held: out of memory is reported as such, exit status 2."""
    code, out, err, _ = piped('{"name": "', "x" * 100_000, "", -1, "validate", "--model", "Flow", "-", script=LIMITED)
    assert (code, out, err) == (
        2,
        "",
        "lightschema: -: out of memory: one JSON value (a line, an array item or the document) is too large\n",
    )


# -- exit statuses ----------------------------------------------------------------------------


def readme_exit_table() -> dict[str, int]:
    """The README's exit status table: each situation with its status."""
    section = (ROOT / "README.md").read_text().split("## Command line", 1)[1].split("\n## ", 1)[0]
    table = section.split("| exit status | when |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:3] for line in table.strip().splitlines()[1:]]
    return {when.strip(): int(code) for code, when in rows}


def test_readme_lists_every_exit_status() -> None:
    """Each status the CLI can return has a row, and each row's status is one it returns."""
    statuses = {value for name, value in vars(cli).items() if name.startswith("EXIT_")}
    assert statuses == {0, 1, 2, 3, 130, 141}
    assert set(readme_exit_table().values()) == statuses


class Unreadable(io.RawIOBase):
    """Standard input that fails when read, as ``error`` (an exception) says."""

    def __init__(self, error: BaseException) -> None:
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise self._error


def test_read_error_is_unreadable_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Unreadable(OSError(errno.EIO, "I/O error")))))
    assert cli.main(["validate", "--model", "Flow", "-"]) == 2
    assert capsys.readouterr() == ("", "lightschema: cannot read -: I/O error\n")


def test_interrupt_in_process_exits_130(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Unreadable(KeyboardInterrupt()))))
    assert cli.main(["validate", "--model", "Flow", "-"]) == 130
    assert capsys.readouterr() == ("", "lightschema: interrupted\n")


def test_interrupt_exits_130() -> None:
    """Ctrl-C while the CLI waits for input: a one-line note, no traceback, status 130."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lightschema", "dump", "--model", "Flow", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(b'{"name": 5}\n')
    process.stdin.flush()
    # the report is out (stderr is line buffered), so the CLI is reading on
    assert process.stderr.readline() == b"line 1: invalid Flow\n"
    assert process.stderr.readline() == b"  $.name: Input should be a valid string\n"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, b"", b"lightschema: interrupted\n")


@pytest.mark.parametrize("command", ["dump", "validate"])
def test_closed_output_pipe_exits_141_quietly(tmp_path: Path, command: str) -> None:
    """``lightschema dump ... | head -1``: status 141 (128 + SIGPIPE), as a shell shows for
    ``yes | head -1``; never 1 (some invalid), never a traceback."""
    path = tmp_path / "many.jsonl"
    path.write_bytes(jsonl(*(RUNS if command == "dump" else [BAD_RUN])) * 2000)  # megabytes of output
    process = subprocess.Popen(
        [sys.executable, "-m", "lightschema", command, "--model", "FlowRun", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None
    assert process.stdout.readline()
    process.stdout.close()  # more than a pipe holds is still to come
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (141, b"")


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def test_closed_output_in_process(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # never a real descriptor to silence
    assert cli.main(["validate", "--model", "FlowRun", str(EXAMPLE)]) == 141
    assert sys.stderr.getvalue() == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_exits_2() -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "lightschema", "dump", "--model", "FlowRun", str(EXAMPLE)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    assert (result.returncode, result.stderr) == (2, "lightschema: cannot write the output: No space left on device\n")


def test_internal_error_exits_3_with_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug is not "some invalid": status 3, and the traceback (escaped) to report."""

    def broken(value: Any, cls: Any) -> Any:
        raise RuntimeError("boom \x1b[2J")

    monkeypatch.setattr(cli, "structure_json_value", broken)
    code, out, err = run_main(capsys, monkeypatch, "validate", "--model", "Flow", "-", stdin=jsonl({"name": "x"}))
    assert (code, out) == (3, "")
    assert err.startswith("lightschema: internal error, please report it:\nTraceback (most recent call last):\n")
    assert err.endswith("RuntimeError: boom \\x1b[2J\n")


def test_help_exits_0(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_main(capsys, monkeypatch, "validate", "--help")
    assert (code, out.splitlines()[0], err) == (
        0,
        "usage: lightschema validate [-h] --model MODEL [--no-progress] path",
        "",
    )


# -- untrusted text ---------------------------------------------------------------------------

ESC = "\x1b[2J\x1b]0;owned\x07\x9b"  # clear screen, set the title, a C1 CSI
ESC_SHOWN = "\\x1b[2J\\x1b]0;owned\\x07\\x9b"


def test_printable_escapes_controls_and_keeps_unicode() -> None:
    text = "a\x00\x1b\x7f\x85\x9b\u2028\u202e\ud800\udcff\t\n\r é日本🙂\u200d\xa0z"
    assert cli.printable(text) == "a\\x00\\x1b\\x7f\\x85\\x9b\\u2028\\u202e\\ud800\\xff\\t\\n\\r é日本🙂\u200d\xa0z"


def test_values_from_the_input_are_printed_escaped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cron, timezone and key name in messages: escapes shown, not run; Unicode as is."""
    data = jsonl(
        {"cron": f"0 0 * * *{ESC}", "timezone": f"Europe/Zürich{ESC}日本"},
        {f"key{ESC}": 1, "cron": "* * * * *"},
    )
    assert run_main(capsys, monkeypatch, "validate", "--model", "CronSchedule", "-", stdin=data) == (
        1,
        "line 1: invalid CronSchedule\n"
        f'  $.cron: Value error, Invalid cron string: "0 0 * * *{ESC_SHOWN}"\n'
        f'  $.timezone: Value error, Invalid timezone: "Europe/Zürich{ESC_SHOWN}日本" '
        "(specify in IANA tzdata format, for example, America/New_York)\n"
        "line 2: invalid CronSchedule\n"
        f"  $['key{ESC_SHOWN}']: Extra inputs are not permitted\n"
        "2 CronSchedule objects read, 0 valid, 2 invalid (N objects/s)\n",
        "",
    )


def test_rrule_printed_escaped_in_a_subprocess() -> None:
    """The bytes on the terminal hold no escape character at all."""
    result = run_module("validate", "--model", "RRuleSchedule", "-", stdin=jsonl({"rrule": f"FREQ=DAILY{ESC}"}))
    assert (result.returncode, masked(result.stdout), result.stderr) == (
        1,
        "line 1: invalid RRuleSchedule\n"
        f"  $.rrule: Value error, Invalid RRule string \"FREQ=DAILY{ESC_SHOWN}\": invalid 'FREQ': "
        "DAILY\\x1b[2J\\x1b]0\n"
        "1 RRuleSchedule objects read, 0 valid, 1 invalid (N objects/s)\n",
        "",
    )
    assert "\x1b" not in result.stdout


def test_file_names_are_printed_escaped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / f"runs{ESC}é.json"
    assert run_main(capsys, monkeypatch, "validate", "--model", "Flow", str(missing)) == (
        2,
        "",
        f"lightschema: cannot read {tmp_path}/runs{ESC_SHOWN}é.json: No such file or directory\n",
    )
    broken = tmp_path / f"broken{ESC}.json"
    broken.write_text("[")
    assert run_main(capsys, monkeypatch, "validate", "--model", "Flow", str(broken)) == (
        2,
        "",
        f"lightschema: {tmp_path}/broken{ESC_SHOWN}.json: Invalid JSON: Expecting value at line 1 column 2\n",
    )
    code, out, err = run_main(capsys, monkeypatch, "validate", "--model", "Flow", "a.json", f"b{ESC}.json")
    assert (code, out, err.splitlines()[-1]) == (
        2,
        "",
        f"lightschema: error: unrecognized arguments: b{ESC_SHOWN}.json",
    )
