"""The private bases every model builds on: ids, timestamps and the ``model_*`` methods.

The classes stay plain frozen attrs classes; validation and serialization live in
the converter (``lightschema.converter``). The methods here only call it, so code
written against Prefect's pydantic models (``model_validate``, ``model_dump``, ...)
keeps working.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import os
import re
import sys
import time
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NewType, TypeVar
from uuid import UUID, uuid4

import attrs

from lightschema import _hooks, _json
from lightschema._hooks import json_input
from lightschema._infer import explain_recursion
from lightschema.errors import Entry, ValidationError, detail, has_lone_surrogate, json_worded

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # typing_extensions comes with cattrs on 3.10
    from typing_extensions import dataclass_transform

if TYPE_CHECKING:
    from cattrs import Converter

__all__ = [
    "DateTime",
    "IDBaseModel",
    "ObjectBaseModel",
    "PrefectBaseModel",
    "TimeSeriesBaseModel",
    "model",
    "now_utc",
    "uuid7",
]

M = TypeVar("M", bound="PrefectBaseModel")
T = TypeVar("T")

#: A timezone-aware datetime as Prefect's ``DateTime`` fields hold it: text that
#: is not ISO 8601 is parsed more loosely, and naive values are read as UTC.
DateTime = NewType("DateTime", datetime.datetime)

ExtraPolicy = Literal["ignore", "forbid", "allow"]


def now_utc() -> datetime.datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.datetime.now(datetime.timezone.utc)


def uuid7() -> UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48 bits of milliseconds, then random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | rand & ((1 << 80) - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return UUID(int=value)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(attrs.field,))
def model(maybe_cls: type[T] | None = None, *, hashable: bool = False) -> Any:
    """Make a model class: frozen, slotted, keyword-only attrs; unhashable unless asked.

    Like the reference's pydantic models, instances are unhashable unless the
    class defines ``__hash__`` itself or is declared ``hashable``.
    """

    def wrap(cls: type[T]) -> type[T]:
        return attrs.frozen(cls, kw_only=True, unsafe_hash=bool(hashable), weakref_slot=False)

    return wrap if maybe_cls is None else wrap(maybe_cls)


@functools.cache
def _converter_module() -> ModuleType:
    """``lightschema.converter``, imported on first use (it loads cattrs).

    Cached, because an import statement inside a function costs microseconds on
    every call, as much as reading a small model.
    """
    import lightschema.converter as module

    return module


def _converter() -> Converter:
    return _converter_module().converter  # type: ignore[no-any-return]


def _structure(obj: Any, cl: Any) -> Any:
    return _converter_module().structure(obj, cl)


def load_json_text(data: str | bytes | bytearray, cl: Any, title: str, *, owned: bool = False) -> Any:
    """Parse JSON text and structure it into ``cl``, with pydantic's depth limit for JSON text.

    ``owned``: the parse is this call's own, and may be emptied as it is read (bulk lists).
    """
    parsed = validate_json_text(data, title)
    seen = _hooks.deep_json_values[0]
    try:
        value = structure_json_value(parsed, cl, owned=owned)
    except ValidationError:
        too_deep = json_depth_error(data)  # the reference's parser stops there, before any field
        if too_deep is None:
            raise
    else:
        if _hooks.deep_json_values[0] == seen:
            return value
        too_deep = json_depth_error(data)  # a value typed Any nests deep: measure the text
        if too_deep is None:
            return value
    raise ValidationError.of(title, [too_deep])


#: pydantic's JSON parser (jiter) reads no value more than this many levels from the top
MAX_JSON_DEPTH = 201
_JSON_TOKENS = re.compile(r'[\[{]|[\]}]|"(?:[^"\\]|\\.)*"|[^\s,:\[\]{}"]+')
_JSON_TOKENS_BYTES = re.compile(_JSON_TOKENS.pattern.encode())


def json_depth_error(data: Any) -> Entry | None:
    """The reference's error for JSON text nested deeper than its parser reads, at the first
    value past the limit; None when ``data`` is not that deep (or not text)."""
    if isinstance(data, bytearray):
        data = bytes(data)
    at = json_depth_offset(data)
    return None if at is None else _depth_detail(data, at)


def json_depth_offset(data: Any) -> int | None:
    """Where in JSON text the first value nested deeper than the reference's parser reads
    begins; None when there is none (or ``data`` is not text)."""
    if isinstance(data, bytearray):
        data = bytes(data)
    tokens: Any
    opening: Any
    closing: Any
    if isinstance(data, bytes):
        openers, tokens, opening, closing = data.count(b"[") + data.count(b"{"), _JSON_TOKENS_BYTES, b"[{", b"]}"
    elif isinstance(data, str):
        openers, tokens, opening, closing = data.count("[") + data.count("{"), _JSON_TOKENS, "[{", "]}"
    else:
        return None
    if openers < MAX_JSON_DEPTH:
        return None
    # per open container: None for an array; for an object, whether its next token is a key
    open_: list[bool | None] = []
    for match in tokens.finditer(data):
        first = match.group()[:1]  # one character, or one byte as bytes
        if first in closing:
            if open_:
                open_.pop()
            continue
        if open_ and open_[-1]:
            open_[-1] = False  # a key: the value comes next
            continue
        if len(open_) >= MAX_JSON_DEPTH:  # a value inside 201 open containers
            return int(match.start())
        if open_ and open_[-1] is False:
            open_[-1] = True
        if first in opening:
            open_.append(True if first in (b"{", "{") else None)
    return None


def _depth_detail(data: str | bytes, at: int) -> Entry:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, at) + 1
    column = at - data.rfind(newline, 0, at)
    msg = f"Invalid JSON: recursion limit exceeded at line {line} column {column}"
    return detail("json_invalid", (), msg, data)


def structure_json_value(parsed: Any, cl: Any, *, owned: bool = False) -> Any:
    """Structure what JSON text parsed to, with pydantic's JSON-input rules and wording.

    A few inputs only JSON can't mean are turned down (``true`` as a duration, integers
    past 64 bits as times), and messages say "object" and "array" as the reference's do.
    """
    token = json_input.set(True)
    try:
        return _converter_module().structure(parsed, cl, owned=owned)
    except ValidationError as exc:
        title, found = exc.title, json_worded(exc._entries)  # reworded as they are, not copied
    finally:
        json_input.reset(token)
    # raised outside the handler, so that it holds neither that error nor its frames
    raise ValidationError.of(title, found)


#: every digit read as "0", so that a run of digits is a run of zeros ``bytes.find`` sees
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_DIGIT_RUN = b"0" * 19
#: what may precede a number token in JSON (after an optional minus sign)
_BEFORE_NUMBER = b":[, \t\n\r"


def _has_long_integer(data: bytes) -> bool:
    """Whether a number token in JSON text has 19 digits or more (orjson reads those as floats).

    Digit runs inside strings (hex ids, hashes) do not count: a run counts only where a
    number can start. Translating then searching runs in C; a regular expression over the
    same text costs several times the parse.
    """
    digits = data.translate(_DIGITS_AS_ZERO)
    at = digits.find(_DIGIT_RUN)
    while at >= 0:
        start = at - 1 if at and digits[at - 1] == 0x2D else at  # 0x2D: a minus sign
        if start == 0 or digits[start - 1] in _BEFORE_NUMBER:
            return True
        at = digits.find(_DIGIT_RUN, at + 19)  # past this run's first 19 digits: no other run starts there
    return False


def orjson_for(data: str | bytes) -> ModuleType | None:
    """orjson, when it is installed and reads every number in ``data`` as ``json`` does."""
    orjson = _json._get_orjson()
    if orjson is None:
        return None
    if _has_long_integer(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")):
        return None
    return orjson


def validate_json_text(data: str | bytes | bytearray, title: str) -> Any:
    """Parse JSON text, turning every parse failure into a ValidationError."""
    return parse_json_text(data, title, orjson_for(data) if isinstance(data, (str, bytes)) else None)


def parse_json_text(data: str | bytes | bytearray, title: str, orjson: ModuleType | None) -> Any:
    """``validate_json_text`` with the caller's ``orjson_for`` decision (None: ``json`` only).

    Anything orjson refuses (NaN literals, huge exponents, lone surrogates, bad input)
    is left to ``json``, which accepts or reports it; long integers too, since orjson
    turns integers past 64 bits into floats.
    """
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    try:
        if isinstance(data, (bytes, bytearray)):
            data = bytes(data).decode("utf-8")
        parsed = json.loads(data)
    except UnicodeDecodeError as exc:
        msg = f"Invalid JSON: invalid UTF-8 at byte {exc.start}"
        raise ValidationError(title, [detail("json_invalid", (), msg, data)]) from None
    except json.JSONDecodeError as exc:
        at = json_depth_offset(exc.doc)
        if at is not None and at < exc.pos:  # the reference's parser stops at what it meets first
            raise ValidationError(title, [_depth_detail(exc.doc, at)]) from None
        msg = f"Invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise ValidationError(title, [detail("json_invalid", (), msg, data)]) from None
    except RecursionError:
        too_deep = json_depth_error(data)
        if too_deep is None:  # not text this module walks: keep the message short
            too_deep = detail("json_invalid", (), "Invalid JSON: nested too deeply", None)
        raise ValidationError(title, [too_deep]) from None
    except TypeError:
        msg = "JSON input should be string, bytes or bytearray"
        raise ValidationError(title, [detail("json_type", (), msg, data)]) from None
    except ValueError:  # an integer literal longer than Python will convert
        msg = "Invalid JSON: number out of range"
        raise ValidationError(title, [detail("json_invalid", (), msg, data)]) from None
    if _SURROGATE_ESCAPE.search(data) and not _all_text_encodable(parsed):
        msg = "Invalid JSON: lone surrogate in string"
        raise ValidationError(title, [detail("json_invalid", (), msg, data)])
    return parsed


#: a ``\uD800``-``\uDFFF`` escape; only text holding one can decode to a lone surrogate
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _all_text_encodable(value: Any) -> bool:
    """Whether every key and string in parsed JSON is valid Unicode (no lone surrogate halves)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                return False
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
    return True


