"""Structure and unstructure hooks for the scalar and container types of the wire format.

Each structure hook takes ``(value, type)`` the way cattrs calls it, returns the
Python value, and raises :class:`~lightschema.errors.InvalidValue` with the same
error kind pydantic would report. The accepted inputs follow pydantic's lax mode
for JSON-shaped data, because that is what ``prefect``'s client applies to server
responses. Hook factories do their work once and return a small closure.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from enum import Enum
from typing import Any, cast
from uuid import UUID, SafeUUID

from lightschema.errors import Entry, InvalidValue, ValidationError, entries

Hook = Callable[[Any, Any], Any]

UTC = _dt.timezone.utc
_MAX_DURATION_DAYS = 999_999_999
_MAX_SECONDS = (_MAX_DURATION_DAYS + 1) * 86400  # durations end before this many seconds
_MS_THRESHOLD = 2e10  # pydantic reads larger unix timestamps as milliseconds


# -- str, int, float, bool ---------------------------------------------------------


#: short texts read recently, one copy of each: the same names, tags, versions and queue
#: names recur across a response, and sharing them keeps large batches of objects small.
#: Not ``sys.intern``: from 3.12 interned texts are never freed. Bounded in entries and,
#: as only short texts are kept, in bytes; cleared when full, like the UUID cache.
shared_texts: dict[str, str] = {}
SHARED_TEXTS_SIZE = 4096
SHARED_TEXT_MAX = 64  # characters: longer texts (messages, descriptions) are rarely repeated


def share_text(text: str) -> str:
    """``text``, or the equal short text read before it (which stays one object)."""
    if len(text) > SHARED_TEXT_MAX:
        return text
    shared = shared_texts.setdefault(text, text)
    if shared is text and len(shared_texts) > SHARED_TEXTS_SIZE:
        shared_texts.clear()
    return shared


def structure_str(value: Any, _: Any = None) -> str:
    """Strings only: pydantic never turns a number into a string."""
    if value.__class__ is str:
        return value
    if isinstance(value, Enum):  # any member: its value as text, as pydantic takes it
        member = value.value
        return member if isinstance(member, str) else str(member)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            raise InvalidValue(
                "string_unicode", "Input should be a valid string, unable to parse raw data as a unicode string", value
            ) from None
    raise InvalidValue("string_type", "Input should be a valid string", value)


#: what pydantic trims around a number in text (Rust's ``str::trim``: Unicode White_Space, which
#: unlike Python's ``isspace`` leaves the separators \x1c-\x1f alone)
_RUST_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_INT_TEXT = re.compile(f"[{_RUST_SPACE}]*[+-]?[0-9]+(?:_[0-9]+)*(?:\\.0+)?[{_RUST_SPACE}]*\\Z")
_I64 = 2**63
_INT_TOO_BIG = "Unable to parse input string as an integer, exceeded maximum size"


def decimal_number(value: Any) -> int | float | None:
    """A ``Decimal`` (as ``json.loads(parse_float=Decimal)`` or a database driver gives) as the
    number pydantic reads it as: whole ones exactly, the rest as floats; None for anything else."""
    decimal = sys.modules.get("decimal")
    if decimal is None or not isinstance(value, decimal.Decimal):
        return None
    if value.is_nan():
        return math.nan
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return float(value)


def _reread(hook: Callable[[Any], Any], number: Any, value: Any) -> Any:
    """``hook`` on ``number`` (what ``value`` stands for); its errors report ``value``."""
    try:
        return hook(number)
    except InvalidValue as exc:
        raise InvalidValue(exc.kind, exc.msg, value, exc.loc) from None


def structure_int(value: Any, _: Any = None) -> int:
    """Integers; whole floats, digit strings and booleans convert as in pydantic."""
    cls = value.__class__
    if cls is int:
        return value  # type: ignore[no-any-return]
    if cls is bool:
        return int(value)
    if isinstance(value, Enum) and not isinstance(value, (int, float, str)):
        return structure_int(value.value)  # a plain enum member: its value
    if isinstance(value, float):
        value = float.__float__(value)  # a float subclass is read as the float it holds
        if not math.isfinite(value):
            raise InvalidValue("finite_number", "Input should be a finite number", value)
        if abs(value) >= _I64:
            raise InvalidValue("int_parsing_size", _INT_TOO_BIG, value)
        if value != int(value):
            raise InvalidValue(
                "int_from_float", "Input should be a valid integer, got a number with a fractional part", value
            )
        return int(value)
    if isinstance(value, (str, bytes, bytearray)):
        text = value.decode(errors="replace") if isinstance(value, (bytes, bytearray)) else str.__str__(value)
        if len(text) <= 4300 and _INT_TEXT.match(text):
            return int(text.strip(_RUST_SPACE).split(".")[0].replace("_", ""))
        if len(text) > 4300 and _INT_TEXT.match(text):
            raise InvalidValue("int_parsing_size", _INT_TOO_BIG, value)
        raise InvalidValue(
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer", value
        )
    if isinstance(value, int):
        return int.__int__(value)
    number = decimal_number(value)
    if number is not None:
        return _reread(structure_int, number, value)  # type: ignore[no-any-return]
    raise InvalidValue("int_type", "Input should be a valid integer", value)


def structure_float(value: Any, _: Any = None) -> float:
    """Numbers; numeric strings and booleans convert as in pydantic."""
    cls = value.__class__
    if cls is float:
        return value  # type: ignore[no-any-return]
    if cls is int or cls is bool:
        try:
            return float(value)
        except OverflowError:
            raise InvalidValue("float_type", "Input should be a valid number", value) from None
    if isinstance(value, (str, bytes, bytearray)):
        text = value.decode(errors="replace") if isinstance(value, (bytes, bytearray)) else str.__str__(value)
        core = text.strip(_RUST_SPACE)
        try:
            if not core.isascii() or core != core.strip() or ("_" in core and core != text):
                raise ValueError(text)
            return float(core)
        except ValueError:
            raise InvalidValue(
                "float_parsing", "Input should be a valid number, unable to parse string as a number", value
            ) from None
    if isinstance(value, (int, float)):
        return float(value)
    if decimal_number(value) is not None:
        return math.nan if value.is_nan() else float(value)
    raise InvalidValue("float_type", "Input should be a valid number", value)


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def structure_bool(value: Any, _: Any = None) -> bool:
    """Booleans; 0/1 and the usual yes/no words convert as in pydantic."""
    if value is True or value is False:
        return value
    if isinstance(value, str):
        word = value.lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise InvalidValue("bool_parsing", "Input should be a valid boolean, unable to interpret input", value)
    if isinstance(value, (int, float)):
        if value == 1:
            return True
        if value == 0:
            return False
        # pydantic reads machine-sized integers (and whole floats in range) as "not 0 or 1"
        in_range = -_I64 <= value < _I64 and (isinstance(value, int) or value == int(value))
        kind = "bool_parsing" if in_range else "bool_type"
        msg = (
            "Input should be a valid boolean, unable to interpret input"
            if kind == "bool_parsing"
            else "Input should be a valid boolean"
        )
        raise InvalidValue(kind, msg, value)
    number = decimal_number(value)
    if number is not None:
        return _reread(structure_bool, number, value)  # type: ignore[no-any-return]
    raise InvalidValue("bool_type", "Input should be a valid boolean", value)


# -- UUID --------------------------------------------------------------------------

_HYPHENATED_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
#: the forms pydantic reads: hyphenated (bare, braced or urn), or 32 bare hex digits
_UUID_TEXT = re.compile(rf"(?:\{{{_HYPHENATED_UUID}\}}|(?:urn:uuid:)?{_HYPHENATED_UUID}|[0-9a-fA-F]{{32}})\Z")


_new_object = object.__new__
#: UUID's slots set directly (UUID.__setattr__ refuses; the slot descriptors are quicker
#: than object.__setattr__)
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_is_safe = UUID.__dict__["is_safe"].__set__
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}").fullmatch
_SAFE_UNKNOWN = SafeUUID.unknown


#: recently read canonical UUID texts and their (immutable, so shareable) UUIDs: the
#: same ids (flow, deployment, work pool) recur across a response, and sharing one
#: object for them saves time and memory. Cleared when full, so it stays small.
uuid_cache: dict[str, UUID] = {}
_UUID_CACHE_SIZE = 4096


def structure_uuid(value: Any, _: Any = None) -> UUID:
    """UUIDs from their text (hyphenated, bare hex, braced or urn) or 16 raw bytes."""
    if value.__class__ is str:
        cached = uuid_cache.get(value)
        if cached is not None:
            return cached
        # The canonical 36-character form, built without UUID.__init__'s general parsing.
        # Matched whole first: int() alone would also take a "0x" prefix, "_", signs, spaces.
        if len(value) == 36 and _CANONICAL_UUID(value) is not None:
            uuid = _new_object(UUID)
            _set_uuid_int(uuid, int(value.replace("-", ""), 16))
            _set_uuid_is_safe(uuid, _SAFE_UNKNOWN)
            if len(uuid_cache) >= _UUID_CACHE_SIZE:
                uuid_cache.clear()
            uuid_cache[value] = uuid
            return uuid
        if _UUID_TEXT.match(value):
            return UUID(value)
        raise InvalidValue("uuid_parsing", f"Input should be a valid UUID, got {value!r}", value)
    if isinstance(value, UUID):
        return value
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return UUID(bytes=bytes(value))
    if isinstance(value, str):
        return structure_uuid(str.__str__(value))
    raise InvalidValue("uuid_type", "UUID input should be a string, bytes or UUID object", value)


# -- datetime ----------------------------------------------------------------------
#
# Two layers, as in the reference. ``datetime.datetime`` fields follow pydantic's
# own parser: RFC 3339-style text, a bare ``YYYY-MM-DD`` date, or a unix timestamp
# (as a number or as numeric text; milliseconds past 2e10). Prefect's ``DateTime``
# fields try that first and, on Python before 3.13, fall back to pendulum's strict
# parser for text it rejects (ISO 8601 week/ordinal/basic forms, ``now``, ``YYYY/MM/DD``,
# times of day). On 3.13 and later prefect has no pendulum: a ``DateTime`` field reads
# exactly as a ``datetime`` field, and a naive result is then made UTC. The hook is
# chosen once, at import, by the same test prefect makes (``structure_datetime`` below).

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+\-\u2212])(\d{2}):?(\d{2}))?\Z",
    re.ASCII,
)
_TIMESTAMP_TEXT = re.compile(r"[+-]?(?:\d+|(?=\.?\d)\d*\.\d*(?:[eE][+-]?\d+)?)\Z", re.ASCII)
_I64_MAX = 2**63 - 1
#: True while structuring what JSON text parsed to: pydantic's JSON reader turns down a few
#: values its Python one takes (``true`` as a duration, integers past 64 bits as times)
json_input: ContextVar[bool] = ContextVar("lightschema_json_input", default=False)


def _beyond_json_number(value: int | float) -> bool:
    """A bool, or an integer past 64 bits, while reading JSON text: pydantic's JSON reader
    holds neither as a number of seconds (only Python input converts them)."""
    beyond = value.__class__ is bool or (value.__class__ is int and not -_I64_MAX - 1 <= value <= _I64_MAX)
    return beyond and json_input.get()


_MIN_UNIX = -62_167_219_200  # 0000-01-01T00:00:00
_MAX_UNIX = 253_402_300_799  # 9999-12-31T23:59:59
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_TOO_LATE = "dates after 9999 are not supported as unix timestamps"
_TOO_EARLY = "dates before 0000 are not supported as unix timestamps"


class _BadDate(ValueError):
    """pydantic's reason for rejecting a datetime, and the error kind it reports it under."""

    def __init__(self, reason: str, kind: str = "datetime_from_date_parsing") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _check_date(year: int, month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise _BadDate("month value is outside expected range of 1-12")
    limit = 28 if month == 2 and not _is_leap(year) else _DAYS_IN_MONTH[month]
    if not 1 <= day <= limit:
        raise _BadDate("day value is outside expected range")
    if year == 0:
        raise _BadDate("year 0 is out of range", "datetime_parsing")


def _date_problem(text: str) -> str | None:
    """Why ``text`` does not start with a ``YYYY-MM-DD`` date, in pydantic's words; None if it does."""
    if len(text) < 10 and len(text.encode("utf-8", "surrogatepass")) < 10:  # pydantic counts UTF-8 bytes
        return "input is too short"
    checks = (
        (0, 4, "invalid character in year"),
        (4, 5, "-"),
        (5, 7, "invalid character in month"),
        (7, 8, "-"),
        (8, 10, "invalid character in day"),
    )
    for start, end, what in checks:
        part = text[start:end]
        if what == "-":
            if part != "-":
                return "invalid date separator, expected `-`"
        elif not (part.isascii() and part.isdigit()):
            return what
    try:
        # year 0 is leap like 2000; its own error comes later, when the value is built
        _check_date(int(text[:4]) or 2000, int(text[5:7]), int(text[8:10]))
    except _BadDate as exc:
        return exc.reason
    return None


def _unix_parts(value: int | float) -> tuple[int, int]:
    """Whole seconds and microseconds of a unix timestamp, milliseconds past 2e10."""
    if isinstance(value, int):
        if abs(value) > _MS_THRESHOLD:
            seconds, millis = divmod(value, 1000)
            return seconds, millis * 1000
        return value, 0
    if math.isnan(value):
        raise _BadDate("NaN values not permitted", "datetime_parsing")
    if math.isinf(value):
        raise _BadDate(_TOO_LATE if value > 0 else _TOO_EARLY, "datetime_parsing")
    if abs(value) > _MS_THRESHOLD:
        return math.floor(value / 1000), _round_half_up(value % 1000 * 1000)
    seconds = math.floor(value)
    return seconds, _round_half_up((value - seconds) * 1_000_000)


def _round_half_up(micros: float) -> int:
    """A non-negative float rounded as Rust rounds it, halves up (``round`` rounds halves to even)."""
    whole = math.floor(micros)
    return whole + (micros - whole >= 0.5)


def _from_unix(value: int | float, kind: str = "datetime_parsing") -> _dt.datetime:
    if isinstance(value, int) and not -_I64_MAX <= value <= _I64_MAX:
        raise _BadDate(_TOO_LATE if value > 0 else _TOO_EARLY, kind)
    seconds, micros = _unix_parts(value)
    if seconds < _MIN_UNIX:
        raise _BadDate(_TOO_EARLY, kind)
    if seconds > _MAX_UNIX:
        raise _BadDate(_TOO_LATE, kind)
    if seconds < _MIN_UNIX + 86400 * 366:
        raise _BadDate("year 0 is out of range", "datetime_parsing")
    return _EPOCH + _dt.timedelta(seconds=seconds, microseconds=micros)


def _rfc3339(m: re.Match[str]) -> _dt.datetime:
    year, month, day, hour, minute, second, frac, zulu, sign, off_h, off_m = m.groups()
    y, mo, d, h, mi = int(year), int(month), int(day), int(hour), int(minute)
    _check_date(y, mo, d)
    if h > 23 or mi > 59 or (second is not None and int(second) > 59):
        raise _BadDate("time out of range")
    tz: _dt.tzinfo | None = None
    if zulu:
        tz = UTC
    elif sign:
        oh, om = int(off_h), int(off_m)
        if oh > 23 or om > 59:
            raise _BadDate("offset out of range")
        minutes = oh * 60 + om
        tz = _dt.timezone(_dt.timedelta(minutes=-minutes if sign != "+" else minutes)) if minutes else UTC
    micro = int(frac[:6].ljust(6, "0")) if frac else 0
    return _dt.datetime(y, mo, d, h, mi, int(second or 0), micro, tz)


def _timestamp_text(text: str) -> _dt.datetime | None:
    """Numeric text as pydantic reads it: integer seconds/ms, or a decimal (maybe with exponent)."""
    if len(text) > 64 or not _TIMESTAMP_TEXT.match(text):
        return None
    if "." not in text:
        number = int(text)
        if abs(number) > _I64_MAX:
            return None
        return _from_unix(number)
    whole = text.lstrip("+-").split(".")[0]
    if whole and int(whole) > _I64_MAX:
        return None
    value = float(text)
    return _from_unix(value) if math.isfinite(value) else None


def _pydantic_datetime(value: Any) -> _dt.datetime:
    """A ``datetime`` field's rules; raises _BadDate with pydantic's kind and reason."""
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    if value.__class__ is bytes:
        value = value.decode(errors="replace")
    if isinstance(value, str):
        text = str.__str__(value)
        m = _RFC3339.match(text)
        if m is not None:
            try:
                return _rfc3339(m)
            except _BadDate as exc:
                if exc.kind == "datetime_parsing":
                    raise
        try:
            stamp = _timestamp_text(text)
        except _BadDate:
            stamp = None
        if stamp is not None:
            return stamp
        if len(text) == 10 and _date_problem(text) is None:
            _check_date(int(text[:4]), int(text[5:7]), int(text[8:10]))
            return _dt.datetime(int(text[:4]), int(text[5:7]), int(text[8:10]))
        raise _BadDate(_int_date_reason(text))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _beyond_json_number(value) or _beyond_float(value):
            raise _BadDate("", "datetime_type")
        return _from_unix(value)
    number = decimal_number(value)
    if number is not None:
        return _from_unix(float(number))
    raise _BadDate("", "datetime_type")


def _beyond_float(value: int | float) -> bool:
    """An integer too large for a float: pydantic holds it as no number of seconds at all."""
    if value.__class__ is float or -_I64_MAX <= value <= _I64_MAX:
        return False
    try:
        float(value)
    except OverflowError:
        return True
    return False


def _int_date_reason(text: str) -> str:
    """The reason for text that is no date: an out-of-range integer says so, the rest say why not a date."""
    if len(text) < 32 and re.fullmatch(r"[+-]?[0-9]+", text, re.ASCII) and abs(int(text)) <= _I64_MAX:
        try:
            _from_unix(int(text), "datetime_from_date_parsing")
        except _BadDate as exc:
            return exc.reason
    return _date_problem(text) or "unexpected extra characters at the end of the input"


_DATETIME_MESSAGES = {
    "datetime_type": "Input should be a valid datetime",
    "datetime_parsing": "Input should be a valid datetime, {}",
    "datetime_from_date_parsing": "Input should be a valid datetime or date, {}",
}


if sys.version_info >= (3, 11):
    _fromisoformat = _dt.datetime.fromisoformat
else:  # 3.10 reads no "Z"

    def _fromisoformat(text: str) -> _dt.datetime:
        return _dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] == "Z" else text)


