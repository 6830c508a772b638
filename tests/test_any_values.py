"""Values typed ``Any`` (a run's parameters) written as the reference writes them.

pydantic infers how to write such a value from its class: namedtuples and deques are
arrays, dataclasses objects, complex numbers and patterns text, unknown types an error.
Each value goes into ``FlowRun.parameters`` on both sides and is dumped in JSON mode, in
python mode and as JSON text (with orjson and with the stdlib encoder).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import fractions
import ipaddress
import json
import pathlib
import re
import uuid
import warnings
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lightschema
from lightschema import _json
from lightschema.objects import FlowRun, State
from tests.oracle import ref_objects as ref

warnings.filterwarnings("ignore", category=DeprecationWarning)

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
RUN = {"id": ID, "flow_id": ID, "name": "run"}


class Point(NamedTuple):
    x: int
    y: Any


@dataclasses.dataclass
class Inner:
    when: dt.datetime
    label: str = "l"
    hidden: int = dataclasses.field(default=7, init=False)


@dataclasses.dataclass(frozen=True)
class Outer:
    inner: Inner
    pair: tuple[int, int] = (1, 2)


@dataclasses.dataclass
class WithExtraAttribute:
    a: int

    def __post_init__(self) -> None:
        self.not_a_field = 5


class Color(enum.Enum):
    RED = 1
    PAIR = (1, 2)


class Level(enum.IntEnum):
    HIGH = 3


class Mode(str, enum.Enum):
    FAST = "fast"


class Perm(enum.Flag):
    R = 1
    W = 2


class Items(list[Any]):
    pass


class Text(str):
    def __str__(self) -> str:
        return "not this"


class Number(float):
    pass


def numbers() -> Iterator[Any]:
    yield 1
    yield dt.date(2020, 1, 2)


UTC = dt.timezone.utc
VALUES: dict[str, Any] = {
    "namedtuple": Point(1, (2, 3)),
    "list subclass": Items([1, (2,)]),
    "str subclass": Text("x"),
    "float subclass infinity": Number("inf"),
    "deque": collections.deque([1, dt.date(2020, 1, 1)], maxlen=4),
    "ordered dict": collections.OrderedDict(b=1, a=2),
    "counter": collections.Counter("aab"),
    "dataclass": Inner(dt.datetime(2020, 1, 1, tzinfo=UTC)),
    "nested dataclass": Outer(Inner(dt.datetime(2020, 1, 1, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))))),
    "dataclass attribute that is no field": WithExtraAttribute(1),
    "enum": Color.RED,
    "enum of a tuple": Color.PAIR,
    "int enum": Level.HIGH,
    "str enum": Mode.FAST,
    "flag": Perm.R | Perm.W,
    "decimal": decimal.Decimal("1.10"),
    "decimal exponent": decimal.Decimal("1E+2"),
    "fraction": fractions.Fraction(1, 3),
    "complex": 1 + 2j,
    "complex parts": [complex(0, 2), complex(1, -0.0), complex(-0.0, 1), complex(1e20, 1e-7), complex(float("inf"), 1)],
    "pattern": re.compile("a+b"),
    "bytes pattern": re.compile(b"ab"),
    "path": pathlib.Path("/a/b"),
    "ip address": ipaddress.ip_address("10.0.0.1"),
    "ip network": ipaddress.ip_network("10.0.0.0/8"),
    "time in UTC": dt.time(1, 2, 3, tzinfo=UTC),
    "time with five-digit microseconds": dt.time(0, 0, 0, 10000),  # orjson 3.12+ writes 00:00:00.10000
    "time with offset": dt.time(1, 2, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    "datetime offset with seconds": dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=3607))),
    "timedelta": dt.timedelta(days=1, microseconds=5),
    "set": {1},
    "frozenset": frozenset({"a"}),
    "bytes": b"ab",
    "tuple keys": {(1, "a", None): 1, ((1, 2), 3): 2, (): 3},
    "odd keys": {None: 1, True: 2, 1.5: 3, float("inf"): 4, Level.HIGH: 5, Mode.FAST: 6, b"k": 7},
    "typed keys": {uuid.UUID(int=1): 1, dt.date(2020, 1, 1): 2, dt.timedelta(days=1): 3, dt.timedelta(seconds=1.5): 4},
    "text keys": {decimal.Decimal("1.5"): 1, 1 + 2j: 2, re.compile("k"): 3, pathlib.Path("p"): 4},
    "tuple value in a dict": {"a": (1, (2, 3))},
    "undecodable bytes": b"ab\xff",
    "unknown type": object(),
    "class": int,
    "range": range(3),
    "pure path": pathlib.PurePosixPath("/a"),
    "chain map": collections.ChainMap({"a": 1}),
    "frozenset key": {frozenset({1}): 1},
}


def reference_run(parameters: dict[str, Any]) -> Any:
    return ref.FlowRun.model_construct(**{**ref.FlowRun.model_validate(RUN).__dict__, "parameters": parameters})


def our_run(parameters: dict[str, Any]) -> FlowRun:
    return FlowRun.model_validate(RUN).model_copy(update={"parameters": parameters})


def dumped(run: Any, how: str) -> Any:
    """``("ok", parameters as dumped)`` or ``("error", None)``: error messages differ by design."""
    try:
        if how == "json":
            return "ok", run.model_dump(mode="json")["parameters"]
        if how == "python":
            return "ok", run.model_dump()["parameters"]
        return "ok", json.loads(run.model_dump_json())["parameters"]
    except (ValueError, TypeError):  # pydantic's errors; lightschema's SerializationError
        return "error", None


@contextlib.contextmanager
def encoder(name: str) -> Iterator[None]:
    """JSON text from orjson (the ``fast`` extra) or from the stdlib encoder."""
    if name == "orjson":
        yield
        return
    saved = _json._orjson_checked, _json._orjson
    _json._orjson_checked, _json._orjson = True, None
    try:
        yield
    finally:
        _json._orjson_checked, _json._orjson = saved


def assert_written_alike(value: Any) -> None:
    """Types and reprs compared, not equality: ``[1, 2] == [1.0, 2.0]`` and ``(1,) != [1]``."""
    for how in ("json", "python"):
        assert repr(dumped(our_run({"p": value}), how)) == repr(dumped(reference_run({"p": value}), how)), how
    theirs = dumped(reference_run({"p": value}), "text")
    for name in ("orjson", "stdlib"):
        with encoder(name):
            assert repr(dumped(our_run({"p": value}), "text")) == repr(theirs), name


@pytest.mark.oracle
@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
def test_written_as_the_reference_writes_it(value: Any) -> None:
    assert_written_alike(value)


@pytest.mark.oracle
def test_iterators_are_written_as_arrays_and_read_lazily_in_python_mode() -> None:
    assert dumped(our_run({"p": numbers()}), "json") == dumped(reference_run({"p": numbers()}), "json")
    ours, theirs = our_run({"p": numbers()}).model_dump(), reference_run({"p": numbers()}).model_dump()
    assert list(ours["parameters"]["p"]) == list(theirs["parameters"]["p"]) == [1, dt.date(2020, 1, 2)]


def test_an_unknown_type_is_an_error_naming_its_path() -> None:
    run = our_run({"p": [1, {"deep": object()}]})
    with pytest.raises(lightschema.SerializationError) as caught:
        run.model_dump(mode="json")
    assert caught.value.loc == ("parameters", "p", 1, "deep")
    assert str(caught.value) == "$.parameters.p[1].deep: Unable to serialize unknown type: <class 'object'>"
    with pytest.raises(lightschema.SerializationError, match=r"^\$\.parameters\.p\[1\]\.deep: "):
        run.model_dump_json()


def test_the_path_goes_through_nested_models_and_dataclasses() -> None:
    state = State.model_validate({"type": "COMPLETED"}).model_copy(update={"data": {"r": Outer(Inner(object()))}})  # type: ignore[arg-type]
    run = FlowRun.model_validate(RUN).model_copy(update={"state": state})
    with pytest.raises(lightschema.SerializationError) as caught:
        run.model_dump(mode="json")
    assert caught.value.loc == ("state", "data", "r", "inner", "when")


def test_a_set_as_a_key_is_refused() -> None:
    with pytest.raises(lightschema.SerializationError, match="`frozenset` not valid as object key"):
        our_run({"p": {frozenset({1}): 1}}).model_dump(mode="json")


_hashable = st.one_of(
    st.integers(-5, 5),
    st.text(max_size=3),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, width=32),
    st.sampled_from([Level.HIGH, Mode.FAST, Color.RED, uuid.UUID(int=7), dt.date(2021, 3, 4), decimal.Decimal("2.50")]),
)
_scalars = st.one_of(
    _hashable,
    st.floats(),
    st.complex_numbers(allow_nan=False),
    st.datetimes(timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=-3, minutes=-30))])),
    st.times(timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(minutes=90))]) | st.none()),
    st.timedeltas(),
    st.fractions(max_denominator=9),
)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.builds(Point, inner, inner),
        st.lists(inner, max_size=3).map(collections.deque),
        st.frozensets(_hashable, max_size=3),
        st.dictionaries(st.one_of(_hashable, st.tuples(_hashable, _hashable)), inner, max_size=3),
        st.builds(Inner, inner, st.text(max_size=3)),
    )


@pytest.mark.oracle
@settings(max_examples=200, deadline=None)
@given(st.recursive(_scalars, _containers, max_leaves=6))
def test_generated_values_are_written_as_the_reference_writes_them(value: Any) -> None:
    assert_written_alike(value)


# -- values that cannot be written: nested too deeply, or holding themselves --------------------


def _nested(depth: int) -> list[Any]:
    top: list[Any] = []
    inner = top
    for _ in range(depth - 1):
        inner.append([])
        inner = inner[0]
    return top


def _circular() -> dict[str, Any]:
    value: dict[str, Any] = {"a": [1, {"b": None}]}
    value["a"][1]["b"] = value
    return value


WRITERS = {
    "dump_json": lambda run: lightschema.dump_json(run),
    "dump_json of a list": lambda run: lightschema.dump_json([run]),
    "model_dump_json": lambda run: run.model_dump_json(),
    "model_dump_json, stdlib": lambda run: run.model_dump_json(exclude_none=True),
    "model_dump": lambda run: run.model_dump(mode="json"),
    "model_dump, python": lambda run: run.model_dump(),
    "unstructure": lambda run: lightschema.unstructure(run),
}


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_a_value_holding_itself_is_a_serialization_error_with_its_path(write: Any) -> None:
    run = FlowRun.model_validate({**RUN, "parameters": {"p": _circular()}})
    with pytest.raises(lightschema.SerializationError) as info:
        write(run)
    loc = info.value.loc[1:] if info.value.loc[:1] == (0,) else info.value.loc
    assert (loc, info.value.reason) == (("parameters", "p", "a", 1, "b"), "Circular reference detected (id repeated)")


@pytest.mark.parametrize("write", WRITERS.values(), ids=WRITERS.keys())
def test_a_value_nested_too_deeply_is_a_serialization_error_with_its_path(write: Any) -> None:
    run = FlowRun.model_validate({**RUN, "parameters": {"p": _nested(5000)}})
    with pytest.raises(lightschema.SerializationError) as info:
        write(run)
    loc = info.value.loc[1:] if info.value.loc[:1] == (0,) else info.value.loc
    assert loc[:2] == ("parameters", "p")
    assert set(loc[2:]) == {0}
    assert info.value.reason == "Maximum serialization depth exceeded"


@pytest.mark.oracle
@pytest.mark.parametrize(("value", "reason"), [(_circular(), "Circular reference"), (_nested(5000), "depth exceeded")])
def test_the_reference_cannot_write_them_either(value: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        ref.FlowRun.model_validate({**RUN, "parameters": {"p": value}}).model_dump_json()
