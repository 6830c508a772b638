"""Bulk structuring and bulk dumps pause the cyclic collector and leave it exactly as they found it."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import pytest

import lightschema
from lightschema._gc import collector_paused
from lightschema.objects import FlowRun

RUNS = json.loads((Path(__file__).parent.parent / "examples" / "flow_runs.json").read_text()) * 8


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


class TestCollectorPaused:
    """The collector is off inside, and back to its own state after."""

    def test_paused_inside_restored_after(self) -> None:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_left_disabled_if_it_was(self) -> None:
        gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()

    def test_restored_on_error(self) -> None:
        gc.enable()
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError("boom")
        assert gc.isenabled()

    def test_nested_and_threads(self) -> None:
        gc.enable()
        inside = threading.Barrier(4)
        seen: ClassVar[list[bool]] = []

        def work() -> None:
            with collector_paused():
                inside.wait()
                seen.append(gc.isenabled())
                inside.wait()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert seen == [False] * 4
        assert gc.isenabled()


class TestBulkStructuring:
    """model_validate_list restores the collector whether it succeeds or fails."""

    def test_success(self) -> None:
        gc.enable()
        assert len(FlowRun.model_validate_list(RUNS)) == len(RUNS)
        assert gc.isenabled()

    def test_failure(self) -> None:
        gc.enable()
        with pytest.raises(lightschema.ValidationError) as info:
            FlowRun.model_validate_list([*RUNS, {"name": "no flow id"}])
        assert gc.isenabled()
        assert str(info.value) == (
            "1 validation error for list[FlowRun]\n"
            f"  $[{len(RUNS)}].flow_id: Field required [type=missing, input={{'name': 'no flow id'}}]"
        )

    def test_disabled_stays_disabled(self) -> None:
        gc.disable()
        FlowRun.model_validate_list(RUNS)
        assert not gc.isenabled()

    def test_json_lines_restore_it_on_success_and_failure(self) -> None:
        gc.enable()
        lines = "\n".join(json.dumps(run) for run in RUNS)
        assert len(lightschema.load_json_lines(lines, FlowRun)) == len(RUNS)
        assert gc.isenabled()
        with pytest.raises(lightschema.ValidationError):
            lightschema.load_json_lines(lines + "\n{bad", FlowRun)
        assert gc.isenabled()
        gc.disable()
        lightschema.load_json_lines(lines, FlowRun)
        assert not gc.isenabled()


class Witness(Decimal):
    """A parameter value the dump writes with ``str()`` (a decimal): it records whether the
    collector ran then."""

    seen: ClassVar[list[bool]] = []

    def __str__(self) -> str:
        Witness.seen.append(gc.isenabled())
        return "witness"


class Broken(Decimal):
    def __str__(self) -> str:
        raise RuntimeError("cannot be written")


class TestBulkDumps:
    """Dumping a list of models pauses the collector and restores it, as reading one does."""

    def runs(self, value: object, count: int = len(RUNS)) -> list[FlowRun]:
        return [FlowRun.model_validate(run).model_copy(update={"parameters": {"x": value}}) for run in RUNS[:count]]

    @pytest.mark.parametrize("dump", ["unstructure", "dump_json"])
    def test_paused_during_a_bulk_dump_restored_after(self, dump: str) -> None:
        from lightschema.converter import converter

        runs = self.runs(Witness())
        gc.enable()
        Witness.seen.clear()
        if dump == "unstructure":
            dumped = converter.unstructure(runs, list[FlowRun])
        else:
            dumped = json.loads(lightschema.dump_json(runs))
        assert [d["parameters"] for d in dumped] == [{"x": "witness"}] * len(runs)
        assert Witness.seen == [False] * len(runs)
        assert gc.isenabled()

    def test_a_short_list_is_dumped_with_the_collector_running(self) -> None:
        from lightschema.converter import converter

        runs = self.runs(Witness(), count=3)
        gc.enable()
        Witness.seen.clear()
        converter.unstructure(runs, list[FlowRun])
        assert Witness.seen == [True] * 3

    @pytest.mark.parametrize("dump", ["unstructure", "dump_json"])
    def test_restored_when_a_dump_fails(self, dump: str) -> None:
        from lightschema.converter import converter

        runs = self.runs(Broken())
        gc.enable()
        with pytest.raises(RuntimeError):
            converter.unstructure(runs, list[FlowRun]) if dump == "unstructure" else lightschema.dump_json(runs)
        assert gc.isenabled()
        gc.disable()
        with pytest.raises(RuntimeError):
            converter.unstructure(runs, list[FlowRun]) if dump == "unstructure" else lightschema.dump_json(runs)
        assert not gc.isenabled()


BAD_VALUES: list[object] = [1, "x", [], {}, None, 1.5, "P1D", [1], {"a": 1}, {"type": "x"}, [{"a": 1}], True]


def _bad_payloads() -> Iterator[tuple[type, object]]:
    """Every model with each field (in turn) set to each of a dozen wrong values, and empty."""
    import attrs

    from tests.payloads import MINIMAL, our_class

    for name, payload in sorted(MINIMAL.items()):
        cls = our_class(name)
        yield cls, {}
        for field in attrs.fields(cls):
            if field.init:
                for value in BAD_VALUES:
                    yield cls, {**payload, field.name: value}


class TestFailuresLeaveNoGarbage:
    """A failing input leaves nothing only the cyclic collector could free: bulk calls pause it,
    so garbage in a cycle would stay until the call ends (or for good, were it left paused)."""

    @staticmethod
    def garbage_after(call: object) -> int:
        gc.collect()
        gc.disable()
        try:
            assert callable(call)
            call()
        finally:
            found = gc.collect()
            gc.enable()
        return found

    def test_every_field_of_every_model(self) -> None:
        rejected = 0

        def validate_all() -> None:
            nonlocal rejected
            for cls, payload in _bad_payloads():
                try:
                    cls.model_validate(payload)  # type: ignore[attr-defined]
                except lightschema.ValidationError:
                    rejected += 1

        assert self.garbage_after(validate_all) == 0
        assert rejected > 1000  # the survey did reject things

    BAD_RUNS: ClassVar[list[object]] = [
        {"name": "no flow id"},
        {"flow_id": "nope", "tags": 5, "run_count": "x"},
        {"flow_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "tags": [1, 2], "labels": {"a": None}},
        {"flow_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "state": {"type": "NOPE", "data": {"storage_key": 1}}},
        7,
    ]

    @pytest.mark.parametrize(
        "call",
        ["model_validate_list", "load_json", "load_json_lines", "model_validate_json"],
    )
    def test_bulk_and_json_failures(self, call: str) -> None:
        items = self.BAD_RUNS * 20
        counted: list[int] = []

        def run() -> None:  # no pytest.raises: its record of the error would itself be a cycle
            try:
                if call == "model_validate_list":
                    FlowRun.model_validate_list(items)
                elif call == "load_json":
                    lightschema.load_json(json.dumps(items), list[FlowRun])
                elif call == "load_json_lines":
                    lightschema.load_json_lines("\n".join(json.dumps(item) for item in items), FlowRun)
                else:
                    FlowRun.model_validate_json(json.dumps(items[2]))
            except lightschema.ValidationError as exc:
                counted.append(exc.error_count())

        assert self.garbage_after(run) == 0
        assert counted and counted[0] >= 1