_timedelta = _dt.timedelta
_floor = math.floor


#: recently read canonical datetime texts and their (immutable) datetimes: a run's
#: created, updated and state timestamps are often one instant, so a response repeats
#: them. Filled here, read by the generated fast path; cleared when full, like the UUID cache.
datetime_cache: dict[str, _dt.datetime] = {}
_DATETIME_CACHE_SIZE = 4096


def _canonical_datetime(text: str) -> _dt.datetime | None:
    """The forms servers write (``2024-01-02T03:04:05[.ffffff]`` then ``Z`` or ``±HH:MM``),
    parsed in C; None for anything else, which takes the full path.

    Every position is checked first, so fromisoformat's wider grammar never decides.
    """
    n = len(text)
    if n < 20 or text[10] != "T" or text[4] != "-" or text[7] != "-" or text[13] != ":" or text[16] != ":":
        return None
    if n == 20 or n == 27:
        if text[-1] != "Z" or (n == 27 and text[19] != "."):
            return None
    elif n == 25 or n == 32:
        # fromisoformat takes offset minutes past 59 ("+01:90"); the reference does not
        if text[-6] not in "+-" or text[-3] != ":" or text[-2] not in "012345" or (n == 32 and text[19] != "."):
            return None
    else:
        return None
    try:
        value = _fromisoformat(text)
    except ValueError:
        return None
    if len(datetime_cache) >= _DATETIME_CACHE_SIZE:
        datetime_cache.clear()
    datetime_cache[text] = value
    return value


