"""Arbitrary JSON and bytes into every model: the only exception ever raised is ValidationError.

Also the hostile shapes a server (or an attacker in front of one) can send: nesting
thousands deep, integers with thousands of digits, megabyte strings, NaN/Infinity,
lone surrogates, duplicate keys and a million-item list. The heaviest cases run in
a subprocess under a memory limit, so a regression fails instead of eating the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lightschema
import lightschema.objects as lo
from lightschema import ValidationError
from tests.payloads import ID, MINIMAL, MODELS, NAMES

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),  # NaN and the infinities included, as json.loads produces them
    st.text(max_size=20),
    st.sampled_from(["", "\ud800", "P1D", "PT1H", "2020-01-01", "2020-01-01T00:00:00Z", "nan", "1e400", ID, "-0"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def outcome(name: str, payload: Any) -> str:
    """Structure ``payload``; anything but success or ValidationError fails the test."""
    try:
        MODELS[name].model_validate(payload)
    except ValidationError as exc:
        assert exc.errors() and str(exc).startswith(f"{exc.error_count()} validation error")
        return "rejected"
    return "accepted"


def test_every_model_has_a_minimal_payload() -> None:
    assert sorted(MINIMAL) == NAMES
    for name in NAMES:
        assert outcome(name, MINIMAL[name]) == "accepted"


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(NAMES), value=json_values)
def test_arbitrary_json_values(name: str, value: Any) -> None:
    assert outcome(name, value) in {"accepted", "rejected"}


def _mutations(name: str) -> st.SearchStrategy[dict[str, Any]]:
    base = MINIMAL[name]
    keys = [*sorted(base), "unknown"]
    return st.dictionaries(st.sampled_from(keys), json_values, min_size=1, max_size=3).map(lambda m: {**base, **m})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(NAMES))
def test_mutated_payloads(data: st.DataObject, name: str) -> None:
    """Valid payloads with some values swapped for arbitrary JSON reach every field's hook."""
    assert outcome(name, data.draw(_mutations(name))) in {"accepted", "rejected"}


def json_outcome(name: str, text: str | bytes) -> str:
    try:
        MODELS[name].model_validate_json(text)
    except ValidationError as exc:
        assert exc.errors()
        return "rejected"
    return "accepted"


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=64))
def test_arbitrary_bytes(name: str, data: bytes) -> None:
    assert json_outcome(name, data) in {"accepted", "rejected"}


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_arbitrary_bytes_around_valid_json(name: str, data: st.DataObject) -> None:
    """Valid JSON text with bytes cut out or spliced in: truncations, stray bytes, bad UTF-8."""
    text = json.dumps(MINIMAL[name]).encode()
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.binary(max_size=4))
    assert json_outcome(name, text[:cut] + junk + text[cut + len(junk) :]) in {"accepted", "rejected"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), data=st.data())
def test_json_lines_fail_exactly_where_their_lines_fail(name: str, data: st.DataObject) -> None:
    """Lines of valid, mutated or broken JSON: the failing line indices are those whose line fails alone."""
    valid = json.dumps(MINIMAL[name]).encode()
    line = st.one_of(
        st.just(valid),
        _mutations(name).map(lambda m: json.dumps(m).encode()),
        st.binary(max_size=16).map(lambda b: b.replace(b"\n", b"")),
        st.sampled_from([b"", b" ", b"\r"]),
    )
    lines = data.draw(st.lists(line, max_size=5))
    alone = {i: json_outcome(name, text) for i, text in enumerate(lines) if text.strip(b" \t\r")}
    try:
        objects = lightschema.load_json_lines(b"\n".join(lines), MODELS[name])
    except ValidationError as exc:
        assert {e["loc"][0] for e in exc.errors()} == {i for i, o in alone.items() if o == "rejected"}
    else:
        assert len(objects) == len(alone)
        assert set(alone.values()) <= {"accepted"}


# -- hostile shapes --------------------------------------------------------------------------------

U = ID
FLOW_RUN = MINIMAL["FlowRun"]


def run_json(members: str) -> str:
    """FlowRun JSON text: a valid ``flow_id`` followed by ``members``."""
    return '{"flow_id": "' + U + '", ' + members + "}"


