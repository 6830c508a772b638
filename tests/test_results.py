"""State.result() against Prefect's, on the same states and on results Prefect itself stored."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import json
import pathlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prefect", reason="needs the oracle, prefect==3.9.1")  # whole module: prefect writes the results

import prefect.results
from prefect.client.schemas.objects import State as RefState
from prefect.filesystems import LocalFileSystem
from prefect.results import ResultStore
from prefect.serializers import (
    CompressedJSONSerializer,
    CompressedPickleSerializer,
    JSONSerializer,
    PickleSerializer,
)
from prefect.serializers import Serializer as RefSerializer
from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings

from lightschema import exceptions
from lightschema._results import aget_state_result, get_state_exception, get_state_result
from lightschema.objects import State

NOT_FINAL = ["SCHEDULED", "PENDING", "RUNNING", "CANCELLING"]
FAILURES = ["FAILED", "CRASHED", "CANCELLED"]
MISSING = (
    "raised",
    "MissingResult",
    "State data is missing. Typically, this occurs when result persistence is disabled and "
    "the state has been retrieved from the API.",
)


def _norm(value: Any) -> Any:
    """Exceptions compare by class name and args; everything else by value."""
    if isinstance(value, BaseException):
        return ("exception", type(value).__name__, value.args)
    return value


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("returned", _norm(call()))
    except Exception as exc:  # noqa: BLE001 - any exception is an outcome to compare
        return ("raised", type(exc).__name__, str(exc))


def both(payload: dict[str, Any]) -> tuple[RefState[Any], State[Any]]:
    return RefState.model_validate(payload), State.model_validate(payload)


def ref_result(state: RefState[Any], raise_on_failure: bool = True) -> Callable[[], Any]:
    return lambda: state.result(raise_on_failure=raise_on_failure, retry_result_failure=False)


def light_result(state: State[Any], raise_on_failure: bool = True, **kwargs: Any) -> Callable[[], Any]:
    return lambda: get_state_result(state, raise_on_failure, retry_result_failure=False, **kwargs)


# --- states without a result yet ------------------------------------------------


@pytest.mark.parametrize("kind", NOT_FINAL)
def test_unfinished(kind: str) -> None:
    ref, light = both({"type": kind})
    expected = ("raised", "UnfinishedRun", f"Run is in {kind} state, its result is not available.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light.result) == expected


def test_paused_carries_state() -> None:
    ref, light = both({"type": "PAUSED", "data": 5})
    expected = ("raised", "PausedRun", "Run is paused, its result is not available.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light.result) == expected
    with pytest.raises(exceptions.PausedRun) as info:
        light.result()
    assert info.value.state is light
    assert isinstance(info.value, exceptions.LightschemaError)


# --- inline data --------------------------------------------------------------------


@pytest.mark.parametrize("data", [1, 0, False, "", "text", [1, "a"], {"a": {"b": None}}, {"type": "x"}])
def test_completed_inline_data(data: Any) -> None:
    ref, light = both({"type": "COMPLETED", "data": data})
    assert outcome(light.result) == outcome(ref_result(ref)) == ("returned", data)


@pytest.mark.parametrize("untrackable", [False, True])
def test_completed_without_data(untrackable: bool) -> None:
    ref, light = both({"type": "COMPLETED", "state_details": {"untrackable_result": untrackable}})
    assert outcome(ref_result(ref)) == MISSING
    assert outcome(light.result) == MISSING


def test_unpersisted_data_is_missing() -> None:
    ref, light = both({"type": "COMPLETED", "data": {"type": "unpersisted"}})
    assert outcome(light.result) == outcome(ref_result(ref)) == MISSING


@pytest.mark.parametrize("kind", FAILURES)
@pytest.mark.parametrize("raise_on_failure", [True, False])
@pytest.mark.parametrize("extra", [{}, {"message": "went wrong"}, {"data": "inline text"}, {"data": {"a": 1}}])
def test_failures(kind: str, raise_on_failure: bool, extra: dict[str, Any]) -> None:
    ref, light = both({"type": kind, **extra})
    expected = outcome(ref_result(ref, raise_on_failure))
    assert outcome(light_result(light, raise_on_failure)) == expected
    assert outcome(lambda: light.result(raise_on_failure=raise_on_failure)) == expected


def test_failure_wrapper_messages() -> None:
    """The stand-in exceptions, spelled out once."""
    for kind, cls, default in [
        ("FAILED", exceptions.FailedRun, "Run failed."),
        ("CRASHED", exceptions.CrashedRun, "Run crashed."),
        ("CANCELLED", exceptions.CancelledRun, "Run cancelled."),
    ]:
        state = State.model_validate({"type": kind})
        returned = state.result(raise_on_failure=False)
        assert type(returned) is cls
        assert str(returned) == default
        with pytest.raises(cls, match=f"^{default}$"):
            state.result()


@pytest.mark.parametrize("raise_on_failure", [True, False])
def test_failure_with_exception_in_hand(raise_on_failure: bool) -> None:
    ref = RefState(type="FAILED", data=KeyError("k"))
    light = State.model_validate({"type": "FAILED", "data": KeyError("k")})
    expected = outcome(ref_result(ref, raise_on_failure))
    assert outcome(light_result(light, raise_on_failure)) == expected
    if raise_on_failure:
        assert expected == ("raised", "KeyError", "'k'")


def test_failure_with_nested_states() -> None:
    inner = {"type": "CRASHED", "message": "inner crash"}
    ref = RefState(type="FAILED", data=RefState.model_validate(inner))
    light = State.model_validate({"type": "FAILED", "data": State.model_validate(inner)})
    assert outcome(light_result(light)) == outcome(ref_result(ref)) == ("raised", "CrashedRun", "inner crash")

    ref_list = RefState(type="FAILED", data=[RefState(type="COMPLETED"), RefState(type="CANCELLED")])
    light_list = State.model_validate(
        {
            "type": "FAILED",
            "data": [State.model_validate({"type": "COMPLETED"}), State.model_validate({"type": "CANCELLED"})],
        }
    )
    assert (
        outcome(light_result(light_list))
        == outcome(ref_result(ref_list))
        == ("raised", "CancelledRun", "Run cancelled.")
    )

    ref_none = RefState(type="FAILED", data=[RefState(type="COMPLETED")])
    light_none = State.model_validate({"type": "FAILED", "data": [State.model_validate({"type": "COMPLETED"})]})
    assert outcome(light_result(light_none)) == outcome(ref_result(ref_none))
    assert outcome(light_result(light_none)) == (
        "raised",
        "ValueError",
        "Failed state result was an iterable of states but none were failed.",
    )


def test_get_state_exception_rejects_completed() -> None:
    light = State.model_validate({"type": "COMPLETED", "name": "Done"})
    with pytest.raises(
        ValueError, match=r"^Expected failed or crashed state got Done\(message=None, type=COMPLETED, result=None\)\.$"
    ):
        get_state_exception(light)


# --- stored results -------------------------------------------------------------------


def write(tmp_path: Path, obj: Any, serializer: RefSerializer[Any], key: str = "result") -> dict[str, Any]:
    """Persist ``obj`` with Prefect's own result store; return the metadata a state would carry."""
    store = ResultStore(result_storage=LocalFileSystem(basepath=str(tmp_path)), serializer=serializer)
    record = store.create_result_record(obj, key=key)
    store.persist_result_record(record)
    metadata: dict[str, Any] = record.metadata.model_dump(mode="json")
    return metadata