def structure_naive_datetime(value: Any, _: Any = None) -> _dt.datetime:
    """A plain ``datetime`` field: ISO 8601 text, a date, or a unix timestamp; naive stays naive."""
    if value.__class__ is str:
        fast = _canonical_datetime(value)
        if fast is not None:
            return fast
        m = _RFC3339.match(value)
        if m is not None:
            try:
                return _rfc3339(m)
            except _BadDate:
                pass
    try:
        return _pydantic_datetime(value)
    except _BadDate as exc:
        raise InvalidValue(exc.kind, _DATETIME_MESSAGES[exc.kind].format(exc.reason), value) from None


def structure_pendulum_datetime(value: Any, _: Any = None) -> _dt.datetime:
    """A Prefect ``DateTime`` field before Python 3.13: always timezone-aware, naive read as UTC.

    Text pydantic rejects gets a second chance through a port of pendulum's strict
    parser, whose failures are reported as ``value_error`` like the reference does.
    """
    if value.__class__ is str:
        fast = _canonical_datetime(value)
        if fast is not None:
            return fast
        m = _RFC3339.match(value)
        if m is not None:
            try:
                parsed = _rfc3339(m)
                return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
            except _BadDate:
                pass
    try:
        result = _pydantic_datetime(value)
    except _BadDate:
        if not isinstance(value, str):
            raise InvalidValue("value_error", "value is not a valid datetime", value) from None
        result = _pendulum_parse(str.__str__(value))
    return result if result.tzinfo is not None else result.replace(tzinfo=UTC)


