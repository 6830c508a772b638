"""State.result() against Prefect's, on the same states and on results Prefect itself stored;
and what lightschema refuses to do with a stored result (run code it names, read outside the
storage folder, inflate without bound), which needs no oracle.
"""

from __future__ import annotations

import asyncio
import base64
import bz2
import datetime
import decimal
import gzip
import inspect
import json
import lzma
import pathlib
import pickle
import random
import sys
import tracemalloc
import uuid
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lightschema import exceptions
from lightschema._results import (
    MAX_DECOMPRESSED_SIZE,
    aget_state_result,
    decode_json_object,
    get_state_exception,
    get_state_result,
    load_result_record,
)
from lightschema.objects import State
from tests.oracle import Missing, temporary_settings

try:
    import prefect.results as ref_results
    from prefect.client.schemas.objects import State as RefState
    from prefect.filesystems import LocalFileSystem
    from prefect.results import ResultStore
    from prefect.serializers import Serializer as RefSerializer
    from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH
except ModuleNotFoundError as exc:  # the oracle is absent: its tests are skipped (conftest.py)
    if (exc.name or "").partition(".")[0] not in ("prefect", "pydantic"):
        raise
    ref_results = Missing("prefect.results")  # type: ignore[assignment]
    RefState = Missing("prefect.client.schemas.objects.State")  # type: ignore[assignment,misc]
    LocalFileSystem = Missing("prefect.filesystems.LocalFileSystem")  # type: ignore[assignment,misc]
    ResultStore = Missing("prefect.results.ResultStore")  # type: ignore[assignment,misc]
    RefSerializer = Missing("prefect.serializers.Serializer")  # type: ignore[assignment,misc]
    PREFECT_RESULTS_LOCAL_STORAGE_PATH = Missing("prefect.settings.PREFECT_RESULTS_LOCAL_STORAGE_PATH")

oracle = pytest.mark.oracle


@pytest.fixture(autouse=True)
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The local storage folder, as Prefect's setting names it: where Prefect writes, lightschema reads."""
    monkeypatch.setenv("PREFECT_RESULTS_LOCAL_STORAGE_PATH", str(tmp_path))
    return tmp_path


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


