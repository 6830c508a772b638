"""Objects built by the generated fast path are the same objects ``__init__`` builds.

The fast path fills a mutable twin instance and then turns it into the model class
(``lightschema._codegen``), skipping the frozen ``__init__``. These tests hold it to
``__init__``'s result on every real server payload and on payloads of every model.
"""

from __future__ import annotations

import copy
import pickle
import sys
from typing import Any

import attrs
import pytest

from lightschema._fields import CHECK
from tests.payloads import CASES, CORPUS, MODELS, our_class


def _defined_classes() -> set[type]:
    """Every attrs class a lightschema module defines (a fast-path twin is none of them)."""
    return {
        value
        for name, module in list(sys.modules.items())
        if name.startswith("lightschema")
        for value in vars(module).values()
        if isinstance(value, type) and attrs.has(value) and value.__module__ == name
    }


def _models_in(value: Any) -> list[Any]:
    """Every model instance in ``value``, nested ones included."""
    if attrs.has(type(value)):
        found = [value]
        for a in attrs.fields(type(value)):
            found.extend(_models_in(getattr(value, a.name)))
        return found
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in _models_in(item)]
    if isinstance(value, dict):
        return [m for item in value.values() for m in _models_in(item)]
    return []


@pytest.mark.parametrize(("model", "index"), CASES)
def test_real_payloads_build_what_init_builds(model: str, index: int) -> None:
    cls = our_class(model)
    built = cls.model_validate(CORPUS[model][index])
    defined = _defined_classes()
    for obj in _models_in(built):
        kind = type(obj)
        assert kind in defined
        by_init = kind(**{a.alias: getattr(obj, a.name) for a in attrs.fields(kind) if a.init})
        if hasattr(obj, "model_extra"):
            object.__setattr__(by_init, "model_extra", obj.model_extra)
        assert by_init == obj
        names = [a.name for a in attrs.fields(kind)]
        assert [getattr(by_init, name) for name in names] == [getattr(obj, name) for name in names]
    assert type(built) is cls


@pytest.mark.parametrize(("model", "index"), CASES[::7])
def test_fast_built_objects_stay_frozen_and_copyable(model: str, index: int) -> None:
    cls = our_class(model)
    built = cls.model_validate(CORPUS[model][index])
    first = attrs.fields(cls)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(built, first, getattr(built, first))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        delattr(built, first)
    assert pickle.loads(pickle.dumps(built)) == built
    assert copy.deepcopy(built) == built
    assert type(copy.copy(built)) is cls


@pytest.mark.parametrize("cls", sorted(MODELS.values(), key=lambda cls: cls.__name__), ids=lambda cls: cls.__name__)
def test_defaults_pass_their_own_checks(cls: type) -> None:
    """The fast path runs a field's check on input only; every default must pass it unchecked."""
    for a in attrs.fields(cls):
        check = a.metadata.get(CHECK)
        if check is None or a.default is attrs.NOTHING:
            continue
        if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            if a.default.takes_self:
                continue
            default = a.default.factory()
        else:
            default = a.default
        if a.converter is not None and not isinstance(a.converter, attrs.Converter):  # type: ignore[arg-type]
            default = a.converter(default)
        check(default)


@attrs.frozen(kw_only=True)
class _Sample:
    """What ``__init__`` does beyond setting fields: a converter, an init=False default, post-init."""

    text: str = attrs.field(converter=str.upper)
    extra: dict[str, Any] = attrs.field(factory=dict, init=False)
    seen: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "seen", (*self.seen, "post-init"))


def test_the_twin_path_does_what_init_does() -> None:
    from lightschema._codegen import LoadPlan, make_load

    def keep(value: Any, _: Any = None) -> Any:
        return value

    load = make_load(
        _Sample, [LoadPlan("text", keep, None, False, attrs.NOTHING), LoadPlan("seen", keep, None, False, ())]
    )
    built = load({"text": "abc", "seen": ("input",)})
    assert type(built) is _Sample
    assert built == _Sample(text="abc", seen=("input",))
    assert (built.text, built.extra, built.seen) == ("ABC", {}, ("input", "post-init"))
    assert built.extra is not load({"text": "x"}).extra  # a fresh factory value each time
    assert "__twin" in load.__globals__, "the sample class is one the twin path takes"