def structure_stdlib_datetime(value: Any, _: Any = None) -> _dt.datetime:
    """A Prefect ``DateTime`` field on Python 3.13 and later: a ``datetime`` field's rules
    and errors (no pendulum fallback), then a naive result is read as UTC."""
    if value.__class__ is str:
        fast = _canonical_datetime(value)
        if fast is not None:
            return fast
    result = structure_naive_datetime(value)
    return result if result.tzinfo is not None else result.replace(tzinfo=UTC)


# the hook for Prefect's ``DateTime`` on the running Python, chosen once, as prefect 3.9.1 does
if sys.version_info >= (3, 13):
    structure_datetime = structure_stdlib_datetime
else:
    structure_datetime = structure_pendulum_datetime


# pendulum's strict parser, for the text pydantic turned down -------------------------

_PENDULUM_TZ = re.compile(r"(?:(Z)|([+-])(\d{2})(?::?(\d{2})|:)?)\Z", re.ASCII)
_PENDULUM_COMMON = re.compile(
    r"(?:(\d{4})(?:[/:]?(\d{2})[/:]?(\d{2}))?)?"
    r"(?:( ?)(\d{1,2}):(\d{1,2})?(?::(\d{1,2}))?(?:[.|,](\d{1,9}))?)?\Z",
    re.ASCII,
)
_NOT_A = "Value error, value is not a valid datetime it is a <class 'pendulum.{}'>"


_PENDULUM_DURATION_SHAPE = re.compile(r"P(?!\Z)(?:[0-9]+(?:[.,][0-9]*)?[YMWD])*(?:T(?:[0-9]+(?:[.,][0-9]*)?[HMS])*)?\Z")
_PENDULUM_DURATION_ITEM = re.compile(r"T|([0-9]+)([.,][0-9]*)?([YMWDHS])")
_U32 = 0xFFFF_FFFF
#: timedelta's bound: a duration of a billion days or more fails in pendulum
_PENDULUM_DURATION_LIMIT = 1_000_000_000 * 86_400 * 1_000_000
#: unit -> the smaller fields its fraction spills into, with the factor into each
_PENDULUM_SPILL = {
    "W": (("D", 7.0), ("H", 24.0), ("m", 60.0)),
    "D": (("H", 24.0), ("m", 60.0)),
    "H": (("m", 60.0), ("S", 60.0)),
    "m": (("S", 60.0), ("us", 1e6)),
    "S": (("us", 1e6),),
}
_PENDULUM_MICROS = {"Y": 365 * 86_400_000_000, "M": 30 * 86_400_000_000, "W": 7 * 86_400_000_000}
_PENDULUM_MICROS.update(D=86_400_000_000, H=3_600_000_000, m=60_000_000, S=1_000_000, us=1)


def _pendulum_duration(text: str) -> int | None:
    """Microseconds in the ISO 8601 duration ``text`` as pendulum reads it; None if it does not.

    pendulum's reader is looser and odder than the standard, and the reference's messages
    depend on it. Items are ``digits[.|,digits]unit``, Y M W D then ``T`` and H M S, each
    field an unsigned 32-bit number that wraps. Order is checked on values, not units: Y is
    refused once months or days are non-zero, date M once days are, W once years or months
    are, D once weeks are, H once minutes or seconds are, time M once seconds are. Y, M, W
    and S keep their last value, D, H and time M add up. Only the last number may have a
    fraction (not on Y or date M); it spills into smaller units, each part truncated but the
    last, which is rounded half up. A year counts 365 days, a month 30.
    """
    if _PENDULUM_DURATION_SHAPE.match(text) is None:
        return None
    years = months = weeks = days = hours = minutes = seconds = 0
    in_time = False
    fraction: tuple[str, str] | None = None  # the unit and digits of the one fractional number
    for digits, mark, unit in _PENDULUM_DURATION_ITEM.findall(text, 1):
        if not unit:  # the "T"
            in_time = True
            continue
        if fraction is not None:
            return None
        value = int(digits[-32:]) & _U32  # 10**32 is a multiple of 2**32: the digits before wrap away
        if in_time:
            if unit == "H" and not (minutes or seconds):
                hours = (hours + value) & _U32
            elif unit == "M" and not seconds:
                minutes, unit = (minutes + value) & _U32, "m"
            elif unit == "S":
                seconds = value
            else:
                return None
        elif unit == "Y" and not (months or days or mark):
            years = value
        elif unit == "M" and not (days or mark):
            months = value
        elif unit == "W" and not (years or months):
            weeks = value
        elif unit == "D" and not weeks:
            days = (days + value) & _U32
        else:
            return None
        if mark:
            fraction = unit, mark[1:]
    fields = {"Y": years, "M": months, "W": weeks, "D": days, "H": hours, "m": minutes, "S": seconds, "us": 0}
    if fraction is not None:
        part = _decimal_fraction(fraction[1])
        *truncated, (last, factor) = _PENDULUM_SPILL[fraction[0]]
        for name, step in truncated:
            part *= step
            whole = math.trunc(part)
            fields[name] = (fields[name] + whole) & _U32
            part -= whole
        scaled = part * factor
        fields[last] = (fields[last] + math.floor(scaled) + (scaled - math.floor(scaled) >= 0.5)) & _U32
    return sum(fields[name] * _PENDULUM_MICROS[name] for name in fields)


def _decimal_fraction(digits: str) -> float:
    """``0.<digits>`` as pendulum computes it: numerator and denominator in floats (NaN is 0)."""
    if len(digits) > 308:
        return 0.0  # 10.0 ** 309 is infinite: the quotient is 0 or NaN, whatever the digits
    numerator, denominator = 0.0, 1.0
    for digit in digits:
        numerator = numerator * 10.0 + (ord(digit) - 48)
        denominator *= 10.0
    value = numerator / denominator
    return 0.0 if math.isnan(value) else value


class _NoMatch(ValueError):
    """The text does not fit this grammar; the next one is tried."""


def _digits(text: str, pos: int, count: int) -> int:
    part = text[pos : pos + count]
    if len(part) != count or not (part.isascii() and part.isdigit()):
        raise _NoMatch(text)
    return int(part)


def _iso_week_date(year: int, week: int, weekday: int) -> _dt.date:
    long_year = _dt.date(year, 12, 28).isocalendar()[1] == 53
    if week > (53 if long_year else 52) or not 1 <= weekday <= 7:
        raise _NoMatch("week")
    monday = _dt.date.fromisocalendar(year, 1, 1)
    return monday + _dt.timedelta(days=(week - 1) * 7 + weekday - 1)


