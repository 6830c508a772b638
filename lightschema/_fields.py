"""Constrained fields: checks that run when structuring and when constructing directly.

A check is a small callable ``check(value) -> value`` that raises
:class:`~lightschema.errors.InvalidValue` with pydantic's error kind and wording.
``constrained(check, ...)`` makes an attrs field that runs it in both places:
as a field hook step (so structuring reports every failing field at once) and as an
attrs validator (so ``Model(field=bad)`` is refused too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from lightschema.errors import NOT_UNICODE, InvalidValue, ValidationError, detail, has_lone_surrogate

__all__ = [
    "BANNED_NAME_CHARACTERS",
    "CHECK",
    "OMIT",
    "STRUCTURE",
    "UNSTRUCTURE",
    "Check",
    "all_of",
    "at_least",
    "at_most",
    "check_unicode",
    "constrained",
    "greater_than",
    "matches",
    "max_items",
    "max_length",
    "name_check",
    "non_emptyish",
    "optional",
    "value_error",
]

Check = Callable[[Any], Any]

# Field metadata keys the converter reads (kept here, free of cattrs, so defining a
# model does not import the converter):
#: a hook ``(value, type) -> value`` that replaces the type's own
STRUCTURE = "lightschema.structure"
#: a check ``(value) -> value`` run after the type's hook
CHECK = "lightschema.check"
#: a hook ``(value) -> json`` that replaces the type's own
UNSTRUCTURE = "lightschema.unstructure"
#: when true, the field is read but never written out
OMIT = "lightschema.omit"

BANNED_NAME_CHARACTERS = "/%&><"


def constrained(check: Check, **field_kwargs: Any) -> Any:
    """An attrs field whose values must pass ``check``, however the object is made."""
    metadata = {**field_kwargs.pop("metadata", {}), CHECK: check}
    return attrs.field(validator=_validator(check), metadata=metadata, **field_kwargs)


def _validator(check: Check) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        try:
            check(value)
        except InvalidValue as exc:
            loc = (attribute.name, *exc.loc)
            raise ValidationError(type(instance).__name__, [detail(exc.kind, loc, exc.msg, exc.value)]) from None

    return validate


def optional(check: Check) -> Check:
    """``check``, but None passes."""

    def check_optional(value: Any) -> Any:
        return None if value is None else check(value)

    return check_optional


def all_of(*checks: Check) -> Check:
    """Every check in turn; the first failure is reported."""

    def check_all(value: Any) -> Any:
        for check in checks:
            value = check(value)
        return value

    return check_all


def at_least(bound: float) -> Check:
    """A number ``>= bound``."""

    def check_ge(value: Any) -> Any:
        if not value >= bound:
            raise InvalidValue("greater_than_equal", f"Input should be greater than or equal to {bound}", value)
        return value

    return check_ge


def greater_than(bound: float) -> Check:
    """A number ``> bound``."""

    def check_gt(value: Any) -> Any:
        if not value > bound:
            raise InvalidValue("greater_than", f"Input should be greater than {bound}", value)
        return value

    return check_gt


def at_most(bound: float) -> Check:
    """A number ``<= bound``."""

    def check_le(value: Any) -> Any:
        if not value <= bound:
            raise InvalidValue("less_than_equal", f"Input should be less than or equal to {bound}", value)
        return value

    return check_le


def check_unicode(value: Any) -> None:
    """pydantic reads a constrained string as UTF-8 before it checks it: lone surrogates fail."""
    if has_lone_surrogate(value):
        raise InvalidValue("string_unicode", NOT_UNICODE, value)


def max_length(limit: int) -> Check:
    """A string of at most ``limit`` characters."""

    def check_max_length(value: Any) -> Any:
        check_unicode(value)
        if len(value) > limit:
            noun = "character" if limit == 1 else "characters"
            raise InvalidValue("string_too_long", f"String should have at most {limit} {noun}", value)
        return value

    return check_max_length


def max_items(limit: int) -> Check:
    """A list of at most ``limit`` items."""

    def check_max_items(value: Any) -> Any:
        if len(value) > limit:
            noun = "item" if limit == 1 else "items"
            raise InvalidValue(
                "too_long", f"List should have at most {limit} {noun} after validation, not {len(value)}", value
            )
        return value

    return check_max_items


def matches(pattern: str) -> Check:
    """A string matching the regular expression ``pattern`` (searched, as pydantic does)."""
    compiled = re.compile(pattern)

    def check_pattern(value: Any) -> Any:
        check_unicode(value)
        if compiled.search(value) is None:
            raise InvalidValue("string_pattern_mismatch", f"String should match pattern '{pattern}'", value)
        return value

    return check_pattern


#: a name with none of the characters the reference bans in names: ``/ % & > <``
name_check: Check = matches(f"^[^{BANNED_NAME_CHARACTERS}]+$")


def value_error(predicate: Callable[[Any], bool], message: str) -> Check:
    """A custom rule: ``predicate(value)`` must hold, else ``Value error, <message>``."""

    def check_rule(value: Any) -> Any:
        if not predicate(value):
            raise InvalidValue("value_error", f"Value error, {message}", value)
        return value

    return check_rule


def non_emptyish(value: Any) -> Any:
    """A name that is not blank once quotes and spaces are stripped."""
    if isinstance(value, str) and not value.strip("' \""):
        raise InvalidValue("value_error", "Value error, name cannot be an empty string", value)
    return value
