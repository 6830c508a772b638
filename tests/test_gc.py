"""Bulk structuring and bulk dumps pause the cyclic collector and leave it exactly as they found it."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar, TypeVar

import pytest

import lightschema
from lightschema._gc import collector_paused, paused
from lightschema.objects import FlowRun

T = TypeVar("T")
RUNS = json.loads((Path(__file__).parent.parent / "examples" / "flow_runs.json").read_text()) * 8


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def _paused_with(form: str, body: Callable[[], T]) -> T:
    """``body()`` paused by ``paused`` or inside ``with collector_paused()``."""
    if form == "function":
        return paused(body)
    with collector_paused():
        return body()


@pytest.mark.parametrize("form", ["function", "with"])
class TestCollectorPaused:
    """The collector is off inside, and back to its own state after."""

    def test_paused_inside_restored_after(self, form: str) -> None:
        gc.enable()
        assert _paused_with(form, gc.isenabled) is False
        assert gc.isenabled()

    def test_left_disabled_if_it_was(self, form: str) -> None:
        gc.disable()
        assert _paused_with(form, gc.isenabled) is False
        assert not gc.isenabled()

    def test_restored_on_error(self, form: str) -> None:
        def boom() -> None:
            raise RuntimeError("boom")

        gc.enable()
        with pytest.raises(RuntimeError):
            _paused_with(form, boom)
        assert gc.isenabled()

    def test_nested(self, form: str) -> None:
        gc.enable()
        seen = _paused_with(form, lambda: (_paused_with(form, gc.isenabled), gc.isenabled()))
        assert seen == (False, False)  # the inner end leaves the outer region paused
        assert gc.isenabled()

    def test_threads(self, form: str) -> None:
        gc.enable()
        inside = threading.Barrier(4)
        seen: list[bool] = []

        def work() -> None:
            inside.wait()
            seen.append(gc.isenabled())
            inside.wait()  # none has ended while another looks

        threads = [threading.Thread(target=_paused_with, args=(form, work)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert seen == [False] * 4
        assert gc.isenabled()


class TestRepair:
    """A region whose end never ran (an interrupt skipped it) is dropped by the next region
    to start, and the collector it held off is turned back on."""

    @staticmethod
    def region_left_open() -> None:
        collector_paused().__enter__()  # and this frame returns without its __exit__

    def test_next_region_repairs(self) -> None:
        gc.enable()
        self.region_left_open()
        assert not gc.isenabled()
        assert paused(gc.isenabled) is False
        assert gc.isenabled()

    def test_a_clean_bulk_call_repairs(self) -> None:
        gc.enable()
        self.region_left_open()
        FlowRun.model_validate_list(RUNS)
        assert gc.isenabled()

    def test_user_disabled_collector_stays_off(self) -> None:
        gc.disable()
        self.region_left_open()
        paused(len, [])
        assert not gc.isenabled()

    def test_a_running_region_is_kept(self) -> None:
        gc.enable()
        with collector_paused():
            self.region_left_open()
            assert paused(gc.isenabled) is False
            assert not gc.isenabled()  # the with block above still runs
        assert paused(gc.isenabled) is False
        assert gc.isenabled()


#: fires asynchronous KeyboardInterrupts at bulk calls; prints what it counted as JSON
STORM = """
import _thread, gc, json, random, signal, sys, threading, time
from collections import Counter
import lightschema
from lightschema.objects import FlowRun

how, start_enabled, count = sys.argv[1], sys.argv[2] == "on", int(sys.argv[3])
U = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
good = [{"flow_id": U, "name": f"r{i}", "tags": ["a", "b"]} for i in range(80)]
bad = [{"name": f"r{i}"} for i in range(80)]
runs = FlowRun.model_validate_list(good)
body, bad_body = json.dumps(good), json.dumps(bad)
calls = [
    lambda: FlowRun.model_validate_list(good),
    lambda: FlowRun.model_validate_list(bad),
    lambda: lightschema.dump_json(runs),
    lambda: lightschema.load_json(body, list[FlowRun]),
    lambda: lightschema.load_json(bad_body, list[FlowRun]),
]
armed = False

def handler(signum, frame):
    if armed:  # only inside a call: the loop itself is not interrupted
        raise KeyboardInterrupt

signal.signal(signal.SIGINT, handler)
signal.signal(signal.SIGALRM, handler)
stop = False

def fire():
    rng = random.Random(1)
    while not stop:
        _thread.interrupt_main()
        time.sleep(rng.uniform(0, 0.002))

sys.setswitchinterval(1e-4)
if how == "thread":
    firing = threading.Thread(target=fire)
    firing.start()
else:
    signal.setitimer(signal.ITIMER_REAL, 0.0003, 0.0007)
(gc.enable if start_enabled else gc.disable)()
seen = Counter()
for i in range(count):
    try:
        try:
            armed = True
            calls[i % len(calls)]()
        finally:
            armed = False
        seen["completed"] += 1
    except KeyboardInterrupt:
        seen["interrupted"] += 1
        seen["changed after an interrupt"] += gc.isenabled() != start_enabled
    except lightschema.ValidationError:
        seen["rejected"] += 1
if how == "thread":
    stop = True
    firing.join()
else:
    signal.setitimer(signal.ITIMER_REAL, 0)
seen["changed at the end"] = gc.isenabled() != start_enabled
FlowRun.model_validate_list(good)
seen["changed after a clean call"] = gc.isenabled() != start_enabled
print(json.dumps(seen))
"""


@pytest.mark.parametrize("start", ["on", "off"])
@pytest.mark.parametrize("how", ["thread", "timer"])
def test_interrupts_never_leave_the_collector_changed(how: str, start: str) -> None:
    """Asynchronous KeyboardInterrupts (``_thread.interrupt_main`` from a thread, or a timer
    signal) at bulk reads, rejected reads and dumps: the collector is as it was after every
    one, from 3.11 on; on 3.10, where an interrupt can land between any two instructions,
    after the next clean call."""
    done = subprocess.run(
        [sys.executable, "-c", STORM, how, start, "2000"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    print(f"{how}, collector {start}: {seen}")
    assert seen["interrupted"] >= 100, seen  # the storm did land in calls
    assert seen["completed"] + seen.get("rejected", 0) + seen["interrupted"] == 2000
    assert seen["changed after a clean call"] == 0, seen
    if sys.version_info >= (3, 11):
        assert seen["changed after an interrupt"] == seen["changed at the end"] == 0, seen


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

        validate_all()  # first, what is built once (hooks, classes made on first use)
        assert self.garbage_after(validate_all) == 0
        assert rejected > 2000  # the survey did reject things

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

        run()  # first, what is built once
        assert self.garbage_after(run) == 0
        assert counted[1] >= 1