def _iso_date(text: str) -> tuple[_dt.date, int, bool]:
    """An ISO 8601 calendar, ordinal or week date at the start of ``text``: (date, end, extended)."""
    year = _digits(text, 0, 4)
    if year == 0:
        raise _NoMatch(text)
    rest = text[4:]
    extended = rest.startswith("-")
    pos = 5 if extended else 4
    if text[pos : pos + 1] == "W":
        week = _digits(text, pos + 1, 2)
        pos += 3
        weekday = 1
        if extended and text[pos : pos + 1] == "-":
            weekday, pos = _digits(text, pos + 1, 1), pos + 2
        elif not extended and text[pos : pos + 1].isdigit():
            weekday, pos = _digits(text, pos, 1), pos + 1
        return _iso_week_date(year, week, weekday), pos, extended
    run = len(text[pos:]) - len(text[pos:].lstrip("0123456789"))
    if extended and run == 2:
        month = _digits(text, pos, 2)
        day, pos = 1, pos + 2
        if text[pos : pos + 1] == "-":
            day, pos = _digits(text, pos + 1, 2), pos + 3
        return _dt.date(year, month, day), pos, True
    if run == 3:
        ordinal = _digits(text, pos, 3)
        if not 1 <= ordinal <= (366 if _is_leap(year) else 365):
            raise _NoMatch(text)
        return _dt.date(year, 1, 1) + _dt.timedelta(days=ordinal - 1), pos + 3, extended
    if not extended and run == 4:
        return _dt.date(year, _digits(text, pos, 2), _digits(text, pos + 2, 2)), pos + 4, False
    raise _NoMatch(text)


def _iso_time(text: str, pos: int, extended: bool | None, *, bare: bool = False) -> _dt.time:
    """An ISO 8601 time of day from ``pos`` to the end: hh[:mm[:ss[.f]]] and an offset."""
    hour = _digits(text, pos, 2)
    pos += 2
    minute = second = micro = 0
    if extended is None:
        extended = text[pos : pos + 1] == ":"
    # pendulum lets a basic date take an extended hh:mm, though not hh:mm:ss
    sep = ":" if extended or text[pos : pos + 1] == ":" else ""
    if text[pos : pos + len(sep) + 1][len(sep) :].isdigit() and text[pos : pos + len(sep)] == sep:
        minute = _digits(text, pos + len(sep), 2)
        pos += len(sep) + 2
        if text[pos : pos + len(sep) + 1][len(sep) :].isdigit() and text[pos : pos + len(sep)] == sep:
            if bare and extended:
                raise _NoMatch(text)  # pendulum: a bare "T" time with seconds must be basic format
            if sep and not extended:
                raise _NoMatch(text)
            second = _digits(text, pos + len(sep), 2)
            pos += len(sep) + 2
            if text[pos : pos + 1] in (".", ","):
                frac = text[pos + 1 :]
                frac = frac[: len(frac) - len(frac.lstrip("0123456789"))]
                if not frac:
                    raise _NoMatch(text)
                micro = int(frac[:6].ljust(6, "0"))
                pos += 1 + len(frac)
    tz: _dt.tzinfo | None = None
    if pos < len(text):
        m = _PENDULUM_TZ.match(text, pos)
        if m is None:
            raise _NoMatch(text)
        zulu, sign, off_h, off_m = m.groups()
        if zulu:
            tz = UTC
        else:
            minutes = int(off_h) * 60 + int(off_m or 0)
            if minutes >= 24 * 60:
                raise _NoMatch(text)  # pendulum allows exactly +24:00; stdlib cannot hold it
            tz = _dt.timezone(_dt.timedelta(minutes=minutes if sign == "+" else -minutes))
    return _dt.time(hour, minute, second, micro, tzinfo=tz)


def _pendulum_iso(text: str) -> _dt.datetime | _dt.date | _dt.time | str:
    """pendulum's ISO 8601 reader: a datetime, date, time of day, or ``"duration"``."""
    if text.startswith("P"):
        if _pendulum_duration(text) is None:
            raise _NoMatch(text)
        return "duration.Duration"
    if text.startswith("T"):
        return _iso_time(text, 1, None, bare=True)
    if text[2:3] == ":":
        return _iso_time(text, 0, True)
    date, pos, extended = _iso_date(text)
    if pos == len(text):
        return date
    if text[pos] not in "T ":
        raise _NoMatch(text)
    clock = _iso_time(text, pos + 1, extended)
    return _dt.datetime.combine(date, clock.replace(tzinfo=None), clock.tzinfo)


def _pendulum_common(text: str) -> _dt.datetime | _dt.date | _dt.time:
    """pendulum's last resort: ``YYYY[/:]MM[/:]DD`` dates and ``H:M[:S]`` times."""
    m = _PENDULUM_COMMON.match(text)
    if m is None or not (m.group(1) or m.group(5)):
        raise _NoMatch(text)
    year, month, day, _sep, hour, minute, second, frac = m.groups()
    try:
        if hour is None:
            return _dt.date(int(year), int(month or 1), int(day or 1))
        if minute is None:
            raise InvalidValue("value_error", "value is not a valid datetime", text)
        micro = int(frac[:6].ljust(6, "0")) if frac else 0
        parts = (int(hour), int(minute), int(second or 0), micro)
        if year is None:
            return _dt.time(*parts)
        return _dt.datetime(int(year), int(month or 1), int(day or 1), *parts)
    except ValueError as exc:
        if isinstance(exc, InvalidValue):
            raise
        raise InvalidValue("value_error", f"Value error, {exc}", text) from None


def _pendulum_parse(text: str) -> _dt.datetime:
    """Text through pendulum's strict parser, as the reference's fallback; value_error if it fails."""
    if text == "now":
        return _dt.datetime.now(UTC)
    if text.startswith("P") and (micros := _pendulum_duration(text)) is not None:
        if micros >= _PENDULUM_DURATION_LIMIT:  # pendulum cannot build that long a timedelta
            raise InvalidValue("value_error", "value is not a valid datetime", text)
        raise InvalidValue("value_error", _NOT_A.format("duration.Duration"), text)
    parsed: _dt.datetime | _dt.date | _dt.time | str
    try:
        parsed = _pendulum_iso(text)
    except ValueError:
        try:
            parsed = _pendulum_interval(text)
        except _NoMatch:
            try:
                parsed = _pendulum_common(text)
            except _NoMatch:
                raise InvalidValue("value_error", f"Value error, Unable to parse string [{text}]", text) from None
    if isinstance(parsed, str):
        raise InvalidValue("value_error", _NOT_A.format(parsed), text)
    if isinstance(parsed, _dt.datetime):
        return parsed
    if isinstance(parsed, _dt.date):
        return _dt.datetime(parsed.year, parsed.month, parsed.day)
    today = _dt.datetime.now()
    return _dt.datetime(
        today.year, today.month, today.day, parsed.hour, parsed.minute, parsed.second, parsed.microsecond
    )


def _pendulum_interval(text: str) -> str:
    """``start/end``, ``start/duration`` or ``duration/end``: an interval, never a datetime."""
    parts = text.split("/")
    if len(parts) != 2 or not all(parts):
        raise _NoMatch(text)
    try:
        first, last = (_interval_kind(_pendulum_iso(p)) for p in parts)
    except ValueError:
        raise _NoMatch(text) from None
    # What pendulum then makes of the two ends: an Interval, its "same type" ValueError,
    # or a TypeError from date or time arithmetic, which the reference reports plainly.
    if "duration" in (first, last):
        ends_well = {first, last} == {"duration", "datetime"}
    elif first == last:
        ends_well = first in ("datetime", "date")
    elif "datetime" in (first, last):
        msg = "Value error, Both start and end of an Interval must have the same type"
        raise InvalidValue("value_error", msg, text)
    else:
        ends_well = False
    if not ends_well:
        raise InvalidValue("value_error", "value is not a valid datetime", text)
    return "interval.Interval"


