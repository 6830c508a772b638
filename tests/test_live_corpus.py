"""Real payloads recorded from a Prefect 3.9.1 server, checked offline on every run.

``tests/data/live_payloads.json`` is written by ``tests/live/record.py`` (which runs a
real server); each item is kept exactly as the server sent it (keys sorted).  For every item:
lightschema structures it, its JSON dump equals the reference's dump of the same item,
and the reference reads lightschema's dump back to the same dump.

Without the oracle, the reference's dumps come from the golden file
``tests/data/live_golden.json`` (see ``tests/golden.py``); with it, the golden file is
checked to be what the reference makes now.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import lightschema
import lightschema.objects as light_objects
from tests import golden
from tests.oracle import ref_objects, reference_class
from tests.payloads import CASES, CORPUS, our_class

GOLDEN = golden.load()


def classes(model: str) -> tuple[Any, Any]:
    """lightschema's and the reference's class of that name."""
    return our_class(model), reference_class(model)


def test_corpus_covers_the_server_models() -> None:
    assert sorted(CORPUS) == sorted(
        [
            "Artifact",
            "ArtifactCollection",
            "BlockDocument",
            "BlockSchema",
            "BlockType",
            "ConcurrencyLimit",
            "CronSchedule",
            "Deployment",
            "DeploymentSchedule",
            "Flow",
            "FlowRun",
            "FlowRunInput",
            "FlowRunPolicy",
            "GlobalConcurrencyLimit",
            "IntervalSchedule",
            "Log",
            "RRuleSchedule",
            "SavedSearch",
            "ServerDefaultResultStorage",
            "State",
            "StateDetails",
            "TaskRun",
            "TaskRunPolicy",
            "Variable",
            "WorkPool",
            "WorkPoolStorageConfiguration",
            "WorkQueue",
            "WorkQueueStatusDetail",
            "Worker",
        ]
    )
    assert all(CORPUS.values())


@pytest.mark.oracle
@pytest.mark.parametrize(("model", "index"), CASES, ids=[f"{model}-{index}" for model, index in CASES])
def test_recorded_payload_conforms(model: str, index: int) -> None:
    item = CORPUS[model][index]
    light_cls, ref_cls = classes(model)
    expected = ref_cls.model_validate(item).model_dump(mode="json")
    ours = light_cls.model_validate(item)
    dumped = ours.model_dump(mode="json")
    assert dumped == expected
    assert json.loads(ours.model_dump_json()) == expected
    assert ref_cls.model_validate(dumped).model_dump(mode="json") == expected
    assert light_cls.model_validate(expected).model_dump(mode="json") == expected


@pytest.mark.oracle
def test_recorded_flow_runs_read_as_a_list() -> None:
    runs = light_objects.FlowRun.model_validate_list(CORPUS["FlowRun"])
    expected = [ref_objects.FlowRun.model_validate(item).model_dump(mode="json") for item in CORPUS["FlowRun"]]
    assert [run.model_dump(mode="json") for run in runs] == expected


@pytest.mark.oracle
def test_recorded_states_keep_result_metadata() -> None:
    """Persisted results arrive as result metadata, which both sides keep as the same dict."""
    with_data = [item for item in CORPUS["State"] if isinstance(item.get("data"), dict)]
    assert {item["data"]["serializer"]["type"] for item in with_data} == {"json", "pickle"}
    for item in with_data:
        ours = light_objects.State.model_validate(item).model_dump(mode="json")["data"]
        assert ours == ref_objects.State.model_validate(item).model_dump(mode="json")["data"]


@pytest.mark.oracle
@pytest.mark.parametrize("model", sorted(CORPUS))
def test_recorded_payloads_read_as_json_lines(model: str) -> None:
    """Each model's recorded payloads, one a line, read in one call as the reference reads each line."""
    light_cls, ref_cls = classes(model)
    lines = [json.dumps(item) for item in CORPUS[model]]
    expected = [ref_cls.model_validate_json(line).model_dump(mode="json") for line in lines]
    ours = lightschema.load_json_lines("\n".join(lines).encode(), light_cls)
    assert [obj.model_dump(mode="json") for obj in ours] == expected


def _canonical(data: Any) -> str:
    """JSON text of a dump, native values (datetimes, UUIDs) as text: comparable across libraries."""
    return json.dumps(data, sort_keys=True, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))


@pytest.mark.oracle
@pytest.mark.parametrize(
    "options",
    [
        {"exclude_none": True},
        {"exclude_defaults": True},
        {"exclude_defaults": True, "exclude_none": True, "by_alias": True},
    ],
    ids=["none", "defaults", "both"],
)
@pytest.mark.parametrize(("model", "index"), CASES)
def test_leaving_out_none_and_defaults_as_the_reference(model: str, index: int, options: dict[str, bool]) -> None:
    """In every model held, in lists and dicts too (a deployment's schedules, a state's result
    record); a result serializer equal to the default one is left out as the reference does."""
    ours, theirs = (cls.model_validate(CORPUS[model][index]) for cls in classes(model))
    for mode in ("json", "python"):
        assert _canonical(ours.model_dump(mode=mode, **options)) == _canonical(theirs.model_dump(mode=mode, **options))
    assert json.loads(ours.model_dump_json(**options)) == json.loads(theirs.model_dump_json(**options))


