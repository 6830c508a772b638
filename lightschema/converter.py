"""The converter: one cattrs ``Converter`` that structures and unstructures every model.

``make_converter()`` builds one and ``configure_converter(c)`` teaches an existing
converter the wire format. ``converter``, ``structure`` and ``unstructure`` are the
ready-made default. Per-class structure and unstructure functions are generated
by cattrs the first time a class is used, with every field hook chosen then, so
the hot path is straight-line code with no per-value dispatch.
"""

from __future__ import annotations

import datetime
import functools
import threading
import types
import typing
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, Literal, TypeVar, Union
from uuid import UUID

import attrs
from cattrs import Converter
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, override

from lightschema import _hooks, _infer
from lightschema._base import DateTime, PrefectBaseModel
from lightschema._cattrs_errors import entries
from lightschema._codegen import DumpPlan, LoadPlan, make_dump, make_load
from lightschema._fields import CHECK, OMIT, STRUCTURE, UNSTRUCTURE
from lightschema._gc import paused
from lightschema._json import _native, any_fragment, native_datetime, register_native_dump
from lightschema.errors import Entry, InvalidValue, ValidationError

__all__ = [
    "CHECK",
    "OMIT",
    "STRUCTURE",
    "UNSTRUCTURE",
    "configure_converter",
    "converter",
    "json_dump",
    "make_converter",
    "structure",
    "unstructure",
    "unstructure_python",
]

T = TypeVar("T")


_NONE = type(None)
#: lists longer than this are structured with the cyclic collector paused
_BULK = 64
_build_lock = threading.RLock()


def _is_model(tp: Any) -> bool:
    cls = typing.get_origin(tp) or tp
    return isinstance(cls, type) and issubclass(cls, PrefectBaseModel) and attrs.has(cls)


def _model_target(tp: Any) -> tuple[Any, Any]:
    """The model class and what to generate code for (a generic model with ``Any`` filled in)."""
    cls = typing.get_origin(tp) or tp
    params = getattr(cls, "__parameters__", ())
    return cls, cls[tuple(Any for _ in params)] if params else cls


def _is_optional(tp: Any) -> bool:
    args = typing.get_args(tp)
    return _is_union(tp) and _NONE in args


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is Literal


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


def _is_exactly(expected: Any) -> Callable[[Any], bool]:
    return lambda tp: tp is expected


def _origin_is(*origins: Any) -> Callable[[Any], bool]:
    return lambda tp: typing.get_origin(tp) in origins


# -- structuring ---------------------------------------------------------------

_SCALAR_HOOKS: dict[Any, _hooks.Hook] = {
    str: _hooks.structure_str,
    int: _hooks.structure_int,
    float: _hooks.structure_float,
    bool: _hooks.structure_bool,
    UUID: _hooks.structure_uuid,
    datetime.datetime: _hooks.structure_naive_datetime,
    DateTime: _hooks.structure_datetime,
    datetime.timedelta: _hooks.structure_timedelta,
    Any: _hooks.structure_any,
}


@functools.cache
def _enum_hook(tp: type[Enum]) -> _hooks.Hook:
    return _hooks.make_enum_hook(tp)


def _structure_str_or_enum(value: Any, tp: Any = str) -> Any:
    if tp is str or tp is None:
        return _hooks.structure_str(value)
    return _enum_hook(tp)(value, tp)


def _hook(tp: Any, c: Converter) -> _hooks.Hook:
    """The structure hook for ``tp``: scalars and enums by identity, the rest from ``c``."""
    if _is_enum(tp):
        return _enum_hook(tp)
    scalar = _SCALAR_HOOKS.get(tp)
    if scalar is not None:
        return scalar
    return c.get_structure_hook(tp)


def _optional_structure(tp: Any, c: Converter) -> _hooks.Hook:
    rest = tuple(a for a in typing.get_args(tp) if a is not _NONE)
    inner = rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 - runtime union
    return _hooks.make_optional_hook(_hook(inner, c))


