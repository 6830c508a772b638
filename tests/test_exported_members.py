"""The public namespaces: they cover the reference module and say exactly what they export."""

from __future__ import annotations

import enum
import inspect
import types

import pytest

import lightschema
from lightschema import objects, schedules
from tests.oracle import pydantic, ref_objects, ref_schedules


def reference_names(module: types.ModuleType) -> set[str]:
    """Classes, enums and functions defined in (or re-exported as data model by) a reference module."""
    names = set()
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(value) and (issubclass(value, (pydantic.BaseModel, enum.Enum))):
            if value.__module__.startswith("prefect."):
                names.add(name)
        elif inspect.isfunction(value) and value.__module__ == module.__name__:
            names.add(name)
    return names


@pytest.mark.oracle
@pytest.mark.parametrize(("ours", "theirs"), [(objects, ref_objects), (schedules, ref_schedules)])
def test_every_reference_model_enum_and_function_has_a_counterpart(
    ours: types.ModuleType, theirs: types.ModuleType
) -> None:
    expected = reference_names(theirs)
    # Helpers the reference module merely imports for its own use, not part of its data model.
    expected -= {
        "ResultRecordMetadata",
        "AutoEnum",
        "PrefectBaseModel",
        "ObjectBaseModel",
        "TimeSeriesBaseModel",
        "ActionBaseModel",
        "IDBaseModel",
    }
    missing = sorted(expected - set(ours.__all__))
    assert missing == []


@pytest.mark.parametrize("module", [lightschema, objects, schedules])
def test_all_matches_public_namespace(module: types.ModuleType) -> None:
    public = {
        name
        for name in dir(module)  # dir(), not vars(): lightschema.objects loads its models lazily
        if not name.startswith("_") and not isinstance(getattr(module, name), types.ModuleType)
    }
    exported = set(module.__all__) - {"__version__"}
    assert exported == public


@pytest.mark.parametrize("module", [lightschema, objects, schedules])
def test_all_is_sorted(module: types.ModuleType) -> None:
    # Constants first, then the rest, each group in code-point order (as ruff sorts __all__).
    assert list(module.__all__) == sorted(module.__all__, key=lambda n: (not n.isupper(), n))


def test_version_is_exposed() -> None:
    assert isinstance(lightschema.__version__, str) and lightschema.__version__