_SPECS = [
    {"schedules": {0: {"schedule"}}},
    {"schedules": {"__all__": {"id", "active"}, 0: {"slug"}}},
    {"schedules": {"__all__": True, -1: {"active"}}},
    {"schedules": {"__all__": {"schedule": {"interval"}}}},
    {"state": {"state_details": {"flow_run_id"}, "data": {"storage_key"}}},
    {"tags": {0, -1}},
    {"labels": {"prefect.flow.id"}},
    {"task_inputs": {"__all__": {0: {"id"}}}},
    {"__all__": True},
    ["id", "name"],
    {"state": False},  # refused once a field of that name is reached, as the reference refuses it
]


@pytest.mark.oracle
@pytest.mark.parametrize("spec", _SPECS, ids=repr)
@pytest.mark.parametrize("model", sorted(CORPUS))
def test_include_and_exclude_as_the_reference(model: str, spec: Any) -> None:
    """Field names, list indexes (negative ones from the end) and ``__all__`` merged with the
    entries it meets, at any depth, in both modes and as JSON text."""
    for payload in CORPUS[model][:2]:
        ours, theirs = (cls.model_validate(payload) for cls in classes(model))
        for kind in ("include", "exclude"):
            for mode in ("json", "python"):
                expected = _outcome(lambda obj, m=mode, k=kind: obj.model_dump(mode=m, **{k: spec}), theirs)
                assert _outcome(lambda obj, m=mode, k=kind: obj.model_dump(mode=m, **{k: spec}), ours) == expected
            expected = _outcome(lambda obj, k=kind: json.loads(obj.model_dump_json(**{k: spec})), theirs)
            assert _outcome(lambda obj, k=kind: json.loads(obj.model_dump_json(**{k: spec})), ours) == expected


def _outcome(dump: Any, obj: Any) -> str:
    try:
        return _canonical(dump(obj))
    except (TypeError, ValueError):  # pydantic's JSON writer wraps the TypeError in its own error
        return "refused"


# -- the golden file: the reference's outputs, recorded, for runs without the oracle --------------


def test_golden_file_has_an_entry_for_every_recorded_payload() -> None:
    """In the payloads' order, each for the payload as it is now: re-record it with the payloads."""
    assert list(GOLDEN["models"]) == sorted(CORPUS)
    for model, payloads in CORPUS.items():
        assert [e["sha256"] for e in GOLDEN["models"][model]] == [golden.digest(p) for p in payloads], model


@pytest.mark.parametrize(("model", "index"), CASES, ids=[f"{model}-{index}" for model, index in CASES])
def test_recorded_payload_gives_what_the_reference_gave(model: str, index: int) -> None:
    """Our dumps of each payload, in both modes and as text, are the reference's, as recorded;
    compared as text too, for key order and for ``1`` against ``1.0`` or ``true``."""
    payload, expected = CORPUS[model][index], GOLDEN["models"][model][index]
    ours = our_class(model).model_validate(payload)
    got = golden.entry(ours, payload)
    for part in ("json", "python"):
        assert got[part] == expected[part], part
        assert golden.compact(got[part]) == golden.compact(expected[part]), part
    assert ours.model_dump_json() == golden.json_text(expected)
    assert our_class(model).model_validate(expected["json"]).model_dump(mode="json") == expected["json"]
    assert our_class(model).model_validate_json(golden.json_text(expected)) == ours


def test_recorded_flow_runs_read_as_a_list_as_the_reference_gave() -> None:
    runs = light_objects.FlowRun.model_validate_list(CORPUS["FlowRun"])
    assert [run.model_dump(mode="json") for run in runs] == [e["json"] for e in GOLDEN["models"]["FlowRun"]]


@pytest.mark.parametrize("model", sorted(CORPUS))
def test_recorded_payloads_read_as_json_lines_as_the_reference_gave(model: str) -> None:
    lines = [json.dumps(item) for item in CORPUS[model]]
    ours = lightschema.load_json_lines("\n".join(lines).encode(), our_class(model))
    assert [obj.model_dump(mode="json") for obj in ours] == [e["json"] for e in GOLDEN["models"][model]]


@pytest.mark.oracle
def test_golden_file_is_what_the_reference_gives_now() -> None:
    """A stale golden file fails here: run ``python tests/record_golden.py``."""
    now = golden.record()
    assert {k: v for k, v in now.items() if k != "models"} == {k: v for k, v in GOLDEN.items() if k != "models"}
    for model, entries in now["models"].items():
        assert entries == GOLDEN["models"].get(model), f"{model}: stale, run python tests/record_golden.py"
    assert golden.render(now) == golden.GOLDEN_PATH.read_text(), "stale, run python tests/record_golden.py"