def _scalar_list_members(args: tuple[Any, ...], hooks: list[_hooks.Hook]) -> list[tuple[type, _hooks.Hook]] | None:
    """For a union with several lists of scalars and otherwise only scalars (``int | float |
    list[int] | list[float]``): each list member's item type and hook, in order; else None."""
    lists = [
        (typing.get_args(arg)[0], hook)
        for arg, hook in zip(args, hooks, strict=True)
        if typing.get_origin(arg) is list and typing.get_args(arg)[0] in _EXACT
    ]
    others = [arg for arg in args if typing.get_origin(arg) is not list]
    if len(lists) < 2 or not all(arg in _EXACT or arg is _NONE for arg in others):
        return None
    return lists


def _union_structure(tp: Any, c: Converter) -> _hooks.Hook:
    members = []
    for arg in typing.get_args(tp):
        origin = typing.get_origin(arg) or arg
        members.append((_union_tag(arg), origin, _hook(arg, c)))
    smart = _hooks.make_smart_union_hook(members)
    scalar_lists = _scalar_list_members(typing.get_args(tp), [hook for _, _, hook in members])
    if scalar_lists is not None:
        return _hooks.make_scalar_lists_union_hook(scalar_lists, smart)
    tagged = _literal_tags(typing.get_args(tp), c)
    if tagged is None:
        return smart
    key, by_tag = tagged

    def structure_tagged(value: Any, _: Any = None) -> Any:
        """Straight to the member whose literal tag the input carries; smart union otherwise.

        A literal tag admits one member only, so this is the smart union's answer,
        found without trying (and failing) the members before it.
        """
        if value.__class__ is dict:
            try:
                hook = by_tag.get(value.get(key))
            except TypeError:  # an unhashable tag (a list, a dict) names no member
                hook = None
            if hook is not None:
                try:
                    return hook(value, None)
                except ValidationError:
                    pass  # the smart union reports every member's errors, as the reference does
        return smart(value, None)

    smart_first = _hooks.first_error_only(smart)
    by_tag_first = {tag: _hooks.first_error_only(hook) for tag, hook in by_tag.items()}

    def structure_tagged_first_error(value: Any, _: Any = None) -> Any:
        if value.__class__ is dict:
            try:
                hook = by_tag_first.get(value.get(key))
            except TypeError:
                hook = None
            if hook is not None:
                try:
                    return hook(value, None)
                except Exception:  # noqa: BLE001 - then as the union does
                    pass
        return smart_first(value, None)

    _hooks.set_first_error_only(structure_tagged, structure_tagged_first_error)
    return structure_tagged


def _literal_tags(members: tuple[Any, ...], c: Converter) -> tuple[str, dict[Any, _hooks.Hook]] | None:
    """For a union of models that each fix one field to a literal (``input_type``): that field
    and each literal's member hook; None when the union has no such tag."""
    if not all(_is_model(m) for m in members):
        return None
    shared: set[str] | None = None
    for member in members:
        attrs.resolve_types(member)
        names = {a.name for a in attrs.fields(member) if _is_literal(a.type) and len(typing.get_args(a.type)) == 1}
        shared = names if shared is None else shared & names
    if not shared:
        return None
    key = sorted(shared)[0]
    by_tag = {typing.get_args(attrs.fields_dict(m)[key].type)[0]: _hook(m, c) for m in members}
    return (key, by_tag) if len(by_tag) == len(members) else None


def _union_tag(tp: Any) -> str:
    """How error paths name a union member: the class's own ``_union_tag``, else its name."""
    own = getattr(tp, "_union_tag", None)
    if isinstance(own, str):
        return own
    origin = typing.get_origin(tp)
    if origin is None:
        return getattr(tp, "__name__", str(tp))
    args = ",".join(_union_tag(a) for a in typing.get_args(tp))
    return f"{origin.__name__}[{args}]"


def _list_structure(tp: Any, c: Converter) -> _hooks.Hook:
    (item,) = typing.get_args(tp) or (Any,)
    kind = "set" if typing.get_origin(tp) in (set, frozenset) else "list"
    return _hooks.make_list_hook(_hook(item, c), kind=kind)


