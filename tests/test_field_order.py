"""Every model has the reference's fields, in the reference's order (the wire order of dumps)."""

from __future__ import annotations

import attrs
import pytest

from lightschema import objects, schedules
from tests.oracle import HAS_ORACLE, pydantic, ref_objects, ref_schedules

pytestmark = pytest.mark.oracle  # every test compares with the reference

#: (ours, the reference's) for every model of the reference (none without it: all is skipped then)
PAIRS = [
    (getattr(ours_module, name), getattr(ref_module, name))
    for ours_module, ref_module in ((objects, ref_objects), (schedules, ref_schedules))
    for name in ours_module.__all__
    if HAS_ORACLE
    and isinstance(getattr(ref_module, name, None), type)
    and issubclass(getattr(ref_module, name), pydantic.BaseModel)
]


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_same_fields_in_the_same_order(ours: type, theirs: type[pydantic.BaseModel]) -> None:
    names = [a.name for a in attrs.fields(ours) if a.init]
    assert names == list(theirs.model_fields)


def test_every_reference_model_is_compared() -> None:
    assert len(PAIRS) >= 55
