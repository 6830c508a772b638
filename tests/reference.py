"""Comparing lightschema with the reference (prefect 3.9.1) on the same payloads.

Shared by the test modules; classes are looked up by name in ``objects`` and ``schedules``
on both sides.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest
from prefect.client.schemas import objects as ref_objects
from prefect.client.schemas import schedules as ref_schedules

from lightschema import ValidationError, objects, schedules


def reference_class(name: str) -> Any:
    return getattr(ref_objects, name, None) or getattr(ref_schedules, name)


def our_class(name: str) -> Any:
    return getattr(objects, name, None) or getattr(schedules, name)


def conforms(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Both libraries accept ``payload`` and dump it identically; each reads the other's dump."""
    theirs = reference_class(name).model_validate(payload)
    ours = our_class(name).model_validate(payload)
    expected = theirs.model_dump(mode="json")
    dumped: dict[str, Any] = ours.model_dump(mode="json")
    assert dumped == expected
    assert json.loads(ours.model_dump_json()) == json.loads(theirs.model_dump_json())
    assert reference_class(name).model_validate(dumped).model_dump(mode="json") == expected
    assert our_class(name).model_validate(expected).model_dump(mode="json") == expected
    return dumped


def both_reject(name: str, payload: Any) -> list[tuple[Any, ...]]:
    """Both refuse ``payload`` at the same locations with the same kinds; our full errors are returned.

    Callers compare messages for the rules their module owns (scalar messages, such as
    the UUID one, belong to the shared hooks).
    """
    with pytest.raises(pydantic.ValidationError) as theirs:
        reference_class(name).model_validate(payload)
    with pytest.raises(ValidationError) as ours:
        our_class(name).model_validate(payload)
    expected = sorted((tuple(e["loc"]), e["type"]) for e in theirs.value.errors())
    got = sorted((tuple(e["loc"]), e["type"], e["msg"]) for e in ours.value.errors())
    assert [g[:2] for g in got] == expected
    return got


def assert_generated_round_trip(name: str, payload: Any) -> None:
    """A generated payload: where the reference rejects it, so do we; where it accepts it, both
    dump it identically, and our dump of the reference's dump round-trips through JSON text."""
    try:
        made = reference_class(name).model_validate(payload).model_dump(mode="json")
    except pydantic.ValidationError:
        both_reject(name, payload)
        return
    conforms(name, payload)
    ours = our_class(name).model_validate(made)
    assert ours.model_dump(mode="json") == made
    assert our_class(name).model_validate_json(ours.model_dump_json()) == ours
