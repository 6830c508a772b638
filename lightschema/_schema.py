"""JSON Schema for a model, read off its attrs fields and their annotations.

The output follows the shape pydantic gives the reference models (validation mode):
nested models and enums live under ``$defs`` and are referenced with ``$ref``,
``X | None`` becomes ``anyOf`` with ``{"type": "null"}`` last, sets are arrays
with ``uniqueItems``, timedeltas are ``duration`` strings, and plain defaults are
written out (factory defaults are not). Constraints are recovered from the checks
``lightschema._fields`` builds (bounds, lengths, patterns); custom rules
(``value_error``) have no JSON Schema form and are left out.

A few fields are read by a custom hook whose annotation does not say what the wire
accepts; ``_FIELD_OVERRIDES`` gives their schema by hand.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import ipaddress
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union
from uuid import UUID

import attrs

from lightschema._base import DateTime, PrefectBaseModel
from lightschema._fields import CHECK, OMIT

__all__ = ["SchemaMode", "model_json_schema"]

JsonSchema = dict[str, Any]
#: ``validation``: what the model reads (as the reference's default schema);
#: ``serialization``: what ``model_dump(mode="json")`` writes (timedeltas as seconds)
SchemaMode = Literal["validation", "serialization"]

_NONE = type(None)
_NULL: JsonSchema = {"type": "null"}

_SCALARS: dict[Any, JsonSchema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    UUID: {"format": "uuid", "type": "string"},
    datetime.datetime: {"format": "date-time", "type": "string"},
    DateTime: {"format": "date-time", "type": "string"},
    datetime.date: {"format": "date", "type": "string"},
    datetime.timedelta: {"format": "duration", "type": "string"},
    ipaddress.IPv4Network: {"format": "ipv4network", "type": "string"},
    ipaddress.IPv6Network: {"format": "ipv6network", "type": "string"},
    Any: {},
}

_IP_NETWORKS = frozenset({ipaddress.IPv4Network, ipaddress.IPv6Network})

#: schema keyword per check (by the name of the function ``lightschema._fields`` returns)
#: and the free variable holding its argument
_CHECK_KEYWORDS: dict[str, tuple[str, str, str]] = {
    # check name: (keyword, closure variable, JSON type it applies to)
    "check_ge": ("minimum", "bound", "number"),
    "check_gt": ("exclusiveMinimum", "bound", "number"),
    "check_le": ("maximum", "bound", "number"),
    "check_max_length": ("maxLength", "limit", "string"),
    "check_max_items": ("maxItems", "limit", "array"),
    "check_pattern": ("pattern", "pattern", "string"),
}


def _ref(name: str) -> JsonSchema:
    return {"$ref": f"#/$defs/{name}"}


def _url_schema() -> JsonSchema:
    return {"anyOf": [{"format": "uri", "maxLength": 2083, "minLength": 1, "type": "string"}, _NULL]}


#: (class name, field name) -> schema, for fields whose hook accepts more than the annotation says
_FIELD_OVERRIDES: dict[tuple[str, str], Callable[[_Builder], JsonSchema]] = {
    # State.data holds stored-result metadata or any JSON value
    ("State", "data"): lambda b: {"oneOf": [b.model_ref_by_name("ResultRecordMetadata"), {}]},
    # web addresses: checked and normalised by a custom hook
    ("BlockType", "logo_url"): lambda b: _url_schema(),
    ("BlockType", "documentation_url"): lambda b: _url_schema(),
    # defaults to None but, as in the reference, an explicit null is refused
    ("WorkPool", "default_queue_id"): lambda b: {"format": "uuid", "type": "string"},
}


def model_json_schema(cls: type[PrefectBaseModel], mode: SchemaMode = "validation") -> JsonSchema:
    """The JSON Schema of ``cls``: its properties, required fields and ``$defs``.

    The two modes differ only for timedeltas: read as ISO 8601 durations (or
    seconds), written as seconds.
    """
    if mode not in ("validation", "serialization"):
        raise ValueError(f"mode must be 'validation' or 'serialization', got {mode!r}")
    builder = _Builder(mode)
    schema = builder.model_body(cls)
    defs = {name: builder.defs[name] for name in sorted(builder.defs) if name != cls.__name__}
    return {"$defs": defs, **schema} if defs else schema


class _Builder:
    """Collects ``$defs`` while walking one model's annotations."""

    def __init__(self, mode: SchemaMode) -> None:
        self.mode = mode
        self.defs: dict[str, JsonSchema] = {}
        self._pending: set[str] = set()

    def model_ref_by_name(self, name: str) -> JsonSchema:
        from lightschema import objects

        cls = getattr(objects, name)
        return self.model_ref(cls)

    def model_ref(self, cls: type) -> JsonSchema:
        name = cls.__name__
        if name not in self.defs and name not in self._pending:
            self._pending.add(name)
            self.defs[name] = self.model_body(cls)
            self._pending.discard(name)
        return _ref(name)

    def enum_ref(self, cls: type[enum.Enum]) -> JsonSchema:
        name = cls.__name__
        if name not in self.defs:
            values = [member.value for member in cls]
            body: JsonSchema = {}
            doc = _own_doc(cls)
            if doc:
                body["description"] = doc
            body["enum"] = values
            body["title"] = name
            kind = _json_type_of_values(values)
            if kind:
                body["type"] = kind
            self.defs[name] = body
        return _ref(name)

    def model_body(self, cls: type) -> JsonSchema:
        """The object schema of one model class (not wrapped in ``$ref``)."""
        attrs.resolve_types(cls)
        properties: JsonSchema = {}
        required: list[str] = []
        for a in attrs.fields(cls):
            if not a.init or a.metadata.get(OMIT):
                continue
            override = _FIELD_OVERRIDES.get((cls.__name__, a.name))
            prop = override(self) if override else self.schema_of(a.type)
            check = a.metadata.get(CHECK)
            if check is not None:
                prop = _with_constraints(prop, _constraints(check))
            prop = dict(prop)
            if a.default is attrs.NOTHING:
                required.append(a.name)
            elif not isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                encoded = _json_default(a.default, self.mode)
                if encoded is not _NO_DEFAULT:
                    prop["default"] = encoded
            prop["title"] = a.name.title().replace("_", " ").strip()
            properties[a.name] = dict(sorted(prop.items()))
        schema: JsonSchema = {}
        extra = getattr(cls, "_extra", "ignore")
        if extra == "forbid":
            schema["additionalProperties"] = False
        elif extra == "allow":
            schema["additionalProperties"] = True
        doc = _own_doc(cls)
        if doc:
            schema["description"] = doc
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["title"] = cls.__name__
        schema["type"] = "object"
        return schema

    def schema_of(self, tp: Any) -> JsonSchema:
        """The schema of one annotation."""
        if tp is datetime.timedelta and self.mode == "serialization":
            return {"type": "number"}
        scalar = _SCALARS.get(tp)
        if scalar is not None:
            return dict(scalar)
        if tp is _NONE:
            return dict(_NULL)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (Union, types.UnionType):
            return self._union(args)
        if origin is Literal:
            return _literal(args)
        if origin in (list, set, frozenset, tuple):
            item = self.schema_of(args[0]) if args else {}
            schema: JsonSchema = {"items": item, "type": "array"}
            if origin in (set, frozenset):
                schema["uniqueItems"] = True
            return schema
        if origin is dict or tp is dict:
            value_tp = args[1] if len(args) == 2 else Any
            value = True if value_tp is Any else self.schema_of(value_tp)
            return {"additionalProperties": value, "type": "object"}
        cls = origin or tp
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            return self.enum_ref(cls)
        if isinstance(cls, type) and issubclass(cls, PrefectBaseModel) and attrs.has(cls):
            return self.model_ref(cls)
        raise TypeError(f"no JSON Schema for annotation {tp!r}")

    def _union(self, args: tuple[Any, ...]) -> JsonSchema:
        members = [a for a in args if a is not _NONE]
        nullable = len(members) < len(args)
        if set(members) == _IP_NETWORKS:
            inner: list[JsonSchema] = [{"format": "ipvanynetwork", "type": "string"}]
        else:
            inner = [self.schema_of(a) for a in members]
        if nullable:
            inner.append(dict(_NULL))
        return inner[0] if len(inner) == 1 else {"anyOf": inner}