@oracle
@pytest.mark.parametrize("kind", NOT_FINAL)
def test_unfinished(kind: str) -> None:
    ref, light = both({"type": kind})
    expected = ("raised", "UnfinishedRun", f"Run is in {kind} state, its result is not available.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light.result) == expected


@oracle
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


@oracle
@pytest.mark.parametrize("data", [1, 0, False, "", "text", [1, "a"], {"a": {"b": None}}, {"type": "x"}])
def test_completed_inline_data(data: Any) -> None:
    ref, light = both({"type": "COMPLETED", "data": data})
    assert outcome(light.result) == outcome(ref_result(ref)) == ("returned", data)


@oracle
@pytest.mark.parametrize("untrackable", [False, True])
def test_completed_without_data(untrackable: bool) -> None:
    ref, light = both({"type": "COMPLETED", "state_details": {"untrackable_result": untrackable}})
    assert outcome(ref_result(ref)) == MISSING
    assert outcome(light.result) == MISSING


@oracle
def test_unpersisted_data_is_missing() -> None:
    ref, light = both({"type": "COMPLETED", "data": {"type": "unpersisted"}})
    assert outcome(light.result) == outcome(ref_result(ref)) == MISSING


@oracle
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


@oracle
@pytest.mark.parametrize("raise_on_failure", [True, False])
def test_failure_with_exception_in_hand(raise_on_failure: bool) -> None:
    ref = RefState(type="FAILED", data=KeyError("k"))
    light = State.model_validate({"type": "FAILED", "data": KeyError("k")})
    expected = outcome(ref_result(ref, raise_on_failure))
    assert outcome(light_result(light, raise_on_failure)) == expected
    if raise_on_failure:
        assert expected == ("raised", "KeyError", "'k'")


@oracle
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


def write(tmp_path: Path, obj: Any, serializer: str = "json", key: str = "result", **options: Any) -> dict[str, Any]:
    """Persist ``obj`` with Prefect's own result store and serializer (by type name and options);
    return the metadata a state would carry."""
    store = ResultStore(
        result_storage=LocalFileSystem(basepath=str(tmp_path)), serializer=RefSerializer(type=serializer, **options)
    )
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


@oracle
def test_json_record_written_by_prefect(tmp_path: Path) -> None:
    metadata = write(tmp_path, RICH)
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


@oracle
@pytest.mark.parametrize("module", ["pathlib", "pathlib._local"])
@pytest.mark.parametrize("name", sorted(PATH_NAMES))
def test_paths_read_back_whichever_python_wrote_them(tmp_path: Path, module: str, name: str) -> None:
    """Python 3.13 moved the path classes to ``pathlib._local``, the name prefect writes there:
    both spellings read back on every Python (where the reference reads them, alike)."""
    metadata = write(tmp_path, {"p": pathlib.Path("/x/y")})
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


@oracle
@pytest.mark.parametrize("name", ["pathlib._local.os", "pathlib._local.Path.home", "pathlib._local", "pathlib.os"])
def test_other_names_under_pathlib_are_not_imported(tmp_path: Path, name: str) -> None:
    metadata = write(tmp_path, {"p": pathlib.Path("/x/y")})
    stored = tmp_path / "result"
    written = f"{type(pathlib.Path()).__module__}.{type(pathlib.Path()).__qualname__}"
    stored.write_text(stored.read_text().replace(written, name))
    _, light = both({"type": "COMPLETED", "data": metadata})
    assert light.result() == {"p": {"__class__": name, "data": "/x/y"}}


@oracle
@pytest.mark.parametrize("serializer", ["json", "compressed/json"])
def test_json_kinds(tmp_path: Path, serializer: str) -> None:
    metadata = write(tmp_path, {"a": [1, "b"]}, serializer)
    ref, light = both({"type": "COMPLETED", "data": metadata})
    assert outcome(light.result) == outcome(ref_result(ref)) == ("returned", {"a": [1, "b"]})


@oracle
@pytest.mark.parametrize("raise_on_failure", [True, False])
def test_failed_state_with_stored_exception(tmp_path: Path, raise_on_failure: bool) -> None:
    metadata = write(tmp_path, RuntimeError("stored failure"))
    ref, light = both({"type": "FAILED", "message": "ignored", "data": metadata})
    expected = outcome(ref_result(ref, raise_on_failure))
    assert outcome(light_result(light, raise_on_failure)) == expected
    if raise_on_failure:
        assert expected == ("raised", "RuntimeError", "stored failure")
    else:
        assert expected == ("returned", ("exception", "RuntimeError", ("stored failure",)))


@oracle
def test_failed_state_with_stored_text(tmp_path: Path) -> None:
    metadata = write(tmp_path, "stored text")
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


@oracle
@pytest.mark.parametrize("serializer", ["pickle", "compressed/pickle"])
def test_pickled_results_need_permission(tmp_path: Path, serializer: str) -> None:
    value = {"when": datetime.date(2020, 5, 6), "items": [1, 2]}
    metadata = write(tmp_path, value, serializer)
    ref, light = both({"type": "COMPLETED", "data": metadata})
    assert outcome(ref_result(ref)) == ("returned", value)
    assert outcome(lambda: light.result(allow_pickle=True)) == ("returned", value)
    assert outcome(light.result) == pickle_refused(metadata["storage_key"], serializer)


@oracle
def test_pickled_failure_needs_permission_too(tmp_path: Path) -> None:
    metadata = write(tmp_path, KeyError("pickled"), "pickle")
    ref, light = both({"type": "FAILED", "data": metadata})
    assert (
        outcome(lambda: light.result(allow_pickle=True))
        == outcome(ref_result(ref))
        == ("raised", "KeyError", "'pickled'")
    )
    assert outcome(light.result) == pickle_refused(metadata["storage_key"], "pickle")


@oracle
def test_missing_file(tmp_path: Path) -> None:
    metadata = write(tmp_path, 1)
    Path(metadata["storage_key"]).unlink()
    ref, light = both({"type": "COMPLETED", "data": metadata})
    expected = ("raised", "ValueError", f"Path {metadata['storage_key']} does not exist.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light_result(light)) == ("raised", "ResultReadError", expected[2])
    with pytest.raises(ValueError, match=r"does not exist\.$"):
        light_result(light)()


@oracle
def test_key_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    payload = {"type": "COMPLETED", "data": {"storage_key": str(tmp_path / "dir"), "serializer": {"type": "json"}}}
    ref, light = both(payload)
    expected = ("raised", "ValueError", f"Path {tmp_path / 'dir'} is not a file.")
    assert outcome(ref_result(ref)) == expected
    assert outcome(light_result(light)) == ("raised", "ResultReadError", expected[2])


@oracle
def test_metadata_without_key() -> None:
    ref, light = both({"type": "COMPLETED", "data": {"storage_key": None}})
    message = "storage_key is required to hydrate a result record from metadata"
    assert outcome(ref_result(ref)) == ("raised", "ValueError", message)
    assert outcome(light_result(light)) == ("raised", "ResultReadError", message)


async def _no_server_block() -> None:
    return None


@oracle
def test_relative_key_under_local_storage_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    storage = home / "storage"
    write(storage, {"rel": True}, key="sub/rel-key")
    ref, light = both({"type": "COMPLETED", "data": {"storage_key": "sub/rel-key", "serializer": {"type": "json"}}})
    ref_out, light_out = both({"type": "COMPLETED", "data": {"storage_key": "../x", "serializer": {"type": "json"}}})
    # With no server default storage block, the reference reads under its local storage path.
    monkeypatch.setattr(ref_results, "_aread_server_default_result_storage_block_id", _no_server_block)
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
    assert outcome(light_result(light_out)) == ("raised", "PathNotAllowed", expected_out[2])
    monkeypatch.delenv("PREFECT_RESULTS_LOCAL_STORAGE_PATH")
    monkeypatch.setenv("PREFECT_HOME", str(home))
    assert outcome(light.result) == expected
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "elsewhere"))
    assert outcome(light_result(light, local_storage_path=storage)) == expected


@oracle
def test_raw_and_legacy_files(tmp_path: Path) -> None:
    """Files that are not a result record: decoded whole, or read in the old blob layout."""
    (tmp_path / "raw").write_text("[1, 2]")
    (tmp_path / "legacy").write_text(json.dumps({"serializer": {"type": "json"}, "data": '{"old": 1}'}))
    for name in ("raw", "legacy"):
        payload = {"type": "COMPLETED", "data": {"storage_key": str(tmp_path / name), "serializer": {"type": "json"}}}
        ref, light = both(payload)
        assert outcome(light.result) == outcome(ref_result(ref))
    assert outcome(light.result) == ("returned", {"old": 1})


