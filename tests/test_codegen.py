"""``lightschema._codegen``: the generated load and dump functions, as tracebacks show them."""

from __future__ import annotations

import linecache

import pytest

import lightschema
from lightschema.objects import FlowRun

FLOW_ID = "2a7c5b1e-4d3f-4a8e-9b2c-1d0e6f7a8b9c"


def test_each_generated_function_has_its_own_source_in_linecache() -> None:
    """A class's JSON dump and its native (orjson) dump are different code: tracebacks must
    not show one for the other."""
    pytest.importorskip("orjson")
    run = FlowRun.model_validate({"flow_id": FLOW_ID})
    run.model_dump(mode="json")
    lightschema.dump_json(run)  # the native dump, through orjson
    base = "<lightschema generated dump lightschema._runs.FlowRun"
    names = [name for name in list(linecache.cache) if name == f"{base}>" or str(name).startswith(f"{base}-")]
    sources = {"".join(linecache.cache[name][2]) for name in names}
    assert len(names) >= 2
    assert len(sources) == len(names)  # no name holds two sources, none is shared


def test_a_generated_name_is_reused_only_for_the_same_source() -> None:
    from lightschema._codegen import _compile

    first = _compile("def f():\n    return 1\n", "<lightschema test f>", {}, "f")
    again = _compile("def f():\n    return 1\n", "<lightschema test f>", {}, "f")
    other = _compile("def f():\n    return 2\n", "<lightschema test f>", {}, "f")
    assert (first(), again(), other()) == (1, 1, 2)
    assert first.__code__.co_filename == again.__code__.co_filename == "<lightschema test f>"
    assert other.__code__.co_filename == "<lightschema test f-2>"
    assert "".join(linecache.cache["<lightschema test f-2>"][2]) == "def f():\n    return 2\n"