RICH = {
    "n": 1,
    "nested": [{"x": None, "y": [True, 2.5]}],
    "when": datetime.datetime(2024, 1, 2, 3, 4, 5, 600, tzinfo=datetime.timezone.utc),
    "naive": datetime.datetime(2024, 1, 2, 3, 4, 5),
    "day": datetime.date(2024, 1, 2),
    "at": datetime.time(3, 4, 5),
    "delta": datetime.timedelta(days=1, seconds=3, microseconds=7),
    "id": uuid.UUID(int=5),
    "set": {1, 2},
    "bytes": b"xy",
    "amount": decimal.Decimal("1.50"),
    "path": pathlib.Path("/x/y"),
    "tuple": (1, 2),
    "error": ValueError("boom"),
}


def _deep_norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_norm(v) for v in value]
    return _norm(value)


def test_json_record_written_by_prefect(tmp_path: Path) -> None:
    metadata = write(tmp_path, RICH, JSONSerializer())
    ref, light = both({"type": "COMPLETED", "data": metadata})
    got = light.result()
    assert _deep_norm(got) == _deep_norm(ref.result(retry_result_failure=False))
    assert {k: type(v) for k, v in got.items()} == {
        k: type(v) for k, v in ref.result(retry_result_failure=False).items() if k != "when"
    } | {"when": datetime.datetime}