@oracle
def test_unknown_serializer(tmp_path: Path) -> None:
    (tmp_path / "r").write_text(json.dumps({"metadata": {"serializer": {"type": "custom"}}, "result": "x"}))
    payload = {"type": "COMPLETED", "data": {"storage_key": str(tmp_path / "r"), "serializer": {"type": "custom"}}}
    ref, light = both(payload)
    message = "Serializer 'custom' is not available in this environment, so deserialization cannot be performed."
    assert outcome(ref_result(ref)) == ("raised", "RuntimeError", message)
    assert outcome(light_result(light)) == ("raised", "UnknownSerializer", message)


@oracle
def test_storage_block_needs_a_reader(tmp_path: Path) -> None:
    metadata = write(tmp_path, [3, 4])
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


@oracle
def test_async(tmp_path: Path) -> None:
    metadata = write(tmp_path, {"async": 1})
    light = State.model_validate({"type": "COMPLETED", "data": metadata})
    assert asyncio.run(light.aresult()) == {"async": 1}
    assert asyncio.run(aget_state_result(light, retry_result_failure=False)) == {"async": 1}
    with pytest.raises(exceptions.UnfinishedRun, match=r"^Run is in RUNNING state, its result is not available\.$"):
        asyncio.run(aget_state_result(State.model_validate({"type": "RUNNING"})))


@oracle
def test_json_record_holding_prefect_models(tmp_path: Path) -> None:
    """Prefect's schema objects in a JSON result come back as the lightschema classes of that name."""
    stored = RefState.model_validate({"type": "FAILED", "message": "inner", "data": [1]})
    metadata = write(tmp_path, {"state": stored, "flow_run_id": uuid.UUID(int=1)})
    ref, light = both({"type": "COMPLETED", "data": metadata})
    ref_value, light_value = ref.result(), light.result()
    assert type(light_value["state"]) is State
    assert light_value["state"].model_dump(mode="json") == ref_value["state"].model_dump(mode="json")
    assert light_value["flow_run_id"] == ref_value["flow_run_id"] == uuid.UUID(int=1)


@oracle
def test_reads_are_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the reference, a read that fails is tried again (10 attempts), unless told not to."""
    import lightschema._results as results

    monkeypatch.setattr(results, "RESULT_READ_RETRY_DELAY", 0)
    metadata = write(tmp_path, "late")
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


# --- what a stored result may not do (no oracle needed) ------------------------------------

MIB = 1024 * 1024


def record(folder: Path, result: str, serializer: dict[str, Any] | None = None, name: str = "record") -> dict[str, Any]:
    """Write a result record by hand, laid out as Prefect lays it out; return its metadata."""
    path = folder / name
    metadata = {"storage_key": str(path), "serializer": serializer or {"type": "json"}}
    path.write_text(json.dumps({"metadata": metadata, "result": result}))
    return metadata


def state_of(metadata: dict[str, Any], kind: str = "COMPLETED") -> State[Any]:
    return State.model_validate({"type": kind, "data": metadata})


def exception_record(folder: Path, name: Any, message: str = "3") -> dict[str, Any]:
    return record(folder, json.dumps({"__exc_type__": name, "message": message}))


def raised_by(call: Callable[[], Any]) -> Exception:
    """What ``call`` raised, failing the test if it raised nothing or what ``except Exception`` misses."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the point: it must be an Exception
        return exc
    except BaseException as exc:  # noqa: BLE001
        pytest.fail(f"{type(exc).__name__} escaped `except Exception`")
    pytest.fail("nothing was raised")


def test_every_entry_point_defaults_to_the_safe_side() -> None:
    entry_points = [
        State.result,
        State.aresult,
        get_state_result,
        aget_state_result,
        get_state_exception,
        load_result_record,
    ]
    for function in entry_points:
        params = inspect.signature(function).parameters
        assert params["allow_pickle"].default is False
        assert params["allow_imports"].default is False
        assert params["allow_outside_storage"].default is False
        assert params["max_decompressed_size"].default == MAX_DECOMPRESSED_SIZE == 64 * MIB


@pytest.fixture
def probe_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """An importable module that leaves a marker file when its top-level code runs."""
    name = f"lightschema_probe_{uuid.uuid4().hex}"
    folder = tmp_path / "site"
    folder.mkdir()
    marker = tmp_path / "imported"
    (folder / f"{name}.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported')\n"
        "class Boom(Exception):\n    pass\n"
        "class Halt(BaseException):\n    pass\n"
        "def hook(value):\n    return {'hooked': value}\n"
    )
    monkeypatch.syspath_prepend(str(folder))
    yield name, marker
    sys.modules.pop(name, None)


