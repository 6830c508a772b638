"""The benchmark suite's moving parts on a few objects: corpora, contenders, harness, report.

These check correctness only (same data in, same data out for every contender);
no figure the harness measures is asserted on. The corpora are made with the reference,
so the tests that read one need the oracle.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import corpus, instructions, report, run_one

SMALL = 10


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Corpora go to a temporary cache, never the working tree's."""
    monkeypatch.setattr(corpus, "CACHE_DIR", tmp_path / "cache")


def contenders() -> list[Any]:
    """The contender modules whose library is installed (msgspec is only in the bench extra)."""
    found = []
    for name in run_one.CONTENDERS:
        needs = {"msgspec": "msgspec", "prefect": "prefect", "lightschema": "lightschema"}[name]
        if importlib.util.find_spec(needs) is not None:
            found.append(run_one.contender_module(name))
    return found


@pytest.mark.oracle
@pytest.mark.parametrize("model", corpus.MODELS)
def test_corpus_is_seeded_wire_data(model: str) -> None:
    """Same seed, same payloads; each is already what the reference dumps; smaller is a prefix."""
    items = corpus.generate(model, SMALL)
    assert corpus.generate(model, SMALL) == items
    assert corpus.generate(model, SMALL, seed=1) != items
    ref = corpus.reference_class(model)
    assert [ref.model_validate(item).model_dump(mode="json") for item in items] == items
    assert corpus.generate(model, 3) == items[:3]


@pytest.mark.oracle
def test_corpus_cache_slices_larger_files() -> None:
    """A cached corpus serves smaller sizes as its prefix, byte-identical to generating them."""
    big = json.loads(corpus.load("Log", SMALL))
    small_path = corpus.corpus_file("Log", 4)
    assert json.loads(small_path.read_bytes()) == big[:4] == corpus.generate("Log", 4)
    assert corpus.to_jsonl(big[:2]).splitlines() == [corpus.dumps([item])[1:-1] for item in big[:2]]


@pytest.mark.oracle
@pytest.mark.parametrize("model", corpus.MODELS)
def test_contenders_agree(model: str) -> None:
    """Every contender with the model reads and writes the corpus back exactly, by every path."""
    items = corpus.generate(model, SMALL)
    untouched = copy.deepcopy(items)
    data, lines = corpus.dumps(items), corpus.to_jsonl(items)
    checked = []
    for module in contenders():
        codec = module.load(model)
        if codec is None:
            assert module.NAME == "lightschema", f"{module.NAME} lacks {model}"
            continue
        objs = codec.from_dicts(items)
        assert items == untouched, f"{module.NAME} mutated its input"
        assert len(objs) == SMALL
        assert codec.to_dicts(objs) == items, module.NAME
        assert json.loads(codec.to_json(objs)) == items, module.NAME
        assert codec.to_dicts(codec.decode_json(data)) == items, module.NAME
        assert codec.to_dicts(codec.decode_jsonl(lines)) == items, module.NAME
        orjson_dump = getattr(codec, "to_json_orjson", None)
        if orjson_dump is not None and orjson_dump([]) is not None:
            assert json.loads(orjson_dump(objs)) == items, module.NAME
        checked.append(module.NAME)
    assert "prefect" in checked


def test_contender_metadata() -> None:
    """Each contender names itself, reports versions, and says how a fresh process uses it."""
    for module in contenders():
        versions = module.versions()
        assert module.NAME in versions or (module.NAME == "prefect" and "pydantic" in versions)
        assert all(isinstance(v, str) and v for v in versions.values())
        assert module.IMPORT.startswith("import ") and module.IMPORT.endswith(" as models")
        assert "payload" in module.FIRST_USE


def _args(**overrides: Any) -> argparse.Namespace:
    base = {
        "contender": "prefect",
        "models": "Log,State",
        "model": "Log",
        "n": 4,
        "sizes": "2,4",
        "ops": "",
        "seed": corpus.DEFAULT_SEED,
        "rounds": 2,
        "warmup": 1,
        "min_time": 0.0,
    }
    return argparse.Namespace(**{**base, **overrides})


class _NoCollect:
    """Stands in for ``gc`` in the harness: full collections cost more than these tiny runs."""

    @staticmethod
    def collect() -> int:
        return 0