_NO_DEFAULT = object()


def _json_default(value: Any, mode: SchemaMode) -> Any:
    """A default as JSON, the way the reference's schema writes it; ``_NO_DEFAULT`` if it has no JSON form."""
    if value is None or (isinstance(value, (bool, int, float, str)) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() if mode == "serialization" else _iso_duration(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_json_default(v, mode) for v in value]
        return _NO_DEFAULT if any(i is _NO_DEFAULT for i in items) else items
    return _NO_DEFAULT


def _iso_duration(value: datetime.timedelta) -> str:
    """A timedelta as an ISO 8601 duration (``PT0S``, ``P1DT30S``), as pydantic writes defaults."""
    sign = "-" if value < datetime.timedelta(0) else ""
    value = abs(value)
    text = f"{sign}P"
    if value.days:
        text += f"{value.days}D"
    seconds = value.seconds + value.microseconds / 1_000_000
    if seconds or not value.days:
        whole = int(seconds)
        text += f"T{whole if whole == seconds else seconds}S"
    return text


def _literal(values: tuple[Any, ...]) -> JsonSchema:
    plain = [v.value if isinstance(v, enum.Enum) else v for v in values]
    schema: JsonSchema = {"const": plain[0]} if len(plain) == 1 else {"enum": plain}
    kind = _json_type_of_values(plain)
    if kind:
        schema["type"] = kind
    return schema


def _json_type_of_values(values: list[Any]) -> str | None:
    kinds = {
        "boolean"
        if isinstance(v, bool)
        else "integer"
        if isinstance(v, int)
        else "number"
        if isinstance(v, float)
        else "string"
        if isinstance(v, str)
        else "null"
        if v is None
        else "?"
        for v in values
    }
    return kinds.pop() if len(kinds) == 1 and "?" not in kinds else None


def _own_doc(cls: type) -> str | None:
    doc = cls.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


def _closure(fn: Callable[..., Any]) -> dict[str, Any]:
    cells = fn.__closure__ or ()
    return dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in cells), strict=True))