def _dict_structure(tp: Any, c: Converter) -> _hooks.Hook:
    key, val = typing.get_args(tp) or (Any, Any)
    if val is Any and key in (str, Any):
        return _hooks.structure_any_dict
    return _hooks.make_dict_hook(_hook(key, c), _hook(val, c))


def _checked(hook: _hooks.Hook, check: Callable[[Any], Any]) -> _hooks.Hook:
    def structure_checked(value: Any, _: Any = None) -> Any:
        return check(hook(value, None))

    return structure_checked


def _optional_inner(tp: Any) -> Any:
    """``X`` for ``X | None`` (a union of the rest when there are several); None otherwise."""
    if not _is_optional(tp):
        return None
    rest = tuple(a for a in typing.get_args(tp) if a is not _NONE)
    return rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 - runtime union


_EXACT = frozenset({str, int, float, bool})
#: hooks that remember what they read; the fast path looks there before calling them
_CACHES: dict[Any, dict[str, Any]] = {
    _hooks.structure_uuid: _hooks.uuid_cache,
    _hooks.structure_datetime: _hooks.datetime_cache,
    _hooks.structure_naive_datetime: _hooks.datetime_cache,
}


def _load_plan(a: attrs.Attribute[Any], c: Converter) -> LoadPlan:
    """How the fast path reads one field: a field with its own hook or check always calls it."""
    override_hook = a.metadata.get(STRUCTURE)
    check = a.metadata.get(CHECK)
    if override_hook is not None or check is not None:
        hook = _hooks.first_error_only(override_hook or _hook(a.type, c))
        return LoadPlan(a.name, _checked(hook, check) if check else hook, None, False, a.default)
    inner = _optional_inner(a.type)
    tp = a.type if inner is None else inner
    exact = tp if tp in _EXACT else None
    hook = _hook(tp, c)
    return LoadPlan(a.name, _hooks.first_error_only(hook), exact, inner is not None, a.default, _CACHES.get(hook))


#: modules whose objects the reference never reads fields from, even with ``from_attributes``
_NOT_ATTRIBUTE_HOLDERS = frozenset({"builtins", "datetime", "collections"})


def _attributes(obj: Any, names: list[str], title: str) -> dict[str, Any]:
    """The fields ``obj`` has as attributes (``from_attributes``); one that raises anything but
    ``AttributeError`` when read is a ``get_attribute_error``, as the reference reports it."""
    out: dict[str, Any] = {}
    failed: list[Entry] = []
    for name in names:
        try:
            out[name] = getattr(obj, name)
        except AttributeError:
            continue
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a property raises is reported
            failed.append(
                ("get_attribute_error", (name,), f"Error extracting attribute: {type(exc).__name__}: {exc}", obj)
            )
    if failed:
        raise ValidationError.of(title, failed)
    return out


#: what the fast pass gave when it failed
_FAILED: Any = object()


def _detailed_pass(detailed: Callable[[Any, Any], Any], value: Any, cls: Any) -> Any:
    """The model from cattrs' detailed pass, or a ValidationError with every failing field.

    Raised from here, outside the handler of the exception cattrs raised, so that the
    error holds neither that exception nor the frames its traceback reaches.
    """
    try:
        return detailed(value, cls)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a ValidationError
        found = entries(exc, (), value)
    raise ValidationError.of(cls.__name__, found)


