"""Reading a run's result from a state in hand, the way Prefect's ``State.result()`` does.

A final state carries its result inline (``data`` is the value), as result metadata
pointing at a stored result record (``data`` is a ``ResultRecordMetadata``), or not
at all. Stored records are read from local storage only: a key that is an absolute
path is read as is, a relative key is read under the default local storage path
(``PREFECT_RESULTS_LOCAL_STORAGE_PATH``, ``PREFECT_LOCAL_STORAGE_PATH``, else
``$PREFECT_HOME/storage``, else ``~/.prefect/storage``). Results kept in a storage
block need a ``storage_reader`` from the caller. JSON results are decoded without
running foreign code; pickled ones only when the caller passes ``allow_pickle=True``.
"""

from __future__ import annotations

import asyncio
import base64
import builtins
import datetime
import decimal
import importlib
import json
import os
import pathlib
import pickle
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Union

from lightschema.exceptions import (
    CancelledRun,
    CrashedRun,
    FailedRun,
    MissingResult,
    PausedRun,
    PickleNotAllowed,
    ResultReadError,
    ResultStorageUnavailable,
    UnfinishedRun,
    UnknownSerializer,
)

if TYPE_CHECKING:
    from lightschema._runs import ResultRecordMetadata, Serializer, State

__all__ = [
    "RESULT_READ_MAXIMUM_ATTEMPTS",
    "RESULT_READ_RETRY_DELAY",
    "StorageReader",
    "aget_state_result",
    "default_local_storage_path",
    "get_state_exception",
    "get_state_result",
    "load_result_record",
]

#: how often, and how far apart, a stored result is read before giving up (as in Prefect):
#: results may be written a little after the state that points at them.
RESULT_READ_MAXIMUM_ATTEMPTS = 10
RESULT_READ_RETRY_DELAY = 0.25

#: ``(storage_key, storage_block_id) -> bytes``: fetches a stored result record the
#: caller can reach (an object store, a copied file, ...).
StorageReader = Callable[[str, "uuid.UUID | None"], bytes]

StoragePath = Union[str, "os.PathLike[str]"]

_PREFECT_JSON_DECODER = "prefect.serializers.prefect_json_object_decoder"
_COMPRESSION_LIBS = ("lzma", "zlib", "bz2", "gzip")
_PICKLE_TYPES = ("pickle", "compressed/pickle")
# Errors worth another read: the record may still be being written.
_TRANSIENT = (OSError, ValueError)


# --- entry points -------------------------------------------------------------


