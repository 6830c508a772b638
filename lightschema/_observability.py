"""What runs leave behind and what the UI keeps: logs, artifacts, variables, run inputs,
saved searches and server configuration."""

from __future__ import annotations

import json
import math
import re
from typing import Any
from uuid import UUID

import attrs

from lightschema import _hooks, _infer
from lightschema._base import DateTime, ObjectBaseModel, PrefectBaseModel, TimeSeriesObjectBaseModel, model
from lightschema._fields import STRUCTURE, UNSTRUCTURE, constrained, max_length, value_error
from lightschema.errors import InvalidValue, ValidationError, detail

__all__ = [
    "MAX_METADATA_VALUE_LENGTH",
    "MAX_VARIABLE_NAME_LENGTH",
    "MAX_VARIABLE_VALUE_LENGTH",
    "Artifact",
    "ArtifactCollection",
    "Configuration",
    "FlowRunInput",
    "Log",
    "SavedSearch",
    "SavedSearchFilter",
    "Variable",
    "VariableValue",
]

MAX_METADATA_VALUE_LENGTH = 500
MAX_VARIABLE_NAME_LENGTH = 255
MAX_VARIABLE_VALUE_LENGTH = 5000

#: what a variable may hold: a JSON value
VariableValue = str | int | bool | float | None | dict[str, Any] | list[Any]


@model
class Log(TimeSeriesObjectBaseModel):
    """One log line from a flow run or task run."""

    name: str
    level: int
    message: str
    timestamp: DateTime
    flow_run_id: UUID | None = None
    task_run_id: UUID | None = None


# -- artifacts ------------------------------------------------------------------------------


def _truncate_metadata(value: dict[str, str] | None) -> dict[str, str] | None:
    """Cut each metadata value to 500 characters plus ``...``, as the reference stores it."""
    if value is None:
        return None
    return {
        key: text[:MAX_METADATA_VALUE_LENGTH] + "..." if len(text) > MAX_METADATA_VALUE_LENGTH else text
        for key, text in ((k, str(v)) for k, v in value.items())
    }


_structure_metadata_dict = _hooks.make_optional_hook(_hooks.make_dict_hook(_hooks.structure_str, _hooks.structure_str))


def _structure_metadata(value: Any, _: Any = None) -> dict[str, str] | None:
    return _truncate_metadata(_structure_metadata_dict(value, None))


def _metadata_field() -> Any:
    return attrs.field(default=None, converter=_truncate_metadata, metadata={STRUCTURE: _structure_metadata})


def _data_field() -> Any:
    return attrs.field(default=None, metadata={STRUCTURE: _hooks.structure_any, UNSTRUCTURE: _infer.any_to_json})


@model
class Artifact(ObjectBaseModel):
    """Something a run produced for people to look at: a table, markdown, a link, a result.

    ``metadata_`` (written under that key) holds short text only: longer values are
    cut to 500 characters followed by ``...``.
    """

    key: str | None = None
    type: str | None = None
    description: str | None = None
    data: dict[str, Any] | Any | None = _data_field()
    metadata_: dict[str, str] | None = _metadata_field()
    flow_run_id: UUID | None = None
    task_run_id: UUID | None = None


@model
class ArtifactCollection(ObjectBaseModel):
    """The latest artifact stored under a key."""

    key: str
    latest_id: UUID
    type: str | None = None
    description: str | None = None
    data: dict[str, Any] | Any | None = _data_field()
    metadata_: dict[str, str] | None = attrs.field(default=None, metadata={STRUCTURE: _structure_metadata_dict})
    flow_run_id: UUID | None = None
    task_run_id: UUID | None = None


# -- variables ------------------------------------------------------------------------------

_MAX_I64 = 2**63
_MAX_U64 = 2**64


def _float_text(value: float) -> str:
    """A float as orjson writes it (its length is what the reference measures)."""
    if not math.isfinite(value):
        return "null"
    text = repr(value)
    if "e-0" in text:
        mantissa, exponent = text.split("e-0")
        if exponent == "5":
            digits = mantissa.replace(".", "").lstrip("-")
            sign = "-" if mantissa.startswith("-") else ""
            return f"{sign}0.0000{digits}"
        return f"{mantissa}e-{exponent}"
    return text