def _model_structure(tp: Any, c: Converter) -> _hooks.Hook:
    """Generate the structure functions of one model class, fields' hooks bound once.

    Two are made: a fast one for valid input, and cattrs' detailed one, which runs
    only when the fast one fails and reports every failing field with its path.
    """
    cls, target = _model_target(tp)
    with _build_lock:
        attrs.resolve_types(cls)
        overrides = {}
        for a in attrs.fields(cls):
            if not a.init:
                continue
            hook = a.metadata.get(STRUCTURE) or _hook(a.type, c)
            check = a.metadata.get(CHECK)
            overrides[a.name] = override(struct_hook=_checked(hook, check) if check else hook)
        detailed = make_dict_structure_fn(
            target,
            c,
            _cattrs_forbid_extra_keys=cls._extra == "forbid",
            _cattrs_detailed_validation=True,
            **overrides,  # type: ignore[arg-type]
        )
        fast = make_load(cls, [_load_plan(a, c) for a in attrs.fields(cls) if a.init])
    before = getattr(cls, "_before_validate", None)
    known = frozenset(a.name for a in attrs.fields(cls) if a.init)
    keep_extra = cls._extra == "allow"
    forbid_extra = cls._extra == "forbid"
    title = cls.__name__
    if cls._from_attributes:
        not_a_dict = ("model_attributes_type", "Input should be a valid dictionary or object to extract fields from")
    else:
        not_a_dict = ("model_type", f"Input should be a valid dictionary or instance of {title}")
    field_names = [a.name for a in attrs.fields(cls) if a.init]

    def structure_model(value: Any, _: Any = None) -> Any:
        if value.__class__ is not dict:
            if isinstance(value, cls):
                return value
            if isinstance(value, Mapping):
                value = dict(value)
            elif cls._from_attributes and type(value).__module__ not in _NOT_ATTRIBUTE_HOLDERS:
                value = _attributes(value, field_names, title)
            else:
                kind, msg = not_a_dict
                raise ValidationError.of(title, [(kind, (), msg, value)])
        if before is not None:
            value = before(value)
        try:
            if forbid_extra and not known.issuperset(value):
                raise KeyError("unknown keys")
            obj = fast(value)
        except Exception:  # noqa: BLE001 - the detailed pass says what was wrong
            obj = _FAILED
        if obj is _FAILED:  # run outside the handler: its errors then hold no exception of the fast pass
            obj = _detailed_pass(detailed, value, cls)
        if keep_extra:
            extra = {k: v for k, v in value.items() if k not in known}
            object.__setattr__(obj, "model_extra", extra)
        return obj

    if before is None and not forbid_extra and not keep_extra:

        def structure_model_first_error(value: Any, _: Any = None) -> Any:
            """For an enclosing model's fast pass: a failure is raised as it is, with no
            detailed pass of its own (the enclosing one's detailed pass comes back here)."""
            if value.__class__ is not dict:
                return structure_model(value)
            return fast(value)

        _hooks.set_first_error_only(structure_model, structure_model_first_error)
    return structure_model


# -- unstructuring (JSON mode) -------------------------------------------------------


def _omitted(a: attrs.Attribute[Any]) -> bool:
    """Fields never written out: those marked so, and the kept unknown keys (merged in instead)."""
    return a.name == "model_extra" or bool(a.metadata.get(OMIT))


def _optional_unstructure(tp: Any, c: Converter) -> Callable[[Any], Any]:
    rest = tuple(a for a in typing.get_args(tp) if a is not _NONE)
    inner_tp = rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 - runtime union
    inner = _json_hook(inner_tp, c)
    if inner is identity:
        return identity
    return lambda value: None if value is None else inner(value)


_PASSTHROUGH = frozenset({str, int, float, bool, _NONE})
_JSON_HOOKS: dict[Any, Callable[[Any], Any]] = {
    UUID: _hooks.uuid_to_json,
    datetime.datetime: _hooks.datetime_to_json,
    DateTime: _hooks.datetime_to_json,
    datetime.timedelta: _hooks.timedelta_to_json,
    Any: _infer.any_to_json,
}


def _enum_value(value: Enum) -> Any:
    return value._value_  # the plain attribute: ``.value`` is a slower descriptor


def _json_hook(tp: Any, c: Converter) -> Callable[[Any], Any]:
    """The hook for one field type; cattrs' ``identity`` (inlined) where the value is JSON-ready."""
    if tp in _PASSTHROUGH:
        return identity
    if _is_literal(tp) and all(isinstance(v, (str, int, bool)) for v in typing.get_args(tp)):
        return identity
    if _is_enum(tp):
        return _enum_value
    known = _JSON_HOOKS.get(tp)
    if known is not None:
        return known
    return c.get_unstructure_hook(tp)