def get_state_result(
    state: State[Any],
    raise_on_failure: bool = True,
    retry_result_failure: bool = True,
    *,
    allow_pickle: bool = False,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> Any:
    """The result a final state holds, or the exception a failed one stands for.

    Raises ``PausedRun`` / ``UnfinishedRun`` for runs without a result yet, the run's
    exception for failed, crashed and cancelled runs when ``raise_on_failure``, and
    ``MissingResult`` when a completed state has no data.
    """
    options = _ReadOptions(
        allow_pickle=allow_pickle, local_storage_path=local_storage_path, storage_reader=storage_reader
    )
    metadata = _precheck(state, raise_on_failure, options)
    if metadata is None:
        return _inline_result(state, options)
    attempts = RESULT_READ_MAXIMUM_ATTEMPTS if retry_result_failure else 1
    for attempt in range(1, attempts + 1):
        try:
            return load_result_record(metadata, **options)
        except _TRANSIENT:
            if attempt == attempts:
                raise
            time.sleep(RESULT_READ_RETRY_DELAY)
    raise AssertionError("unreachable")  # pragma: no cover


async def aget_state_result(
    state: State[Any],
    raise_on_failure: bool = True,
    retry_result_failure: bool = True,
    *,
    allow_pickle: bool = False,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> Any:
    """``get_state_result`` for async code: waits between read attempts without blocking."""
    options = _ReadOptions(
        allow_pickle=allow_pickle, local_storage_path=local_storage_path, storage_reader=storage_reader
    )
    metadata = _precheck(state, raise_on_failure, options)
    if metadata is None:
        return _inline_result(state, options)
    attempts = RESULT_READ_MAXIMUM_ATTEMPTS if retry_result_failure else 1
    for attempt in range(1, attempts + 1):
        try:
            return load_result_record(metadata, **options)
        except _TRANSIENT:
            if attempt == attempts:
                raise
            await asyncio.sleep(RESULT_READ_RETRY_DELAY)
    raise AssertionError("unreachable")  # pragma: no cover


class _ReadOptions(TypedDict):
    allow_pickle: bool
    local_storage_path: StoragePath | None
    storage_reader: StorageReader | None


def _precheck(state: State[Any], raise_on_failure: bool, options: _ReadOptions) -> ResultRecordMetadata | None:
    """Raise for states without a usable result; return the metadata to read, if any."""
    from lightschema._runs import ResultRecordMetadata

    if state.is_paused():
        raise PausedRun("Run is paused, its result is not available.", state=state)
    if not state.is_final():
        raise UnfinishedRun(f"Run is in {state.type.name} state, its result is not available.")
    if raise_on_failure and _is_failure(state):
        raise get_state_exception(state, **options)
    return state.data if isinstance(state.data, ResultRecordMetadata) else None


def _inline_result(state: State[Any], options: _ReadOptions) -> Any:
    if state.data is None:
        if _is_failure(state):
            return get_state_exception(state, **options)
        raise MissingResult(
            "State data is missing. Typically, this occurs when result persistence is disabled "
            "and the state has been retrieved from the API."
        )
    return state.data


def _is_failure(state: State[Any]) -> bool:
    return state.is_failed() or state.is_crashed() or state.is_cancelled()


def get_state_exception(
    state: State[Any],
    *,
    allow_pickle: bool = False,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> BaseException:
    """The exception a failed, crashed or cancelled state stands for.

    An exception in the data is returned as is; a string or no data becomes a
    ``FailedRun`` / ``CrashedRun`` / ``CancelledRun`` carrying that text or the state
    message; a nested state (or list of states) gives the first failure's exception.
    """
    from lightschema._runs import ResultRecordMetadata, State

    wrapper: type[Exception]
    if state.is_failed():
        wrapper, default_message = FailedRun, "Run failed."
    elif state.is_crashed():
        wrapper, default_message = CrashedRun, "Run crashed."
    elif state.is_cancelled():
        wrapper, default_message = CancelledRun, "Run cancelled."
    else:
        raise ValueError(f"Expected failed or crashed state got {state!r}.")

    result = state.data
    if isinstance(result, ResultRecordMetadata):
        result = load_result_record(
            result, allow_pickle=allow_pickle, local_storage_path=local_storage_path, storage_reader=storage_reader
        )

    if result is None:
        return wrapper(state.message or default_message)
    if isinstance(result, BaseException):
        return result
    if isinstance(result, str):
        return wrapper(result)
    nested = _ReadOptions(
        allow_pickle=allow_pickle, local_storage_path=local_storage_path, storage_reader=storage_reader
    )
    if isinstance(result, State):
        return get_state_exception(result, **nested)
    if isinstance(result, (list, set, tuple)) and result and all(isinstance(s, State) for s in result):
        for inner in result:
            if _is_failure(inner):
                return get_state_exception(inner, **nested)
        raise ValueError("Failed state result was an iterable of states but none were failed.")
    raise TypeError(
        f"Unexpected result for failed state: {result!r} —— "
        f"{type(result).__name__} cannot be resolved into an exception"
    )


# --- reading a stored record ---------------------------------------------------


def default_local_storage_path() -> Path:
    """Where Prefect keeps local results by default, from the same environment variables."""
    env = {k.lower(): v for k, v in os.environ.items()}
    for name in ("prefect_results_local_storage_path", "prefect_local_storage_path"):
        if name in env:
            return Path(env[name])
    home = env.get("prefect_home")
    return (Path(home).expanduser() if home is not None else Path("~/.prefect").expanduser()) / "storage"


def _resolve_under(basepath: Path, key: str) -> Path:
    """The file a key names inside ``basepath``; keys may not leave it."""
    base = basepath.expanduser().resolve()
    path = Path(key).expanduser()
    if not path.is_absolute():
        path = base / path
    path = path.resolve()
    if base not in path.parents and base != path:
        raise ResultReadError(f"Provided path {path} is outside of the base path {base}.")
    return path


def _read_local(key: str, local_storage_path: StoragePath | None) -> bytes:
    if Path(key).is_absolute():
        path = _resolve_under(Path(key).parent, key)
    else:
        base = Path(local_storage_path) if local_storage_path is not None else default_local_storage_path()
        path = _resolve_under(base, key)
    if not path.exists():
        raise ResultReadError(f"Path {path} does not exist.")
    if not path.is_file():
        raise ResultReadError(f"Path {path} is not a file.")
    return path.read_bytes()


def load_result_record(
    metadata: ResultRecordMetadata,
    *,
    allow_pickle: bool = False,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> Any:
    """Read the result record that ``metadata`` points at, and decode its result.

    ``local_storage_path`` overrides the default base for relative keys;
    ``storage_reader`` fetches the record's bytes instead of the local file system
    (needed for results kept in a storage block).
    """
    key = metadata.storage_key
    if key is None:
        raise ResultReadError("storage_key is required to hydrate a result record from metadata")
    if storage_reader is not None:
        content = storage_reader(key, metadata.storage_block_id)
    elif metadata.storage_block_id is not None:
        raise ResultStorageUnavailable(
            f"The result {key!r} is kept in the Prefect storage block {metadata.storage_block_id}, "
            "which lightschema cannot open. Pass storage_reader=<callable (storage_key, storage_block_id) "
            "-> bytes> that fetches the stored result record, or read it with Prefect."
        )
    else:
        content = _read_local(key, local_storage_path)
    return _deserialize_record(content, metadata.serializer, key, allow_pickle)


def _deserialize_record(content: bytes, backup: Serializer, key: str, allow_pickle: bool) -> Any:
    """Decode a stored record: JSON ``{metadata, result}`` whose result the record's serializer undoes.

    Content that is not such a record is decoded whole by the serializer the state
    named, as Prefect does for results written without a record around them.
    """
    from lightschema._runs import ResultRecordMetadata
    from lightschema.converter import converter
    from lightschema.errors import ValidationError

    try:
        raw = json.loads(content)
        if not isinstance(raw, dict):
            raise ValueError("not a result record")
        raw = _coerce_legacy_blob(raw)
        record_metadata = converter.structure(raw["metadata"], ResultRecordMetadata)
        result = raw["result"]
    except (ValueError, KeyError, TypeError, ValidationError):
        return _loads(backup, content, key, allow_pickle)
    if isinstance(result, str):
        return _loads(record_metadata.serializer, result.encode(), key, allow_pickle)
    return result


def _coerce_legacy_blob(value: dict[str, Any]) -> dict[str, Any]:
    """Read the older ``{serializer, data, prefect_version, expiration}`` layout as a record."""
    legacy_keys = {"serializer", "data", "prefect_version", "expiration"}
    if (
        {"data", "serializer"} <= value.keys() <= legacy_keys
        and isinstance(value["data"], str)
        and isinstance(value["serializer"], dict)
    ):
        metadata = {"serializer": value["serializer"]}
        metadata.update({k: value[k] for k in ("expiration", "prefect_version") if k in value})
        return {"metadata": metadata, "result": value["data"]}
    return value


def _serializer_from(value: Any, default_type: str) -> Serializer:
    from lightschema._runs import Serializer

    if value is None:
        return Serializer(type=default_type)
    if isinstance(value, str):
        return Serializer(type=value)
    if isinstance(value, Mapping) and isinstance(value.get("type"), str):
        return Serializer(type=value["type"], options={k: v for k, v in value.items() if k != "type"})
    raise UnknownSerializer(f"Cannot read the inner serializer {value!r} of a compressed result.")


def _loads(serializer: Serializer, blob: bytes, key: str, allow_pickle: bool) -> Any:
    """Undo ``serializer`` on ``blob``: json, pickle, or their compressed forms."""
    kind = serializer.type
    options = serializer.options
    if kind == "json":
        return _json_loads(blob, options)
    if kind == "pickle":
        if not allow_pickle:
            raise _pickle_refused(kind, key)
        return pickle.loads(base64.decodebytes(blob))  # the caller allowed it
    if kind in ("compressed", "compressed/pickle", "compressed/json"):
        default_inner = "pickle" if kind == "compressed/pickle" else "json"
        inner = _serializer_from(options.get("serializer"), default_inner)
        if inner.type in _PICKLE_TYPES and not allow_pickle:
            raise _pickle_refused(kind, key)
        library = options.get("compressionlib", "lzma")
        if library not in _COMPRESSION_LIBS:
            raise UnknownSerializer(
                f"Compression library {library!r} is not available here; "
                f"lightschema reads {', '.join(_COMPRESSION_LIBS)}."
            )
        decompressed = importlib.import_module(library).decompress(base64.decodebytes(blob))
        return _loads(inner, decompressed, key, allow_pickle)
    raise UnknownSerializer(
        f"Serializer {kind!r} is not available in this environment, so deserialization cannot be performed."
    )


def _pickle_refused(kind: str, key: str) -> PickleNotAllowed:
    return PickleNotAllowed(
        f"The result {key!r} was stored with the {kind!r} serializer. Unpickling can run "
        "arbitrary code, so lightschema loads it only when asked: call "
        "state.result(allow_pickle=True) if you trust where the result came from."
    )


def _json_loads(blob: bytes, options: Mapping[str, Any]) -> Any:
    decoder_name = options.get("object_decoder", _PREFECT_JSON_DECODER)
    kwargs = dict(options.get("loads_kwargs") or {})
    if decoder_name == _PREFECT_JSON_DECODER:
        kwargs["object_hook"] = decode_json_object
    elif decoder_name is not None:
        kwargs["object_hook"] = _import_qualified(decoder_name)
    return json.loads(blob.decode(), **kwargs)


# --- Prefect's JSON object encoding ---------------------------------------------


def _bytes(data: Any) -> bytes:
    return data.encode() if isinstance(data, str) else bytes(data)


def _structured(kind: type[Any]) -> Callable[[Any], Any]:
    def decode(data: Any) -> Any:
        from lightschema.converter import structure

        return structure(data, kind)

    return decode


def _decimal(data: Any) -> decimal.Decimal:
    return decimal.Decimal(data if isinstance(data, str) else str(data))


#: stdlib types Prefect's JSON encoder tags with ``__class__``, and how to rebuild them.
_CLASS_DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime.datetime": _structured(datetime.datetime),
    "datetime.timedelta": _structured(datetime.timedelta),
    "datetime.date": datetime.date.fromisoformat,
    "datetime.time": datetime.time.fromisoformat,
    "uuid.UUID": uuid.UUID,
    "decimal.Decimal": _decimal,
    "builtins.set": set,
    "builtins.frozenset": frozenset,
    "builtins.bytes": _bytes,
}
#: the path classes, by name; Python 3.13 moved them to ``pathlib._local``, which is the name
#: prefect writes there, so a result written on any Python reads back on any Python
_PATH_CLASSES: dict[str, Callable[[Any], Any]] = {
    "Path": pathlib.Path,
    "PosixPath": pathlib.Path,
    "WindowsPath": pathlib.Path,
    "PurePath": pathlib.PurePath,
    "PurePosixPath": pathlib.PurePosixPath,
    "PureWindowsPath": pathlib.PureWindowsPath,
}
_CLASS_DECODERS.update(
    {f"{module}.{name}": cls for module in ("pathlib", "pathlib._local") for name, cls in _PATH_CLASSES.items()}
)
_PREFECT_SCHEMA_MODULES = ("prefect.client.schemas.objects.", "prefect.client.schemas.schedules.")


def _class_decoder(name: str) -> Callable[[Any], Any] | None:
    if name in _CLASS_DECODERS:
        return _CLASS_DECODERS[name]
    for prefix in _PREFECT_SCHEMA_MODULES:
        if name.startswith(prefix):
            from lightschema import objects

            cls = getattr(objects, name[len(prefix) :], None)
            validate = getattr(cls, "model_validate", None)
            return validate if callable(validate) else None
    return None


def decode_json_object(value: dict[str, Any]) -> Any:
    """``object_hook`` that rebuilds what Prefect's JSON encoder tagged.

    ``{"__exc_type__", "message"}`` becomes that exception; ``{"__class__", "data"}``
    becomes the stdlib value or lightschema model of that name. Classes lightschema
    cannot rebuild without pydantic are left as the tagged dict.
    """
    if "__class__" in value:
        decode = _class_decoder(value["__class__"])
        return value if decode is None else decode(value["data"])
    if "__exc_type__" in value:
        name = value["__exc_type__"]
        try:
            exc_cls = _exception_class(name)
        except (ImportError, AttributeError):
            raise ResultReadError(f"Invalid exception type: {name!r}") from None
        if not (isinstance(exc_cls, type) and issubclass(exc_cls, BaseException)):
            raise ResultReadError(f"Invalid exception type: {name!r}")
        return exc_cls(value["message"])
    return value


def _exception_class(name: str) -> Any:
    module, _, attr = name.rpartition(".")
    if module == "builtins":
        return getattr(builtins, attr)
    if module == "prefect.exceptions":
        from lightschema import exceptions

        return getattr(exceptions, attr)
    return _import_qualified(name)


def _import_qualified(name: str) -> Any:
    """Import ``module.attr`` as Prefect does, but never Prefect itself."""
    if name == "prefect" or name.startswith("prefect."):
        raise ImportError(f"lightschema does not import {name!r}")
    try:
        return importlib.import_module(name)
    except ImportError:
        if "." not in name:
            raise
    module, attr = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), attr)
