"""Wire-format parity of the scalar hooks with the reference (prefect 3.9.1 on pydantic).

Every value goes through a real model on both sides (a FlowRun, State or
FlowRunPolicy with only that field set) and the outcomes are compared: accepted
values must dump to the same JSON, rejected ones must fail at the same loc with
the same error type and, unless listed below, the same message.

Known differences (type and loc still match; only what is listed differs):

* UUID: the reason in a ``uuid_parsing`` message. pydantic quotes the Rust ``uuid``
  crate ("invalid length: found 3", "invalid group count: ..."); lightschema says
  ``got '<input>'``. Reproducing every crate message is not worth the code.
* timedelta: the reason in a ``time_delta_parsing`` message for malformed text
  ("invalid digit in duration", ``"day" identifier ...``); lightschema says
  "invalid duration format".
Prefect's ``DateTime`` depends on the Python version, as in prefect 3.9.1 itself. Before
3.13, text pydantic rejects falls back to pendulum's parser, with these known differences:

* DateTime offsets of 24 hours or more: pendulum accepts ``+24:00`` and any negative
  offset (``-55:30``), making datetimes whose ``utcoffset()`` raises; the stdlib cannot
  hold such an offset, so lightschema rejects them (``Unable to parse string``).
* DateTime intervals whose duration carries an end past year 9999 or before year 1
  (``2020-01-01T00:00:00/P8000Y``): the reference's message comes from pendulum's
  calendar arithmetic ("year 10020 is out of range", "value is not a valid datetime");
  lightschema says it is an Interval.
* DateTime text pydantic rejects goes through a port of pendulum's strict parser
  (its Rust ISO 8601 reader, intervals, ``YYYY/MM/DD``). It was checked against the
  reference on ~45,000 generated strings with no difference, and its duration reader
  against pendulum's extension directly (``test_generated_durations_read_as_pendulum_does``).
  Results that depend on the clock (``now``, a bare time of day) are not compared here.

From 3.13 on there is no pendulum: a ``DateTime`` reads as a ``datetime`` does (same
errors), and a naive result is made UTC; the comparisons above then cover every input.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import lightschema
from lightschema import objects as light
from lightschema._hooks import _pendulum_duration, datetime_to_json
from tests.oracle import pydantic
from tests.oracle import ref_objects as ref

warnings.filterwarnings("ignore", category=DeprecationWarning)


def _pendulum_datetime() -> bool:
    import sys

    return sys.version_info < (3, 13)


#: prefect 3.9.1 reads DateTime text pydantic rejects with pendulum before Python 3.13 only
PENDULUM_DATETIME = _pendulum_datetime()
pendulum_only = pytest.mark.skipif(
    not PENDULUM_DATETIME, reason="prefect 3.9.1 falls back to pendulum for DateTime before Python 3.13 only"
)
stdlib_only = pytest.mark.skipif(
    PENDULUM_DATETIME, reason="prefect 3.9.1 reads DateTime without pendulum from Python 3.13 on"
)

FLOW_ID = "6f1b1c9e-0d1c-4c4e-9e64-3c1e0b6f7a10"

#: kind -> (reference class, lightschema class, field, other required keys)
KINDS: dict[str, tuple[Any, Any, str, dict[str, Any]]] = {
    "str": (ref.FlowRun, light.FlowRun, "flow_version", {"flow_id": FLOW_ID}),
    "int": (ref.FlowRun, light.FlowRun, "run_count", {"flow_id": FLOW_ID}),
    "float": (ref.TaskRunPolicy, light.TaskRunPolicy, "retry_jitter_factor", {}),
    "bool": (ref.FlowRun, light.FlowRun, "auto_scheduled", {"flow_id": FLOW_ID}),
    "uuid": (ref.FlowRun, light.FlowRun, "flow_id", {}),
    "datetime": (ref.State, light.State, "timestamp", {"type": "COMPLETED"}),
    "DateTime": (ref.FlowRun, light.FlowRun, "start_time", {"flow_id": FLOW_ID}),
    "timedelta": (ref.FlowRun, light.FlowRun, "total_run_time", {"flow_id": FLOW_ID}),
}
#: kinds whose rejection messages are compared by type and loc only (see docstring)
REASON_DIFFERS = {"uuid", "timedelta"}


def outcome(kind: str, value: Any, *, reference: bool) -> tuple[Any, ...]:
    """What one side makes of ``value``: ("ok", json text) or ("error", sorted errors)."""
    ref_cls, light_cls, field, base = KINDS[kind]
    payload = {**base, field: value}
    try:
        obj = (ref_cls if reference else light_cls).model_validate(payload)
    except pydantic.ValidationError as exc:
        return "error", _errors(exc.errors(include_url=False), kind)
    except lightschema.ValidationError as exc:
        return "error", _errors(exc.errors(), kind)
    return "ok", json.dumps(obj.model_dump(mode="json")[field])


def _errors(errors: Any, kind: str) -> list[tuple[Any, ...]]:
    keep_msg = kind not in REASON_DIFFERS
    return sorted((tuple(e["loc"]), e["type"], e["msg"] if keep_msg else "") for e in errors)


def _is_nan_text(value: Any) -> bool:
    try:
        return isinstance(value, (str, float)) and float(value) != float(value)
    except ValueError:
        return False


def assert_same(kind: str, value: Any) -> None:
    if kind == "float" and _is_nan_text(value):
        return  # NaN never equals itself; test_jitter_factor_nan compares it through its dump
    expected = outcome(kind, value, reference=True)
    assert outcome(kind, value, reference=False) == expected


def assert_light_round_trips(kind: str, value: Any) -> None:
    """An accepted value, dumped by lightschema, reads back in the reference unchanged."""
    ref_cls, light_cls, field, base = KINDS[kind]
    try:
        dumped = light_cls.model_validate({**base, field: value}).model_dump(mode="json")
    except lightschema.ValidationError:
        return
    again = ref_cls.model_validate(dumped).model_dump(mode="json")
    assert json.dumps(again[field]) == json.dumps(dumped[field])  # as text, so NaN matches NaN


# -- hand-picked edge cases ----------------------------------------------------------

COMMON = [
    "",
    " ",
    "a",
    "1",
    "0",
    "2",
    "-1",
    "+1",
    "-0",
    "01",
    "1.0",
    "1.",
    ".5",
    "1.5",
    "-1.0",
    " 1 ",
    " 1",
    "1_000",
    "1__0",
    "0x10",
    "1e3",
    "1E3",
    "1e400",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "infinity",
    "true",
    "True",
    "TRUE",
    "yes",
    "on",
    "off",
    "no",
    "t",
    "f",
    "y",
    "n",
    "true ",
    "\u0661",
    "1" * 5000,
    0,
    1,
    2,
    -1,
    1.0,
    1.5,
    0.0,
    -0.0,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    2**128,
    1e19,
    1e308,
    float(2**63),
    float("nan"),
    float("inf"),
    float("-inf"),
    True,
    False,
    None,
    [],
    {},
]
UUIDS = [
    FLOW_ID,
    FLOW_ID.upper(),
    FLOW_ID.replace("-", ""),
    "{" + FLOW_ID + "}",
    "urn:uuid:" + FLOW_ID,
    FLOW_ID[:-1],
    FLOW_ID + "0",
    " " + FLOW_ID,
    FLOW_ID[:13] + FLOW_ID[14:],
    "00000000-0000-0000-0000-000000000000",
    "g" * 32,
    b"0123456789abcdef",
    # 36 characters with the hyphens in place, which int(_, 16) would read: prefix, sign, "_", space
    "0x" + FLOW_ID[2:],
    "0X" + FLOW_ID[2:],
    "+" + FLOW_ID[1:],
    FLOW_ID[:1] + "_" + FLOW_ID[2:],
    FLOW_ID[:-1] + " ",
    "\u0663" + FLOW_ID[1:],  # a non-ASCII digit
]
DATETIMES = [
    "2020-01-01",
    "2020-01-01T00:00:00",
    "2020-01-01T00:00",
    "2020-01-01t00:00z",
    "2020-01-01 00:00",
    "2020-01-01_00:00",
    "2020-01-01T00",
    "2020-01-01T0000",
    "2020-01-01T12:30:45.5Z",
    "2020-01-01T12:30:45,5Z",
    "2020-01-01T12:30:45.123456789Z",
    "2020-01-01T12:30:45.1234567",
    "2020-01-01T00:00:00+05:30",
    "2020-01-01T00:00:00+0530",
    "2020-01-01T00:00:00+05",
    "2020-01-01T00:00:00-00:00",
    "2020-01-01T00:00:00+23:59",
    "2020-01-01T00:00:00+05:30:15",
    "2020-01-01T00:00:00\u221205:00",
    "2020-01-01T00:00:00Z ",
    " 2020-01-01",
    "2020-01-01T25:00",
    "2020-01-01T23:60",
    "2020-01-01T23:59:60",
    "2020-02-29",
    "2019-02-29",
    "2020-02-30",
    "2020-13-01",
    "2020-00-01",
    "0000-01-01",
    "0000-01-01T00:00",
    "0001-01-01T00:00:00",
    "0999-06-15T10:00:00",
    "9999-12-31T23:59:59.999999",
    "1599-12-31T00:00",
    "2020-1-01",
    "+2020-01-01",
    "2020/01/01",
    "2020:01:01",
    "2020/02/30",
    "2020-W01-1",
    "2020W011T1200",
    "2020-W53",
    "2020-W54",
    "2020-001",
    "2020-366",
    "2019-366",
    "20200101T000000",
    "20200101",
    "2020-01",
    "2020",
    "202001",
    "P1D",
    "PT1H",
    "2020-01-01/2020-02-01",
    "P1D/2020-01-01T00:00:00",
    "2020-01-01T00:00:00/P1D",
    "Jan 1 2020",
    "tomorrow",
    "12:",
    "25:00",
    "T12:00:00",
    "1577836800",
    "1577836800000",
    "1577836800.5",
    "-1",
    "1.5e3",
    "1e3",
    "20000000000",
    "20000000001",
    "-20000000001",
    "253402300799999",
    "253402300800000",
    "9223372036854775807",
    "9223372036854775808",
    "-62167219201",
    "2020-01-01T00:00:00+24:00" if False else "2020-01-01T00:00:00+25:00",
    1577836800,
    1577836800.123456,
    1577836800123,
    -1,
    2**63,
    -(2**63),
    2**64,
    2**1024,  # too large for a float: no timestamp at all
    -(2**1024),
    2**1024 - 2**970,  # the first integer float() refuses
    2**1024 - 2**970 - 1,
    1e20,
    -1e15,
    -62167219200000,
    1.9999999,
    -1.0000001,
    20000000000.5,
    dt.datetime(2020, 1, 1),
    dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
    dt.date(2020, 1, 1),
    b"2020-01-01",
    b"\xff",
    # the server's own shape with offset minutes past 59, which fromisoformat would take
    "2024-01-02T03:04:05+01:90",
    "2024-01-02T03:04:05.123456-05:60",
    "2024-01-02T03:04:05+01:59",
    # pendulum's duration reader: order checked on values, last number only fractional,
    # fields that wrap at 2**32, and a Duration too long for a timedelta
    "P1Y1W",
    "P1W1D",
    "P0M1W",
    "P1D1W",
    "P048W02WT",
    "P1.5Y",
    "P1.5W",
    "P1.5DT1H",
    "P1.5DT",
    "PT1.5H1M",
    "P2020.W",
    "P1.D",
    "P.5D",
    "PTT",
    "PT",
    "P4294967296D",
    "P202020202020W",
    "P2739727Y",
    "P2739726Y",
    "P999999999DT24H",
    "P999999999DT23H",
    "PT" + "1H" * 5000,
    "P1." + "5" * 400 + "D",
    # a basic date takes an extended hh:mm but not hh:mm:ss; an offset may end in a colon
    "20200101T10:00",
    "20200101T10:00:00",
    "2020001T10:00",
    "2020-01-01T1000",
    "2020-01-01T10:00:00+05:",
    "20200101T1000-05:",
    # what pendulum makes of an interval's two ends
    "2020-01-01/10:00",
    "2020-01-01/T10:00",
    "2020-01-01T00:00:00/T10:00",
    "10:00/2020-01-01T00:00:00",
    "2020-01-01/2020-01-01T00:00:00",
    "P1D/2020-01-01",
    "P1D/PT1H",
    "10:00/10:00",
    "P1Y1W/2020-01-01T00:00:00",
]
DURATIONS = [
    # a one-digit hour only before seconds
    "1:00",
    "0:01",
    "-1:00",
    "1 day 1:00",
    "1:00:00",
    "1 day, 1:00:00",
    "PT1H",
    "P1D",
    "P1Y",
    "P1M",
    "PT1M",
    "P1W",
    "-PT1H",
    "+PT1H",
    "PT1.5S",
    "PT1,5S",
    "P1DT",
    "PT",
    "P",
    "P1Y2M3W4DT5H6M7S",
    "-P1D",
    "P1DT1H",
    "PT1H1",
    "1 day, 01:02:03",
    "1 day 01:02:03",
    "2 days, 0:00:00",
    "-1 day, 23:00:00",
    "1 day",
    "1 day,",
    "1 days",
    "1day",
    "3 weeks",
    "01:02:03",
    "1:02:03",
    "01:02",
    "01:02:03.5",
    "01:02:03,5",
    "-01:02:03",
    "001:02:03",
    "100:00:00",
    "24:00:00",
    "25:00:00",
    "00:60:00",
    "00:00:60",
    "1:2",
    "1.5 days",
    "P1.5D",
    "PT36H",
    "P0D",
    86400 * 999_999_999,
    86400 * 1_000_000_000,
    dt.timedelta(days=1, microseconds=1),
    # pydantic's bounds on clock durations: hours under 24 after a day count, at most
    # 2,400,000,000 without one, day counts past 2**32 "too large"
    "1 days, 24:00:00",
    "5 days, 999999999:00:00",
    "2400000000:59:59",
    "2400000001:00:00",
    "23999999999:59:59",
    "4294967295 days",
    "4294967296 days, 1:00:00",
    "9" * 5000 + ":00:00",  # past the digits int() reads
    "9" * 5000 + " days",
]


@pytest.mark.oracle
@pytest.mark.parametrize("kind", ["str", "int", "float", "bool", "uuid", "datetime", "DateTime", "timedelta"])
@pytest.mark.parametrize("value", COMMON, ids=lambda v: repr(v)[:30])
def test_common_inputs_match(kind: str, value: Any) -> None:
    if kind == "DateTime" and value in ("now",) and PENDULUM_DATETIME:
        return  # the current time
    assert_same(kind, value)
    assert_light_round_trips(kind, value)


@pytest.mark.oracle
@pytest.mark.parametrize("value", UUIDS, ids=lambda v: repr(v)[:40])
def test_uuid_inputs_match(value: Any) -> None:
    assert_same("uuid", value)


@pytest.mark.oracle
@pytest.mark.parametrize("kind", ["datetime", "DateTime"])
@pytest.mark.parametrize("value", DATETIMES, ids=lambda v: repr(v)[:40])
def test_datetime_inputs_match(kind: str, value: Any) -> None:
    assert_same(kind, value)
    assert_light_round_trips(kind, value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9" * 5000 + ":00:00", "durations may not exceed 999,999,999 hours"),
        ("1 day, 24:00:00", "durations may not exceed 999,999,999 hours"),
        ("2400000001:00:00", "durations may not exceed 999,999,999 hours"),
        ("9" * 5000 + " days, 1:00:00", "a numeric value in the duration is too large"),
        ("4294967296 days", "a numeric value in the duration is too large"),
        ("4294967295 days", "durations may not exceed 999,999,999 days"),
    ],
)
def test_clock_durations_out_of_bounds(text: str, reason: str) -> None:
    with pytest.raises(lightschema.ValidationError) as info:
        lightschema.structure(text, dt.timedelta)
    assert [(e["type"], e["msg"]) for e in info.value.errors()] == [
        ("time_delta_parsing", f"Input should be a valid timedelta, {reason}")
    ]


@pytest.mark.oracle
@pytest.mark.parametrize("value", DURATIONS, ids=lambda v: repr(v)[:40])
def test_timedelta_inputs_match(value: Any) -> None:
    assert_same("timedelta", value)
    assert_light_round_trips("timedelta", value)


#: characters around a number in text: Unicode White_Space (trimmed) and Python-only space
_AROUND = ["\x85", "\xa0", "\u2028", "\u3000", "\x0b", "\x1c", "\x1f", "\u200b", "\ufeff"]


@pytest.mark.oracle
@pytest.mark.parametrize("space", _AROUND, ids=repr)
@pytest.mark.parametrize("kind", ["int", "float"])
def test_numbers_in_text_trim_what_pydantic_trims(kind: str, space: str) -> None:
    for value in (f"1{space}", f"{space}1.5", f"{space}12{space}"):
        assert_same(kind, value)


@pytest.mark.oracle
def test_jitter_factor_nan() -> None:
    assert outcome("float", "nan", reference=False) == outcome("float", "nan", reference=True)


@pendulum_only
def test_now_is_current_utc() -> None:
    before = dt.datetime.now(dt.timezone.utc)
    run = light.FlowRun.model_validate({"flow_id": FLOW_ID, "start_time": "now"})
    after = dt.datetime.now(dt.timezone.utc)
    assert run.start_time is not None
    assert before <= run.start_time <= after


#: offsets pendulum takes and the stdlib cannot hold (see the docstring)
OFFSETS_OF_24_HOURS = ["2020-01-01T00:00:00+24:00", "2020-01-01T00:00:00-55:30"]


@pytest.mark.oracle
@pendulum_only
@pytest.mark.parametrize("value", OFFSETS_OF_24_HOURS)
def test_known_difference_offset_of_24_hours(value: str) -> None:
    assert outcome("DateTime", value, reference=True) == ("ok", json.dumps(value))


@pendulum_only
@pytest.mark.parametrize("value", OFFSETS_OF_24_HOURS)
def test_offset_of_24_hours_is_refused(value: str) -> None:
    assert outcome("DateTime", value, reference=False) == (
        "error",
        [(("start_time",), "value_error", f"Value error, Unable to parse string [{value}]")],
    )


#: what pendulum reads (or reads as the current time) and pydantic's datetime does not
PENDULUM_READS = [
    "now",
    "2020-01-01T00",
    "2020-01-01T0000",
    "2020-01-01T00:00:00+05",
    "2020-01-01T00:00:00+0530",
    "2020-01-01T00:00:00+24:00",
    "2020-01-01T00:00:00-55:30",
    "2020/01/01",
    "2020-W01-1",
    "2020-001",
    "20200101T000000",
    "20200101",
    "2020-01",
    "2020",
    "T12:00:00",
    "12:00",
    "12:00:00",
    "P1D",
    "2020-01-01/2020-02-01",
    "2020-01-01T00:00:00/P1D",
]


#: what only pendulum read, and a few values of other types
WITHOUT_PENDULUM = [*PENDULUM_READS, True, [], 2**1024, float("nan")]


@pytest.mark.oracle
@stdlib_only
@pytest.mark.parametrize("value", WITHOUT_PENDULUM, ids=lambda v: repr(v)[:40])
def test_datetime_without_pendulum_matches(value: Any) -> None:
    """From Python 3.13 on, prefect's DateTime reads as pydantic's datetime: with its errors."""
    assert_same("DateTime", value)
    assert_light_round_trips("DateTime", value)


@stdlib_only
@pytest.mark.parametrize("value", WITHOUT_PENDULUM, ids=lambda v: repr(v)[:40])
def test_datetime_without_pendulum_refuses_as_a_datetime(value: Any) -> None:
    """A refusal is a plain datetime field's (only the field's name differs)."""
    kind, errors = outcome("DateTime", value, reference=False)
    if kind == "error":
        _, as_datetime = outcome("datetime", value, reference=False)
        assert [e[1:] for e in errors] == [e[1:] for e in as_datetime]


@pytest.mark.oracle
@pytest.mark.parametrize("value", DATETIMES + PENDULUM_READS + COMMON, ids=lambda v: repr(v)[:40])
def test_stdlib_datetime_hook_is_prefects_rule_from_313(value: Any) -> None:
    """The DateTime hook of Python 3.13 and later, on any Python: prefect's rule there is a
    pydantic datetime, then naive made UTC (the reference's datetime field shows the first half)."""
    light: Any
    try:
        light = lightschema._hooks.structure_stdlib_datetime(value)
    except lightschema.errors.InvalidValue as exc:
        light = ("error", exc.kind, exc.msg)
    try:
        parsed = ref.State.model_validate({"type": "COMPLETED", "timestamp": value}).timestamp
    except pydantic.ValidationError as exc:
        [error] = exc.errors(include_url=False)
        expected: Any = ("error", error["type"], error["msg"])
    else:
        expected = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)
    assert light == expected
    if isinstance(light, dt.datetime):
        assert light.tzinfo is not None and light.utcoffset() == expected.utcoffset()