@pytest.mark.oracle
def test_harness_and_report_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measurement functions return the documented shapes and the report renders them."""
    monkeypatch.setattr(run_one, "gc", _NoCollect)
    raw: dict[str, Any] = {"throughput": {}, "scaling": {}, "memory": {}, "startup": {}, "skipped": []}
    names = [m.NAME for m in contenders()]
    for name in names:
        out = run_one.throughput(_args(contender=name))
        assert sorted(out["models"]) == (["Log", "State"] if name != "lightschema" else sorted(out["models"]))
        for entry in out["models"].values():
            assert entry["n"] == 4
            assert set(entry["seconds"]) >= {"decode_json", "decode_jsonl", "from_dicts", "to_dicts", "to_json"}
            assert all(len(times) == 2 for times in entry["seconds"].values())
        raw["throughput"][name] = out["models"]
        raw["skipped"].extend(out["skipped"].values())
        scaled = run_one.scaling(_args(contender=name, model="State", ops="from_dicts,decode_json"))
        assert sorted(scaled["sizes"]) == ["2", "4"]
        raw["scaling"][name] = scaled["sizes"]
        mem = run_one.memory(_args(contender=name, model="State"))
        assert mem["n"] == 4 and mem["traced_bytes_per_object"] > 0
        raw["memory"][name] = mem
        raw["startup"][name] = [{"import_s": 0.5, "first_use_s": 0.6, "process_s": 0.7, "maxrss_kb": 1000.0}] * 2
    raw["meta"] = {
        "mode": "quick",
        "contenders": names,
        "versions": {name: run_one.contender_module(name).versions() for name in names},
        "machine": {"summary": "test machine"},
        "loadavg_start": "0",
        "loadavg_end": "0",
    }
    results = report.summarize(raw)
    assert results["throughput"]["State"]["from_dicts"]["prefect"]["ratio"] == 1.0
    text = report.format_table(results)
    assert "State  (n=4" in text and "parsed dicts -> objects" in text
    assert "| FlowRun |" in report.format_markdown(results)


def test_json_bytes_target_is_judged_on_the_orjson_extra_when_measured() -> None:
    """The issue lets the optional orjson extra meet the JSON-bytes target; without it, stdlib."""
    both = {"to_json": {"lightschema": {"ratio": 0.5}}, "to_json_orjson": {"lightschema": {"ratio": 1.8}}}
    stdlib_only = {"to_json": {"lightschema": {"ratio": 0.5}}}
    rows = report._targets({"FlowRun": both, "State": stdlib_only}, {}, {}, {})
    by_model = {row["model"]: row for row in rows if row["what"].startswith("to_json")}
    assert by_model["FlowRun"]["what"] == "to_json speed-up (orjson extra)"
    assert (by_model["FlowRun"]["value"], by_model["FlowRun"]["met"]) == (1.8, True)
    assert (by_model["State"]["what"], by_model["State"]["value"]) == ("to_json speed-up", 0.5)
    assert by_model["State"]["met"] is False


class _RecordingCodec:
    """A contender's codec that records which objects (by id) each call was given."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def from_dicts(self, items: list[Any]) -> list[Any]:
        self.calls.append([item["id"] for item in items])
        return items

    decode_json = decode_jsonl = to_dicts = to_json = from_dicts  # never called here


@pytest.mark.oracle
def test_scaling_reads_new_data_at_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each timed call at a size takes the next disjoint slice of the corpus, so no contender's
    cache of values it has read can serve a call from an earlier one (one slice: repeated),
    and every round handles as many objects as the largest size (two calls of 2, one of 4)."""
    monkeypatch.setattr(run_one, "gc", _NoCollect)
    codec = _RecordingCodec()
    monkeypatch.setattr(run_one, "contender_module", lambda name: argparse.Namespace(load=lambda model: codec))
    ids = [item["id"] for item in json.loads(corpus.load("State", 4))]
    out = run_one.scaling(_args(model="State", sizes="2,4", ops="from_dicts", rounds=3, warmup=1))
    assert sorted(out["sizes"]) == ["2", "4"]
    # per size: one warm-up call on the first slice's head and a first call, then the rounds
    # (a first call as long as a round counts as round one)
    halves = [ids[2:4], ids[:2]] * 3
    assert codec.calls == [ids[:2], ids[:2], *halves, ids[:4], ids[:4], ids[:4], ids[:4]]


@pytest.mark.oracle
def test_instruction_count_runs_warm_up_then_the_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under callgrind, the child warms up on the corpus's head, then runs the full corpus
    exactly ``passes`` times, so one pass minus none is what the corpus costs."""
    codec = _RecordingCodec()
    monkeypatch.setattr(run_one, "contender_module", lambda name: argparse.Namespace(load=lambda model: codec))
    ids = [item["id"] for item in json.loads(corpus.load("State", 4))]
    instructions.run_passes("any", "State", 4, "from_dicts", 2)
    assert codec.calls == [ids, ids, ids]  # the head of 4 objects is all of them
    codec.calls.clear()
    instructions.run_passes("any", "State", 4, "from_dicts", 0)
    assert codec.calls == [ids]


@pytest.mark.oracle
@pytest.mark.parametrize("op", run_one.OPERATIONS)
def test_instruction_count_child_runs_each_operation(op: str) -> None:
    """The child process's work, for every contender that has the operation, on a few objects."""
    for module in contenders():
        codec = module.load("State")
        if op in run_one._operations(codec):
            out = instructions.run_passes(module.NAME, "State", 4, op, 1)
            assert len(json.loads(out) if isinstance(out, bytes) else out) == 4


def test_instruction_total_is_read_from_valgrind_output() -> None:
    assert instructions.collected("==12== Events    : Ir\n==12== Collected : 123456\n==12==\n") == 123456
    with pytest.raises(RuntimeError, match="no instruction count"):
        instructions.collected("valgrind: command not found")


def test_stats_summary() -> None:
    """Medians, quartiles and the half-range spread, on fixed numbers."""
    assert report.stats([3.0, 1.0, 2.0]) == {
        "samples": [3.0, 1.0, 2.0],
        "median": 2.0,
        "q1": 1.5,
        "q3": 2.5,
        "min": 1.0,
        "max": 3.0,
        "spread_pct": 50.0,
    }