def _list_unstructure(tp: Any, c: Converter) -> Callable[[Any], Any]:
    (item,) = typing.get_args(tp) or (Any,)
    inner = _json_hook(item, c)
    if inner is identity:
        return list

    def unstructure_items(value: Any) -> list[Any]:
        if len(value) > _BULK:  # a bulk dump: every dict it makes is kept, none is garbage
            return paused(list, map(inner, value))
        return [inner(v) for v in value]

    return unstructure_items


def _dict_unstructure(tp: Any, c: Converter) -> Callable[[Any], Any]:
    key, val = typing.get_args(tp) or (Any, Any)
    inner = _json_hook(val, c)
    if val is Any or key is not str:
        return _infer.any_to_json
    if inner is identity:
        return dict
    return lambda value: {k: inner(v) for k, v in value.items()}


def _union_unstructure(tp: Any, c: Converter) -> Callable[[Any], Any]:
    members = typing.get_args(tp)
    if all(m in _PASSTHROUGH for m in members):
        return identity  # JSON scalars (``KeyValueLabels``' values): written as they are
    if all(_is_model(m) for m in members):
        return _models_union_unstructure(c)
    return _model_or_any_to_json


def _models_union_unstructure(c: Converter) -> Callable[[Any], Any]:
    """A union of models (``TaskRun.task_inputs``' items): each value through its class's dump
    from ``c``, found in one lookup; a value that is not a model (built unchecked) as ``Any``."""
    dumps: dict[type, Callable[[Any], Any]] = {}

    def unstructure_member(value: Any) -> Any:
        dump = dumps.get(value.__class__)
        if dump is None:
            if not isinstance(value, PrefectBaseModel):
                return _model_or_any_to_json(value)
            dump = dumps[value.__class__] = c.get_unstructure_hook(value.__class__)
        return dump(value)

    return unstructure_member


def _model_or_any_to_json(value: Any) -> Any:
    """A union member: a model through its class's dump; a float (also in a list) as it is,
    since it is a typed member and not an ``Any``; anything else as ``Any``."""
    if isinstance(value, PrefectBaseModel):
        return json_dump(value)
    if value.__class__ is float:
        return value
    if value.__class__ is list:
        return [_model_or_any_to_json(v) for v in value]
    return _infer.any_to_json(value)


def _dump_plan(a: attrs.Attribute[Any], c: Converter) -> DumpPlan:
    """How one field is written: as is when JSON-ready, else through its hook (None kept)."""
    own = a.metadata.get(UNSTRUCTURE)
    if own is not None:
        return DumpPlan(a.name, own, False)
    inner = _optional_inner(a.type)
    hook = _json_hook(a.type if inner is None else inner, c)
    return DumpPlan(a.name, None if hook is identity else hook, inner is not None)