@stdlib_only
def test_datetime_hook_is_chosen_by_the_python_version() -> None:
    assert lightschema._hooks.structure_datetime is lightschema._hooks.structure_stdlib_datetime


@pendulum_only
def test_datetime_hook_is_chosen_by_the_python_version_before_313() -> None:
    assert lightschema._hooks.structure_datetime is lightschema._hooks.structure_pendulum_datetime


# -- generated inputs ----------------------------------------------------------------

_DATE_ATOMS = [
    "2020",
    "-",
    "01",
    "1",
    "02",
    "T",
    " ",
    "12",
    ":",
    "30",
    "45",
    ".",
    "123",
    "123456789",
    "Z",
    "z",
    "+05",
    ":30",
    "+0530",
    "-08",
    "W",
    "05",
    "5",
    "P",
    "1D",
    "T1H",
    "366",
    "001",
    ",5",
    "2",
    "99",
    "00",
    "24",
    "60",
    "/",
    "e3",
    "0000",
    "1577836800",
    "2021-03-04",
    "_",
    "+",
    "\u2212",
]
date_like_text = st.lists(st.sampled_from(_DATE_ATOMS), min_size=1, max_size=6).map("".join)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**66), max_value=2**66),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e16, max_value=1e16),
)
numeric_text = st.one_of(
    numbers.map(str),
    st.from_regex(r"\A[ +-]?[0-9]{0,12}(\.[0-9]{0,8})?([eE][+-]?[0-9]{1,3})?[ ]?\Z"),
)