class PrefectBaseModel:
    """Behaviour shared by every model: validation, dumping, copying, equality rules."""

    __slots__ = ()

    #: fields that ``reset_fields`` restores and equality ignores
    _reset_fields: ClassVar[frozenset[str]] = frozenset()
    #: what happens to keys the model does not know: ignored, rejected, or kept
    _extra: ClassVar[ExtraPolicy] = "ignore"
    #: whether validation also reads the fields of an object's attributes, as the reference's
    #: API objects (``from_attributes``) do
    _from_attributes: ClassVar[bool] = False

    # -- reading -----------------------------------------------------------------

    @classmethod
    def model_validate(cls: type[M], obj: Any) -> M:
        """Structure a dict (as parsed from JSON) into this model, or raise ValidationError."""
        return _structure(obj, cls)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_json(cls: type[M], data: str | bytes | bytearray) -> M:
        """Parse JSON text and structure it into this model."""
        return load_json_text(data, cls, cls.__name__)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_list(cls: type[M], obj: Any) -> list[M]:
        """Structure a list of dicts; errors carry the index: ``$[3].state.type``."""
        return _structure(obj, list[cls])  # type: ignore[no-any-return, valid-type]

    # -- writing -----------------------------------------------------------------

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        include: Any = None,
        exclude: Any = None,
        exclude_none: bool = False,
        exclude_defaults: bool = False,
        by_alias: bool | None = None,
    ) -> dict[str, Any]:
        """This model as a dict: native values (``python``) or JSON-ready ones (``json``).

        ``exclude_none`` and ``exclude_defaults`` apply to this model and every model it
        holds, in lists and dicts too. ``by_alias`` changes nothing: no field has an alias.
        """
        converter = _converter_module()
        if mode not in ("json", "python"):
            raise ValueError(f"mode must be 'python' or 'json', got {mode!r}")
        try:
            data = converter.json_dump(self) if mode == "json" else converter.unstructure_python(self)
        except RecursionError:  # a value typed Any that holds itself, or is nested deeper than Python walks
            raise explain_recursion(self) from None
        if exclude_none or exclude_defaults:
            data = _prune(data, self, none=exclude_none, defaults=exclude_defaults)
        if include is not None or exclude is not None:
            data = filter_dump(data, include, exclude)
        return data  # type: ignore[no-any-return]

    def model_dump_json(
        self,
        *,
        include: Any = None,
        exclude: Any = None,
        exclude_none: bool = False,
        exclude_defaults: bool = False,
        by_alias: bool | None = None,
        indent: int | None = None,
    ) -> str:
        """This model as JSON text, the way the reference writes it (compact unless ``indent``).

        Uses orjson when it is installed (the ``fast`` extra), the stdlib otherwise.
        """

        def json_data() -> Any:
            return self.model_dump(
                mode="json",
                include=include,
                exclude=exclude,
                exclude_none=exclude_none,
                exclude_defaults=exclude_defaults,
            )

        plain = include is None and exclude is None and not exclude_none and not exclude_defaults
        return _json.dumps(self, json_data, indent=indent, fast=plain)

    # -- copying -----------------------------------------------------------------

    def model_copy(self: M, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> M:
        """A new frozen instance with ``update`` applied; ``deep`` copies nested values."""
        source = copy.deepcopy(self) if deep else self
        if not update:
            return source if deep else copy.copy(self)
        known = _field_names(type(self))
        unknown = {k: v for k, v in update.items() if k not in known}
        if unknown and self._extra != "allow":
            raise ValueError(f"{type(self).__name__} has no field(s) {sorted(unknown)}")
        copied = _evolve(source, {k: v for k, v in update.items() if k in known})
        if unknown:  # a model that keeps unknown keys takes them from the update too
            object.__setattr__(copied, "model_extra", {**getattr(copied, "model_extra", {}), **unknown})
        return copied

    def reset_fields(self: M) -> M:
        """A copy with the reset fields (id, created, updated) back at their defaults."""
        fields = attrs.fields_dict(_attrs_class(self))
        return _evolve(self, {name: _field_default(self, fields[name]) for name in self._reset_fields})

    @classmethod
    def model_construct(cls: type[M], **values: Any) -> M:
        """An instance holding ``values`` as they are, unchecked and unconverted, the other
        fields at their defaults (pydantic's ``model_construct``: for trusted data only).
        Unknown names are kept in ``model_extra`` where the model keeps unknown keys, else dropped."""
        obj: M = object.__new__(cls)
        for a in attrs.fields(_attrs_class(obj)):
            if a.name == "model_extra":
                continue
            value = values[a.name] if a.name in values else _field_default(obj, a)
            if value is not attrs.NOTHING:  # a required field not given stays unset, as in the reference
                object.__setattr__(obj, a.name, value)
        if cls._extra == "allow":
            known = _field_names(cls)
            object.__setattr__(obj, "model_extra", {k: v for k, v in values.items() if k not in known})
        return obj

    @classmethod
    def model_json_schema(cls, mode: Literal["validation", "serialization"] = "validation") -> dict[str, Any]:
        """This model's JSON Schema, in the shape pydantic gives the reference's."""
        from lightschema._schema import model_json_schema

        return model_json_schema(cls, mode)

    @classmethod
    def model_fields(cls) -> tuple[str, ...]:
        """The field names, in wire order."""
        return tuple(a.name for a in attrs.fields(cls) if a.init)  # type: ignore[arg-type]


def _evolve(obj: M, update: Mapping[str, Any]) -> M:
    """``attrs.evolve`` that also carries the unknown keys a model keeps (``model_extra``)."""
    new: M = attrs.evolve(obj, **update)  # type: ignore[misc]
    extra = getattr(obj, "model_extra", None)
    if extra:
        object.__setattr__(new, "model_extra", dict(extra))
    return new


def _attrs_class(obj: Any) -> Any:
    """The class of a model instance, typed loosely: mypy cannot see that ``@model`` makes attrs classes."""
    return type(obj)


def _field_names(cls: type) -> set[str]:
    return {a.name for a in attrs.fields(cls) if a.init}


def filter_dump(data: Any, include: Any, exclude: Any) -> Any:
    """Apply pydantic's ``include``/``exclude`` to a dump: sets or dicts of field names, dict
    keys or list indexes (negative ones from the end), ``True``/``...`` for a whole entry,
    nested specs for its parts, and ``__all__`` for every entry, merged with the named ones."""
    if isinstance(data, dict):
        keys: Any = list(data)
    elif isinstance(data, (list, tuple)):
        keys = range(len(data))
    else:
        return data
    inc = _entries(include, keys, "include")
    exc = _entries(exclude, keys, "exclude")
    kept = []
    for key in keys:
        next_exc = _rule(exc[key], "exclude") if exc is not None and key in exc else None
        if next_exc is True:
            continue
        if inc is not None and key not in inc:
            continue
        next_inc = _rule(inc[key], "include") if inc is not None else None
        value = data[key]
        if next_inc not in (None, True) or next_exc is not None:
            value = filter_dump(value, None if next_inc is True else next_inc, next_exc)
        kept.append((key, value))
    if isinstance(data, dict):
        return dict(kept)
    return type(data)(value for _, value in kept) if isinstance(data, tuple) else [value for _, value in kept]


def _entries(spec: Any, keys: Any, name: str) -> dict[Any, Any] | None:
    """``spec`` as {key: True or a nested spec}, with ``__all__`` spread over ``keys``."""
    if spec is None:
        return None
    if isinstance(spec, (set, frozenset, list, tuple)):
        spec = dict.fromkeys(spec, True)
    elif not isinstance(spec, Mapping):
        raise TypeError(f"`{name}` argument must be a set or dict.")
    length = len(keys) if isinstance(keys, range) else None
    out: dict[Any, Any] = {}
    every = None
    for key, rule in spec.items():  # rules are checked when used, as pydantic checks them
        if key == "__all__":
            every = rule
            continue
        if length is not None and isinstance(key, int) and key < 0:
            key += length
        out[key] = rule if key not in out else _merge(rule, out[key], name)
    if every is not None:
        every = _rule(every, name)
        for key in keys:
            current = out.get(key)
            if every is True:
                out.setdefault(key, True)
            elif current is None or _rule(current, name) is not True:
                out[key] = _merge(every, current or {}, name)
    return out


def _rule(rule: Any, name: str) -> Any:
    if rule is None or rule is True or rule is Ellipsis:
        return True
    if isinstance(rule, (set, frozenset)):
        return dict.fromkeys(rule, True)
    if isinstance(rule, Mapping):
        return rule
    raise TypeError(f"`{name}` argument must be a set or dict.")


def _merge(base: Any, override: Any, name: str) -> Any:
    """Two specs for one entry, as pydantic merges them: ``True`` wins over a nested spec
    it meets; nested specs are joined key by key."""
    if override is None:
        return base
    base, override = _rule(base, name), _rule(override, name)
    if base is True or override is True:
        return True if base is True and override is True else (override if base is True else base)
    merged = {key: _merge(base[key], override.get(key), name) for key in base}
    merged.update({key: _rule(value, name) for key, value in override.items() if key not in base})
    return merged


def _prune(data: Any, obj: Any, *, none: bool, defaults: bool) -> Any:
    """Leave out, in every model's dump, the fields that are None (``none``) or equal to their
    default (``defaults``): ``data`` is the dump of ``obj``, walked side by side with it."""
    if isinstance(obj, PrefectBaseModel) and isinstance(data, dict):
        fields = attrs.fields_dict(_attrs_class(obj))
        out = {}
        for key, value in data.items():
            field = fields.get(key)
            if (none and value is None) or (defaults and field is not None and _is_default(obj, field)):
                continue
            out[key] = _prune(value, getattr(obj, key, None), none=none, defaults=defaults)
        return out
    if isinstance(data, list) and isinstance(obj, (list, tuple)) and len(data) == len(obj):
        return [_prune(d, o, none=none, defaults=defaults) for d, o in zip(data, obj, strict=True)]
    if isinstance(data, dict) and isinstance(obj, dict) and len(data) == len(obj):
        return {
            k: _prune(d, o, none=none, defaults=defaults) for (k, d), o in zip(data.items(), obj.values(), strict=True)
        }
    return data


def _is_default(obj: Any, field: attrs.Attribute[Any]) -> bool:
    default = _field_default(obj, field)
    return default is not attrs.NOTHING and bool(getattr(obj, field.name) == default)


def _field_default(obj: Any, field: attrs.Attribute[Any]) -> Any:
    """The value ``field`` takes when not given (a factory called, with ``obj`` if it takes
    self); ``attrs.NOTHING`` for a required field."""
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory(obj) if default.takes_self else default.factory()
    return default


@model
class IDBaseModel(PrefectBaseModel):
    """A model with a random uuid4 ``id``, reset on copy and ignored by equality."""

    _reset_fields: ClassVar[frozenset[str]] = frozenset({"id"})

    id: UUID = attrs.field(factory=uuid4, eq=False)


@model
class TimeSeriesBaseModel(IDBaseModel):
    """A model whose ``id`` is a time-ordered uuid7: runs, states and logs."""

    id: UUID = attrs.field(factory=uuid7, eq=False)


@model
class ObjectBaseModel(IDBaseModel):
    """A model with ``id``, ``created`` and ``updated``, all ignored by equality."""

    _reset_fields: ClassVar[frozenset[str]] = frozenset({"id", "created", "updated"})
    _from_attributes: ClassVar[bool] = True

    created: DateTime | None = attrs.field(default=None, eq=False, repr=False)
    updated: DateTime | None = attrs.field(default=None, eq=False, repr=False)


@model
class TimeSeriesObjectBaseModel(TimeSeriesBaseModel):
    """``ObjectBaseModel`` with a time-ordered uuid7 ``id``: states and runs."""

    _reset_fields: ClassVar[frozenset[str]] = frozenset({"id", "created", "updated"})
    _from_attributes: ClassVar[bool] = True

    created: DateTime | None = attrs.field(default=None, eq=False, repr=False)
    updated: DateTime | None = attrs.field(default=None, eq=False, repr=False)
