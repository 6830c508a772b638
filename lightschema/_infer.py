"""Values of fields typed ``Any`` (parameters, job variables, state data), written as
pydantic infers them: JSON-ready in JSON mode, rebuilt containers in python mode.

pydantic decides by the value's class: exact builtins first, then pydantic models,
dataclasses, enums and iterators by the class itself, then the builtin or stdlib type
the class derives from; anything else is an unknown type and an error in JSON mode.
That decision is made once per class here and kept (``_json_writer``/``_python_writer``);
plain JSON values never get that far.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import Enum, EnumMeta
from types import GeneratorType
from typing import Any
from uuid import UUID

import attrs

from lightschema._hooks import datetime_to_json, offset_to_json, timedelta_to_json, uuid_to_json
from lightschema.errors import SerializationError

__all__ = ["any_to_json", "any_to_python", "explain_recursion"]

Writer = Callable[[Any], Any]

#: JSON-ready as they are (floats are checked)
PLAIN = frozenset({str, int, bool, type(None)})
_CACHE_SIZE = 1024  # classes whose writer is kept; cleared when full (classes can be made at run time)


def any_to_json(value: Any) -> Any:
    """A value typed ``Any``, JSON-ready as the reference's JSON mode writes it (NaN and
    infinity become None; tuples, sets and iterators lists; keys text)."""
    cls = value.__class__
    if cls in PLAIN:
        return value
    if cls is float:
        return value if math.isfinite(value) else None
    if cls is dict:
        out = {}
        try:
            for k, v in value.items():
                if k.__class__ is not str:
                    k = _key_to_json(k)
                out[k] = v if v.__class__ in PLAIN else any_to_json(v)
        except SerializationError as exc:
            raise exc.at(k) from None
        return out
    if cls is list or cls is tuple:
        return _items_to_json(value)
    writer = _json_writers.get(cls)
    if writer is None:
        writer = _remember(_json_writers, cls, _json_writer(cls))
    return writer(value)


def _items_to_json(value: Iterable[Any]) -> list[Any]:
    items = value if value.__class__ is list or value.__class__ is tuple else list(value)
    try:
        return [v if v.__class__ in PLAIN else any_to_json(v) for v in items]
    except SerializationError:  # which item: written again one by one, on the failure path only
        for index, v in enumerate(items):
            try:
                any_to_json(v)
            except SerializationError as exc:
                raise exc.at(index) from None
        raise


def _dict_to_json(value: dict[Any, Any]) -> dict[str, Any]:
    out = {}
    try:
        for k, v in dict.items(value):
            out[_key_to_json(k)] = any_to_json(v)
    except SerializationError as exc:
        raise exc.at(k) from None
    return out


def _remember(cache: dict[type, Writer], cls: type, writer: Writer) -> Writer:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[cls] = writer
    return writer


_json_writers: dict[type, Writer] = {}
_python_writers: dict[type, Writer] = {}


# -- the decision, once per class --------------------------------------------------


def _is_pydantic_model(cls: type) -> bool:
    serializer = getattr(cls, "__pydantic_serializer__", None)
    return serializer is not None and type(serializer).__name__ == "SchemaSerializer"


def _is_pydantic_url(cls: type) -> bool:
    return cls.__module__ == "pydantic_core._pydantic_core" and cls.__name__ in ("Url", "MultiHostUrl")


def _loaded(module: str, *names: str) -> tuple[type, ...]:
    """Classes of a stdlib module, if it is loaded: a value of a class derived from them can
    only exist if it is, so nothing is imported to decide."""
    found = sys.modules.get(module)
    return tuple(getattr(found, name) for name in names) if found is not None else ()


def _by_class(cls: type) -> str | None:
    """What the class itself makes the value, before its bases are looked at (pydantic's order)."""
    if _is_pydantic_model(cls):
        return "pydantic"
    if hasattr(cls, "__attrs_attrs__"):
        return "attrs"
    if isinstance(getattr(cls, "__dataclass_fields__", None), dict):
        return "dataclass"
    if type(cls) is EnumMeta:
        return "enum"
    if hasattr(cls, "__next__"):
        return "iterator"
    if _is_pydantic_url(cls):
        return "text"
    return None


def _by_base(cls: type) -> str | None:
    """The builtin or stdlib type ``cls`` derives from, in pydantic's order."""
    kinds: list[tuple[tuple[type, ...], str]] = [
        ((int,), "int"),
        ((str,), "str"),
        ((bytes, bytearray), "bytes"),
        ((list, tuple, set, frozenset), "items"),
        ((dict,), "dict"),
        ((float,), "float"),
        (_loaded("collections", "deque"), "items"),
        ((_dt.datetime,), "datetime"),
        ((_dt.date,), "date"),
        ((_dt.time,), "time"),
        ((_dt.timedelta,), "timedelta"),
        (_loaded("decimal", "Decimal"), "text"),
        (_loaded("fractions", "Fraction"), "fraction"),
        ((UUID,), "uuid"),
        ((Enum,), "enum"),
        ((GeneratorType,), "iterator"),
        (_loaded("pathlib", "Path"), "text"),
        (_loaded("re", "Pattern"), "pattern"),
        ((complex,), "complex"),
        (_loaded("ipaddress", "IPv4Address", "IPv6Address", "IPv4Network", "IPv6Network"), "text"),
    ]
    for bases, kind in kinds:
        if bases and issubclass(cls, bases):
            return kind
    return None


def _kind(cls: type) -> str | None:
    if issubclass(cls, type):  # a class is not a value pydantic can write
        return None
    return _by_class(cls) or _by_base(cls)


def _json_writer(cls: type) -> Writer:
    kind = _kind(cls)
    return _unknown if kind is None else _JSON_KINDS[kind]


def _unknown(value: Any) -> Any:
    raise SerializationError(f"Unable to serialize unknown type: {type(value)!r}")


# -- JSON mode ---------------------------------------------------------------------


def _pydantic_to_json(value: Any) -> Any:
    return type(value).__pydantic_serializer__.to_python(value, mode="json")


def _attrs_to_json(value: Any) -> Any:
    from lightschema.converter import json_dump

    return json_dump(value)


def _dataclass_to_json(value: Any) -> dict[str, Any]:
    fields = sys.modules["dataclasses"].fields(value)
    out = {}
    try:
        for field in fields:
            name = field.name
            out[name] = any_to_json(getattr(value, name))
    except AttributeError:
        raise SerializationError(f"{type(value).__name__} has no attribute {name!r}").at(name) from None
    except SerializationError as exc:
        raise exc.at(name) from None
    return out


def _float_to_json(value: float) -> float | None:
    number = float.__float__(value)
    return number if math.isfinite(number) else None


def _bytes_to_json(value: bytes | bytearray) -> str:
    try:
        return bytes(value).decode()
    except UnicodeDecodeError as exc:
        raise SerializationError(f"bytes are not UTF-8: {exc.reason} at {exc.start}") from None


def _uuid_to_json(value: UUID) -> str:
    return UUID.__str__(value)


def _time_to_json(value: _dt.time) -> str:
    """ISO 8601 with ``Z`` for UTC and offsets in whole minutes, as for datetimes."""
    offset = value.utcoffset()
    text = value.replace(tzinfo=None).isoformat()
    return text if offset is None else text + offset_to_json(offset)


def _pattern_to_json(value: Any) -> str:
    return str(value.pattern)


def _fraction_to_python(value: Any) -> str:
    return str(value)


def _rust_float(value: float) -> str:
    """A float as Rust's ``Display`` writes it (pydantic's complex numbers and duration keys):
    shortest digits, no exponent, no trailing ``.0``, ``inf`` and ``NaN``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = repr(value)
    if "e" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def _complex_to_json(value: complex) -> str:
    """``1+2j``, ``2j``, ``1-0j``: pydantic's text for a complex number."""
    real, imag = value.real, value.imag
    imag_text = _rust_float(imag)
    if real == 0:
        return f"{imag_text}j"
    sign = "" if imag_text.startswith("-") else "+"
    return f"{_rust_float(real)}{sign}{imag_text}j"


_JSON_KINDS: dict[str, Writer] = {
    "pydantic": _pydantic_to_json,
    "attrs": _attrs_to_json,
    "dataclass": _dataclass_to_json,
    "enum": lambda value: any_to_json(value.value),
    "iterator": _items_to_json,
    "items": _items_to_json,
    "dict": _dict_to_json,
    "int": int.__int__,
    "str": str.__str__,
    "float": _float_to_json,
    "bytes": _bytes_to_json,
    "datetime": datetime_to_json,
    "date": _dt.date.isoformat,
    "time": _time_to_json,
    "timedelta": timedelta_to_json,
    "uuid": _uuid_to_json,
    "text": str,
    "fraction": str,
    "pattern": _pattern_to_json,
    "complex": _complex_to_json,
}
_json_writers.update({UUID: uuid_to_json, _dt.datetime: datetime_to_json})


# -- JSON mode: keys -----------------------------------------------------------------


def _key_to_json(key: Any) -> str:
    """A dict key as pydantic writes it: ``true``, ``None``, ``1.5``, ``1,2`` for a tuple;
    a set, a dict or an iterator is refused."""
    cls = key.__class__
    if cls is str:
        return str(key)
    if cls is bool:
        return "true" if key else "false"
    if key is None:
        return "None"
    kind = _kind(cls)
    if kind == "items" and isinstance(key, tuple):
        return ",".join(_key_to_json(k) for k in key)
    if kind in ("int", "float"):
        return str(key) if math.isfinite(key) else "None"
    if kind == "enum":
        return _key_to_json(key.value)
    if kind == "timedelta":
        return _rust_float(timedelta_to_json(key))
    if kind in ("dataclass", "pydantic", "attrs"):
        return str(key)
    if kind in ("items", "dict", "iterator"):
        raise SerializationError(f"`{cls.__name__}` not valid as object key")
    if kind is None:
        raise SerializationError(f"Unable to serialize unknown type: {cls!r}")
    text = _JSON_KINDS[kind](key)
    return text if isinstance(text, str) else str(text)


# -- python mode ---------------------------------------------------------------------


def any_to_python(value: Any) -> Any:
    """A value typed ``Any`` as the reference's python mode gives it: containers rebuilt
    (tuples stay tuples), models and dataclasses as dicts, other values as they are."""
    cls = value.__class__
    if cls in PLAIN or cls is float:
        return value
    if cls is dict:
        return {k if k.__class__ is str else _key_to_python(k): any_to_python(v) for k, v in value.items()}
    if cls is list:
        return [any_to_python(v) for v in value]
    writer = _python_writers.get(cls)
    if writer is None:
        writer = _remember(_python_writers, cls, _python_writer(cls))
    return writer(value)


def _key_to_python(key: Any) -> Any:
    """Keys stay as they are, but for tuples (rebuilt, items through python mode) and fractions."""
    cls = key.__class__
    if cls in PLAIN or cls is float:
        return key
    return any_to_python(key) if _kind(cls) in ("items", "fraction") else key


def _same(value: Any) -> Any:
    return value


def _model_to_python(value: Any) -> dict[str, Any]:
    from lightschema.converter import python_fields

    names = python_fields(type(value))
    try:
        data = {name: any_to_python(getattr(value, name)) for name in names}
    except AttributeError:  # fields never set (``model_construct``) are left out, as in the reference
        data = {name: any_to_python(getattr(value, name)) for name in names if hasattr(value, name)}
    extra = getattr(value, "model_extra", None)
    if extra:
        data.update({k: any_to_python(v) for k, v in extra.items()})
    return data


def _dataclass_to_python(value: Any) -> dict[str, Any]:
    return {f.name: any_to_python(getattr(value, f.name)) for f in sys.modules["dataclasses"].fields(value)}


def _items_to_python(cls: type) -> Writer:
    """Each item through python mode, into the container type pydantic rebuilds."""
    if issubclass(cls, tuple):
        return lambda value: tuple(any_to_python(v) for v in value)
    if issubclass(cls, frozenset):
        return lambda value: frozenset(any_to_python(v) for v in value)
    if issubclass(cls, set):
        return lambda value: {any_to_python(v) for v in value}
    for deque in _loaded("collections", "deque"):
        if issubclass(cls, deque):
            return lambda value: deque((any_to_python(v) for v in value), value.maxlen)
    return lambda value: [any_to_python(v) for v in value]


def _dict_to_python(cls: type) -> Writer:
    make: Callable[[Any], Any] = dict
    for special in _loaded("collections", "OrderedDict", "Counter"):
        if issubclass(cls, special):
            make = special
    return lambda value: make({_key_to_python(k): any_to_python(v) for k, v in dict.items(value)})


def _python_writer(cls: type) -> Writer:
    from lightschema._base import PrefectBaseModel

    kind = _kind(cls)
    if kind == "pydantic":
        return lambda value: type(value).__pydantic_serializer__.to_python(value)
    if issubclass(cls, PrefectBaseModel):
        return _model_to_python
    if kind == "dataclass":
        return _dataclass_to_python
    if kind == "iterator":  # lazily, as the reference's python mode does
        return lambda value: map(any_to_python, value)
    if kind == "items":
        return _items_to_python(cls)
    if kind == "dict":
        return _dict_to_python(cls)
    if kind == "fraction":
        return _fraction_to_python
    return _same


#: how deep the reference's serializer writes before it gives up
MAX_WRITE_DEPTH = 255


def explain_recursion(value: Any) -> SerializationError:
    """Why writing ``value`` ran out of stack: the path to a container that holds itself, or
    to the first one nested deeper than the reference writes. Walks without recursing, so
    that it can run where the writer could not; only called on that failure path."""
    on_path = {id(value)}
    stack: list[tuple[Any, Iterator[tuple[Any, Any]], tuple[Any, ...]]] = [(value, _children(value), ())]
    while stack:
        node, children, path = stack[-1]
        step = next(children, None)
        if step is None:
            stack.pop()
            on_path.discard(id(node))
            continue
        key, child = step
        if not _has_children(child):
            continue
        where = (*path, key if isinstance(key, (str, int)) else repr(key))
        if id(child) in on_path:
            return SerializationError("Circular reference detected (id repeated)", where)
        if len(stack) >= MAX_WRITE_DEPTH:
            return SerializationError("Maximum serialization depth exceeded", where)
        on_path.add(id(child))
        stack.append((child, _children(child), where))
    return SerializationError("Maximum serialization depth exceeded")


def _has_children(value: Any) -> bool:
    return isinstance(value, (dict, list, tuple, set, frozenset)) or (
        not isinstance(value, type) and (attrs.has(type(value)) or dataclasses.is_dataclass(value))
    )


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    """(key, child) pairs: a dict's items, a sequence's indexes, a model's or dataclass's fields."""
    if isinstance(value, dict):
        return iter(list(value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        return enumerate(list(value))
    if attrs.has(type(value)):
        names = [a.name for a in attrs.fields(type(value))]
    else:
        names = [f.name for f in dataclasses.fields(value)]
    return iter([(name, getattr(value, name, None)) for name in names])