def nested_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def nested_dict(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def errors_of(exc: ValidationError) -> list[tuple[Any, ...]]:
    return [(e["type"], e["loc"], e["msg"]) for e in exc.errors()]


class TestDeepNesting:
    @pytest.mark.parametrize(
        ("text", "column"),
        [("[" * 100_000 + "]" * 100_000, 202), ('{"a":' * 100_000 + "1" + "}" * 100_000, 201 * 5 + 1)],
    )
    def test_json_text_nested_too_deeply(self, text: str, column: int) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate_json(text)
        message = f"Invalid JSON: recursion limit exceeded at line 1 column {column}"
        assert errors_of(info.value) == [("json_invalid", (), message)]
        assert str(info.value).startswith(f"1 validation error for FlowRun\n  $: {message} [type=json_invalid, ")
        assert len(str(info.value)) < 300  # the text itself is clipped

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("tags", nested_list(50_000), [("string_type", ("tags", 0), "Input should be a valid string")]),
            ("state", nested_dict(50_000), [("missing", ("state", "type"), "Field required")]),
            (
                "labels",
                nested_dict(50_000),
                [
                    ("bool_type", ("labels", "a", "bool"), "Input should be a valid boolean"),
                    ("int_type", ("labels", "a", "int"), "Input should be a valid integer"),
                    ("float_type", ("labels", "a", "float"), "Input should be a valid number"),
                    ("string_type", ("labels", "a", "str"), "Input should be a valid string"),
                ],
            ),
        ],
    )
    def test_typed_fields_fail_at_the_first_wrong_level(self, field: str, value: Any, expected: list[Any]) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate({**FLOW_RUN, field: value})
        assert errors_of(info.value) == expected
        assert len(str(info.value).splitlines()[1]) < 200  # the deep input is clipped in the message

    def test_any_fields_take_deep_values_without_walking_them(self) -> None:
        deep = nested_dict(50_000)
        run = lo.FlowRun.model_validate({**FLOW_RUN, "parameters": {"x": deep}})
        assert run.parameters["x"] is deep

    def test_variable_value_too_deep_for_json(self) -> None:
        with pytest.raises(ValidationError) as info:
            lo.Variable.model_validate({**MINIMAL["Variable"], "value": nested_list(50_000)})
        assert errors_of(info.value) == [
            ("value_error", ("value",), "Value error, Variable value must be serializable to JSON")
        ]


#: Prefect's DateTime reads text pydantic rejects with pendulum before Python 3.13 (a
#: value_error then); from 3.13 on it reads as a plain datetime, with pydantic's errors
PENDULUM_DATETIME = sys.version_info < (3, 13)


class TestHugeNumbers:
    BIG = 10**5000

    def test_json_integer_too_long_to_convert(self) -> None:
        text = run_json('"run_count": ' + "9" * 5000)
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate_json(text)
        assert errors_of(info.value) == [("json_invalid", (), "Invalid JSON: number out of range")]

    @pytest.mark.parametrize(
        ("field", "expected"),
        [
            ("flow_id", ("uuid_type", ("flow_id",), "UUID input should be a string, bytes or UUID object")),
            ("name", ("string_type", ("name",), "Input should be a valid string")),
            (
                "empirical_policy",
                (
                    "model_type",
                    ("empirical_policy",),
                    "Input should be a valid dictionary or instance of FlowRunPolicy",
                ),
            ),
            (
                "start_time",
                ("value_error", ("start_time",), "value is not a valid datetime")
                if PENDULUM_DATETIME
                else ("datetime_type", ("start_time",), "Input should be a valid datetime"),
            ),
            ("total_run_time", ("time_delta_type", ("total_run_time",), "Input should be a valid timedelta")),
        ],
    )
    def test_python_int_with_thousands_of_digits(self, field: str, expected: tuple[Any, ...]) -> None:
        """The same error as the reference (checked in test_parity_invalid), and a message that prints."""
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate({**FLOW_RUN, field: self.BIG})
        assert errors_of(info.value) == [expected]
        assert str(info.value).endswith(f"[type={expected[0]}, input=<unprintable int object>]")

    def test_big_ints_are_kept_where_ints_are_wanted(self) -> None:
        assert lo.FlowRun.model_validate({**FLOW_RUN, "run_count": self.BIG}).run_count == self.BIG

    def test_digit_strings_too_long(self) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate({**FLOW_RUN, "run_count": "9" * 5000})
        assert errors_of(info.value) == [
            ("int_parsing_size", ("run_count",), "Unable to parse input string as an integer, exceeded maximum size")
        ]


