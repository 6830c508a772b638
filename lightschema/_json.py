"""JSON text out: models to the exact text the reference writes.

With the optional ``orjson`` accelerator (``pip install "lightschema[fast]"``), a
model is first unstructured to a "native" dict that keeps UUIDs, datetimes and
enums as they are and values typed ``Any`` unwalked, and orjson writes it in C:
its text for those values, and for floats, is the reference's. Anything orjson
will not write the same way (a datetime subclass or an offset with seconds, a key
that is not a string, an integer beyond 64 bits) sends the call down the stdlib
path, which writes the JSON-mode dump with ``json``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

from lightschema import _hooks, _infer
from lightschema._infer import PLAIN, explain_recursion
from lightschema.errors import SerializationError

__all__ = ["dump_json", "dumps", "load_json", "load_json_lines", "register_native_dump"]

_UTC = _dt.timezone.utc
_orjson: ModuleType | None = None
_orjson_checked = False
_ORJSON_OPTIONS = 0
_ANY_OPTIONS = 0
_lock = threading.Lock()
_native_dumps: dict[type, Callable[[Any], dict[str, Any]]] = {}
_native_factory: Callable[[type], Callable[[Any], dict[str, Any]]] | None = None


def register_native_dump(factory: Callable[[type], Callable[[Any], dict[str, Any]]]) -> None:
    """Set how native dumps are made for a model class (the converter does this)."""
    global _native_factory
    _native_factory = factory


def _native(obj: Any) -> dict[str, Any]:
    cls = obj.__class__
    dump = _native_dumps.get(cls)
    if dump is None:
        assert _native_factory is not None, "lightschema.converter registers the native dump factory"
        with _lock:
            dump = _native_dumps.get(cls) or _native_factory(cls)
            _native_dumps[cls] = dump
    return dump(obj)


def native_datetime(value: _dt.datetime) -> Any:
    """Datetimes orjson writes as the reference does (UTC or naive) stay as they are."""
    tz = value.tzinfo
    if (tz is _UTC or tz is None) and value.__class__ is _dt.datetime:
        return value
    return _hooks.datetime_to_json(value)


def any_fragment(value: Any) -> Any:
    """A value typed ``Any``, written ahead by orjson into a ``Fragment`` the outer call copies:
    its datetimes, dates and times go through the JSON-mode writers, not orjson's (from
    orjson 3.12 on, a time with 10,000-99,999 microseconds loses a zero: ``00:00:00.10000``)."""
    cls = value.__class__
    if cls in PLAIN or ((cls is dict or cls is list) and not value):  # nothing orjson can get wrong
        return value
    assert _orjson is not None, "native dumps are made for orjson only"
    return _orjson.Fragment(_orjson.dumps(value, default=_default, option=_ANY_OPTIONS))


def _default(value: Any) -> Any:
    """What orjson cannot write itself, made JSON-ready as the JSON-mode dump would."""
    dump = _native_dumps.get(value.__class__)
    if dump is not None:
        return dump(value)
    if hasattr(value, "__attrs_attrs__"):
        return _native(value)
    return _infer.any_to_json(value)


def _get_orjson() -> ModuleType | None:
    global _orjson, _orjson_checked, _ORJSON_OPTIONS, _ANY_OPTIONS
    if not _orjson_checked:
        try:
            import orjson as module
        except ImportError:
            _orjson = None
        else:
            _orjson = module
            # dataclasses go to ``_default``: orjson would write attributes that are not fields
            _ORJSON_OPTIONS = module.OPT_UTC_Z | module.OPT_PASSTHROUGH_DATACLASS
            _ANY_OPTIONS = _ORJSON_OPTIONS | module.OPT_PASSTHROUGH_DATETIME
        _orjson_checked = True
    return _orjson


def dumps(obj: Any, json_data: Callable[[], Any], *, indent: int | None = None, fast: bool = True) -> str:
    """JSON text for model ``obj``; ``json_data()`` gives its JSON-mode dump for the stdlib path."""
    orjson = _get_orjson() if fast and indent is None else None
    if orjson is not None:
        try:
            return orjson.dumps(_native(obj), default=_default, option=_ORJSON_OPTIONS).decode()  # type: ignore[no-any-return]
        except TypeError:  # includes orjson.JSONEncodeError: write it the careful way
            pass
    return _stdlib_text(json_data(), indent)


def dump_json(value: Any, *, indent: int | None = None) -> bytes:
    """A model, or a list of models, as the JSON bytes the reference writes (UTF-8).

    The bulk counterpart of ``model_dump_json``: ``dump_json(runs)`` is what
    ``TypeAdapter(list[FlowRun]).dump_json(runs)`` gives with the reference.
    """
    from lightschema._gc import paused

    return paused(_dump_json, value, indent)  # the dicts written out are kept until the text is made


def _dump_json(value: Any, indent: int | None) -> bytes:
    from lightschema.converter import unstructure

    try:
        orjson = _get_orjson() if indent is None else None
        if orjson is not None:
            try:
                native = [_native(v) for v in value] if value.__class__ is list else _native(value)
                return orjson.dumps(native, default=_default, option=_ORJSON_OPTIONS)  # type: ignore[no-any-return]
            except TypeError:
                pass
        return _stdlib_text(unstructure(value), indent).encode()
    except RecursionError:  # a value typed Any that holds itself, or is nested deeper than Python walks
        raise explain_recursion(value) from None


#: the compact encoder, made once (``json.dumps`` with options makes a new one per call)
_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _stdlib_text(data: Any, indent: int | None) -> str:
    encode = (
        _compact.encode
        if indent is None
        else json.JSONEncoder(indent=indent, ensure_ascii=False, allow_nan=False).encode
    )
    try:
        text = encode(data)
    except ValueError:  # NaN or infinity: the reference writes null
        text = encode(_finite(data))
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:  # half a surrogate pair: no UTF-8 text can hold it
            raise _unencodable(data) from None
    return text


def _unencodable(data: Any) -> SerializationError:
    """Where in JSON-ready ``data`` a text (or key) holds half a surrogate pair, and why it
    cannot be written, as the reference says it. Walks without recursing."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            try:
                value.encode()
            except UnicodeEncodeError as exc:
                return SerializationError(f"UnicodeEncodeError: {exc}", path)
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                try:
                    str(key).encode()
                except UnicodeEncodeError as exc:
                    return SerializationError(f"UnicodeEncodeError: {exc}", (*path, key))
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in reversed(list(enumerate(value))))
    return SerializationError("text that cannot be UTF-8")


