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
          └── UnknownSerializer (also RuntimeError) the result's serializer is not known here
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lightschema._runs import State

__all__ = [
    "CancelledRun",
    "CrashedRun",
    "FailedRun",
    "LightschemaError",
    "MissingResult",
    "PausedRun",
    "PickleNotAllowed",
    "ResultReadError",
    "ResultStorageUnavailable",
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
