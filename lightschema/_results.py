"""Reading a run's result from a state in hand, the way Prefect's ``State.result()`` does.

A final state carries its result inline (``data`` is the value), as result metadata
pointing at a stored result record (``data`` is a ``ResultRecordMetadata``), or not
at all. Results kept in a storage block need a ``storage_reader`` from the caller;
the others are read from the local storage folder (``local_storage_path``, else
``PREFECT_RESULTS_LOCAL_STORAGE_PATH``, ``PREFECT_LOCAL_STORAGE_PATH``,
``$PREFECT_HOME/storage``, ``~/.prefect/storage``).

Stored records may come from anyone who can write to shared storage, so reading one
runs no code it names unless the caller says so. That is where lightschema parts from
the reference, which imports whatever a record names:

* keys, absolute or relative, must resolve (symlinks and ``..`` followed) inside the
  storage folder (``allow_outside_storage=True`` reads absolute keys outside it, as Prefect does);
* names in the record (a JSON object decoder, an exception type) resolve only against
  a fixed table of stdlib, Prefect and lightschema names (``allow_imports`` widens it);
  a ``BaseException`` that is not an ``Exception`` (``SystemExit``, ...) is never
  rebuilt: ``StoredBaseException`` stands in for it;
* pickles load only with ``allow_pickle=True``;
* compressed results inflate to at most ``max_decompressed_size`` bytes.
"""

from __future__ import annotations

import base64
import builtins
import datetime
import decimal
import functools
import importlib
import json
import os
import pathlib
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, Union

from lightschema.exceptions import (
    CancelledRun,
    CrashedRun,
    FailedRun,
    ImportNotAllowed,
    MissingResult,
    PathNotAllowed,
    PausedRun,
    PickleNotAllowed,
    ResultReadError,
    ResultStorageUnavailable,
    ResultTooLarge,
    StoredBaseException,
    UnfinishedRun,
    UnknownSerializer,
)

if TYPE_CHECKING:
    from lightschema._runs import ResultRecordMetadata, Serializer, State

__all__ = [
    "MAX_DECOMPRESSED_SIZE",
    "RESULT_READ_MAXIMUM_ATTEMPTS",
    "RESULT_READ_RETRY_DELAY",
    "AllowImports",
    "StorageReader",
    "aget_state_result",
    "decode_json_object",
    "default_local_storage_path",
    "get_state_exception",
    "get_state_result",
    "load_result_record",
]

#: how often, and how far apart, a stored result is read before giving up (as in Prefect):
#: results may be written a little after the state that points at them.
RESULT_READ_MAXIMUM_ATTEMPTS = 10
RESULT_READ_RETRY_DELAY = 0.25

#: the default ``max_decompressed_size``: bytes a compressed result may inflate to (64 MiB)
MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024

#: ``(storage_key, storage_block_id) -> bytes``: fetches a stored result record the
#: caller can reach (an object store, a copied file, ...).
StorageReader = Callable[[str, "uuid.UUID | None"], bytes]

StoragePath = Union[str, "os.PathLike[str]"]

#: ``allow_imports``: ``True`` imports any name a record gives (never ``prefect.*``); a
#: collection of qualified names (``{"mypkg.errors.QuotaError"}``) imports just those.
AllowImports = bool | Collection[str]

_PREFECT_JSON_DECODER = "prefect.serializers.prefect_json_object_decoder"
_COMPRESSION_LIBS = ("lzma", "zlib", "bz2", "gzip")
_PICKLE_TYPES = ("pickle", "compressed/pickle")
# Errors worth another read: the record may still be being written.
_TRANSIENT = (OSError, ValueError)
# ... except refusals, which another read would only repeat.
_REFUSALS = (ImportNotAllowed, PathNotAllowed, ResultTooLarge)
_CHUNK = 1024 * 1024


# --- entry points -------------------------------------------------------------


class _ReadOptions(TypedDict):
    allow_pickle: bool
    allow_imports: AllowImports
    allow_outside_storage: bool
    max_decompressed_size: int | None
    local_storage_path: StoragePath | None
    storage_reader: StorageReader | None


