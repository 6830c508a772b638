"""Shared model behaviour: ids, equality, copying, dumping, pickling, immutability."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import subprocess
import sys
import textwrap
import uuid

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import lightschema
from lightschema.objects import (
    Constant,
    Flow,
    FlowRun,
    FlowRunPolicy,
    State,
    StateDetails,
    StateType,
    TaskRun,
)

FLOW_ID = "2b5c5a7e-8a5c-4e5f-9a0e-6f1c2d3e4f50"


def flow_run(**extra: object) -> FlowRun:
    return FlowRun.model_validate({"flow_id": FLOW_ID, "name": "calm-otter", **extra})


class TestIds:
    """Ids default the way the reference's do: uuid7 for runs, states and logs."""

    @pytest.mark.parametrize("cls", [State, FlowRun, TaskRun])
    def test_time_series_models_get_uuid7(self, cls: type) -> None:
        kwargs = {
            State: {"type": StateType.RUNNING},
            FlowRun: {"flow_id": uuid.UUID(FLOW_ID)},
            TaskRun: {"task_key": "k", "dynamic_key": "0"},
        }[cls]
        first, second = cls(**kwargs), cls(**kwargs)
        assert first.id.version == 7
        assert first.id != second.id

    def test_uuid7_is_time_ordered(self) -> None:
        from lightschema._base import uuid7

        ids = [uuid7() for _ in range(50)]
        millis = [u.int >> 80 for u in ids]
        assert millis == sorted(millis)
        assert {u.version for u in ids} == {7}
        assert {u.variant for u in ids} == {uuid.RFC_4122}


class TestEquality:
    """Equality ignores id, created and updated, as the reference's does."""

    def test_reset_fields_are_ignored(self) -> None:
        a = flow_run(created="2024-01-01T00:00:00Z")
        b = flow_run(created="2025-01-01T00:00:00Z")
        assert a.id != b.id
        assert a == b

    def test_other_fields_count(self) -> None:
        assert flow_run(run_count=1) != flow_run(run_count=2)

    def test_flow_run_ignores_rolling_estimates(self) -> None:
        assert flow_run(estimated_run_time=5, estimated_start_time_delta=2) == flow_run()

    def test_not_equal_to_other_types(self) -> None:
        assert flow_run() != {"flow_id": FLOW_ID}