PATH_NAMES = {
    "Path": pathlib.Path,
    "PosixPath": pathlib.Path,
    "WindowsPath": pathlib.Path,
    "PurePath": pathlib.PurePath,
    "PurePosixPath": pathlib.PurePosixPath,
    "PureWindowsPath": pathlib.PureWindowsPath,
}


@pytest.mark.parametrize("module", ["pathlib", "pathlib._local"])
@pytest.mark.parametrize("name", sorted(PATH_NAMES))
def test_paths_read_back_whichever_python_wrote_them(tmp_path: Path, module: str, name: str) -> None:
    """Python 3.13 moved the path classes to ``pathlib._local``, the name prefect writes there:
    both spellings read back on every Python (where the reference reads them, alike)."""
    metadata = write(tmp_path, {"p": pathlib.Path("/x/y")}, JSONSerializer())
    stored = tmp_path / "result"
    written = f"{type(pathlib.Path()).__module__}.{type(pathlib.Path()).__qualname__}"
    assert written in stored.read_text()
    stored.write_text(stored.read_text().replace(written, f"{module}.{name}"))
    ref, light = both({"type": "COMPLETED", "data": metadata})
    got = light.result()
    assert got == {"p": PATH_NAMES[name]("/x/y")}
    assert type(got["p"]) is type(PATH_NAMES[name]("/x/y"))
    theirs = outcome(ref_result(ref))
    if theirs[0] == "returned" and isinstance(theirs[1]["p"], pathlib.PurePath):  # the reference knows the name
        assert theirs == ("returned", got)


@pytest.mark.parametrize("name", ["pathlib._local.os", "pathlib._local.Path.home", "pathlib._local", "pathlib.os"])
def test_other_names_under_pathlib_are_not_imported(tmp_path: Path, name: str) -> None:
    metadata = write(tmp_path, {"p": pathlib.Path("/x/y")}, JSONSerializer())
    stored = tmp_path / "result"
    written = f"{type(pathlib.Path()).__module__}.{type(pathlib.Path()).__qualname__}"
    stored.write_text(stored.read_text().replace(written, name))
    _, light = both({"type": "COMPLETED", "data": metadata})
    assert light.result() == {"p": {"__class__": name, "data": "/x/y"}}


@pytest.mark.parametrize("serializer", [JSONSerializer(), CompressedJSONSerializer()], ids=["json", "compressed-json"])
def test_json_kinds(tmp_path: Path, serializer: RefSerializer[Any]) -> None:
    metadata = write(tmp_path, {"a": [1, "b"]}, serializer)
    ref, light = both({"type": "COMPLETED", "data": metadata})
    assert outcome(light.result) == outcome(ref_result(ref)) == ("returned", {"a": [1, "b"]})


@pytest.mark.parametrize("raise_on_failure", [True, False])
def test_failed_state_with_stored_exception(tmp_path: Path, raise_on_failure: bool) -> None:
    metadata = write(tmp_path, RuntimeError("stored failure"), JSONSerializer())
    ref, light = both({"type": "FAILED", "message": "ignored", "data": metadata})
    expected = outcome(ref_result(ref, raise_on_failure))
    assert outcome(light_result(light, raise_on_failure)) == expected
    if raise_on_failure:
        assert expected == ("raised", "RuntimeError", "stored failure")
    else:
        assert expected == ("returned", ("exception", "RuntimeError", ("stored failure",)))


def test_failed_state_with_stored_text(tmp_path: Path) -> None:
    metadata = write(tmp_path, "stored text", JSONSerializer())
    ref, light = both({"type": "FAILED", "data": metadata})
    assert outcome(light_result(light)) == outcome(ref_result(ref)) == ("raised", "FailedRun", "stored text")


def pickle_refused(key: str, kind: str) -> tuple[str, str, str]:
    return (
        "raised",
        "PickleNotAllowed",
        f"The result {key!r} was stored with the {kind!r} serializer. Unpickling can run "
        "arbitrary code, so lightschema loads it only when asked: call state.result(allow_pickle=True) "
        "if you trust where the result came from.",
    )


