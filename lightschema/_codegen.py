"""Straight-line structure and unstructure functions, generated once per model class.

cattrs' generated structure code calls one hook per field and wraps each in its own
error handling, which is what a detailed error report needs but more than valid
input needs. The functions made here are the fast path: type checks a field's hook
would only confirm (a ``str`` that is already a ``str``, a ``None`` for an optional
field) are inlined, everything else calls the same hooks, and a failure anywhere
hands the input to cattrs' detailed function, which reports every failing field.
The converter decides each field's plan; this module only writes the code.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import attrs

from lightschema._fields import CHECK
from lightschema._hooks import SHARED_TEXT_MAX, SHARED_TEXTS_SIZE, shared_texts
from lightschema.errors import SerializationError

__all__ = ["DumpPlan", "LoadPlan", "make_dump", "make_load"]

_MISSING = object()


class LoadPlan(NamedTuple):
    """How one field is read: its hook, and what may skip the hook.

    ``exact``: a value of exactly this class needs no conversion (``str``, ``int``, ...).
    ``optional``: ``None`` is kept as is and ``hook`` handles the rest.
    ``cache``: texts the hook has already read, and what it made of them (UUIDs, datetimes).
    """

    name: str
    hook: Callable[[Any, Any], Any]
    exact: type | None
    optional: bool
    default: Any  # attrs.NOTHING, a constant, or an attrs.Factory
    cache: dict[str, Any] | None = None


class DumpPlan(NamedTuple):
    """How one field is written: as is (``hook`` None), or through ``hook``, maybe skipping None."""

    name: str
    hook: Callable[[Any], Any] | None
    optional: bool


def _cached_source(entry: Any) -> str | None:
    """The text of a ``linecache`` entry; None for a lazy one (a file not read yet)."""
    return "".join(entry[2]) if len(entry) == 4 else None


def _compile(source: str, filename: str, namespace: dict[str, Any], name: str) -> Any:
    """Compile generated source, registered in linecache so tracebacks can show it; a name
    already holding other source (a class's JSON and native dumps) gets ``-2``, ``-3``, ...
    as cattrs names its own, so a traceback never shows the wrong code."""
    base, count = filename, 1
    while (known := linecache.cache.get(filename)) is not None and _cached_source(known) != source:
        count += 1
        filename = f"{base[:-1]}-{count}>"
    code = compile(source, filename, "exec")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(code, namespace)
    return namespace[name]


def make_load(cls: type, plans: Sequence[LoadPlan]) -> Callable[[dict[str, Any]], Any]:
    """``load(mapping) -> cls instance``; raises on any bad field (the caller reports it)."""
    namespace: dict[str, Any] = {"__cl": cls, "__missing": _MISSING}
    lines = ["def load(o):", "    g = o.get"]
    for i, plan in enumerate(plans):
        var, hook, default = f"f{i}", f"h{i}", f"d{i}"
        namespace[hook] = plan.hook
        key = repr(plan.name)
        check = _inline_check(var, hook, plan, namespace, i)
        if plan.default is attrs.NOTHING:
            lines.append(f"    {var} = o[{key}]")
            lines.extend(check)
        elif plan.optional and plan.default is None:
            lines.append(f"    {var} = g({key})")
            lines.extend(check)
        else:
            is_factory = isinstance(plan.default, attrs.Factory)  # type: ignore[arg-type]
            namespace[default] = plan.default.factory if is_factory else plan.default
            lines.append(f"    {var} = g({key}, __missing)")
            lines.append(f"    if {var} is __missing:")
            lines.append(f"        {var} = {default}()" if is_factory else f"        {var} = {default}")
            lines.append("    else:")
            lines.extend("    " + line for line in check)
    if any(plan.exact is str for plan in plans):
        # texts were shared inline (below): the bound is kept once per object
        namespace["__shared"] = shared_texts
        lines.append(f"    if len(__shared) > {SHARED_TEXTS_SIZE}:")
        lines.append("        __shared.clear()")
    twin = _mutable_twin(cls, plans)
    if twin is None:
        lines.append(f"    return __cl({', '.join(f'{plan.name}=f{i}' for i, plan in enumerate(plans))})")
    else:
        lines.extend(_build_through_twin(cls, twin, plans, namespace))
    filename = f"<lightschema generated load {cls.__module__}.{cls.__qualname__}>"
    return _compile("\n".join(lines) + "\n", filename, namespace, "load")  # type: ignore[no-any-return]


def _mutable_twin(cls: type, plans: Sequence[LoadPlan]) -> type | None:
    """A subclass of ``cls`` whose instances take plain attribute stores, when ``cls`` allows one.

    A frozen attrs ``__init__`` sets each field with a call to ``object.__setattr__``:
    about a third of the instructions spent reading a FlowRun. The fast path instead
    fills a twin instance with plain stores and then makes it a ``cls`` (``__class__``
    assignment, which CPython allows between classes of the same layout: the twin adds
    no slots). No twin instance is ever returned; the one trace left is the twin in
    ``cls.__subclasses__()``. Only for classes whose ``__init__`` does nothing the fast
    path does not already do: fields' checks run in their hooks, plain converters are
    called here, and ``__attrs_post_init__`` is called after; anything else keeps ``__init__``.
    """
    if hasattr(cls, "__attrs_pre_init__"):
        return None
    for a in attrs.fields(cls):
        if a.validator is not None and (CHECK not in a.metadata or a.converter is not None):
            return None
        if isinstance(a.converter, attrs.Converter):  # takes self or the field: __init__ knows how
            return None
    for a in _unplanned(cls, plans):  # set by __init__ from their defaults
        factory = isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
        if a.init or a.default is attrs.NOTHING or (factory and a.default.takes_self):  # type: ignore[union-attr]
            return None
    body = {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__}
    twin = type(cls.__name__, (cls,), {**body, "__qualname__": cls.__qualname__, "__module__": cls.__module__})
    probe: Any = object.__new__(twin)
    try:
        probe.__class__ = cls
    except TypeError:  # a layout CPython will not swap: keep __init__
        return None
    return twin


def _unplanned(cls: type, plans: Sequence[LoadPlan]) -> list[attrs.Attribute[Any]]:
    """The fields no plan reads (``init=False`` ones): ``__init__`` sets them from their defaults."""
    planned = {plan.name for plan in plans}
    return [a for a in attrs.fields(cls) if a.name not in planned]


def _build_through_twin(cls: type, twin: type, plans: Sequence[LoadPlan], namespace: dict[str, Any]) -> list[str]:
    """Lines that fill a twin instance, make it a ``cls`` and finish it as ``__init__`` would."""
    namespace["__twin"], namespace["__new"] = twin, object.__new__
    lines = ["    new = __new(__twin)"]
    by_name = attrs.fields_dict(cls)
    for i, plan in enumerate(plans):
        converter = by_name[plan.name].converter
        if converter is None:
            lines.append(f"    new.{plan.name} = f{i}")
        else:
            namespace[f"cv{i}"] = converter
            lines.append(f"    new.{plan.name} = cv{i}(f{i})")
    for j, a in enumerate(_unplanned(cls, plans)):
        namespace[f"u{j}"] = a.default
        value = f"u{j}.factory()" if isinstance(a.default, attrs.Factory) else f"u{j}"  # type: ignore[arg-type]
        lines.append(f"    new.{a.name} = {value}")
    lines.append("    new.__class__ = __cl")
    if hasattr(cls, "__attrs_post_init__") and getattr(cls, "_post_init_on_read", True):
        lines.append("    new.__attrs_post_init__()")
    return [*lines, "    return new"]


def _inline_check(var: str, hook: str, plan: LoadPlan, namespace: dict[str, Any], i: int) -> list[str]:
    if plan.exact is str:
        # Short texts are shared (``_hooks.share_text``, inline): the same names, tags and
        # versions recur across a response, and one copy of each keeps batches small.
        namespace["__share"] = shared_texts.setdefault
        lines = [
            f"    if {var}.__class__ is str:",
            f"        if len({var}) <= {SHARED_TEXT_MAX}:",
            f"            {var} = __share({var}, {var})",
        ]
        if plan.optional:
            lines.append(f"    elif {var} is not None:")
        else:
            lines.append("    else:")
        return [*lines, f"        {var} = {hook}({var}, None)"]
    if plan.cache is not None:
        # A text read before is looked up, not parsed again (the hook fills the cache).
        namespace[f"c{i}"] = plan.cache.get
        otherwise = f"    elif {var} is not None:" if plan.optional else "    else:"
        return [
            f"    if {var}.__class__ is str:",
            f"        {var} = c{i}({var}) or {hook}({var}, None)",
            otherwise,
            f"        {var} = {hook}({var}, None)",
        ]
    if plan.exact is not None:
        namespace[f"t{i}"] = plan.exact
        skip = f"{var} is not None and " if plan.optional else ""
        return [f"    if {skip}{var}.__class__ is not t{i}:", f"        {var} = {hook}({var}, None)"]
    if plan.optional:
        return [f"    if {var} is not None:", f"        {var} = {hook}({var}, None)"]
    return [f"    {var} = {hook}({var}, None)"]


def _locate(exc: SerializationError, obj: Any, plans: Sequence[DumpPlan]) -> SerializationError:
    """The error with the failing field's name put before its path: each field written again
    until one fails (on the failure path only)."""
    for plan in plans:
        value = getattr(obj, plan.name)
        if plan.hook is None or (plan.optional and value is None):
            continue
        try:
            plan.hook(value)
        except SerializationError as inner:
            return inner.at(plan.name)
    return exc


def _partial(obj: Any, plans: Sequence[DumpPlan]) -> dict[str, Any]:
    """The dump of an instance some fields of which were never set (``model_construct``
    without a required field): those are left out, as the reference leaves them out."""
    out = {}
    for plan in plans:
        try:
            value = getattr(obj, plan.name)
        except AttributeError:
            continue
        if plan.hook is not None and not (plan.optional and value is None):
            value = plan.hook(value)
        out[plan.name] = value
    return out


def make_dump(cls: type, plans: Sequence[DumpPlan]) -> Callable[[Any], dict[str, Any]]:
    """``dump(instance) -> dict`` with the fields in order, each as its plan says."""
    namespace: dict[str, Any] = {}
    items = []
    for i, plan in enumerate(plans):
        key, attr = repr(plan.name), f"o.{plan.name}"
        if plan.hook is None:
            items.append(f"{key}: {attr}")
            continue
        namespace[f"h{i}"] = plan.hook
        if plan.optional:
            items.append(f"{key}: None if (v := {attr}) is None else h{i}(v)")
        else:
            items.append(f"{key}: h{i}({attr})")
    # The try costs nothing until something raises (CPython 3.11's zero-cost exceptions).
    namespace.update(__SerializationError=SerializationError, __locate=_locate, __partial=_partial, __plans=plans)
    source = (
        "def dump(o):\n    try:\n        return {\n"
        + "".join(f"            {item},\n" for item in items)
        + "        }\n    except __SerializationError as exc:\n        raise __locate(exc, o, __plans) from None\n"
        + "    except AttributeError:\n        return __partial(o, __plans)\n"
    )
    filename = f"<lightschema generated dump {cls.__module__}.{cls.__qualname__}>"
    return _compile(source, filename, namespace, "dump")  # type: ignore[no-any-return]
