"""``lightschema.converter``: what ``structure`` gives back for inputs no model field expects."""

from __future__ import annotations

from typing import Any

import pytest

import lightschema
from lightschema.objects import Flow, FlowRun
from tests.oracle import pydantic, ref_objects

FLOW_ID = "2a7c5b1e-4d3f-4a8e-9b2c-1d0e6f7a8b9c"


class RaisingName:
    """An object whose ``name`` property fails: read through ``from_attributes``."""

    flow_id = FLOW_ID

    def __init__(self, error: Exception) -> None:
        self._error = error

    @property
    def name(self) -> str:
        raise self._error


@pytest.mark.parametrize(
    ("error", "reason"),
    [(RuntimeError("boom"), "RuntimeError: boom"), (KeyError("boom"), "KeyError: 'boom'")],
)
def test_a_property_that_raises_is_a_get_attribute_error(error: Exception, reason: str) -> None:
    source = RaisingName(error)
    with pytest.raises(lightschema.ValidationError) as info:
        FlowRun.model_validate(source)
    assert [(e["type"], e["loc"], e["msg"], e["input"]) for e in info.value.errors()] == [
        ("get_attribute_error", ("name",), f"Error extracting attribute: {reason}", source)
    ]


@pytest.mark.oracle
def test_a_property_that_raises_as_the_reference() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        ref_objects.FlowRun.model_validate(RaisingName(RuntimeError("boom")))
    assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [
        ("get_attribute_error", ("name",), "Error extracting attribute: RuntimeError: boom")
    ]


def test_memory_errors_are_not_reported_as_attribute_errors() -> None:
    with pytest.raises(MemoryError):
        FlowRun.model_validate(RaisingName(MemoryError()))


@pytest.mark.parametrize(
    ("value", "target"),
    [("x", tuple[int, int]), ([1], tuple[int, int]), (["a"], tuple[int, ...]), ({"a": 1}, list[Flow])],
)
def test_structure_raises_only_validation_errors(value: Any, target: Any) -> None:
    """Types no model field has (a tuple) go to hooks cattrs makes: their failures are
    ValidationErrors too, never a bare cattrs or ValueError."""
    with pytest.raises(lightschema.ValidationError) as info:
        lightschema.structure(value, target)
    assert info.value.error_count() >= 1