def _interval_kind(part: _dt.datetime | _dt.date | _dt.time | str) -> str:
    if isinstance(part, str):
        return "duration"
    return "datetime" if isinstance(part, _dt.datetime) else "date" if isinstance(part, _dt.date) else "time"


# -- timedelta ---------------------------------------------------------------------

_DURATION_ITEM = re.compile(r"([0-9]+(?:[.,][0-9]+)?)([A-Z])")
_DATE_UNITS = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
_TIME_UNITS = {"H": 3600, "M": 60, "S": 1}
_CLOCK_DURATION = re.compile(
    r"([+-])?(?:(\d+) ?(?:d|days?),? ?)?(?:(\d+):(\d{2})(?::(\d{2}(?:[.,]\d+)?))?)?\Z", re.ASCII
)


def _iso_duration_seconds(text: str) -> float | None:
    """ISO 8601 durations as pydantic reads them: units in any order, repeats added up,
    a fraction only on the last number; None when ``text`` is not one."""
    body = text[1:] if text[:1] in "+-" else text
    if body[:1] != "P":
        return None
    date, _, time = body[1:].partition("T")
    total = 0.0
    items = 0
    fraction_seen = False
    for part, units in ((date, _DATE_UNITS), (time, _TIME_UNITS)):
        end = 0
        for m in _DURATION_ITEM.finditer(part):
            number, unit = m.groups()
            if m.start() != end or unit not in units or fraction_seen:
                return None
            end = m.end()
            fraction_seen = not number.isdigit()
            total += float(number.replace(",", ".")) * units[unit]
            items += 1
        if end != len(part):
            return None
    if not items:
        return None
    return -total if text[:1] == "-" else total


def _duration_seconds(text: str) -> float | None:
    if text[:1] in ("P", "+", "-") and "P" in text[:2]:
        return _iso_duration_seconds(text)
    m = _CLOCK_DURATION.match(text)
    if m is not None and (m.group(2) or m.group(3)):
        sign, days, hours, minutes, seconds = m.groups()
        if seconds is None and hours is not None and len(hours) < 2:
            return None  # pydantic takes a one-digit hour only before seconds ("1:00:00", not "1:00")
        _check_clock_limits(text, days, hours)
        if (minutes is not None and int(minutes) >= 60) or (
            seconds is not None and float(seconds.replace(",", ".")) >= 60
        ):
            return None
        total = (
            int(days or 0) * 86400
            + int(hours or 0) * 3600
            + int(minutes or 0) * 60
            + float((seconds or "0").replace(",", "."))
        )
        return -total if sign == "-" else total
    return None


_MAX_CLOCK_DAYS = 2**32 - 1  # a day count past this is "too large" before it is "too long"
_MAX_CLOCK_HOURS = 2_400_000_000  # hours without a day count (100,000,000 days)
_HOURS_MESSAGE = "Input should be a valid timedelta, durations may not exceed 999,999,999 hours"


def _check_clock_limits(text: str, days: str | None, hours: str | None) -> None:
    """pydantic's bounds on ``D days, HH:MM:SS`` numbers, checked on their digits first, so
    that no digit string is too long for ``int``: hours under 24 after a day count."""
    if days is not None and (len(days) > 10 or int(days) > _MAX_CLOCK_DAYS):
        msg = "Input should be a valid timedelta, a numeric value in the duration is too large"
        raise InvalidValue("time_delta_parsing", msg, text)
    if hours is None:
        return
    limit = 24 if days is not None else _MAX_CLOCK_HOURS
    if len(hours) > 10 or int(hours) > limit - (days is not None):
        raise InvalidValue("time_delta_parsing", _HOURS_MESSAGE, text)


def structure_timedelta(value: Any, _: Any = None) -> _dt.timedelta:
    """Durations: seconds as a number, ISO 8601 (``PT1H``) or clock text (``1 day, 01:02:03``)."""
    if value.__class__ is float and 0.0 <= value < 8e13:  # well inside the 999,999,999-day limit
        whole = int(value)  # as _seconds_to_timedelta, for the common case, inline
        return _timedelta(0, whole, _floor((value - whole) * 1e6 + 0.5))
    if isinstance(value, _dt.timedelta):
        return value
    seconds: float | None
    if isinstance(value, (int, float)):
        if _beyond_json_number(value):
            raise InvalidValue("time_delta_type", "Input should be a valid timedelta", value)
        if value != value:
            raise InvalidValue(
                "time_delta_parsing", "Input should be a valid timedelta, NaN values not permitted", value
            )
        if isinstance(value, int) and abs(value) >= 2**1024:  # beyond any float: not a number of seconds
            raise InvalidValue("time_delta_type", "Input should be a valid timedelta", value)
        seconds = float(value) if not isinstance(value, int) or abs(value) < 10**17 else math.inf
    elif isinstance(value, str):
        seconds = _duration_seconds(value)
        if seconds is None:
            raise InvalidValue(
                "time_delta_parsing", "Input should be a valid timedelta, invalid duration format", value
            )
    elif (number := decimal_number(value)) is not None:
        return _reread(structure_timedelta, number, value)  # type: ignore[no-any-return]
    else:
        raise InvalidValue("time_delta_type", "Input should be a valid timedelta", value)
    # the reference takes up to the last microsecond of day 999,999,999 (negative: what a
    # timedelta holds; beyond that it crashes, here it is this error)
    if not math.isfinite(seconds) or seconds >= _MAX_SECONDS or -seconds > _MAX_DURATION_DAYS * 86400:
        raise InvalidValue(
            "time_delta_parsing", "Input should be a valid timedelta, durations may not exceed 999,999,999 days", value
        )
    if isinstance(value, int):
        return _dt.timedelta(seconds=value)
    return _seconds_to_timedelta(seconds)


def _seconds_to_timedelta(seconds: float) -> _dt.timedelta:
    """Whole seconds, then the fraction rounded half away from zero to microseconds (as pydantic)."""
    magnitude = abs(seconds)
    whole = math.trunc(magnitude)
    delta = _dt.timedelta(seconds=whole, microseconds=math.floor((magnitude - whole) * 1e6 + 0.5))
    return -delta if seconds < 0 else delta


# -- enums and literals ------------------------------------------------------------