def _model_unstructure(tp: Any, c: Converter) -> Callable[[Any], Any]:
    """Generate the JSON-mode unstructure function of one model class."""
    cls, _ = _model_target(tp)
    with _build_lock:
        attrs.resolve_types(cls)
        generated = make_dump(cls, [_dump_plan(a, c) for a in attrs.fields(cls) if not _omitted(a)])
    if cls._extra != "allow":
        return generated

    def unstructure_with_extra(obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = generated(obj)
        data.update(_infer.any_to_json(obj.model_extra))
        return data

    return unstructure_with_extra


_JSON_DUMPS: dict[type, Callable[[Any], Any]] = {}


def json_dump(obj: Any) -> Any:
    """The JSON-mode dump of model ``obj``: its class's generated function, found in one lookup."""
    dump = _JSON_DUMPS.get(obj.__class__)
    if dump is None:
        dump = _JSON_DUMPS[obj.__class__] = converter.get_unstructure_hook(obj.__class__)
    return dump(obj)


# -- unstructuring (native mode, for orjson) ----------------------------------------


def _native_value(value: Any) -> Any:
    """A union member or list item: a model as its native dump, anything else as ``Any``."""
    return _native(value) if isinstance(value, PrefectBaseModel) else any_fragment(value)


def _holds_any(tp: Any) -> bool:
    """``Any``, or a list, set or text-keyed dict of it: written whole by orjson ahead of time."""
    if tp is Any:
        return True
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin in (list, set, frozenset):
        return args in ((), (Any,))
    return origin is dict and args in ((), (str, Any))


def _native_hook(tp: Any, c: Converter) -> Callable[[Any], Any] | None:
    """How a field is written for orjson: None where orjson writes it as the reference does."""
    if _holds_any(tp):
        return any_fragment
    if tp in _PASSTHROUGH or tp is UUID or _is_enum(tp) or _is_literal(tp):
        return None
    if tp is datetime.datetime or tp is DateTime:
        return native_datetime
    if tp is datetime.timedelta:
        return _hooks.timedelta_to_json
    if _is_model(tp):
        return _native
    origin = typing.get_origin(tp)
    if origin in (list, set, frozenset):
        (item,) = typing.get_args(tp) or (Any,)
        inner = _native_hook(item, c)
        if inner is None:
            return None if origin is list else list
        item_hook: Callable[[Any], Any] = inner
        return lambda value: [item_hook(v) for v in value]
    if origin is dict:
        key, val = typing.get_args(tp) or (Any, Any)
        inner = _native_hook(val, c)
        if inner is None and key is str:
            return None
        if inner is None:
            return _infer.any_to_json  # non-text keys: written as the JSON mode writes them
        value_hook: Callable[[Any], Any] = inner
        return lambda value: {k: value_hook(v) for k, v in value.items()}
    if _is_union(tp):
        members = typing.get_args(tp)
        if all(m in _PASSTHROUGH for m in members) or all(_is_model(m) for m in members):
            return None  # JSON scalars orjson writes itself; models it hands to the default hook
        return _native_value
    return _json_hook(tp, c)


def _native_plan(a: attrs.Attribute[Any], c: Converter) -> DumpPlan:
    own = a.metadata.get(UNSTRUCTURE)
    if own is _infer.any_to_json:
        return DumpPlan(a.name, any_fragment, False)
    if own is not None:
        return DumpPlan(a.name, own, False)
    inner = _optional_inner(a.type)
    return DumpPlan(a.name, _native_hook(a.type if inner is None else inner, c), inner is not None)


def _make_native_dump(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The native dump of one model class: JSON mode, but UUIDs, datetimes, enums kept for orjson."""
    attrs.resolve_types(cls)
    dump = make_dump(cls, [_native_plan(a, converter) for a in attrs.fields(cls) if not _omitted(a)])
    if getattr(cls, "_extra", None) != "allow":
        return dump

    def dump_with_extra(obj: Any) -> dict[str, Any]:
        data = dump(obj)
        data.update({key: any_fragment(value) for key, value in obj.model_extra.items()})
        return data

    return dump_with_extra


# -- unstructuring (python mode) -----------------------------------------------------


_PYTHON_FIELDS: dict[type, tuple[str, ...]] = {}


def python_fields(cls: Any) -> tuple[str, ...]:
    """The fields a model's python-mode dump holds, in order."""
    names = _PYTHON_FIELDS.get(cls)
    if names is None:
        names = _PYTHON_FIELDS[cls] = tuple(a.name for a in attrs.fields(cls) if not _omitted(a))
    return names


def unstructure_python(obj: Any) -> Any:
    """A model as nested dicts holding native values (datetimes, UUIDs, enums); values typed
    ``Any`` as the reference's python mode gives them."""
    return _infer.any_to_python(obj)


# -- assembly -----------------------------------------------------------------------


def configure_converter(c: Converter) -> None:
    """Teach ``c`` lightschema's wire format.

    Structuring (pydantic's lax rules for JSON-shaped data):

    * ``str``: strings only; numbers are rejected, never turned into text.
    * ``int``/``float``/``bool``: the number and text forms pydantic accepts.
    * ``UUID``: hyphenated, bare, braced or urn text; 16 raw bytes.
    * ``datetime``: ISO 8601 or unix seconds (milliseconds when large); naive stays naive.
    * ``DateTime``: as ``datetime``, plus looser text; naive is read as UTC.
    * ``timedelta``: seconds as a number, ISO 8601 durations, ``[D days, ]HH:MM:SS``.
    * enums and ``Literal``: by value; ``Optional``: ``None`` or the inner type.
    * ``list``/``set``/``dict``: checked and rebuilt; ``dict[str, Any]`` is copied, not walked.
    * unions: pydantic's smart mode (exact type first, then the first that accepts).
    * models: generated per class; unknown keys ignored, rejected or kept per class.

    Unstructuring (JSON mode): UUIDs as text, datetimes as ISO 8601 with ``Z`` for
    UTC, timedeltas as float seconds, enums as values, sets as lists, values typed
    ``Any`` made JSON-ready.
    """
    for tp, fn in _SCALAR_HOOKS.items():
        if isinstance(tp, type):
            c.register_structure_hook(tp, fn)
        else:  # ``Any`` before 3.11 and the ``DateTime`` NewType are no classes: matched as themselves
            c.register_structure_hook_func(_is_exactly(tp), fn)
    # A str-based enum is a str subclass: make the str hook hand enums on.
    c.register_structure_hook(str, _structure_str_or_enum)
    c.register_structure_hook_factory(_is_enum, _enum_hook)
    c.register_structure_hook_factory(_is_literal, lambda tp: _hooks.make_literal_hook(typing.get_args(tp)))
    c.register_structure_hook_factory(lambda tp: _is_union(tp) and not _is_optional(tp), _union_structure)
    c.register_structure_hook_factory(_is_optional, _optional_structure)
    c.register_structure_hook_factory(_origin_is(list, set, frozenset), _list_structure)
    c.register_structure_hook_factory(_origin_is(dict), _dict_structure)
    c.register_structure_hook_factory(_is_model, _model_structure)

    for tp, ufn in _JSON_HOOKS.items():
        c.register_unstructure_hook_func(_is_exactly(tp), ufn)
    c.register_unstructure_hook_factory(_is_enum, lambda tp: _enum_value)
    c.register_unstructure_hook_factory(lambda tp: _is_union(tp) and not _is_optional(tp), _union_unstructure)
    c.register_unstructure_hook_factory(_is_optional, _optional_unstructure)
    c.register_unstructure_hook_factory(_origin_is(list, set, frozenset), _list_unstructure)
    c.register_unstructure_hook_factory(_origin_is(dict), _dict_unstructure)
    c.register_unstructure_hook_factory(_is_model, _model_unstructure)


def make_converter() -> Converter:
    """A new converter configured for lightschema's models."""
    c = Converter(detailed_validation=True)
    configure_converter(c)
    return c


converter = make_converter()
register_native_dump(_make_native_dump)


def _type_name(tp: Any) -> str:
    """A short name for error titles: ``FlowRun``, ``list[FlowRun]``."""
    origin = typing.get_origin(tp)
    if origin is None:
        return getattr(tp, "__name__", str(tp))
    return f"{_type_name(origin)}[{', '.join(_type_name(a) for a in typing.get_args(tp))}]"


def structure(obj: Any, cl: Any, *, owned: bool = False) -> Any:
    """Structure ``obj`` into ``cl`` with the default converter; raises ValidationError.

    ``owned``: ``obj`` is a list only this call holds, which may be emptied as it is read.
    """
    try:
        if owned and obj.__class__ is list and typing.get_origin(cl) is list:
            (item,) = typing.get_args(cl)
            return _hooks.structure_items(obj, _hook(item, converter), release=True)
        if obj.__class__ is list and len(obj) > _BULK:
            return paused(converter.structure, obj, cl)
        return converter.structure(obj, cl)
    except ValidationError as exc:
        title = _type_name(cl)
        if exc.title == title:
            raise
        found = exc._entries  # shared, not copied: the list may be a million long
    except InvalidValue as exc:
        found = entries(exc, (), obj)
    except RecursionError:
        found = entries(RecursionError(), (), None)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a hook cattrs made for a type lightschema does not (tuples)
        found = entries(exc, (), obj)
    raise ValidationError.of(_type_name(cl), found)


def unstructure(obj: Any) -> Any:
    """Unstructure ``obj`` to JSON-ready data with the default converter."""
    try:
        return converter.unstructure(obj)
    except RecursionError:  # a value typed Any that holds itself, or is nested deeper than Python walks
        raise _infer.explain_recursion(obj) from None
