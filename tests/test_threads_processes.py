"""Objects that are safe to share: immutable, detached from the caller's input, the same
from many threads (first use included) and across process boundaries.
"""

from __future__ import annotations

import concurrent.futures
import copy
import json
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.oracle import HAS_ORACLE, ref_objects, ref_schedules
from tests.payloads import MINIMAL, MODELS, NAMES, RICH


def wire(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The reference's JSON dump of ``payload`` (every field present, ids fixed), or the payload itself.

    Without the oracle, lightschema's own dump stands in: every field is present all the
    same, and the fresh interpreter's dumps are then checked against ours, not the reference's.
    """
    if not HAS_ORACLE:
        return MODELS[name].model_validate(payload).model_dump(mode="json")  # type: ignore[no-any-return]
    ref = getattr(ref_objects, name, None) or getattr(ref_schedules, name, None)
    if ref is None:  # Serializer has no pydantic counterpart
        return payload
    return ref.model_validate(payload).model_dump(mode="json")  # type: ignore[no-any-return]


PAYLOADS: dict[str, dict[str, Any]] = {name: wire(name, RICH.get(name, MINIMAL[name])) for name in NAMES}


def build(name: str) -> Any:
    return MODELS[name].model_validate(PAYLOADS[name])


@pytest.mark.parametrize("name", NAMES)
class TestEveryClass:
    def test_pickles_to_an_equal_object(self, name: str) -> None:
        obj = build(name)
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(obj, protocol=protocol))
            assert type(back) is type(obj)
            assert back == obj
            assert back.model_dump(mode="json") == obj.model_dump(mode="json")

    def test_assignment_raises(self, name: str) -> None:
        obj = build(name)
        before = obj.model_dump(mode="json")
        for field in attrs.fields(type(obj)):
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                setattr(obj, field.name, None)
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                delattr(obj, field.name)
        with pytest.raises((attrs.exceptions.FrozenInstanceError, AttributeError)):
            obj.not_a_field = 1
        assert obj.model_dump(mode="json") == before

    def test_input_is_left_alone_and_not_shared(self, name: str) -> None:
        payload = copy.deepcopy(PAYLOADS[name])
        snapshot = copy.deepcopy(payload)
        obj = MODELS[name].model_validate(payload)
        assert payload == snapshot
        MODELS[name].model_validate_json(json.dumps(payload))
        for key, value in payload.items():
            held = getattr(obj, key, None)
            if isinstance(value, (dict, list)) and isinstance(held, (dict, list)):
                assert held is not value, key
        dumped = obj.model_dump()
        for key, value in dumped.items():
            if isinstance(value, (dict, list)):
                assert value is not getattr(obj, key, None), key  # a dump is not the object's own container either


def test_field_containers_are_copies() -> None:
    from lightschema.objects import FlowRun

    tags, labels, parameters = ["a"], {"k": 1}, {"x": 1}
    run = FlowRun.model_validate({**MINIMAL["FlowRun"], "tags": tags, "labels": labels, "parameters": parameters})
    tags.append("b")
    labels["k2"] = 2
    parameters["y"] = 2
    assert (run.tags, run.labels, run.parameters) == (["a"], {"k": 1}, {"x": 1})


THREAD_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    import lightschema.objects as lo, lightschema.schedules as ls

    corpus = json.load(open(sys.argv[1]))
    models = {n: getattr(lo, n, None) or getattr(ls, n) for n in corpus}
    barrier = threading.Barrier(8)
    results = [None] * 8

    def work(slot):
        barrier.wait()  # every thread reaches first use of every class at once
        out = {}
        for name in (sorted(corpus) if slot % 2 else sorted(corpus, reverse=True)):
            objs = [models[name].model_validate(p) for p in corpus[name]]
            out[name] = [o.model_dump(mode="json") for o in objs]
            json_objs = [models[name].model_validate_json(o.model_dump_json()) for o in objs]
            assert json_objs == objs
        results[slot] = out

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    single = {n: [models[n].model_validate(p).model_dump(mode="json") for p in corpus[n]] for n in corpus}
    print(json.dumps({"same": [r == single for r in results], "dumped": single == {n: corpus[n] for n in corpus}}))
    """
)


def test_threads_from_first_use_in_a_fresh_interpreter(tmp_path: Path) -> None:
    corpus_file = tmp_path / "corpus.json"
    corpus_file.write_text(json.dumps({name: [PAYLOADS[name]] * 5 for name in NAMES if name != "Serializer"}))
    done = subprocess.run(
        [sys.executable, "-c", THREAD_SCRIPT, str(corpus_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stderr == ""
    assert json.loads(done.stdout) == {"same": [True] * 8, "dumped": True}


def _structure_chunk(chunk: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    return [MODELS[name].model_validate(payload) for name, payload in chunk]


def test_process_pool_matches_one_process() -> None:
    corpus = [(name, PAYLOADS[name]) for name in NAMES] * 40
    chunks = [corpus[i : i + 200] for i in range(0, len(corpus), 200)]
    single = _structure_chunk(corpus)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        pooled = [obj for part in pool.map(_structure_chunk, chunks) for obj in part]
    assert pooled == single
    assert [o.model_dump(mode="json") for o in pooled] == [o.model_dump(mode="json") for o in single]