def _expected(values: list[Any]) -> str:
    shown = [repr(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def make_enum_hook(enum_cls: type[Enum]) -> Hook:
    """Members by value (or the member itself), resolved with one dict lookup."""
    by_value: dict[Any, Enum] = {m.value: m for m in enum_cls}
    by_value.update({m: m for m in enum_cls})
    msg = f"Input should be {_expected([m.value for m in enum_cls])}"

    def structure_enum(value: Any, _: Any = None) -> Enum:
        try:
            return by_value[value]
        except (KeyError, TypeError):
            pass
        try:  # a member of another enum, by its value
            if isinstance(value, Enum):
                return by_value[value.value]
        except (KeyError, TypeError):
            pass
        raise InvalidValue("enum", msg, value)

    return structure_enum


def make_literal_hook(values: tuple[Any, ...]) -> Hook:
    """One of a fixed set of values."""
    allowed = frozenset(values)
    msg = f"Input should be {_expected(list(values))}"

    def structure_literal(value: Any, _: Any = None) -> Any:
        try:
            if value in allowed and not isinstance(value, bool):
                return value
        except TypeError:
            pass
        raise InvalidValue("literal_error", msg, value)

    return structure_literal


# -- optional, containers, unions --------------------------------------------------


#: a hook's twin for a model's fast pass, where any failure is thrown away (the detailed
#: pass that follows reports every one): it stops at the first bad item or field. The
#: same result when the input is valid.
_FIRST_ERROR: weakref.WeakKeyDictionary[Hook, Hook] = weakref.WeakKeyDictionary()


def first_error_only(hook: Hook) -> Hook:
    """``hook``'s twin that fails at the first bad item, or ``hook`` if it has none."""
    return _FIRST_ERROR.get(hook, hook)


def set_first_error_only(hook: Hook, twin: Hook) -> None:
    """Record ``twin`` as the fast-pass twin of ``hook`` (the converter does this for models)."""
    _FIRST_ERROR[hook] = twin


def make_optional_hook(inner: Hook) -> Hook:
    """None, or whatever ``inner`` accepts."""

    def structure_optional(value: Any, _: Any = None) -> Any:
        return None if value is None else inner(value, None)

    inner_first = first_error_only(inner)
    if inner_first is not inner:

        def structure_optional_first_error(value: Any, _: Any = None) -> Any:
            return None if value is None else inner_first(value, None)

        _FIRST_ERROR[structure_optional] = structure_optional_first_error
    return structure_optional


def structure_any(value: Any, _: Any = None) -> Any:
    """Any value; a top-level dict or list is copied so the caller's stays theirs."""
    cls = value.__class__
    if cls is dict:
        if json_input.get() and not _CONTAINERS.isdisjoint(map(type, value.values())):
            _note_depth(value)
        return dict(value)
    if cls is list:
        if json_input.get() and not _CONTAINERS.isdisjoint(map(type, value)):
            _note_depth(value)
        return list(value)
    return value


#: values typed ``Any`` from JSON text nested at least this deep: pydantic's JSON parser reads
#: no value deeper than 201 levels from the top of the text, and lightschema's parsers read
#: deeper, so the JSON entry points measure the text itself when this count moves
#: (``_base.json_depth_error``). Models nest a few levels only: this leaves a wide margin.
SUSPECT_DEPTH = 150
deep_json_values = [0]
_CONTAINERS = frozenset({dict, list})


def _note_depth(value: dict[Any, Any] | list[Any]) -> None:
    """Count ``value`` in ``deep_json_values`` if it nests ``SUSPECT_DEPTH`` levels; level by
    level, without recursing (callers pass only containers that hold containers)."""
    level = [x for x in (value.values() if value.__class__ is dict else value) if x.__class__ in _CONTAINERS]
    depth = 2
    while level:
        if depth >= SUSPECT_DEPTH:
            deep_json_values[0] += 1
            return
        below: list[Any] = []
        for container in level:
            items = container.values() if container.__class__ is dict else container
            if not _CONTAINERS.isdisjoint(map(type, items)):
                below += [x for x in items if x.__class__ in _CONTAINERS]
        level = below
        depth += 1


def structure_any_dict(value: Any, _: Any = None) -> dict[str, Any]:
    """``dict[str, Any]``: checked to be a mapping and copied, values left alone."""
    if value.__class__ is dict:
        if json_input.get() and not _CONTAINERS.isdisjoint(map(type, value.values())):
            _note_depth(value)
        return dict(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise InvalidValue("dict_type", "Input should be a valid dictionary", value)


#: item hooks whose values of exactly this type come out unchanged: a list of them is only copied
_EXACT_ITEMS: dict[Hook, type] = {structure_str: str}


def make_list_hook(item: Hook, *, kind: str = "list") -> Hook:
    """A list (a tuple is accepted too); each item through ``item``."""
    container = set if kind == "set" else list
    accepted: tuple[type, ...] = (list, tuple, set, frozenset) if kind == "set" else (list, tuple)
    msg = f"Input should be a valid {kind}"

    exact = _EXACT_ITEMS.get(item)

    def structure_list(value: Any, _: Any = None) -> Any:
        if exact is not None and value.__class__ is list and all(v.__class__ is exact for v in value):
            return container(map(share_text, value)) if exact is str else container(value)
        if not isinstance(value, accepted) or (kind == "list" and isinstance(value, (str, bytes))):
            raise InvalidValue(f"{kind}_type", msg, value)
        return container(structure_items(cast("Iterable[Any]", value), item, kind))

    item_first = first_error_only(item)

    def structure_list_first_error(value: Any, _: Any = None) -> Any:
        if exact is not None and value.__class__ is list and all(v.__class__ is exact for v in value):
            return container(map(share_text, value)) if exact is str else container(value)
        if not isinstance(value, accepted) or (kind == "list" and isinstance(value, (str, bytes))):
            raise InvalidValue(f"{kind}_type", msg, value)
        items = [item_first(v, None) for v in cast("Iterable[Any]", value)]
        return items if container is list else container(items)

    _FIRST_ERROR[structure_list] = structure_list_first_error
    return structure_list


def structure_items(elements: Iterable[Any], item: Hook, kind: str = "list", *, release: bool = False) -> list[Any]:
    """Each element through ``item``, every failure reported under its index.

    ``release``: ``elements`` is a list nobody else holds (``load_json``'s own parse),
    and each element is dropped once read, so a large response's parsed dicts are freed
    as its objects are made, and the memory is reused at once.
    """
    out = []
    errors: list[Entry] = []  # read as they come: exceptions are big to keep
    for index, element in enumerate(elements):
        try:
            out.append(item(element, None))
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            errors.extend(entries(exc, (index,), None))
        if release:
            elements[index] = None  # type: ignore[index]
    if errors:
        raise ValidationError.of(kind, errors)
    return out


def make_dict_hook(key: Hook, val: Hook) -> Hook:
    """A mapping; keys and values each through their hook, errors by key."""

    def structure_dict(value: Any, _: Any = None) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise InvalidValue("dict_type", "Input should be a valid dictionary", value)
        out = {}
        errors: list[Entry] = []
        for k, v in value.items():
            try:
                out[key(k, None)] = val(v, None)
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                errors.extend(entries(exc, (k,), None))
        if errors:
            raise ValidationError.of("dict", errors)
        return out

    key_first, val_first = first_error_only(key), first_error_only(val)

    def structure_dict_first_error(value: Any, _: Any = None) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise InvalidValue("dict_type", "Input should be a valid dictionary", value)
        return {key_first(k, None): val_first(v, None) for k, v in value.items()}

    _FIRST_ERROR[structure_dict] = structure_dict_first_error
    return structure_dict


#: how closely a value fits a scalar type, as pydantic's smart union ranks members
_EXACT_FIT, _STRICT_FIT, _LAX_FIT = 2, 1, 0


def _fit(value: Any, tp: type) -> int:
    """Exact for ``tp`` itself; strict for what pydantic's strict mode takes (a subclass such
    as an ``IntEnum`` or a numpy float, and for a float an int or a ``Decimal``, never a bool);
    lax for the rest."""
    cls = value.__class__
    if cls is tp:
        return _EXACT_FIT
    if cls is not bool and (
        isinstance(value, tp) or (tp is float and (isinstance(value, int) or decimal_number(value) is not None))
    ):
        return _STRICT_FIT
    return _LAX_FIT


def make_scalar_lists_union_hook(lists: list[tuple[type, Hook]], smart: Hook) -> Hook:
    """A union with several lists of scalars (``list[int] | list[float]``), as pydantic's smart
    mode chooses: the list member whose items fit best wins, the first on a tie (``[1, 2.0]``
    is a list of floats, ``["1", 2.0]`` a list of ints); anything else goes to ``smart``.
    """

    def structure_scalar_lists(value: Any, _: Any = None) -> Any:
        if value.__class__ is not list:
            return smart(value, None)
        best: tuple[int, Any] | None = None
        for item_type, hook in lists:
            fit = min((_fit(v, item_type) for v in value), default=_EXACT_FIT)
            if best is not None and fit <= best[0]:
                continue
            try:
                result = hook(value, None)
            except Exception:  # noqa: BLE001 - if every member refuses, the smart union reports why
                continue
            if fit == _EXACT_FIT:
                return result
            best = (fit, result)
        return smart(value, None) if best is None else best[1]

    return structure_scalar_lists


def make_smart_union_hook(members: list[tuple[str, type, Hook]]) -> Hook:
    """pydantic's smart union: an exact type match wins, then the first that accepts.

    ``members`` are (tag, exact python type, hook); the tag names the member in
    error paths the way pydantic does (``labels.a.int``).
    """
    exact = {tp: hook for _, tp, hook in reversed(members)}
    # a subclass of a member's scalar type (an IntEnum, a numpy float), or an int for a float,
    # fits that member strictly: it wins over the lax readings of the members before it
    strict = [(tp, hook) for _, tp, hook in members if tp in (int, float, str)]

    def structure_union(value: Any, _: Any = None) -> Any:
        hook = exact.get(value.__class__)
        if hook is None and strict:
            hook = next((h for tp, h in strict if _fit(value, tp) == _STRICT_FIT), None)
        if hook is not None:
            try:
                return hook(value, None)
            except Exception:  # noqa: BLE001 - fall through to every member in order
                pass
        errors: list[Entry] = []
        for tag, _tp, member_hook in members:
            try:
                return member_hook(value, None)
            except Exception as exc:  # noqa: BLE001 - collected for the error report
                errors.extend(entries(exc, (tag,), value))
        raise ValidationError.of("union", errors)

    exact_first = {tp: first_error_only(hook) for tp, hook in exact.items()}
    strict_first = [(tp, first_error_only(hook)) for tp, hook in strict]
    members_first = [first_error_only(hook) for _, _, hook in members]

    def structure_union_first_error(value: Any, _: Any = None) -> Any:
        hook = exact_first.get(value.__class__)
        if hook is None and strict_first:
            hook = next((h for tp, h in strict_first if _fit(value, tp) == _STRICT_FIT), None)
        if hook is not None:
            try:
                return hook(value, None)
            except Exception:  # noqa: BLE001 - fall through to every member in order
                pass
        for member_hook in members_first:
            try:
                return member_hook(value, None)
            except Exception:  # noqa: BLE001 - the next member, or the union fails
                pass
        raise InvalidValue("union", "no member accepts the input", value)

    _FIRST_ERROR[structure_union] = structure_union_first_error
    return structure_union


# -- unstructure (JSON mode) -------------------------------------------------------


#: texts of UUIDs written recently, by number: as on reading, the same ids recur across
#: a response (a flow's runs share its flow, deployment and work pool ids) and within an
#: object (a run's id again in its state's details). Cleared when full, so it stays small.
uuid_text_cache: dict[int, str] = {}


def uuid_to_json(value: UUID) -> str:
    """A UUID's canonical text (``str(uuid)``), looked up when the same UUID was written recently."""
    if value.__class__ is not UUID:  # a subclass may write itself differently
        return str(value)
    number = value.int
    text = uuid_text_cache.get(number)
    if text is None:
        # bytes.hex puts a hyphen every two bytes of the first ten (the first one dropped):
        # a third fewer instructions than slicing the 32 hex digits.
        raw = number.to_bytes(16, "big")
        text = f"{raw[:10].hex('-', 2).replace('-', '', 1)}-{raw[10:].hex()}"
        if len(uuid_text_cache) >= _UUID_CACHE_SIZE:
            uuid_text_cache.clear()
        uuid_text_cache[number] = text
    return text


_TWO_DIGITS = tuple(f"{n:02d}" for n in range(100))
#: date texts of UTC datetimes written recently: a response's datetimes fall on few days.
#: Cleared when full, like the UUID texts.
date_text_cache: dict[_dt.date, str] = {}
_DATE_CACHE_SIZE = 1024


def datetime_to_json(value: _dt.datetime) -> str:
    """ISO 8601 as the reference writes it: ``Z`` for UTC, microseconds only when set.

    Offsets are written in whole minutes (seconds dropped toward zero), as pydantic does.
    UTC, nearly every datetime a server sends, is written from the fields here, the date
    part looked up: under half the work of ``isoformat``, which formats each field with ``sprintf``.
    """
    if value.tzinfo is UTC:
        day = value.date()
        date_text = date_text_cache.get(day)
        if date_text is None:
            date_text = day.isoformat()
            if len(date_text_cache) >= _DATE_CACHE_SIZE:
                date_text_cache.clear()
            date_text_cache[day] = date_text
        two, micro = _TWO_DIGITS, value.microsecond
        if micro:
            return (
                f"{date_text}T{two[value.hour]}:{two[value.minute]}:{two[value.second]}.{str(1_000_000 + micro)[1:]}Z"
            )
        return f"{date_text}T{two[value.hour]}:{two[value.minute]}:{two[value.second]}Z"
    offset = value.utcoffset()
    if offset is None:
        return value.isoformat()
    return value.replace(tzinfo=None).isoformat() + offset_to_json(offset)


def offset_to_json(offset: _dt.timedelta) -> str:
    """A UTC offset as pydantic writes it: ``Z`` for none, else ``+hh:mm`` (seconds dropped)."""
    if not offset:
        return "Z"
    sign = "-" if offset < _dt.timedelta(0) else "+"
    hours, minutes = divmod(int(abs(offset).total_seconds()) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


_ONE_MICROSECOND = _dt.timedelta(microseconds=1)


def timedelta_to_json(value: _dt.timedelta) -> float:
    """Durations as float seconds, computed from whole microseconds like the reference."""
    if -100_000 < value.days < 100_000:
        # under 2**53 microseconds: total_seconds' exact division rounds as the reference's does
        return value.total_seconds()
    micros = value // _ONE_MICROSECOND
    if abs(micros) < 2**63:
        return micros / 1e6
    return (value.days * 86400 + value.seconds) + value.microseconds / 1e6