@pytest.mark.parametrize(
    "serializer", [PickleSerializer(), CompressedPickleSerializer()], ids=["pickle", "compressed-pickle"]
)
def test_pickled_results_need_permission(tmp_path: Path, serializer: RefSerializer[Any]) -> None:
    value = {"when": datetime.date(2020, 5, 6), "items": [1, 2]}
    metadata = write(tmp_path, value, serializer)
    ref, light = both({"type": "COMPLETED", "data": metadata})
    assert outcome(ref_result(ref)) == ("returned", value)
    assert outcome(lambda: light.result(allow_pickle=True)) == ("returned", value)
    assert outcome(light.result) == pickle_refused(metadata["storage_key"], serializer.type)


def test_pickled_failure_needs_permission_too(tmp_path: Path) -> None:
    metadata = write(tmp_path, KeyError("pickled"), PickleSerializer())
    ref, light = both({"type": "FAILED", "data": metadata})
    assert (
        outcome(lambda: light.result(allow_pickle=True))
        == outcome(ref_result(ref))
        == ("raised", "KeyError", "'pickled'")
    )
    assert outcome(light.result) == pickle_refused(metadata["storage_key"], "pickle")


def test_missing_file(tmp_path: Path) -> None:
    metadata = write(tmp_path, 1, JSONSerializer())
    Path(metadata["storage_key"]).unlink()
    ref, light = both({"type": "COMPLETED", "data": metadata})
    expected = ("raised", "ValueError", f"Path {metadata['storage_key']} does not exist.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light_result(light)) == ("raised", "ResultReadError", expected[2])
    with pytest.raises(ValueError, match=r"does not exist\.$"):
        light_result(light)()


def test_key_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    payload = {"type": "COMPLETED", "data": {"storage_key": str(tmp_path / "dir"), "serializer": {"type": "json"}}}
    ref, light = both(payload)
    expected = ("raised", "ValueError", f"Path {tmp_path / 'dir'} is not a file.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light_result(light)) == ("raised", "ResultReadError", expected[2])


def test_metadata_without_key() -> None:
    ref, light = both({"type": "COMPLETED", "data": {"storage_key": None}})
    message = "storage_key is required to hydrate a result record from metadata"
    assert outcome(ref_result(ref)) == ("raised", "ValueError", message)
    assert outcome(light_result(light)) == ("raised", "ResultReadError", message)


async def _no_server_block() -> None:
    return None


def test_relative_key_under_local_storage_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    storage = home / "storage"
    write(storage, {"rel": True}, JSONSerializer(), key="sub/rel-key")
    ref, light = both({"type": "COMPLETED", "data": {"storage_key": "sub/rel-key", "serializer": {"type": "json"}}})
    ref_out, light_out = both({"type": "COMPLETED", "data": {"storage_key": "../x", "serializer": {"type": "json"}}})
    # With no server default storage block, the reference reads under its local storage path.
    monkeypatch.setattr(prefect.results, "_aread_server_default_result_storage_block_id", _no_server_block)
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: storage}):
        expected = outcome(ref_result(ref))
        expected_out = outcome(ref_result(ref_out))
    assert expected == ("returned", {"rel": True})
    assert expected_out == (
        "raised",
        "ValueError",
        f"Provided path {home / 'x'} is outside of the base path {storage}.",
    )

    monkeypatch.setenv("PREFECT_RESULTS_LOCAL_STORAGE_PATH", str(storage))
    assert outcome(light.result) == expected
    assert outcome(light_result(light_out)) == ("raised", "ResultReadError", expected_out[2])
    monkeypatch.delenv("PREFECT_RESULTS_LOCAL_STORAGE_PATH")
    monkeypatch.setenv("PREFECT_HOME", str(home))
    assert outcome(light.result) == expected
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "elsewhere"))
    assert outcome(light_result(light, local_storage_path=storage)) == expected


def test_raw_and_legacy_files(tmp_path: Path) -> None:
    """Files that are not a result record: decoded whole, or read in the old blob layout."""
    (tmp_path / "raw").write_text("[1, 2]")
    (tmp_path / "legacy").write_text(json.dumps({"serializer": {"type": "json"}, "data": '{"old": 1}'}))
    for name in ("raw", "legacy"):
        payload = {"type": "COMPLETED", "data": {"storage_key": str(tmp_path / name), "serializer": {"type": "json"}}}
        ref, light = both(payload)
        assert outcome(light.result) == outcome(ref_result(ref))
    assert outcome(light.result) == ("returned", {"old": 1})