class TestHugeStrings:
    MB = "x" * 1_000_000

    @pytest.mark.parametrize("name", NAMES)
    def test_megabyte_string_in_every_field(self, name: str) -> None:
        """Every field of every model, given a megabyte of text: a prompt answer either way."""
        for key in [*MINIMAL[name], "unknown"]:
            outcome(name, {**MINIMAL[name], key: self.MB})

    def test_megabyte_strings_are_kept(self) -> None:
        run = lo.FlowRun.model_validate({**FLOW_RUN, "name": self.MB})
        assert run.name == self.MB
        assert lo.FlowRun.model_validate_json(run.model_dump_json()).name == self.MB

    def test_message_clips_the_input(self) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate({**FLOW_RUN, "flow_id": self.MB})
        assert str(info.value) == (
            "1 validation error for FlowRun\n"
            f"  $.flow_id: Input should be a valid UUID, got {self.MB!r} [type=uuid_parsing, input='{'x' * 76}...]"
        )


_AFTER_9999 = "Input should be a valid datetime, dates after 9999 are not supported as unix timestamps"


class TestNonFiniteNumbers:
    """``NaN``/``Infinity`` parse (as in the reference); each field then takes or refuses them."""

    @pytest.mark.parametrize(
        ("field", "literal", "expected"),
        [
            ("run_count", "Infinity", [("finite_number", ("run_count",), "Input should be a finite number")]),
            ("run_count", "NaN", [("finite_number", ("run_count",), "Input should be a finite number")]),
            (
                "start_time",
                "Infinity",
                [("value_error", ("start_time",), "value is not a valid datetime")]
                if PENDULUM_DATETIME
                else [("datetime_parsing", ("start_time",), _AFTER_9999)],
            ),
            (
                "total_run_time",
                "NaN",
                [
                    (
                        "time_delta_parsing",
                        ("total_run_time",),
                        "Input should be a valid duration, NaN values not permitted",  # JSON input's wording
                    )
                ],
            ),
        ],
    )
    def test_rejected(self, field: str, literal: str, expected: list[Any]) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate_json(run_json(f'"{field}": {literal}'))
        assert errors_of(info.value) == expected

    def test_kept_where_any_float_goes_and_written_as_null(self) -> None:
        run = lo.FlowRun.model_validate_json(run_json('"labels": {"x": NaN}, "parameters": {"y": -Infinity}'))
        assert json.loads(run.model_dump_json(include={"labels", "parameters"})) == {
            "labels": {"x": None},
            "parameters": {"y": None},
        }
        policy = lo.TaskRunPolicy.model_validate_json('{"retry_jitter_factor": Infinity}')
        assert policy.retry_jitter_factor == float("inf")

    def test_json_mode_dump_of_any_values(self) -> None:
        run = lo.FlowRun.model_validate({**FLOW_RUN, "parameters": {"y": float("inf"), "z": [float("nan")]}})
        assert run.model_dump(mode="json")["parameters"] == {"y": None, "z": [None]}


class TestStrings:
    @pytest.mark.parametrize("escape", ["\\ud800", "\\udc00", "\\uD83D", "x\\ude00"])
    def test_lone_surrogate_escapes_are_invalid_json(self, escape: str) -> None:
        for text in (
            run_json(f'"name": "{escape}"'),
            run_json(f'"parameters": {{"{escape}": 1}}'),
        ):
            with pytest.raises(ValidationError) as info:
                lo.FlowRun.model_validate_json(text)
            assert errors_of(info.value) == [("json_invalid", (), "Invalid JSON: lone surrogate in string")]

    def test_surrogate_pairs_are_fine(self) -> None:
        run = lo.FlowRun.model_validate_json(run_json('"name": "\\ud83d\\ude00"'))
        assert run.name == "\U0001f600"

    def test_raw_surrogate_bytes_are_invalid_utf8(self) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate_json(b'{"name": "\xed\xa0\x80"}')
        assert errors_of(info.value) == [("json_invalid", (), "Invalid JSON: invalid UTF-8 at byte 10")]

    def test_duplicate_keys_last_wins(self) -> None:
        run = lo.FlowRun.model_validate_json('{"flow_id": "x", ' + run_json('"name": "a", "name": "b"')[1:])
        assert (str(run.flow_id), run.name) == (U, "b")

    def test_nul_and_control_characters_are_text(self) -> None:
        assert lo.FlowRun.model_validate_json(run_json('"name": "a\\u0000b\\u001f"')).name == "a\x00b\x1f"