def _json_size(value: Any, depth: int = 0) -> int:
    """How many bytes ``value`` takes as compact JSON; ``TypeError`` if it is not JSON."""
    if depth > 254:
        raise TypeError("nested too deeply")
    cls = value.__class__
    if value is None or cls is bool:
        return 4 if value is None or value is True else 5
    if cls is str or isinstance(value, str):
        return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    if cls is int or isinstance(value, int):
        if not -_MAX_I64 <= value < _MAX_U64:
            raise TypeError("integer out of range")
        return len(str(int(value)))
    if cls is float or isinstance(value, float):
        return len(_float_text(value))
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value):
            raise TypeError("keys must be strings")
        items = sum(_json_size(k, depth + 1) + 1 + _json_size(v, depth + 1) for k, v in value.items())
        return 2 + items + max(len(value) - 1, 0)
    if isinstance(value, (list, tuple)):
        return 2 + sum(_json_size(v, depth + 1) for v in value) + max(len(value) - 1, 0)
    raise TypeError(f"{cls.__name__} is not JSON")


def _check_variable_value(value: Any) -> Any:
    """The reference's check: the value must be JSON and at most 5000 bytes written out."""
    try:
        size = _json_size(value)
    except (TypeError, UnicodeEncodeError, RecursionError):
        raise InvalidValue("value_error", "Value error, Variable value must be serializable to JSON", value) from None
    if value is not None and size > MAX_VARIABLE_VALUE_LENGTH:
        msg = f"Value error, Variable value must be less than {MAX_VARIABLE_VALUE_LENGTH} characters"
        raise InvalidValue("value_error", msg, value)
    return value


_VALUE_MEMBERS = (
    ("str", "string_type", "Input should be a valid string"),
    ("int", "int_type", "Input should be a valid integer"),
    ("bool", "bool_type", "Input should be a valid boolean"),
    ("float", "float_type", "Input should be a valid number"),
    ("dict[str,any]", "dict_type", "Input should be a valid dictionary"),
    ("list[any]", "list_type", "Input should be a valid list"),
)


def _structure_variable_value(value: Any, _: Any = None) -> Any:
    """A JSON value taken as it is (no coercion between types), after the size check."""
    _check_variable_value(value)
    cls = value.__class__
    if value is None or cls in (str, int, bool, float):
        return value
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValidationError("VariableValue", [detail(kind, (tag,), msg, value) for tag, kind, msg in _VALUE_MEMBERS])


def _variable_value_to_json(value: Any) -> Any:
    """A float at the top stays as it is, as the reference's float member writes it (NaN and
    infinity too: JSON text then says null); inside a list or dict they become None."""
    return value if value.__class__ is float else _infer.any_to_json(value)


@model
class Variable(ObjectBaseModel):
    """A named JSON value kept on the server for flows to read."""

    name: str = constrained(max_length(MAX_VARIABLE_NAME_LENGTH))
    value: VariableValue = constrained(
        _check_variable_value, metadata={STRUCTURE: _structure_variable_value, UNSTRUCTURE: _variable_value_to_json}
    )
    tags: list[str] = attrs.field(factory=list)


# -- flow run inputs ------------------------------------------------------------------------

_LOWER_DASHES = re.compile(r"^[a-z0-9-]*$")


def _reject_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_int(text: str) -> int | float:
    number = int(text)
    return number if -_MAX_I64 <= number < _MAX_U64 else float(text)


def _parse_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} is infinite as a double")
    return number


@model
class FlowRunInput(ObjectBaseModel):
    """A value sent to a paused or waiting flow run, stored as JSON text under ``key``."""

    flow_run_id: UUID
    key: str = constrained(
        value_error(
            lambda v: _LOWER_DASHES.match(v) is not None,
            "value must only contain lowercase letters, numbers, and dashes.",
        )
    )
    value: str
    sender: str | None = None

    @property
    def decoded_value(self) -> Any:
        """``value`` parsed from JSON the way orjson reads it.

        ``NaN``, ``Infinity`` and numbers too large for a double are refused, and
        integers beyond 64 bits become floats.
        """
        return json.loads(self.value, parse_constant=_reject_constants, parse_int=_parse_int, parse_float=_parse_float)


# -- saved searches and configuration ------------------------------------------------------


@model
class SavedSearchFilter(PrefectBaseModel):
    """One condition of a saved search: an object's property compared with a value."""

    object: str
    property: str
    type: str
    operation: str
    value: Any = attrs.field(metadata={UNSTRUCTURE: _infer.any_to_json})


@model
class SavedSearch(ObjectBaseModel):
    """A named set of filters the UI can apply again."""

    name: str
    filters: list[SavedSearchFilter] = attrs.field(factory=list)


@model
class Configuration(ObjectBaseModel):
    """A server-side setting: a key and a JSON object."""

    key: str
    value: dict[str, Any]