def test_unknown_serializer(tmp_path: Path) -> None:
    (tmp_path / "r").write_text(json.dumps({"metadata": {"serializer": {"type": "custom"}}, "result": "x"}))
    payload = {"type": "COMPLETED", "data": {"storage_key": str(tmp_path / "r"), "serializer": {"type": "custom"}}}
    ref, light = both(payload)
    message = "Serializer 'custom' is not available in this environment, so deserialization cannot be performed."
    assert outcome(ref_result(ref)) == ("raised", "RuntimeError", message)
    assert outcome(light_result(light)) == ("raised", "UnknownSerializer", message)


def test_storage_block_needs_a_reader(tmp_path: Path) -> None:
    metadata = write(tmp_path, [3, 4], JSONSerializer())
    block_id = uuid.UUID(int=7)
    light = State.model_validate({"type": "COMPLETED", "data": {**metadata, "storage_block_id": str(block_id)}})
    key = metadata["storage_key"]
    assert outcome(light.result) == (
        "raised",
        "ResultStorageUnavailable",
        f"The result {key!r} is kept in the Prefect storage block {block_id}, which lightschema cannot open. "
        "Pass storage_reader=<callable (storage_key, storage_block_id) -> bytes> that fetches the stored "
        "result record, or read it with Prefect.",
    )
    seen: list[tuple[str, uuid.UUID | None]] = []

    def reader(storage_key: str, storage_block_id: uuid.UUID | None) -> bytes:
        seen.append((storage_key, storage_block_id))
        return Path(storage_key).read_bytes()

    assert light_result(light, storage_reader=reader)() == [3, 4]
    assert seen == [(key, block_id)]


def test_async(tmp_path: Path) -> None:
    metadata = write(tmp_path, {"async": 1}, JSONSerializer())
    light = State.model_validate({"type": "COMPLETED", "data": metadata})
    assert asyncio.run(light.aresult()) == {"async": 1}
    assert asyncio.run(aget_state_result(light, retry_result_failure=False)) == {"async": 1}
    with pytest.raises(exceptions.UnfinishedRun, match=r"^Run is in RUNNING state, its result is not available\.$"):
        asyncio.run(aget_state_result(State.model_validate({"type": "RUNNING"})))


def test_json_record_holding_prefect_models(tmp_path: Path) -> None:
    """Prefect's schema objects in a JSON result come back as the lightschema classes of that name."""
    stored = RefState.model_validate({"type": "FAILED", "message": "inner", "data": [1]})
    metadata = write(tmp_path, {"state": stored, "flow_run_id": uuid.UUID(int=1)}, JSONSerializer())
    ref, light = both({"type": "COMPLETED", "data": metadata})
    ref_value, light_value = ref.result(), light.result()
    assert type(light_value["state"]) is State
    assert light_value["state"].model_dump(mode="json") == ref_value["state"].model_dump(mode="json")
    assert light_value["flow_run_id"] == ref_value["flow_run_id"] == uuid.UUID(int=1)


def test_reads_are_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the reference, a read that fails is tried again (10 attempts), unless told not to."""
    import lightschema._results as results

    monkeypatch.setattr(results, "RESULT_READ_RETRY_DELAY", 0)
    metadata = write(tmp_path, "late", JSONSerializer())
    light = State.model_validate({"type": "COMPLETED", "data": metadata})
    calls: list[int] = []

    def flaky(storage_key: str, storage_block_id: uuid.UUID | None) -> bytes:
        calls.append(1)
        if len(calls) < 3:
            raise FileNotFoundError(storage_key)
        return Path(storage_key).read_bytes()

    assert get_state_result(light, storage_reader=flaky) == "late"
    assert len(calls) == 3
    calls.clear()
    assert outcome(lambda: get_state_result(light, retry_result_failure=False, storage_reader=flaky)) == (
        "raised",
        "FileNotFoundError",
        metadata["storage_key"],
    )
    assert len(calls) == 1
    Path(metadata["storage_key"]).unlink()
    assert outcome(lambda: asyncio.run(aget_state_result(light))) == (
        "raised",
        "ResultReadError",
        f"Path {metadata['storage_key']} does not exist.",
    )