@pytest.mark.oracle
@settings(max_examples=100, deadline=None)
@given(value=date_like_text)
def test_generated_datetime_text_matches(value: str) -> None:
    if PENDULUM_DATETIME and (value == "now" or value.startswith("T") or value[2:3] == ":"):
        return  # clock-dependent in the reference: a time of day gets today's date
    assert_same("datetime", value)
    assert_same("DateTime", value)


_DURATION_ATOMS = ["T", "Y", "M", "W", "D", "H", "S", "0", "1", "5", "48", "2020", ".", ",", "4294967296", "142857143"]
_MICROS = {"years": 365 * 86_400_000_000, "months": 30 * 86_400_000_000, "weeks": 7 * 86_400_000_000}
_MICROS.update(days=86_400_000_000, hours=3_600_000_000, minutes=60_000_000, seconds=1_000_000, microseconds=1)


@pytest.mark.oracle  # pendulum comes with the oracle
@pendulum_only  # and prefect 3.9.1 does not install pendulum from 3.13 on
@settings(max_examples=400, deadline=None)
@given(text=st.lists(st.sampled_from(_DURATION_ATOMS), max_size=7).map(lambda atoms: "P" + "".join(atoms)))
@example(text="P048W02WT")
@example(text="P142857142.8570932540W")
def test_generated_durations_read_as_pendulum_does(text: str) -> None:
    """Which "P" texts pendulum's Rust reader takes, and how long they are (the overflow check)."""
    from pendulum._pendulum import parse_iso8601

    try:
        parsed = parse_iso8601(text)
    except ValueError:
        expected = None
    else:
        expected = sum(getattr(parsed, name) * micros for name, micros in _MICROS.items())
    assert _pendulum_duration(text) == expected


