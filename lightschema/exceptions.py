"""Exceptions raised when reading a run's result from a state.

The run outcome classes keep the names Prefect uses (``FailedRun``, ``PausedRun``, ...)
so code that catches them by name reads the same; they all derive from
``LightschemaError``. Read failures that Prefect reports as ``ValueError`` or
``RuntimeError`` subclass those too, so existing ``except`` clauses still match.

Exception tree::

    Exception
     └── LightschemaError
          ├── CrashedRun, FailedRun, CancelledRun   a failed run's stand-in exception
          ├── PausedRun, UnfinishedRun              the run has no result yet
          ├── MissingResult                         the state carries no result
          ├── PickleNotAllowed                      a pickled result needs allow_pickle=True
          ├── ResultStorageUnavailable              the result sits in a storage block
          ├── ResultReadError (also ValueError)     the stored result cannot be found or read
          │    ├── ImportNotAllowed                 it names code to import: allow_imports
          │    ├── PathNotAllowed                   its key leaves the storage folder
          │    └── ResultTooLarge                   it inflates past max_decompressed_size
          ├── UnknownSerializer (also RuntimeError) the result's serializer is not known here
          └── StoredBaseException                   stands in for a stored SystemExit, KeyboardInterrupt...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lightschema._runs import State

__all__ = [
    "CancelledRun",
    "CrashedRun",
    "FailedRun",
    "ImportNotAllowed",
    "LightschemaError",
    "MissingResult",
    "PathNotAllowed",
    "PausedRun",
    "PickleNotAllowed",
    "ResultReadError",
    "ResultStorageUnavailable",
    "ResultTooLarge",
    "StoredBaseException",
    "UnfinishedRun",
    "UnknownSerializer",
]


class LightschemaError(Exception):
    """Base of the exceptions lightschema raises about runs and their results."""


class CrashedRun(LightschemaError):
    """A crashed run's result was asked for and it held no exception of its own."""


class FailedRun(LightschemaError):
    """A failed run's result was asked for and it held no exception of its own."""


class CancelledRun(LightschemaError):
    """A cancelled run's result was asked for and it held no exception of its own."""


class PausedRun(LightschemaError):
    """The run is paused, so it has no result yet; ``state`` is the paused state."""

    def __init__(self, *args: Any, state: State[Any] | None = None) -> None:
        super().__init__(*args)
        self.state = state


class UnfinishedRun(LightschemaError):
    """The run has not reached a final state (scheduled, pending, running, cancelling)."""


class MissingResult(LightschemaError):
    """A completed state has no data: the result was not persisted, or was dropped by the API."""


class PickleNotAllowed(LightschemaError):
    """The stored result is a pickle; loading one can run arbitrary code, so it must be asked for."""


class ResultStorageUnavailable(LightschemaError):
    """The result lives in a Prefect storage block, which lightschema cannot open."""


class ResultReadError(LightschemaError, ValueError):
    """The stored result could not be found or decoded (a ``ValueError``, as in Prefect)."""


class UnknownSerializer(LightschemaError, RuntimeError):
    """The result was written by a serializer lightschema cannot undo (a ``RuntimeError``, as in Prefect)."""


class ImportNotAllowed(ResultReadError):
    """The result names a class or function lightschema does not know; importing it runs its
    module's code, so that needs ``allow_imports``."""


class PathNotAllowed(ResultReadError):
    """The result's storage key resolves outside the local storage folder: reading it could
    hand back any readable file of the machine."""


class ResultTooLarge(ResultReadError):
    """The compressed result inflates past ``max_decompressed_size``: a small record must not
    be able to exhaust memory."""


class StoredBaseException(LightschemaError):
    """Stands for a ``SystemExit``, ``KeyboardInterrupt`` or other ``BaseException`` that is
    not an ``Exception``, found in a stored result: raising the real one would stop the
    program reading it, and ``except Exception`` would not catch it.

    ``type_name`` is the stored qualified name (``builtins.KeyboardInterrupt``) and
    ``message`` its text.
    """

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}" if message else type_name)
        self.type_name = type_name
        self.message = message

    def __reduce__(self) -> tuple[type[StoredBaseException], tuple[str, str]]:
        return type(self), (self.type_name, self.message)