@pytest.mark.parametrize("decoder", ["subprocess.check_output", "os.system", "builtins.eval", "pickle.loads"])
def test_object_decoder_named_in_a_record_is_not_imported(storage: Path, decoder: str) -> None:
    marker = storage / "ran"
    # subprocess.check_output(value) runs the keys as a command: sh -c 'touch <marker>'
    value = {"sh": 1, "-c": 1, f"touch {marker}": 1}
    state = state_of(record(storage, json.dumps(value), {"type": "json", "object_decoder": decoder}))
    for call in (state.result, lambda: state.result(allow_imports={"os.getcwd"}), lambda: asyncio.run(state.aresult())):
        error = raised_by(call)
        assert type(error) is exceptions.ImportNotAllowed
        assert isinstance(error, exceptions.ResultReadError)
        assert f"names the JSON object decoder {decoder!r}" in str(error)
        assert f"Pass allow_imports={{{decoder!r}}} (or allow_imports=True)" in str(error)
    assert not marker.exists()


def test_the_decoder_record_was_a_real_attack(storage: Path) -> None:
    """Allowed by name, the same record runs its command: what the refusal prevents."""
    marker = storage / "ran"
    value = {"sh": 1, "-c": 1, f"touch {marker}": 1}
    state = state_of(record(storage, json.dumps(value), {"type": "json", "object_decoder": "subprocess.check_output"}))
    assert state.result(allow_imports={"subprocess.check_output"}) == b""
    assert marker.exists()


def test_decoder_from_a_module_with_side_effects(storage: Path, probe_module: tuple[str, Path]) -> None:
    name, marker = probe_module
    state = state_of(record(storage, json.dumps({"a": 1}), {"type": "json", "object_decoder": f"{name}.hook"}))
    assert type(raised_by(state.result)) is exceptions.ImportNotAllowed
    assert type(raised_by(lambda: state.result(allow_imports={f"{name}.other"}))) is exceptions.ImportNotAllowed
    assert not marker.exists()
    assert name not in sys.modules
    assert state.result(allow_imports={f"{name}.hook"}) == {"hooked": {"a": 1}}
    assert marker.exists()


def test_no_object_decoder_reads_plain_json(storage: Path) -> None:
    tagged = {"__exc_type__": "builtins.SystemExit", "message": "0"}
    state = state_of(record(storage, json.dumps([tagged]), {"type": "json", "object_decoder": None}))
    assert state.result() == [tagged]


@pytest.mark.parametrize("how", ["refused", "other names allowed"])
def test_exception_type_from_a_module_with_side_effects(
    storage: Path, probe_module: tuple[str, Path], how: str
) -> None:
    name, marker = probe_module
    state = state_of(exception_record(storage, f"{name}.Boom"), "FAILED")
    allow: Any = False if how == "refused" else {"json.decoder.JSONDecodeError"}
    calls: list[Callable[[], Any]] = [
        lambda: state.result(allow_imports=allow),
        lambda: state.result(raise_on_failure=False, allow_imports=allow),
        lambda: get_state_exception(state, allow_imports=allow),
        lambda: asyncio.run(state.aresult(allow_imports=allow)),
    ]
    for call in calls:
        error = raised_by(call)
        assert type(error) is exceptions.ImportNotAllowed
        assert str(error) == (
            f"The result names the exception type '{name}.Boom', which lightschema does not know; "
            f"importing it would run its module's code. Pass allow_imports={{'{name}.Boom'}} "
            "(or allow_imports=True) to import it, if you trust where the result came from."
        )
    assert not marker.exists()
    assert name not in sys.modules


@pytest.mark.parametrize("allow", ["by name", "all"])
def test_exception_type_imported_when_allowed(storage: Path, probe_module: tuple[str, Path], allow: str) -> None:
    name, marker = probe_module
    state = state_of(exception_record(storage, f"{name}.Boom", "boom"), "FAILED")
    allow_imports: Any = {f"{name}.Boom"} if allow == "by name" else True
    error = raised_by(lambda: state.result(allow_imports=allow_imports))
    assert (type(error).__module__, type(error).__name__, error.args) == (name, "Boom", ("boom",))
    assert marker.exists()


def test_classes_are_never_imported(storage: Path, probe_module: tuple[str, Path]) -> None:
    """``__class__`` names outside lightschema's table stay tagged dicts, opt-in or not
    (without pydantic, lightschema could not rebuild them anyway)."""
    name, marker = probe_module
    tagged = {"__class__": f"{name}.Boom", "data": 1}
    state = state_of(record(storage, json.dumps({"x": tagged})))
    assert state.result() == state.result(allow_imports=True) == {"x": tagged}
    assert not marker.exists()


def test_allow_imports_is_not_a_string(storage: Path) -> None:
    state = state_of(exception_record(storage, "x.Y"), "FAILED")
    with pytest.raises(
        TypeError, match=r"^allow_imports takes True or a collection of names: allow_imports=\{'x\.Y'\}$"
    ):
        state.result(allow_imports="x.Y")


def test_exception_types_that_do_not_exist(storage: Path) -> None:
    for name in ["no_such_module_here.Error", "builtins.NoSuchError", "builtins.len", "os.system", 5]:
        state = state_of(exception_record(storage, name), "FAILED")
        error = raised_by(lambda state=state: state.result(allow_imports=True, retry_result_failure=False))
        assert (type(error), str(error)) == (exceptions.ResultReadError, f"Invalid exception type: {name!r}")
        if isinstance(name, str) and not name.startswith("builtins."):
            assert type(raised_by(state.result)) is exceptions.ImportNotAllowed


