"""The enumerations and constants of the reference module, with the same values."""

from __future__ import annotations

import enum
from typing import Any, Final, Literal

__all__ = [
    "DEFAULT_AGENT_WORK_POOL_NAME",
    "DEFAULT_BLOCK_SCHEMA_VERSION",
    "TERMINAL_STATES",
    "AutoEnum",
    "BranchingScheduleHandling",
    "ConcurrencyLimitStrategy",
    "DeploymentStatus",
    "RunType",
    "StateType",
    "WorkPoolStatus",
    "WorkQueueStatus",
    "WorkerStatus",
]

DEFAULT_BLOCK_SCHEMA_VERSION: Final[Literal["non-versioned"]] = "non-versioned"
DEFAULT_AGENT_WORK_POOL_NAME: Final[Literal["default-agent-pool"]] = "default-agent-pool"


class AutoEnum(str, enum.Enum):
    """A string enum whose ``auto()`` values are the member names; JSON-ready as is."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> str:
        return name

    @staticmethod
    def auto() -> Any:
        """``enum.auto()``, here so one import is enough to declare members."""
        return enum.auto()

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.value}"


class RunType(AutoEnum):
    FLOW_RUN = "flow_run"
    TASK_RUN = "task_run"


class StateType(AutoEnum):
    """The kinds of state a run can be in."""

    SCHEDULED = AutoEnum.auto()
    PENDING = AutoEnum.auto()
    RUNNING = AutoEnum.auto()
    COMPLETED = AutoEnum.auto()
    FAILED = AutoEnum.auto()
    CANCELLED = AutoEnum.auto()
    CRASHED = AutoEnum.auto()
    PAUSED = AutoEnum.auto()
    CANCELLING = AutoEnum.auto()


#: the state types after which a run does not change state again
TERMINAL_STATES: Final[set[StateType]] = {
    StateType.COMPLETED,
    StateType.CANCELLED,
    StateType.FAILED,
    StateType.CRASHED,
}


class WorkPoolStatus(AutoEnum):
    """Whether a work pool can take work."""

    READY = AutoEnum.auto()
    NOT_READY = AutoEnum.auto()
    PAUSED = AutoEnum.auto()

    @property
    def display_name(self) -> str:
        """The status for people: ``NOT_READY`` reads ``Not ready``."""
        return self.name.replace("_", " ").capitalize()


class WorkerStatus(AutoEnum):
    """Whether a worker has been heard from recently."""

    ONLINE = AutoEnum.auto()
    OFFLINE = AutoEnum.auto()


class DeploymentStatus(AutoEnum):
    """Whether a deployment can run (``DISABLED`` exists on Prefect Cloud only)."""

    READY = AutoEnum.auto()
    NOT_READY = AutoEnum.auto()
    DISABLED = AutoEnum.auto()


class WorkQueueStatus(AutoEnum):
    """Whether a work queue can take work."""

    READY = AutoEnum.auto()
    NOT_READY = AutoEnum.auto()
    PAUSED = AutoEnum.auto()


class ConcurrencyLimitStrategy(AutoEnum):
    """What happens to a run that finds its concurrency limit full."""

    ENQUEUE = AutoEnum.auto()
    CANCEL_NEW = AutoEnum.auto()


class BranchingScheduleHandling(str, enum.Enum):
    """What happens to a deployment's schedules when it is branched."""

    KEEP = "keep"
    REMOVE = "remove"
    INACTIVE = "inactive"