class TestLongLists:
    def test_million_valid_items(self) -> None:
        tags = ["t"] * 1_000_000
        run = lo.FlowRun.model_validate({**FLOW_RUN, "tags": tags})
        assert len(run.tags) == 1_000_000
        assert run.tags is not tags

    def test_many_bad_items_each_reported(self) -> None:
        with pytest.raises(ValidationError) as info:
            lo.FlowRun.model_validate({**FLOW_RUN, "tags": list(range(20_000))})
        assert info.value.error_count() == 20_000
        assert info.value.errors()[-1] == {
            "type": "string_type",
            "loc": ("tags", 19_999),
            "path": "$.tags[19999]",
            "msg": "Input should be a valid string",
            "input": 19_999,
        }

    def test_memory_per_bad_item_is_bounded(self) -> None:
        import gc
        import tracemalloc

        items = list(range(20_000))
        lo.FlowRun.model_validate(FLOW_RUN)  # build the hooks first
        gc.collect()
        tracemalloc.start()
        try:
            with pytest.raises(ValidationError):
                lo.FlowRun.model_validate({**FLOW_RUN, "tags": items})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak / len(items) < 1024

    def test_million_bad_items_under_a_memory_limit(self) -> None:
        script = textwrap.dedent(
            f"""
            import resource, sys
            limit = (1200 if sys.version_info >= (3, 11) else 1500) * 2**20  # 3.10's dicts are larger
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            import lightschema.objects as lo
            from lightschema import ValidationError
            try:
                lo.FlowRun.model_validate({{"flow_id": "{U}", "tags": list(range(10**6))}})
            except ValidationError as exc:
                print(exc.error_count(), exc.errors()[-1]["path"])
            """
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
        assert (done.returncode, done.stdout) == (0, "1000000 $.tags[999999]\n")


#: rejects 100,000 bad items in one bulk call; prints the errors and the peak memory grown per item
BULK_MEMORY = """
import json, sys
import lightschema
from lightschema.objects import FlowRun

def peak():  # this process's own peak: ru_maxrss would start from the parent's, as of the fork
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) * 1024

how, n, flow_id = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if how.endswith("one"):
    items = [{"name": f"r{i}"} for i in range(n)]
else:
    items = [{"flow_id": f"x{i}", "tags": i, "run_count": f"y{i}"} for i in range(n)]
FlowRun.model_validate_list([{"flow_id": flow_id}] * 100)  # hooks built first
if how.startswith("json"):
    body = json.dumps(items).encode()
    del items
before = peak()
try:
    if how.startswith("json"):
        lightschema.load_json(body, list[FlowRun])
    else:
        FlowRun.model_validate_list(items)
except lightschema.ValidationError as exc:
    count = exc.error_count()
print(json.dumps({"errors": count, "bytes_per_item": (peak() - before) // n}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc")
@pytest.mark.parametrize(
    ("how", "per_item", "limit"),
    [
        # measured: 183, 649, 170 and 504 bytes an item (3.10-3.13); before: 3,784, 7,950, 4,599 and 10,383
        ("one", 1, 400),
        ("three", 3, 1300),
        ("jsonone", 1, 400),
        ("jsonthree", 3, 1000),
    ],
)
def test_bulk_rejection_memory_per_item(how: str, per_item: int, limit: int) -> None:
    """A bulk call on many bad items keeps a small entry per error and frees everything else
    as it goes, over the baseline of its input (and for ``load_json``, the text): one or three
    errors an item, from Python objects and from JSON text."""
    n = 100_000
    done = subprocess.run(
        [sys.executable, "-c", BULK_MEMORY, how, str(n), ID], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    print(how, seen)
    assert seen["errors"] == n * per_item
    assert seen["bytes_per_item"] < limit, seen