def test_prefect_is_never_imported(storage: Path) -> None:
    state = state_of(exception_record(storage, "prefect.exceptions.ObjectNotFound"), "FAILED")
    assert type(raised_by(state.result)) is exceptions.ImportNotAllowed
    error = raised_by(lambda: state.result(allow_imports=True))
    assert str(error) == "Invalid exception type: 'prefect.exceptions.ObjectNotFound'"


KNOWN_EXCEPTIONS: list[tuple[str, type[BaseException]]] = [
    ("builtins.ValueError", ValueError),
    ("builtins.KeyError", KeyError),
    ("builtins.RuntimeError", RuntimeError),
    ("builtins.TimeoutError", TimeoutError),
    ("builtins.FileNotFoundError", FileNotFoundError),
    ("builtins.Exception", Exception),
    ("prefect.exceptions.FailedRun", exceptions.FailedRun),
    ("prefect.exceptions.CrashedRun", exceptions.CrashedRun),
    ("prefect.exceptions.CancelledRun", exceptions.CancelledRun),
    ("prefect.exceptions.MissingResult", exceptions.MissingResult),
    ("prefect.exceptions.UnfinishedRun", exceptions.UnfinishedRun),
    ("asyncio.exceptions.TimeoutError", asyncio.TimeoutError),
    ("asyncio.exceptions.InvalidStateError", asyncio.InvalidStateError),
]


@pytest.mark.parametrize(("name", "cls"), KNOWN_EXCEPTIONS)
def test_known_exception_types_need_no_opt_in(storage: Path, name: str, cls: type[BaseException]) -> None:
    state = state_of(exception_record(storage, name, "it broke"), "FAILED")
    error = raised_by(state.result)
    assert (type(error), error.args) == (cls, ("it broke",))
    assert decode_json_object({"__exc_type__": name, "message": "m"}).args == ("m",)


NOT_EXCEPTIONS = [
    "builtins.SystemExit",
    "builtins.KeyboardInterrupt",
    "builtins.GeneratorExit",
    "builtins.BaseException",
    "prefect.exceptions.TerminationSignal",
    "prefect.exceptions.Abort",
    "asyncio.exceptions.CancelledError",
    *(["builtins.BaseExceptionGroup"] if sys.version_info >= (3, 11) else []),
]


@pytest.mark.parametrize("name", NOT_EXCEPTIONS)
@pytest.mark.parametrize("allow_imports", [False, True])
@pytest.mark.parametrize("kind", ["FAILED", "CRASHED", "CANCELLED"])
def test_stored_base_exceptions_are_never_raised(storage: Path, name: str, allow_imports: bool, kind: str) -> None:
    state = state_of(exception_record(storage, name, "3"), kind)
    for call in (
        lambda: state.result(allow_imports=allow_imports),
        lambda: asyncio.run(state.aresult(allow_imports=allow_imports)),
    ):
        error = raised_by(call)
        assert type(error) is exceptions.StoredBaseException
        assert (error.type_name, error.message, str(error)) == (name, "3", f"{name}: 3")
    returned = state.result(raise_on_failure=False, allow_imports=allow_imports)
    assert type(returned) is exceptions.StoredBaseException
    assert returned.type_name == name
    assert type(get_state_exception(state, allow_imports=allow_imports)) is exceptions.StoredBaseException


def test_stored_base_exceptions_inside_values(storage: Path, probe_module: tuple[str, Path]) -> None:
    name, _ = probe_module
    tagged = [
        {"__exc_type__": "builtins.KeyboardInterrupt", "message": ""},
        {"__exc_type__": f"{name}.Halt", "message": "h"},
    ]
    state = state_of(record(storage, json.dumps(tagged)))
    first, second = state.result(allow_imports=True)
    assert (type(first), str(first), first.type_name) == (
        exceptions.StoredBaseException,
        "builtins.KeyboardInterrupt",
        "builtins.KeyboardInterrupt",
    )
    assert (type(second), str(second)) == (exceptions.StoredBaseException, f"{name}.Halt: h")
    assert pickle.loads(pickle.dumps(second)).type_name == f"{name}.Halt"


@pytest.mark.parametrize("serializer", ["pickle", "compressed/pickle"])
def test_pickled_base_exceptions_are_never_raised(storage: Path, serializer: str) -> None:
    blob = pickle.dumps(KeyboardInterrupt("interrupted"))
    if serializer == "compressed/pickle":
        blob = lzma.compress(base64.encodebytes(blob))
    state = state_of(record(storage, base64.encodebytes(blob).decode(), {"type": serializer}), "CRASHED")
    assert type(raised_by(state.result)) is exceptions.PickleNotAllowed
    error = raised_by(lambda: state.result(allow_pickle=True))
    assert (type(error), str(error)) == (exceptions.StoredBaseException, "builtins.KeyboardInterrupt: interrupted")


def test_base_exceptions_in_hand_are_the_callers(storage: Path) -> None:
    """A state built in this process with an exception object is not stored data: as the reference."""
    state = State.model_validate({"type": "CRASHED", "data": KeyboardInterrupt("here")})
    assert type(state.result(raise_on_failure=False)) is KeyboardInterrupt


@oracle
def test_the_reference_rebuilds_stored_base_exceptions(storage: Path) -> None:
    """The deliberate difference, shown: the reference's decoder rebuilds the stored SystemExit
    (which its ``State.result()`` then raises)."""
    tagged = json.dumps({"__exc_type__": "builtins.SystemExit", "message": "3"})
    assert type(RefSerializer(type="json").loads(tagged.encode())) is SystemExit
    state = state_of(record(storage, tagged), "FAILED")
    assert type(raised_by(state.result)) is exceptions.StoredBaseException