class TestHashing:
    """Hashable exactly where the reference is: State by identity-ish tuple, run inputs by value."""

    def test_state_hash_matches_reference_definition(self) -> None:
        state = State(type=StateType.RUNNING, timestamp=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
        expected = hash((None, None, state.timestamp, StateType.RUNNING))
        assert hash(state) == expected

    def test_run_inputs_hash_by_value(self) -> None:
        assert hash(Constant(type="int")) == hash(Constant(type="int"))
        assert len({Constant(type="int"), Constant(type="int"), Constant(type="str")}) == 2

    @pytest.mark.parametrize("obj", [StateDetails(), FlowRunPolicy()])
    def test_ordinary_models_are_unhashable(self, obj: object) -> None:
        with pytest.raises(TypeError, match="unhashable type"):
            hash(obj)


class TestImmutability:
    """Objects are frozen and do not share the caller's containers."""

    def test_assignment_raises(self) -> None:
        run = flow_run()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            run.name = "other"  # type: ignore[misc]

    def test_input_is_not_mutated_and_not_shared(self) -> None:
        params = {"a": [1, 2]}
        tags = ["x"]
        payload = {"flow_id": FLOW_ID, "parameters": params, "tags": tags, "empirical_policy": {"max_retries": 2}}
        before = copy.deepcopy(payload)
        run = FlowRun.model_validate(payload)
        assert payload == before
        assert run.parameters is not params
        assert run.tags is not tags


class TestCopying:
    """model_copy, reset_fields and the stdlib copy protocols give new frozen instances."""

    def test_model_copy_update(self) -> None:
        run = flow_run()
        changed = run.model_copy(update={"run_count": 3})
        assert changed.run_count == 3
        assert run.run_count == 0
        assert changed.id == run.id

    def test_model_copy_rejects_unknown_fields(self) -> None:
        with pytest.raises(ValueError, match=r"FlowRun has no field\(s\) \['nope'\]"):
            flow_run().model_copy(update={"nope": 1})

    def test_deep_copy_does_not_share_containers(self) -> None:
        run = flow_run(parameters={"a": [1]})
        deep = run.model_copy(deep=True)
        assert deep == run
        assert deep.parameters["a"] is not run.parameters["a"]

    def test_reset_fields(self) -> None:
        run = flow_run(created="2024-01-01T00:00:00Z", updated="2024-01-02T00:00:00Z")
        reset = run.reset_fields()
        assert (reset.created, reset.updated) == (None, None)
        assert reset.id != run.id and reset.id.version == 7
        assert reset == run

    def test_state_model_copy_resets_timestamp(self) -> None:
        old = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
        state = State(type=StateType.COMPLETED, timestamp=old)
        assert state.model_copy().timestamp > old
        assert state.model_copy(update={"timestamp": old}).timestamp == old

    def test_state_fresh_copy(self) -> None:
        state = State(type=StateType.COMPLETED, message="done")
        fresh = state.fresh_copy()
        assert fresh.id != state.id
        assert fresh.created is not None and fresh.created == fresh.updated
        assert fresh.message == "done"

    @pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
    def test_pickle_round_trip(self, protocol: int) -> None:
        run = flow_run(state={"type": "COMPLETED", "data": {"storage_key": "k"}}, labels={"a": 1})
        again = pickle.loads(pickle.dumps(run, protocol=protocol))
        assert again == run and again.id == run.id
        assert again.model_dump(mode="json") == run.model_dump(mode="json")

    def test_copy_and_deepcopy(self) -> None:
        run = flow_run()
        assert copy.copy(run) == run
        assert copy.deepcopy(run) == run


class TestDumping:
    """model_dump and model_dump_json in both modes, with include/exclude/exclude_none."""

    def test_python_mode_keeps_native_values(self) -> None:
        data = flow_run(start_time="2024-01-02T03:04:05Z").model_dump()
        assert data["flow_id"] == uuid.UUID(FLOW_ID)
        assert data["start_time"] == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert data["empirical_policy"]["pause_keys"] == set()

    def test_json_mode(self) -> None:
        data = flow_run(start_time="2024-01-02T03:04:05Z", total_run_time=1.5).model_dump(mode="json")
        assert data["flow_id"] == FLOW_ID
        assert data["start_time"] == "2024-01-02T03:04:05Z"
        assert data["total_run_time"] == 1.5
        assert data["empirical_policy"]["pause_keys"] == []

    def test_exclude_nested_and_exclude_none(self) -> None:
        state = State.model_validate({"type": "COMPLETED", "message": "m", "data": {"a": None}})
        data = state.model_dump(
            mode="json", exclude={"id": True, "state_details": {"untrackable_result"}}, exclude_none=True
        )
        assert data == {
            "type": "COMPLETED",
            "name": "Completed",
            "timestamp": data["timestamp"],
            "message": "m",
            "state_details": {"pause_reschedule": False},
            "data": {"a": None},
        }

    def test_include(self) -> None:
        assert flow_run().model_dump(mode="json", include={"name", "flow_id"}) == {
            "name": "calm-otter",
            "flow_id": FLOW_ID,
        }

    def test_dump_json_is_compact_and_parses_back(self) -> None:
        run = flow_run(parameters={"ünï": "cødé"})
        text = run.model_dump_json()
        assert ", " not in text and "ünï" in text
        assert FlowRun.model_validate_json(text) == run

    def test_bad_mode(self) -> None:
        with pytest.raises(ValueError, match="mode must be 'python' or 'json', got 'yaml'"):
            flow_run().model_dump(mode="yaml")  # type: ignore[arg-type]


class TestReading:
    """model_validate_json and model_validate_list, and the cattrs entry points."""

    def test_validate_json_accepts_bytes_and_str(self) -> None:
        text = json.dumps({"flow_id": FLOW_ID, "name": "n"})
        assert FlowRun.model_validate_json(text) == FlowRun.model_validate_json(text.encode())

    def test_validate_json_reports_position(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            FlowRun.model_validate_json('{"flow_id": ')
        assert str(info.value) == (
            "1 validation error for FlowRun\n"
            "  $: Invalid JSON: Expecting value at line 1 column 13 [type=json_invalid, input='{\"flow_id\": ']"
        )

    def test_validate_json_rejects_bad_utf8(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            FlowRun.model_validate_json(b'{"name": "\xff"}')
        assert info.value.errors()[0]["msg"] == "Invalid JSON: invalid UTF-8 at byte 10"

    def test_validate_list_paths_carry_the_index(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            FlowRun.model_validate_list([{"flow_id": FLOW_ID}, {"flow_id": FLOW_ID, "state": {"type": "X"}}])
        assert [e["path"] for e in info.value.errors()] == ["$[1].state.type"]

    def test_validate_list_needs_a_list(self) -> None:
        with pytest.raises(lightschema.ValidationError) as info:
            FlowRun.model_validate_list({"flow_id": FLOW_ID})
        assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("list_type", ())]

    def test_structure_and_unstructure(self) -> None:
        run = lightschema.structure({"flow_id": FLOW_ID, "name": "x"}, FlowRun)
        assert lightschema.unstructure(run) == run.model_dump(mode="json")

    def test_unknown_keys_are_ignored(self) -> None:
        assert flow_run(brand_new_server_field=1) == flow_run()


class TestSharing:
    """Repeated ids and timestamps in a response are read once and shared (they are immutable)."""

    def test_repeated_texts_give_one_object(self) -> None:
        when = "2024-05-06T07:08:09.123456Z"
        runs = FlowRun.model_validate_list(
            [{"flow_id": FLOW_ID, "name": f"r{i}", "created": when, "expected_start_time": when} for i in range(3)]
        )
        assert len({id(r.created) for r in runs} | {id(r.expected_start_time) for r in runs}) == 1
        assert len({id(r.flow_id) for r in runs}) == 1
        assert runs[0].created == dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc)

    def test_caches_stay_bounded(self) -> None:
        from lightschema import _hooks

        start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        texts = [(start + dt.timedelta(seconds=i)).isoformat() for i in range(5000)]
        runs = FlowRun.model_validate_list([{"flow_id": str(uuid.uuid4()), "name": "n", "created": t} for t in texts])
        assert [r.created for r in runs] == [start + dt.timedelta(seconds=i) for i in range(5000)]
        assert 0 < len(_hooks.datetime_cache) <= 4096
        assert 0 < len(_hooks.uuid_cache) <= 4096
        assert [r.model_dump(mode="json")["flow_id"] for r in runs] == [str(r.flow_id) for r in runs]
        assert 0 < len(_hooks.uuid_text_cache) <= 4096
        days = [start + dt.timedelta(days=i, microseconds=i) for i in range(3000)]
        assert [_hooks.datetime_to_json(d) for d in days] == [d.isoformat().replace("+00:00", "Z") for d in days]
        assert 0 < len(_hooks.date_text_cache) <= 1024

    def test_repeated_short_texts_share_one_object(self) -> None:
        body = json.dumps([{"name": f"etl-{i}", "tags": ["nightly", "team-a"]} for i in range(4)])
        flows = Flow.model_validate_list(json.loads(body))  # every text a distinct object
        assert len({id(f.tags[0]) for f in flows}) == 1
        assert len({id(f.tags[1]) for f in flows}) == 1

    def test_distinct_texts_are_freed(self) -> None:
        """A million distinct texts read through the fast path leave nothing behind once the
        objects are dropped (``sys.intern`` would keep every one for good from 3.12 on)."""
        script = textwrap.dedent(
            """
            import gc, tracemalloc
            from lightschema.objects import Flow, Log

            def read(start):
                # 100,000 flows of ten distinct short texts each, then 20,000 long log messages
                flows = Flow.model_validate_list(
                    [{"name": f"f{i}", "tags": [f"t{i}-{j}" for j in range(9)]} for i in range(start, start + 100_000)]
                )
                logs = Log.model_validate_list(
                    [
                        {"name": f"n{i}", "level": 20, "message": f"{i:0200d}", "timestamp": "2024-01-01T00:00:00Z"}
                        for i in range(start, start + 20_000)
                    ]
                )
                return len(flows) + len(logs)

            read(0)  # hooks built, caches filled
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            assert read(10**7) == 120_000
            gc.collect()
            print(tracemalloc.get_traced_memory()[0] - before)
            """
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
        kept = int(done.stdout)
        assert kept < 2 * 2**20, f"{kept} bytes kept after reading a million distinct texts"

    def test_shared_texts_stay_bounded(self) -> None:
        from lightschema import _hooks

        Flow.model_validate_list([{"name": f"flow-{i}", "tags": [f"tag-{i}"]} for i in range(10_000)])
        assert 0 < len(_hooks.shared_texts) <= _hooks.SHARED_TEXTS_SIZE + 8
        long = "y" * (_hooks.SHARED_TEXT_MAX + 1)
        Flow.model_validate({"name": long, "tags": [long]})
        assert long not in _hooks.shared_texts

    @given(st.uuids())
    @example(uuid.UUID(int=0))
    @example(uuid.UUID(int=2**128 - 1))
    @example(uuid.UUID(int=0xAB << 48))  # a zero byte either side of the split at byte 10
    def test_written_uuids_are_their_text_each_time(self, value: uuid.UUID) -> None:
        """The dump looks recently written UUIDs up by number; first or looked up, the text is str()'s."""
        run = flow_run(flow_id=str(value), deployment_id=str(value))
        dumped = run.model_dump(mode="json")
        assert dumped["flow_id"] == dumped["deployment_id"] == str(value)
        assert run.model_dump(mode="json")["flow_id"] == str(value)

    def test_a_uuid_subclass_writes_itself(self) -> None:
        from lightschema import _hooks

        class Shouting(uuid.UUID):
            def __str__(self) -> str:
                return super().__str__().upper()

        value = uuid.UUID(FLOW_ID)
        assert _hooks.uuid_to_json(value) == FLOW_ID
        assert _hooks.uuid_to_json(Shouting(FLOW_ID)) == FLOW_ID.upper()
        assert _hooks.uuid_to_json(value) == FLOW_ID

    def test_only_exact_text_is_looked_up(self) -> None:
        """A str subclass and a datetime take the hook's own path, not the cache."""

        class Text(str):
            pass

        when = "2024-05-06T07:08:09Z"
        first = flow_run(created=when).created
        assert flow_run(created=Text(when)).created == first
        assert flow_run(created=first).created is first