def _constraints(check: Callable[..., Any]) -> dict[str, tuple[str, Any]]:
    """The schema keywords a check enforces: ``{keyword: (json type, value)}``.

    Reads the closures ``lightschema._fields`` makes; checks it does not know
    (custom rules) contribute nothing.
    """
    name = getattr(check, "__name__", "")
    code = getattr(check, "__code__", None)
    if code is None:
        return {}
    env = _closure(check)
    if name == "check_optional":
        return _constraints(env["check"])
    if name == "check_all":
        found: dict[str, tuple[str, Any]] = {}
        for inner in env["checks"]:
            found.update(_constraints(inner))
        return found
    known = _CHECK_KEYWORDS.get(name)
    if known is None or known[1] not in env:
        return {}
    keyword, variable, kind = known
    return {keyword: (kind, env[variable])}


def _fits(schema: JsonSchema, kind: str) -> bool:
    declared = schema.get("type")
    return declared == kind or (kind == "number" and declared == "integer")


def _with_constraints(schema: JsonSchema, found: dict[str, tuple[str, Any]]) -> JsonSchema:
    """Put each constraint on the members of ``schema`` whose type it applies to."""
    if not found:
        return schema
    if "anyOf" in schema:
        return {**schema, "anyOf": [_with_constraints(member, found) for member in schema["anyOf"]]}
    extra = {keyword: value for keyword, (kind, value) in found.items() if _fits(schema, kind)}
    return dict(sorted({**schema, **extra}.items())) if extra else schema