def _finite(data: Any) -> Any:
    """``data`` with every NaN and infinity replaced by None, as the reference writes them."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_finite(v) for v in data]
    return data


def load_json(data: str | bytes | bytearray, cl: Any) -> Any:
    """Parse JSON text and structure it into ``cl`` (a model, or e.g. ``list[FlowRun]``).

    The bulk counterpart of ``model_validate_json``: ``load_json(body, list[FlowRun])``
    is what ``TypeAdapter(list[FlowRun]).validate_json(body)`` gives with the reference.
    Parses with orjson when it is installed; every failure is a ValidationError.
    """
    from lightschema._base import load_json_text
    from lightschema._gc import paused
    from lightschema.converter import _type_name

    # parsing a large body allocates as much as structuring it; the parse is handed over
    # to be emptied as it is read
    return paused(functools.partial(load_json_text, owned=True), data, cl, _type_name(cl))


def load_json_lines(data: str | bytes | bytearray, cl: Any) -> list[Any]:
    """Parse JSON Lines (one JSON value a line) and structure each line into ``cl``.

    The bulk counterpart of calling ``cl.model_validate_json`` on every line: the
    collector is paused once for the whole input, and each line, and its parse, is
    dropped as soon as its object exists. Blank lines are skipped. Every bad line is
    reported at once, under its line index (``$[0]`` is the first line), so a path
    points at the line whatever blank lines came before it.
    """
    from lightschema._base import orjson_for
    from lightschema._gc import paused
    from lightschema.converter import _hook, _type_name, converter
    from lightschema.errors import ValidationError, detail, json_worded

    title = f"list[{_type_name(cl)}]"
    if isinstance(data, bytearray):
        data = bytes(data)
    if not isinstance(data, (str, bytes)):
        msg = "JSON input should be string, bytes or bytearray"
        raise ValidationError(title, [detail("json_type", (), msg, data)])
    # The whole input checked for long integers once, not line by line; before the split,
    # as the check makes a transient copy of the input.
    orjson = orjson_for(data)
    if isinstance(data, str):
        lines: list[Any] = data.split("\n")  # not splitlines(): U+2028 may sit inside a JSON string
        blank: Any = " \t\r"
    else:
        lines, blank = data.split(b"\n"), b" \t\r"
    item = _hook(cl, converter)
    token = _hooks.json_input.set(True)
    try:
        out, errors = paused(_load_lines, lines, blank, item, title, orjson)
    finally:
        _hooks.json_input.reset(token)
    if errors:
        raise ValidationError.of(title, json_worded(errors))
    return out


def _load_lines(
    lines: list[Any], blank: Any, item: Any, title: str, orjson: ModuleType | None
) -> tuple[list[Any], list[Any]]:
    """Each line parsed and structured: the objects, and the entries of the lines that failed."""
    from lightschema._base import json_depth_error, parse_json_text
    from lightschema.errors import entries

    out = []
    errors = []
    deep = _hooks.deep_json_values
    for index, line in enumerate(lines):
        lines[index] = None  # the split is ours: a line is freed once read
        if not line.strip(blank):
            continue
        seen = deep[0]
        try:
            out.append(item(parse_json_text(line, title, orjson), None))
        except Exception as exc:  # noqa: BLE001 - every failing line is reported
            too_deep = json_depth_error(line)  # the reference's parser stops there, first
            if too_deep is None:
                errors.extend(entries(exc, (index,), None))
                continue
        else:
            if deep[0] == seen:  # no value typed Any nests deep: nothing to measure
                continue
            too_deep = json_depth_error(line)
            if too_deep is None:
                continue
            out.pop()
        kind, _, msg, value = too_deep
        errors.append((kind, (index,), msg, value))
    return out, errors
