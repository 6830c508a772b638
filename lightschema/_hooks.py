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
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any
from uuid import UUID

from dateutil import parser as _dateutil_parser

from lightschema.errors import InvalidValue, Loc, ValidationError, detail, flatten

Hook = Callable[[Any, Any], Any]

UTC = _dt.timezone.utc
_MAX_DURATION_DAYS = 999_999_999
_MS_THRESHOLD = 2e10  # pydantic reads larger unix timestamps as milliseconds


# -- str, int, float, bool ---------------------------------------------------------


def structure_str(value: Any, _: Any = None) -> str:
    """Strings only: pydantic never turns a number into a string."""
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            raise InvalidValue("string_unicode", "Input should be a valid string, unable to parse raw data as a unicode string", value) from None
    raise InvalidValue("string_type", "Input should be a valid string", value)


_INT_TEXT = re.compile(r"\s*[+-]?\d+(?:_\d+)*(?:\.0*)?\s*\Z")


def structure_int(value: Any, _: Any = None) -> int:
    """Integers; whole floats, digit strings and booleans convert as in pydantic."""
    cls = value.__class__
    if cls is int:
        return value  # type: ignore[no-any-return]
    if cls is bool:
        return int(value)
    if cls is float:
        if not math.isfinite(value):
            raise InvalidValue("finite_number", "Input should be a finite number", value)
        if value != int(value):
            raise InvalidValue("int_from_float", "Input should be a valid integer, got a number with a fractional part", value)
        return int(value)
    if isinstance(value, (str, bytes, bytearray)) and not isinstance(value, Enum):
        text = value.decode(errors="replace") if isinstance(value, (bytes, bytearray)) else str(value)
        if len(text) <= 4300 and _INT_TEXT.match(text):
            return int(text.strip().split(".")[0].replace("_", ""))
        raise InvalidValue("int_parsing", "Input should be a valid integer, unable to parse string as an integer", value)
    if isinstance(value, int):
        return int(value)
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
    if isinstance(value, (str, bytes, bytearray)) and not isinstance(value, Enum):
        text = value.decode(errors="replace") if isinstance(value, (bytes, bytearray)) else str(value)
        try:
            return float(text.strip()) if len(text) <= 4300 else float("x")
        except ValueError:
            raise InvalidValue("float_parsing", "Input should be a valid number, unable to parse string as a number", value) from None
    if isinstance(value, (int, float)):
        return float(value)
    raise InvalidValue("float_type", "Input should be a valid number", value)


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def structure_bool(value: Any, _: Any = None) -> bool:
    """Booleans; 0/1 and the usual yes/no words convert as in pydantic."""
    if value is True or value is False:
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        word = value.strip().lower()
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
        kind = "bool_parsing" if isinstance(value, int) else "bool_type"
        msg = "Input should be a valid boolean, unable to interpret input" if kind == "bool_parsing" else "Input should be a valid boolean"
        raise InvalidValue(kind, msg, value)
    raise InvalidValue("bool_type", "Input should be a valid boolean", value)


# -- UUID --------------------------------------------------------------------------

_UUID_TEXT = re.compile(
    r"(?:urn:uuid:)?(\{)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}(?(1)\})\Z"
)


def structure_uuid(value: Any, _: Any = None) -> UUID:
    """UUIDs from their text (hyphenated, bare hex, braced or urn) or 16 raw bytes."""
    if value.__class__ is str:
        if _UUID_TEXT.match(value) and _hyphens_consistent(value):
            return UUID(value)
        raise InvalidValue("uuid_parsing", f"Input should be a valid UUID, got {value!r}", value)
    if isinstance(value, UUID):
        return value
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        return UUID(bytes=bytes(value))
    if isinstance(value, str):
        return structure_uuid(str.__str__(value))
    raise InvalidValue("uuid_type", "UUID input should be a string, bytes or UUID object", value)


def _hyphens_consistent(text: str) -> bool:
    body = text.removeprefix("urn:uuid:").strip("{}")
    count = body.count("-")
    return count == 0 or (count == 4 and len(body) == 36)


# -- datetime ----------------------------------------------------------------------

_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?\Z"
)
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")