def get_state_result(
    state: State[Any],
    raise_on_failure: bool = True,
    retry_result_failure: bool = True,
    *,
    allow_pickle: bool = False,
    allow_imports: AllowImports = False,
    allow_outside_storage: bool = False,
    max_decompressed_size: int | None = MAX_DECOMPRESSED_SIZE,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> Any:
    """The result a final state holds, or the exception a failed one stands for.

    Raises ``PausedRun`` / ``UnfinishedRun`` for runs without a result yet, the run's
    exception for failed, crashed and cancelled runs when ``raise_on_failure``, and
    ``MissingResult`` when a completed state has no data. The keywords are those of
    ``load_result_record``.
    """
    options = _ReadOptions(
        allow_pickle=allow_pickle,
        allow_imports=allow_imports,
        allow_outside_storage=allow_outside_storage,
        max_decompressed_size=max_decompressed_size,
        local_storage_path=local_storage_path,
        storage_reader=storage_reader,
    )
    metadata = _precheck(state, raise_on_failure, options)
    if metadata is None:
        return _inline_result(state, options)
    attempts = RESULT_READ_MAXIMUM_ATTEMPTS if retry_result_failure else 1
    for attempt in range(1, attempts + 1):
        try:
            return load_result_record(metadata, **options)
        except _TRANSIENT as exc:
            if attempt == attempts or isinstance(exc, _REFUSALS):
                raise
            time.sleep(RESULT_READ_RETRY_DELAY)
    raise AssertionError("unreachable")  # pragma: no cover


async def aget_state_result(
    state: State[Any],
    raise_on_failure: bool = True,
    retry_result_failure: bool = True,
    *,
    allow_pickle: bool = False,
    allow_imports: AllowImports = False,
    allow_outside_storage: bool = False,
    max_decompressed_size: int | None = MAX_DECOMPRESSED_SIZE,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> Any:
    """``get_state_result`` for async code: waits between read attempts without blocking."""
    import asyncio

    options = _ReadOptions(
        allow_pickle=allow_pickle,
        allow_imports=allow_imports,
        allow_outside_storage=allow_outside_storage,
        max_decompressed_size=max_decompressed_size,
        local_storage_path=local_storage_path,
        storage_reader=storage_reader,
    )
    metadata = _precheck(state, raise_on_failure, options)
    if metadata is None:
        return _inline_result(state, options)
    attempts = RESULT_READ_MAXIMUM_ATTEMPTS if retry_result_failure else 1
    for attempt in range(1, attempts + 1):
        try:
            return load_result_record(metadata, **options)
        except _TRANSIENT as exc:
            if attempt == attempts or isinstance(exc, _REFUSALS):
                raise
            await asyncio.sleep(RESULT_READ_RETRY_DELAY)
    raise AssertionError("unreachable")  # pragma: no cover


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
    allow_imports: AllowImports = False,
    allow_outside_storage: bool = False,
    max_decompressed_size: int | None = MAX_DECOMPRESSED_SIZE,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> BaseException:
    """The exception a failed, crashed or cancelled state stands for.

    An exception in the data is returned as is; a string or no data becomes a
    ``FailedRun`` / ``CrashedRun`` / ``CancelledRun`` carrying that text or the state
    message; a nested state (or list of states) gives the first failure's exception.
    A stored ``BaseException`` that is not an ``Exception`` comes back as a
    ``StoredBaseException``, never itself.
    """
    options = _ReadOptions(
        allow_pickle=allow_pickle,
        allow_imports=allow_imports,
        allow_outside_storage=allow_outside_storage,
        max_decompressed_size=max_decompressed_size,
        local_storage_path=local_storage_path,
        storage_reader=storage_reader,
    )
    return _state_exception(state, options, stored=False)


def _state_exception(state: State[Any], options: _ReadOptions, stored: bool) -> BaseException:
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
        result = load_result_record(result, **options)
        stored = True

    if result is None:
        return wrapper(state.message or default_message)
    if isinstance(result, BaseException):
        if stored and not isinstance(result, Exception):  # a pickled one, allowed in
            return StoredBaseException(_qualified_name(type(result)), str(result))
        return result
    if isinstance(result, str):
        return wrapper(result)
    if isinstance(result, State):
        return _state_exception(result, options, stored)
    if isinstance(result, (list, set, tuple)) and result and all(isinstance(s, State) for s in result):
        for inner in result:
            if _is_failure(inner):
                return _state_exception(inner, options, stored)
        raise ValueError("Failed state result was an iterable of states but none were failed.")
    raise TypeError(
        f"Unexpected result for failed state: {result!r} —— "
        f"{type(result).__name__} cannot be resolved into an exception"
    )


def _qualified_name(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# --- reading a stored record ---------------------------------------------------


def default_local_storage_path() -> Path:
    """Where Prefect keeps local results by default, from the same environment variables."""
    env = {k.lower(): v for k, v in os.environ.items()}
    for name in ("prefect_results_local_storage_path", "prefect_local_storage_path"):
        if name in env:
            return Path(env[name])
    home = env.get("prefect_home")
    return (Path(home).expanduser() if home is not None else Path("~/.prefect").expanduser()) / "storage"


def _resolve(basepath: Path, key: str) -> tuple[Path, Path, bool]:
    """The real base folder, the real path ``key`` names under it, and whether it stays inside."""
    base = basepath.expanduser().resolve()
    path = Path(key).expanduser()
    if not path.is_absolute():
        path = base / path
    path = path.resolve()
    return base, path, base == path or base in path.parents


def _local_path(key: str, local_storage_path: StoragePath | None, allow_outside_storage: bool) -> Path:
    """The file a key names; it must lie in the storage folder, its real path compared.

    Relative keys are always confined, as in Prefect; Prefect reads an absolute key
    anywhere (within the key's own folder, links resolved), which lightschema does only
    with ``allow_outside_storage``.
    """
    absolute = Path(key).is_absolute()
    if absolute and allow_outside_storage:
        base, path, inside = _resolve(Path(key).parent, key)  # Prefect's own rule
    else:
        folder = Path(local_storage_path) if local_storage_path is not None else default_local_storage_path()
        base, path, inside = _resolve(folder, key)
    if inside:
        return path
    if not absolute or allow_outside_storage:
        raise PathNotAllowed(f"Provided path {path} is outside of the base path {base}.")
    raise PathNotAllowed(
        f"The result key {key!r} resolves to {path}, outside the local storage folder {base}. "
        "Pass local_storage_path=<the folder that holds it>, or allow_outside_storage=True to "
        "read absolute keys outside it as Prefect does, if you trust where the state came from."
    )


def _read_local(key: str, local_storage_path: StoragePath | None, allow_outside_storage: bool) -> bytes:
    path = _local_path(key, local_storage_path, allow_outside_storage)
    if not path.exists():
        raise ResultReadError(f"Path {path} does not exist.")
    if not path.is_file():
        raise ResultReadError(f"Path {path} is not a file.")
    return path.read_bytes()


def load_result_record(
    metadata: ResultRecordMetadata,
    *,
    allow_pickle: bool = False,
    allow_imports: AllowImports = False,
    allow_outside_storage: bool = False,
    max_decompressed_size: int | None = MAX_DECOMPRESSED_SIZE,
    local_storage_path: StoragePath | None = None,
    storage_reader: StorageReader | None = None,
) -> Any:
    """Read the result record that ``metadata`` points at, and decode its result.

    ``allow_pickle`` loads pickled results; ``allow_imports`` (``True``, or the qualified
    names allowed) imports JSON object decoders and exception types beyond lightschema's
    table; ``allow_outside_storage`` reads absolute keys outside the storage folder;
    ``max_decompressed_size`` bounds what a compressed result inflates to (``None``: no
    bound). ``local_storage_path`` is the storage folder (default: Prefect's);
    ``storage_reader`` fetches the record's bytes instead of the local file system
    (needed for results kept in a storage block; it decides which keys it reads).
    """
    key = metadata.storage_key
    if key is None:
        raise ResultReadError("storage_key is required to hydrate a result record from metadata")
    decoder = _Decoder(key, allow_pickle, allow_imports, max_decompressed_size)
    if storage_reader is not None:
        content = storage_reader(key, metadata.storage_block_id)
    elif metadata.storage_block_id is not None:
        raise ResultStorageUnavailable(
            f"The result {key!r} is kept in the Prefect storage block {metadata.storage_block_id}, "
            "which lightschema cannot open. Pass storage_reader=<callable (storage_key, storage_block_id) "
            "-> bytes> that fetches the stored result record, or read it with Prefect."
        )
    else:
        content = _read_local(key, local_storage_path, allow_outside_storage)
    return _deserialize_record(content, metadata.serializer, decoder)


def _deserialize_record(content: bytes, backup: Serializer, decoder: _Decoder) -> Any:
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
        return decoder.loads(backup, content)
    if isinstance(result, str):
        return decoder.loads(record_metadata.serializer, result.encode())
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


def _import_policy(allow_imports: AllowImports) -> bool | frozenset[str]:
    if isinstance(allow_imports, bool):
        return allow_imports
    if isinstance(allow_imports, str):  # a str is a collection of one-letter names
        raise TypeError(f"allow_imports takes True or a collection of names: allow_imports={{{allow_imports!r}}}")
    return frozenset(allow_imports)


class _Decoder:
    """Undoes one result's serializers, within what the caller allowed: json, pickle, compressed."""

    def __init__(self, key: str, allow_pickle: bool, allow_imports: AllowImports, budget: int | None) -> None:
        self.key = key
        self.allow_pickle = allow_pickle
        self.imports = _import_policy(allow_imports)
        #: bytes decompression may still produce for this result (nested layers share it)
        self.budget = budget
        self.limit = budget

    def loads(self, serializer: Serializer, blob: bytes) -> Any:
        kind = serializer.type
        options = serializer.options
        if kind == "json":
            return self.json_loads(blob, options)
        if kind == "pickle":
            if not self.allow_pickle:
                raise self.pickle_refused(kind)
            import pickle

            return pickle.loads(base64.decodebytes(blob))  # the caller allowed it
        if kind in ("compressed", "compressed/pickle", "compressed/json"):
            default_inner = "pickle" if kind == "compressed/pickle" else "json"
            inner = _serializer_from(options.get("serializer"), default_inner)
            if inner.type in _PICKLE_TYPES and not self.allow_pickle:
                raise self.pickle_refused(kind)
            library = options.get("compressionlib", "lzma")
            if library not in _COMPRESSION_LIBS:
                raise UnknownSerializer(
                    f"Compression library {library!r} is not available here; "
                    f"lightschema reads {', '.join(_COMPRESSION_LIBS)}."
                )
            return self.loads(inner, self.inflate(library, base64.decodebytes(blob)))
        raise UnknownSerializer(
            f"Serializer {kind!r} is not available in this environment, so deserialization cannot be performed."
        )

    def pickle_refused(self, kind: str) -> PickleNotAllowed:
        return PickleNotAllowed(
            f"The result {self.key!r} was stored with the {kind!r} serializer. Unpickling can run "
            "arbitrary code, so lightschema loads it only when asked: call "
            "state.result(allow_pickle=True) if you trust where the result came from."
        )

    def inflate(self, library: str, data: bytes) -> bytes:
        """Decompress piecewise, refusing as soon as the output passes the budget."""
        memlimit = None if self.limit is None else max(self.limit, MAX_DECOMPRESSED_SIZE)
        stream = _decompressing(library, data, memlimit)
        pieces, size = [], 0
        try:
            while chunk := stream.read(_CHUNK):
                pieces.append(chunk)
                size += len(chunk)
                if self.budget is not None and size > self.budget:
                    raise self.too_large(f"decompresses to more than {self.limit} bytes")
        except _MemoryLimitExceeded:
            raise self.too_large(f"needs more than {memlimit} bytes of memory to decompress") from None
        if self.budget is not None:
            self.budget -= size
        return b"".join(pieces)

    def too_large(self, what: str) -> ResultTooLarge:
        return ResultTooLarge(
            f"The result {self.key!r} {what}. Pass max_decompressed_size=<bytes> (or None for "
            "no limit) to read it, if you trust where the result came from."
        )

    def json_loads(self, blob: bytes, options: Mapping[str, Any]) -> Any:
        kwargs = dict(options.get("loads_kwargs") or {})
        hook = self.object_hook(options.get("object_decoder", _PREFECT_JSON_DECODER))
        if hook is not None:
            kwargs["object_hook"] = hook
        return json.loads(blob.decode(), **kwargs)

    def object_hook(self, name: Any) -> Callable[[dict[str, Any]], Any] | None:
        if name is None:
            return None
        if name == _PREFECT_JSON_DECODER:
            return functools.partial(decode_json_object, allow_imports=self.imports)
        if not isinstance(name, str):
            raise ResultReadError(f"Invalid JSON object decoder: {name!r}")
        if not _may_import(self.imports, name):
            raise ImportNotAllowed(
                f"The result {self.key!r} names the JSON object decoder {name!r}, which lightschema does "
                f"not know; importing and calling it would run that code. Pass allow_imports={{{name!r}}} "
                "(or allow_imports=True) to use it, if you trust where the result came from."
            )
        try:
            hook = _import_qualified(name)
        except (ImportError, AttributeError) as exc:
            raise ResultReadError(f"Cannot import the JSON object decoder {name!r}: {exc}") from None
        if not callable(hook):
            raise ResultReadError(f"The JSON object decoder {name!r} is not callable.")
        return hook  # type: ignore[no-any-return]


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _ZlibStream:
    """``zlib.decompress`` read piecewise, with its errors (trailing bytes are ignored, as there)."""

    def __init__(self, data: bytes) -> None:
        import zlib

        self._error = zlib.error
        self._decompressor = zlib.decompressobj()
        self._tail = data

    def read(self, size: int, /) -> bytes:
        while not self._decompressor.eof:
            chunk = self._decompressor.decompress(self._tail, size)
            self._tail = self._decompressor.unconsumed_tail
            if chunk:
                return chunk
            if not self._tail:
                raise self._error("Error -5 while decompressing data: incomplete or truncated stream")
        return b""


class _Streams:
    """``lzma.decompress`` or ``bz2.decompress`` read piecewise: stream after stream,
    trailing bytes that start no stream ignored, with those functions' errors."""

    def __init__(
        self, data: bytes, new: Callable[[], Any], trailing: type[Exception], truncated: type[Exception]
    ) -> None:
        self._new, self._trailing, self._truncated = new, trailing, truncated
        self._decompressor = new()
        self._input = data
        self._first = True

    def read(self, size: int, /) -> bytes:
        while True:
            decompressor = self._decompressor
            if decompressor.eof:
                if not decompressor.unused_data:
                    return b""
                self._input, self._first = decompressor.unused_data, False
                self._decompressor = self._new()
                continue
            try:
                chunk: bytes = decompressor.decompress(self._input, size)
            except self._trailing as exc:
                if "Memory usage limit" in str(exc):  # lzma's memlimit
                    raise _MemoryLimitExceeded from None
                if self._first:
                    raise
                return b""
            self._input = b""
            if chunk:
                return chunk
            if decompressor.needs_input and not decompressor.eof:
                raise self._truncated("Compressed data ended before the end-of-stream marker was reached")


class _MemoryLimitExceeded(Exception):
    """The lzma decoder would need more memory than allowed."""


def _decompressing(library: str, data: bytes, memlimit: int | None) -> _Readable:
    """A reader of the decompressed bytes, taking concatenated streams (and gzip's zero
    padding) as the one-shot ``decompress`` functions do. lzma's decoder gets ``memlimit``:
    a stream's header sets its dictionary size (up to 1.5 GiB), allocated whatever the output."""
    if library == "zlib":
        return _ZlibStream(data)
    if library == "lzma":
        import lzma

        return _Streams(data, lambda: lzma.LZMADecompressor(memlimit=memlimit), lzma.LZMAError, lzma.LZMAError)
    import io

    if library == "bz2":
        import bz2

        if not data:  # bz2.decompress(b"") is b""
            return io.BytesIO()
        return _Streams(data, bz2.BZ2Decompressor, OSError, ValueError)
    import gzip

    return gzip.GzipFile(fileobj=io.BytesIO(data))


# --- names in stored data ------------------------------------------------------------


def _may_import(policy: bool | frozenset[str], name: str) -> bool:
    return policy if isinstance(policy, bool) else name in policy


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


#: exception types a result may name without ``allow_imports``: every builtin one, the
#: run outcomes of ``prefect.exceptions`` (as lightschema's classes of those names), and
#: Prefect's signals, which are ``BaseException``s (standing for "not an ``Exception``")
_KNOWN_EXCEPTIONS: dict[str, type[BaseException]] = {
    f"builtins.{name}": cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, BaseException)
}
_KNOWN_EXCEPTIONS.update(
    {
        f"prefect.exceptions.{cls.__name__}": cls
        for cls in (CancelledRun, CrashedRun, FailedRun, MissingResult, PausedRun, UnfinishedRun)
    }
)
_KNOWN_EXCEPTIONS.update(
    {
        f"prefect.exceptions.{name}": BaseException
        for name in ("PrefectSignal", "Abort", "Pause", "ExternalSignal", "TerminationSignal")
    }
)
#: stdlib exceptions common in flows (the timeouts by the names Python 3.10 writes; from 3.11
#: they are ``builtins.TimeoutError``); their stdlib modules are imported on first use
_STDLIB_EXCEPTIONS = {
    "asyncio.exceptions.CancelledError": ("asyncio", "CancelledError"),
    "asyncio.exceptions.InvalidStateError": ("asyncio", "InvalidStateError"),
    "asyncio.exceptions.TimeoutError": ("asyncio", "TimeoutError"),
    "concurrent.futures._base.CancelledError": ("concurrent.futures", "CancelledError"),
    "concurrent.futures._base.TimeoutError": ("concurrent.futures", "TimeoutError"),
}


def _exception_class(name: Any, imports: bool | frozenset[str]) -> type[BaseException]:
    """The class an ``__exc_type__`` names: from the table, else imported if allowed."""
    if not isinstance(name, str):
        raise ResultReadError(f"Invalid exception type: {name!r}")
    if name in _KNOWN_EXCEPTIONS:
        return _KNOWN_EXCEPTIONS[name]
    if name in _STDLIB_EXCEPTIONS:
        module, attr = _STDLIB_EXCEPTIONS[name]
        known: type[BaseException] = getattr(importlib.import_module(module), attr)
        return known
    if not _may_import(imports, name):
        raise ImportNotAllowed(
            f"The result names the exception type {name!r}, which lightschema does not know; "
            f"importing it would run its module's code. Pass allow_imports={{{name!r}}} "
            "(or allow_imports=True) to import it, if you trust where the result came from."
        )
    try:
        cls = _import_qualified(name)
    except (ImportError, AttributeError):
        raise ResultReadError(f"Invalid exception type: {name!r}") from None
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        raise ResultReadError(f"Invalid exception type: {name!r}")
    return cls


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


def _class_decoder(name: Any) -> Callable[[Any], Any] | None:
    if not isinstance(name, str):
        return None
    if name in _CLASS_DECODERS:
        return _CLASS_DECODERS[name]
    for prefix in _PREFECT_SCHEMA_MODULES:
        if name.startswith(prefix):
            from lightschema import objects

            cls = getattr(objects, name[len(prefix) :], None)
            validate = getattr(cls, "model_validate", None) if isinstance(cls, type) else None
            return validate if callable(validate) else None
    return None


def decode_json_object(value: dict[str, Any], *, allow_imports: AllowImports = False) -> Any:
    """``object_hook`` that rebuilds what Prefect's JSON encoder tagged, importing nothing unasked.

    ``{"__class__", "data"}`` becomes the stdlib value or lightschema model of that name;
    classes outside that table are left as the tagged dict (without pydantic lightschema
    cannot rebuild them, so they are never imported). ``{"__exc_type__", "message"}``
    becomes that exception when its type is in lightschema's table or ``allow_imports``
    admits it, else ``ImportNotAllowed``; a ``BaseException`` that is not an
    ``Exception`` becomes a ``StoredBaseException``.
    """
    if "__class__" in value:
        decode = _class_decoder(value["__class__"])
        return value if decode is None else decode(value["data"])
    if "__exc_type__" in value:
        name = value["__exc_type__"]
        exc_cls = _exception_class(name, _import_policy(allow_imports))
        if issubclass(exc_cls, Exception):
            return exc_cls(value["message"])
        return StoredBaseException(name, str(value["message"]))
    return value