@pytest.mark.oracle
@settings(max_examples=100, deadline=None)
@given(value=st.one_of(numbers, numeric_text))
# half a microsecond past the second rounds up, as Rust rounds (Python's round goes to even)
@example(value=5e-7)
@example(value=".0000005")
@example(value=".0000025")
@example(value=-2.5e-6)
@example(value=25_000_000_000.0005)
def test_generated_numbers_match(value: Any) -> None:
    for kind in ("int", "float", "bool", "datetime", "DateTime", "timedelta"):
        assert_same(kind, value)


@pytest.mark.oracle
@settings(max_examples=60, deadline=None)
@given(value=st.text(max_size=12))
def test_generated_text_matches(value: str) -> None:
    for kind in ("str", "int", "float", "bool", "datetime"):
        assert_same(kind, value)


# -- output formatting ---------------------------------------------------------------

offsets = st.one_of(
    st.none(),
    st.just(dt.timezone.utc),
    st.integers(min_value=-86399, max_value=86399).map(lambda s: dt.timezone(dt.timedelta(seconds=s))),
    st.integers(min_value=-1439, max_value=1439).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
)


@pytest.mark.oracle
@settings(max_examples=100, deadline=None)
@given(value=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=offsets))
def test_datetime_dumps_match(value: dt.datetime) -> None:
    """Microseconds, offsets with seconds, naive values and years below 1000 print alike."""
    assert_same("datetime", value)
    assert_same("DateTime", value)