def _parse_iso(text: str) -> _dt.datetime | None:
    """Parse the RFC 3339-like grammar pydantic accepts; None if it does not match."""
    m = _ISO_DATETIME.match(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zulu, sign, off_h, off_m = m.groups()
    tz: _dt.tzinfo | None = None
    if zulu:
        tz = UTC
    elif sign:
        offset = _dt.timedelta(hours=int(off_h), minutes=int(off_m))
        if offset >= _dt.timedelta(days=1):
            raise ValueError("offset out of range")
        tz = _dt.timezone(-offset if sign == "-" else offset) if offset else UTC
    micro = int((frac + "000000")[:6]) if frac else 0
    return _dt.datetime(
        int(year), int(month), int(day),
        int(hour or 0), int(minute or 0), int(second or 0), micro, tz,
    )


def _from_unix(value: float) -> _dt.datetime:
    if not math.isfinite(value):
        raise ValueError("not finite")
    seconds = value / 1000 if abs(value) > _MS_THRESHOLD else value
    return _dt.datetime(1970, 1, 1, tzinfo=UTC) + _dt.timedelta(seconds=seconds)


def _strict_datetime(value: Any) -> _dt.datetime | None:
    """pydantic's own datetime rules; None where they reject the input."""
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    try:
        if isinstance(value, str):
            parsed = _parse_iso(value)
            if parsed is not None:
                return parsed
            if len(value) < 32 and _NUMBER_TEXT.match(value):
                return _from_unix(float(value))
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _from_unix(value)
    except (ValueError, OverflowError):
        return None
    return None


def structure_naive_datetime(value: Any, _: Any = None) -> _dt.datetime:
    """A plain ``datetime`` field: ISO 8601 text or a unix timestamp; naive stays naive."""
    if value.__class__ is str:
        try:
            parsed = _parse_iso(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    result = _strict_datetime(value)
    if result is None:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            raise InvalidValue("datetime_from_date_parsing", "Input should be a valid datetime or date, invalid datetime format", value)
        raise InvalidValue("datetime_type", "Input should be a valid datetime", value)
    return result


def structure_datetime(value: Any, _: Any = None) -> _dt.datetime:
    """A Prefect ``DateTime`` field: always timezone-aware, naive read as UTC.

    Like the reference, text that is not ISO 8601 is still tried as a looser date
    (``now``, week dates, basic format, the formats dateutil understands).
    """
    if value.__class__ is str:
        try:
            parsed = _parse_iso(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    result = _strict_datetime(value)
    if result is None and isinstance(value, str):
        result = _loose_datetime(value)
        if result is None:
            raise InvalidValue("value_error", f"Value error, Unable to parse string [{value}]", value)
    if result is None:
        raise InvalidValue("value_error", "value is not a valid datetime", value)
    return result if result.tzinfo is not None else result.replace(tzinfo=UTC)


def _loose_datetime(text: str) -> _dt.datetime | None:
    if text.lower() == "now":
        return _dt.datetime.now(UTC)
    if not text or text != text.strip():
        return None
    try:
        return _dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return _dateutil_parser.parse(text, default=_dt.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0))
    except (ValueError, OverflowError, _dateutil_parser.ParserError):
        return None


# -- timedelta ---------------------------------------------------------------------

_NUM = r"(\d+(?:[.,]\d+)?)"
_ISO_DURATION = re.compile(
    rf"([+-])?P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?\Z"
)
_CLOCK_DURATION = re.compile(
    r"([+-])?(?:(\d+) ?(?:d|days?),? ?)?(?:(\d+):(\d{2}):(\d{2}(?:\.\d+)?))?\Z"
)
_ISO_UNITS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)


def _duration_seconds(text: str) -> float | None:
    m = _ISO_DURATION.match(text)
    if m is not None:
        sign, *parts = m.groups()
        if not any(parts) or text.endswith("T"):
            return None
        total = sum(float(p.replace(",", ".")) * unit for p, unit in zip(parts, _ISO_UNITS) if p)
        return -total if sign == "-" else total
    m = _CLOCK_DURATION.match(text)
    if m is not None and (m.group(2) or m.group(3)):
        sign, days, hours, minutes, seconds = m.groups()
        if minutes is not None and int(minutes) >= 60:
            return None
        total = int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
        return -total if sign == "-" else total
    return None


def structure_timedelta(value: Any, _: Any = None) -> _dt.timedelta:
    """Durations: seconds as a number, ISO 8601 (``PT1H``) or clock text (``1 day, 01:02:03``)."""
    if isinstance(value, _dt.timedelta):
        return value
    seconds: float | None
    if isinstance(value, (int, float)):
        seconds = float(value) if not isinstance(value, int) or abs(value) < 10**17 else math.inf
    elif isinstance(value, str):
        seconds = _duration_seconds(value) if len(value) < 256 else None
        if seconds is None:
            raise InvalidValue("time_delta_parsing", "Input should be a valid timedelta, invalid duration format", value)
    else:
        raise InvalidValue("time_delta_type", "Input should be a valid timedelta", value)
    if not math.isfinite(seconds) or abs(seconds) > _MAX_DURATION_DAYS * 86400:
        raise InvalidValue("time_delta_parsing", "Input should be a valid timedelta, durations may not exceed 999,999,999 days", value)
    return _dt.timedelta(seconds=seconds)


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
            raise InvalidValue("enum", msg, value) from None

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


def make_optional_hook(inner: Hook) -> Hook:
    """None, or whatever ``inner`` accepts."""

    def structure_optional(value: Any, _: Any = None) -> Any:
        return None if value is None else inner(value, None)

    return structure_optional


def structure_any(value: Any, _: Any = None) -> Any:
    """Any value; a top-level dict or list is copied so the caller's stays theirs."""
    cls = value.__class__
    if cls is dict:
        return dict(value)
    if cls is list:
        return list(value)
    return value


def structure_any_dict(value: Any, _: Any = None) -> dict[str, Any]:
    """``dict[str, Any]``: checked to be a mapping and copied, values left alone."""
    if value.__class__ is dict:
        return dict(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise InvalidValue("dict_type", "Input should be a valid dictionary", value)


def _raise_collected(errors: list[tuple[Loc, BaseException]], value: Any, title: str) -> None:
    lines = []
    for loc, exc in errors:
        lines.extend(flatten(exc, loc, None))
    raise ValidationError(title, lines)


def make_list_hook(item: Hook, *, kind: str = "list") -> Hook:
    """A list (a tuple is accepted too); each item through ``item``."""
    container = set if kind == "set" else list
    accepted: tuple[type, ...] = (list, tuple, set, frozenset) if kind == "set" else (list, tuple)
    msg = f"Input should be a valid {kind}"

    def structure_list(value: Any, _: Any = None) -> Any:
        if not isinstance(value, accepted) or (kind == "list" and isinstance(value, (str, bytes))):
            raise InvalidValue(f"{kind}_type", msg, value)
        out = []
        errors: list[tuple[Loc, BaseException]] = []
        for index, element in enumerate(value):
            try:
                out.append(item(element, None))
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                errors.append(((index,), exc))
        if errors:
            _raise_collected(errors, value, kind)
        return container(out)

    return structure_list


def make_dict_hook(key: Hook, val: Hook) -> Hook:
    """A mapping; keys and values each through their hook, errors by key."""

    def structure_dict(value: Any, _: Any = None) -> dict[Any, Any]:
        if not isinstance(value, Mapping):
            raise InvalidValue("dict_type", "Input should be a valid dictionary", value)
        out = {}
        errors: list[tuple[Loc, BaseException]] = []
        for k, v in value.items():
            try:
                out[key(k, None)] = val(v, None)
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                errors.append(((k,), exc))
        if errors:
            _raise_collected(errors, value, "dict")
        return out

    return structure_dict


def make_smart_union_hook(members: list[tuple[str, type, Hook]]) -> Hook:
    """pydantic's smart union: an exact type match wins, then the first that accepts.

    ``members`` are (tag, exact python type, hook); the tag names the member in
    error paths the way pydantic does (``labels.a.int``).
    """
    exact = {tp: hook for _, tp, hook in reversed(members)}

    def structure_union(value: Any, _: Any = None) -> Any:
        hook = exact.get(value.__class__)
        if hook is not None:
            try:
                return hook(value, None)
            except Exception:  # noqa: BLE001, S110 - fall through to every member in order
                pass
        errors: list[tuple[Loc, BaseException]] = []
        for tag, _tp, member_hook in members:
            try:
                return member_hook(value, None)
            except Exception as exc:  # noqa: BLE001 - collected for the error report
                errors.append(((tag,), exc))
        lines = []
        for loc, exc in errors:
            lines.extend(flatten(exc, loc, value))
        raise ValidationError("union", lines)

    return structure_union


# -- unstructure (JSON mode) -------------------------------------------------------


def datetime_to_json(value: _dt.datetime) -> str:
    """ISO 8601 as the reference writes it: ``Z`` for UTC, microseconds only when set."""
    text = value.isoformat()
    if text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text


def timedelta_to_json(value: _dt.timedelta) -> float:
    """Durations as float seconds."""
    return value.total_seconds()


_SCALARS = frozenset({str, int, float, bool, type(None)})


def any_to_json(value: Any) -> Any:
    """A value of a field typed ``Any``, made JSON-ready the way pydantic infers it."""
    cls = value.__class__
    if cls in _SCALARS:
        return value
    if cls is dict:
        return {_key_to_json(k): any_to_json(v) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [any_to_json(v) for v in value]
    return _other_to_json(value)


def _key_to_json(key: Any) -> Any:
    if key.__class__ is str:
        return key
    converted = any_to_json(key)
    return converted if isinstance(converted, str) else str(converted).lower() if isinstance(converted, bool) else str(converted)


def _other_to_json(value: Any) -> Any:
    from lightschema._base import unstructure_json

    if isinstance(value, Enum):
        return any_to_json(value.value)
    if isinstance(value, _dt.datetime):
        return datetime_to_json(value)
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return timedelta_to_json(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return [any_to_json(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode(errors="replace")
    if isinstance(value, Mapping):
        return {_key_to_json(k): any_to_json(v) for k, v in value.items()}
    if hasattr(value, "__attrs_attrs__"):
        return unstructure_json(value)
    if isinstance(value, (str, int, float)):
        return value
    return str(value)


def missing_detail(loc: Loc, source: Any) -> Any:
    """The error entry for a required field that is absent."""
    return detail("missing", loc, "Field required", source)