COMMON_FAILURES = [
    ValueError("bad value"),
    KeyError("k"),
    RuntimeError("broke"),
    TimeoutError("slow"),
    FileNotFoundError("gone"),
    ZeroDivisionError("division by zero"),
]


@oracle
@pytest.mark.parametrize("error", COMMON_FAILURES, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("serializer", ["json", "compressed/json"])
def test_common_failures_prefect_wrote_read_back(tmp_path: Path, error: Exception, serializer: str) -> None:
    metadata = write(tmp_path, error, serializer)
    ref, light = both({"type": "FAILED", "data": metadata})
    expected = outcome(ref_result(ref))
    assert outcome(light_result(light)) == expected
    assert expected[:2] == ("raised", type(error).__name__)


@oracle
@pytest.mark.parametrize("name", ["FailedRun", "CrashedRun", "CancelledRun", "MissingResult", "UnfinishedRun"])
def test_prefect_run_exceptions_read_back(tmp_path: Path, name: str) -> None:
    import prefect.exceptions

    metadata = write(tmp_path, {"error": getattr(prefect.exceptions, name)("stored")})
    ref, light = both({"type": "COMPLETED", "data": metadata})
    got = light.result()["error"]
    assert type(got) is getattr(exceptions, name)
    assert _norm(got) == _norm(ref.result()["error"])


@oracle
@pytest.mark.parametrize("library", ["lzma", "zlib", "bz2", "gzip"])
def test_compressed_results_prefect_wrote_read_back(tmp_path: Path, library: str) -> None:
    metadata = write(tmp_path, RICH, "compressed/json", compressionlib=library)
    ref, light = both({"type": "COMPLETED", "data": metadata})
    assert _deep_norm(light.result()) == _deep_norm(ref.result(retry_result_failure=False))


# --- where a stored result may be read from ------------------------------------------------


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the storage folder, holding a JSON file anyone could name."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "config.json").write_text(json.dumps({"password": "hunter2"}))
    return folder


def refused_path(call: Callable[[], Any]) -> str:
    error = raised_by(call)
    assert type(error) is exceptions.PathNotAllowed
    assert isinstance(error, ValueError)
    return str(error)


def outside_message(key: str, path: Path, storage: Path) -> str:
    return (
        f"The result key {key!r} resolves to {path}, outside the local storage folder {storage.resolve()}. "
        "Pass local_storage_path=<the folder that holds it>, or allow_outside_storage=True to read "
        "absolute keys outside it as Prefect does, if you trust where the state came from."
    )


def json_at(key: str | Path) -> State[Any]:
    return state_of({"storage_key": str(key), "serializer": {"type": "json"}})


def test_absolute_key_outside_the_storage_folder(storage: Path, outside: Path) -> None:
    key = str(outside / "config.json")
    state = json_at(key)
    expected = outside_message(key, (outside / "config.json").resolve(), storage)
    assert refused_path(state.result) == expected
    assert refused_path(lambda: asyncio.run(state.aresult())) == expected
    assert state.result(allow_outside_storage=True) == {"password": "hunter2"}
    assert asyncio.run(state.aresult(allow_outside_storage=True)) == {"password": "hunter2"}
    assert state.result(local_storage_path=outside) == {"password": "hunter2"}
    assert load_result_record(state.data, local_storage_path=outside) == {"password": "hunter2"}  # type: ignore[arg-type]


def test_a_missing_file_outside_is_refused_not_looked_for(storage: Path, outside: Path) -> None:
    key = str(outside / "no-such-file")
    assert refused_path(json_at(key).result) == outside_message(key, outside.resolve() / "no-such-file", storage)


def test_failed_state_pointing_outside(storage: Path, outside: Path) -> None:
    state = state_of({"storage_key": str(outside / "config.json"), "serializer": {"type": "json"}}, "FAILED")
    refused_path(state.result)
    refused_path(lambda: get_state_exception(state))
    error = raised_by(lambda: get_state_exception(state, allow_outside_storage=True))
    assert type(error) is TypeError  # read, and not an exception: as the reference says


def test_absolute_keys_inside_the_storage_folder(storage: Path) -> None:
    metadata = record(storage, json.dumps("inside"))
    (storage / "sub").mkdir()
    assert state_of(metadata).result() == "inside"
    assert json_at(f"{storage}/sub/../record").result() == "inside"
    assert json_at(f"{storage}/./record").result() == "inside"


def test_dotdot_keys(storage: Path, outside: Path) -> None:
    relative = f"../{outside.name}/config.json"
    target = (outside / "config.json").resolve()
    # relative keys stay confined, as in the reference, whatever the caller allows
    message = f"Provided path {target} is outside of the base path {storage.resolve()}."
    assert refused_path(json_at(relative).result) == message
    assert refused_path(lambda: json_at(relative).result(allow_outside_storage=True)) == message
    absolute = f"{storage}/../{outside.name}/config.json"
    assert refused_path(json_at(absolute).result) == outside_message(absolute, target, storage)
    assert json_at(absolute).result(allow_outside_storage=True) == {"password": "hunter2"}


def test_symlinks_pointing_out(storage: Path, outside: Path) -> None:
    (storage / "link.json").symlink_to(outside / "config.json")
    (storage / "linked-dir").symlink_to(outside, target_is_directory=True)
    for key in ["link.json", "linked-dir/config.json"]:
        target = (outside / "config.json").resolve()
        message = f"Provided path {target} is outside of the base path {storage.resolve()}."
        assert refused_path(json_at(key).result) == message
        absolute = str(storage / key)
        assert refused_path(json_at(absolute).result) == outside_message(absolute, target, storage)
    # the reference's own rule for absolute keys confines them to their folder, links resolved
    assert "is outside of the base path" in refused_path(
        lambda: json_at(storage / "link.json").result(allow_outside_storage=True)
    )


def test_storage_folder_reached_through_a_symlink(storage: Path, outside: Path) -> None:
    record(storage, json.dumps("via link"))
    link = outside / "storage-link"
    link.symlink_to(storage, target_is_directory=True)
    for folder in (storage, link):
        for key in (str(storage / "record"), str(link / "record"), "record"):
            assert json_at(key).result(local_storage_path=folder) == "via link"


def test_refusals_are_not_retried(storage: Path, outside: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lightschema._results as results

    def no_sleep(seconds: float) -> None:
        pytest.fail("a refusal was retried")

    monkeypatch.setattr(results.time, "sleep", no_sleep)
    refused_path(json_at(outside / "config.json").result)
    assert type(raised_by(state_of(exception_record(storage, "x.Y"), "FAILED").result)) is exceptions.ImportNotAllowed


@oracle
def test_the_reference_reads_absolute_keys_anywhere(storage: Path, outside: Path) -> None:
    """``allow_outside_storage=True`` reads what the reference reads."""
    payload = {
        "type": "COMPLETED",
        "data": {"storage_key": str(outside / "config.json"), "serializer": {"type": "json"}},
    }
    ref, light = both(payload)
    assert ref.result(retry_result_failure=False) == light.result(allow_outside_storage=True)


# --- how far a stored result may inflate ---------------------------------------------------


def _zeros(total: int, compressor: Any, *, chunk: int = MIB) -> bytes:
    """``total`` zero bytes through ``compressor``, a piece at a time (never held whole)."""
    block = bytes(chunk)
    return b"".join([compressor.compress(block) for _ in range(total // chunk)] + [compressor.flush()])


_BOMBS: dict[str, bytes] = {}


def bomb(kind: str) -> bytes:
    """300 MiB of zeros, compressed: in one stream (the 45 KiB lzma one inflates 6800 times),
    or as 30 streams of 10 MiB, which the decompressors read on as the one-shot functions do."""
    if kind not in _BOMBS:
        if kind == "zlib":
            data = _zeros(300 * MIB, zlib.compressobj(1))
        elif kind == "lzma":
            data = _zeros(300 * MIB, lzma.LZMACompressor(preset=0))
        else:
            library = kind.removesuffix("-streams")
            data = {"lzma": lzma, "bz2": bz2, "gzip": gzip}[library].compress(bytes(10 * MIB)) * 30
        _BOMBS[kind] = data
    return _BOMBS[kind]


BOMBS = ["zlib", "lzma", "lzma-streams", "bz2-streams", "gzip-streams"]


def compressed_record(folder: Path, blob: bytes, library: str, name: str = "record") -> dict[str, Any]:
    serializer = {"type": "compressed/json", "compressionlib": library}
    return record(folder, base64.encodebytes(blob).decode(), serializer, name)


def refused_size(call: Callable[[], Any]) -> tuple[str, int]:
    """The refusal's message, and the most memory Python held meanwhile."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        error = raised_by(call)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert type(error) is exceptions.ResultTooLarge
    assert isinstance(error, exceptions.ResultReadError)
    return str(error), peak


@pytest.mark.parametrize("kind", BOMBS)
def test_compression_bomb_refused_in_bounded_memory(storage: Path, kind: str) -> None:
    data = bomb(kind)
    assert len(data) < 2 * MIB  # small on disk ...
    state = state_of(compressed_record(storage, data, kind.removesuffix("-streams")))
    message, peak = refused_size(state.result)
    assert message == (
        f"The result {str(storage / 'record')!r} decompresses to more than {MAX_DECOMPRESSED_SIZE} bytes. "
        "Pass max_decompressed_size=<bytes> (or None for no limit) to read it, if you trust where the result came from."
    )
    assert peak < MAX_DECOMPRESSED_SIZE + 16 * MIB  # ... and never inflated whole (300 MiB)
    _, peak = refused_size(lambda: state.result(max_decompressed_size=MIB))
    assert peak < 16 * MIB


def test_lzma_dictionary_bomb_refused_in_bounded_memory(storage: Path) -> None:
    """An lzma header sets the decoder's dictionary size, which it allocates whatever the
    output: 64 bytes could take 1.5 GiB. The decoder gets max(max_decompressed_size, 64 MiB)."""
    value = {"a": 1}

    def dictionary(size: int, name: str) -> State[Any]:
        filters = [{"id": lzma.FILTER_LZMA2, "dict_size": size}]
        return state_of(
            compressed_record(storage, lzma.compress(json.dumps(value).encode(), filters=filters), "lzma", name)
        )

    huge = dictionary(1536 * MIB, "huge")
    message, peak = refused_size(huge.result)
    assert message == (
        f"The result {str(storage / 'huge')!r} needs more than {MAX_DECOMPRESSED_SIZE} bytes of memory to "
        "decompress. Pass max_decompressed_size=<bytes> (or None for no limit) to read it, if you trust "
        "where the result came from."
    )
    assert peak < 16 * MIB
    large = dictionary(72 * MIB, "large")
    refused_size(large.result)
    refused_size(lambda: large.result(max_decompressed_size=MIB))  # the floor is 64 MiB, not the limit
    assert large.result(max_decompressed_size=128 * MIB) == value  # (LZMA2 rounds it to 96 MiB)
    assert dictionary(8 * MIB, "prefects").result(max_decompressed_size=MIB) == value  # lzma.compress's own


@pytest.mark.parametrize("library", ["lzma", "zlib", "bz2", "gzip"])
def test_the_limit_can_be_raised(storage: Path, library: str) -> None:
    value = "x" * (2 * MIB)
    compress = {"lzma": lzma, "zlib": zlib, "bz2": bz2, "gzip": gzip}[library].compress
    state = state_of(compressed_record(storage, compress(json.dumps(value).encode()), library))
    refused_size(lambda: state.result(max_decompressed_size=MIB))
    assert state.result() == value
    assert state.result(max_decompressed_size=3 * MIB) == value
    assert state.result(max_decompressed_size=None) == value
    assert load_result_record(state.data, max_decompressed_size=None) == value  # type: ignore[arg-type]


def test_nested_compression_shares_the_limit(storage: Path) -> None:
    """Layers of compression count together: each layer fits the limit alone, both do not."""
    text = json.dumps(random.Random(0).randbytes(300_000).hex()).encode()  # ~600 KB, half compressible
    inner = base64.encodebytes(zlib.compress(text))
    serializer = {
        "type": "compressed",
        "compressionlib": "zlib",
        "serializer": {"type": "compressed/json", "compressionlib": "zlib"},
    }
    state = state_of(record(storage, base64.encodebytes(zlib.compress(inner)).decode(), serializer))
    assert len(text) < 800_000 and len(inner) < 800_000 < len(text) + len(inner)
    refused_size(lambda: state.result(max_decompressed_size=800_000))
    assert state.result(max_decompressed_size=len(text) + len(inner)) == json.loads(text)


def _halves(library: str, data: bytes) -> bytes:
    compress = {"lzma": lzma, "bz2": bz2, "gzip": gzip}[library].compress
    return compress(data[: len(data) // 2]) + compress(data[len(data) // 2 :])


DECOMPRESSION_CASES = [
    ("zlib", lambda data: zlib.compress(data)),
    ("zlib", lambda data: zlib.compress(data) + b"trailing bytes"),
    ("gzip", lambda data: gzip.compress(data)),
    ("gzip", lambda data: _halves("gzip", data)),
    ("gzip", lambda data: gzip.compress(data) + bytes(16)),
    ("lzma", lambda data: lzma.compress(data)),
    ("lzma", lambda data: _halves("lzma", data)),
    ("lzma", lambda data: lzma.compress(data) + b"trailing bytes"),
    ("lzma", lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE)),
    ("bz2", lambda data: bz2.compress(data)),
    ("bz2", lambda data: _halves("bz2", data)),
    ("bz2", lambda data: bz2.compress(data) + b"trailing bytes"),
]


@pytest.mark.parametrize(("library", "make"), DECOMPRESSION_CASES)
def test_piecewise_decompression_reads_what_the_one_shot_functions_read(
    storage: Path, library: str, make: Callable[[bytes], bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    import lightschema._results as results

    monkeypatch.setattr(results, "_CHUNK", 1000)  # many pieces, streams ending inside one
    value = {"rows": [{"n": n, "text": "é" * (n % 7)} for n in range(2_000)]}
    blob = make(json.dumps(value).encode())
    one_shot = {"lzma": lzma, "zlib": zlib, "bz2": bz2, "gzip": gzip}[library].decompress
    assert json.loads(one_shot(blob)) == value
    assert state_of(compressed_record(storage, blob, library)).result() == value
    truncated = state_of(compressed_record(storage, blob[: len(blob) // 2], library, "truncated"))
    with pytest.raises(Exception) as one_shot_error:
        one_shot(blob[: len(blob) // 2])
    error = raised_by(lambda: truncated.result(retry_result_failure=False))
    assert (type(error), str(error)) == (type(one_shot_error.value), str(one_shot_error.value))


@pytest.mark.parametrize("library", ["lzma", "zlib", "bz2", "gzip"])
def test_empty_compressed_data(storage: Path, library: str) -> None:
    """What the one-shot function makes of no bytes at all (an empty blob, or an error)."""
    one_shot = {"lzma": lzma, "zlib": zlib, "bz2": bz2, "gzip": gzip}[library].decompress
    expected = outcome(lambda: one_shot(b""))
    serializer = {
        "type": "compressed",
        "compressionlib": library,
        "serializer": {"type": "json", "object_decoder": None},
    }
    # an empty blob decodes to no JSON at all, so compare one step earlier: the json error, or the decompressor's
    got = outcome(lambda: state_of(record(storage, "", serializer)).result(retry_result_failure=False))
    if expected[0] == "returned":
        assert got[:2] == ("raised", "JSONDecodeError")
    else:
        assert got == expected