@settings(max_examples=500)
@given(value=st.datetimes(timezones=st.just(dt.timezone.utc)))
def test_utc_datetimes_are_written_from_their_fields_as_isoformat_would(value: dt.datetime) -> None:
    """UTC is written field by field (not through isoformat), the date part looked up once
    written: the text must still be isoformat's, with Z, the first time and the next."""
    expected = value.isoformat().replace("+00:00", "Z")
    assert datetime_to_json(value) == expected
    assert datetime_to_json(value.replace(hour=(value.hour + 1) % 24)) == expected.replace(
        f"T{value.hour:02d}", f"T{(value.hour + 1) % 24:02d}", 1
    )


@pytest.mark.oracle
@settings(max_examples=100, deadline=None)
@given(value=st.timedeltas(min_value=dt.timedelta(days=-999_999_999), max_value=dt.timedelta(days=999_999_999)))
@example(value=dt.timedelta(days=99_999, seconds=86_399, microseconds=999_999))  # the last by total_seconds
@example(value=dt.timedelta(days=100_000, microseconds=1))
@example(value=dt.timedelta(days=-99_999))  # the first negative one by total_seconds
@example(value=dt.timedelta(days=-100_000, microseconds=-1))
def test_timedelta_dumps_match(value: dt.timedelta) -> None:
    assert_same("timedelta", value)
    assert_same("timedelta", value.total_seconds())
