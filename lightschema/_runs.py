"""The run model: states, flow runs, task runs, their policies and inputs."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, cast, overload
from uuid import UUID

import attrs

from lightschema import _hooks, _infer
from lightschema._base import (
    DateTime,
    PrefectBaseModel,
    TimeSeriesObjectBaseModel,
    _converter,
    model,
    now_utc,
    uuid7,
)
from lightschema._enums import TERMINAL_STATES, RunType, StateType
from lightschema._fields import OMIT, STRUCTURE, UNSTRUCTURE, constrained, optional, value_error
from lightschema._names import generate_slug
from lightschema.errors import InvalidValue, ValidationError, detail, flatten

if TYPE_CHECKING:
    from lightschema._results import AllowImports, StoragePath, StorageReader

__all__ = [
    "Constant",
    "CreatedBy",
    "FlowRun",
    "FlowRunPolicy",
    "FlowRunResult",
    "Parameter",
    "ResultRecordMetadata",
    "RunInput",
    "Serializer",
    "State",
    "StateDetails",
    "TaskRun",
    "TaskRunPolicy",
    "TaskRunResult",
    "UpdatedBy",
    "data_discriminator",
]

R = TypeVar("R")

#: the prefect version the reference stamps on result metadata it creates
REFERENCE_PREFECT_VERSION = "3.9.1"
MAX_RETRY_DELAYS = 50

# Labels hold JSON scalars only; the reference tries bool, int, float, str in turn.
KeyValueLabels = dict[str, bool | int | float | str]
_LABEL_TYPES = frozenset({bool, int, float, str})


def _structure_labels(value: Any, _: Any = None) -> dict[str, bool | int | float | str]:
    """Labels: None reads as empty; each value must be a bool, number or string."""
    if not value:  # the reference reads any empty or falsy value as no labels
        return {}
    if value.__class__ is dict:  # the usual case, text keys and scalar values: kept as they are
        for key, item in value.items():
            if key.__class__ is not str or item.__class__ not in _LABEL_TYPES:
                break
        else:
            return dict(value)
    return _structure_label_dict(value, None)  # type: ignore[no-any-return]


def _label_value(value: Any, _: Any = None) -> bool | int | float | str:
    """A label value; a subclass (an ``IntEnum``, a numpy float) as the scalar it holds, and any
    other enum member as its value's text, as the reference's union reads them."""
    if value.__class__ in _LABEL_TYPES:
        return cast("bool | int | float | str", value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Enum):
        return _hooks.structure_str(value)
    if _hooks.decimal_number(value) is not None:
        return _hooks.structure_float(value)
    raise InvalidValue("label_type", "Input should be a valid boolean, integer, number or string", value)


def _label_errors(value: Any, _: Any = None) -> bool | int | float | str:
    """Report a bad label value under each accepted type, as the reference does."""
    try:
        return _label_value(value)
    except InvalidValue:
        raise ValidationError(
            "labels",
            [
                detail("bool_type", ("bool",), "Input should be a valid boolean", value),
                detail("int_type", ("int",), "Input should be a valid integer", value),
                detail("float_type", ("float",), "Input should be a valid number", value),
                detail("string_type", ("str",), "Input should be a valid string", value),
            ],
        ) from None


_structure_label_dict = _hooks.make_dict_hook(_hooks.structure_str, _label_errors)


def _labels_field() -> Any:
    return attrs.field(factory=dict, metadata={STRUCTURE: _structure_labels})


@model
class CreatedBy(PrefectBaseModel):
    """Who created an object: an id, a kind of actor, and a name to show."""

    id: UUID | None = None
    type: str | None = None
    display_value: str | None = None


@model
class UpdatedBy(PrefectBaseModel):
    """Who last updated an object: an id, a kind of actor, and a name to show."""

    id: UUID | None = None
    type: str | None = None
    display_value: str | None = None


@model
class StateDetails(PrefectBaseModel):
    """Links and flags that travel with a state: ids, cache, pause and retry details."""

    flow_run_id: UUID | None = None
    task_run_id: UUID | None = None
    child_flow_run_id: UUID | None = None
    scheduled_time: DateTime | None = None
    cache_key: str | None = None
    cache_expiration: DateTime | None = None
    deferred: bool | None = None
    untrackable_result: bool = False
    pause_timeout: DateTime | None = None
    pause_reschedule: bool = False
    pause_key: str | None = None
    run_input_keyset: dict[str, str] | None = None
    refresh_cache: bool | None = None
    retriable: bool | None = None
    transition_id: UUID | None = None
    task_parameters_id: UUID | None = None
    traceparent: str | None = None
    deployment_concurrency_lease_id: UUID | None = None

    def to_run_result(self, run_type: RunType) -> FlowRunResult | TaskRunResult | None:
        """The run input that points at this state's flow run or task run, if it has one."""
        if run_type == RunType.FLOW_RUN and self.flow_run_id:
            return FlowRunResult(id=self.flow_run_id)
        if run_type == RunType.TASK_RUN and self.task_run_id:
            return TaskRunResult(id=self.task_run_id)
        return None


_opt_str = _hooks.make_optional_hook(_hooks.structure_str)
_COMPRESSED_OPTIONS: dict[str, _hooks.Hook] = {
    "serializer": _hooks.structure_any,
    "compressionlib": _hooks.structure_str,
}
#: the options each serializer the reference knows takes, with their types; others are refused
_SERIALIZER_OPTIONS: dict[str, dict[str, _hooks.Hook]] = {
    "pickle": {"picklelib": _hooks.structure_str, "picklelib_version": _opt_str},
    "json": {
        "jsonlib": _hooks.structure_str,
        "object_encoder": _opt_str,
        "object_decoder": _opt_str,
        "dumps_kwargs": _hooks.structure_any_dict,
        "loads_kwargs": _hooks.structure_any_dict,
    },
    "compressed": _COMPRESSED_OPTIONS,
    "compressed/pickle": _COMPRESSED_OPTIONS,
    "compressed/json": _COMPRESSED_OPTIONS,
}


#: the options a serializer the reference knows has when not given (so equal descriptions
#: compare equal, as the reference's serializer models do)
_SERIALIZER_DEFAULTS: dict[str, dict[str, Any]] = {
    "pickle": {"picklelib": "cloudpickle", "picklelib_version": None},
    "json": {
        "jsonlib": "json",
        "object_encoder": "prefect.serializers.prefect_json_object_encoder",
        "object_decoder": "prefect.serializers.prefect_json_object_decoder",
        "dumps_kwargs": {},
        "loads_kwargs": {},
    },
    "compressed": {"compressionlib": "lzma"},
    "compressed/pickle": {"compressionlib": "lzma"},
    "compressed/json": {"compressionlib": "lzma"},
}


def _with_defaults(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    defaults = _SERIALIZER_DEFAULTS.get(kind, {})
    return {**{k: dict(v) if isinstance(v, dict) else v for k, v in defaults.items()}, **options}


def _structure_serializer(value: Any, _: Any = None) -> Serializer:
    """A serializer description, checked as the reference checks it.

    A known ``type`` takes only its own options, typed; an unknown ``type`` is kept
    as given, unchecked; no ``type`` at all is the base serializer, ``__base__``.
    """
    if isinstance(value, Serializer):
        return value
    if not isinstance(value, dict):
        raise InvalidValue("model_type", "Input should be a valid dictionary or instance of Serializer", value)
    kind = value.get("type", "__base__")
    options = {k: v for k, v in value.items() if k != "type"}
    if isinstance(kind, (list, dict)):  # the reference crashes on these (unhashable); refuse them
        raise InvalidValue("string_type", "Input should be a valid string", kind, loc=("type",))
    known = _SERIALIZER_OPTIONS.get(kind) if isinstance(kind, str) else None
    if known is None and "type" in value and kind != "__base__":
        return Serializer(type=kind, options=options)
    known = known or {}
    errors = []
    checked = {}
    for key, option in options.items():
        hook = known.get(key)
        if hook is None:
            errors.append(detail("extra_forbidden", (key,), "Extra inputs are not permitted", option))
            continue
        try:
            checked[key] = hook(option, None)
        except (InvalidValue, ValidationError) as exc:
            errors.extend(flatten(exc, (key,), option))
    if errors:
        raise ValidationError("Serializer", errors)
    return Serializer(type=kind, options=_with_defaults(kind, checked))


@model
class Serializer(PrefectBaseModel):
    """How a result was written: its ``type`` (``json``, ``pickle``, ...) and options.

    The options (``jsonlib``, ``picklelib``, ...) are kept for reading results back
    but, as in the reference, only ``type`` is written out.
    """

    type: str
    options: dict[str, Any] = attrs.field(factory=dict, metadata={OMIT: True})


def _pickle_serializer() -> Serializer:
    return Serializer(type="pickle", options=_with_defaults("pickle", {}))


@model
class ResultRecordMetadata(PrefectBaseModel):
    """Where and how a run's result was persisted: the ``State.data`` of a stored result."""

    storage_key: str | None = None
    expiration: DateTime | None = None
    serializer: Serializer = attrs.field(factory=_pickle_serializer, metadata={STRUCTURE: _structure_serializer})
    prefect_version: str = REFERENCE_PREFECT_VERSION
    storage_block_id: UUID | None = None


def data_discriminator(x: Any) -> str:
    """Which shape ``State.data`` holds: result metadata (a dict with ``storage_key``) or anything."""
    if isinstance(x, dict) and "storage_key" in x:
        return "ResultRecordMetadata"
    return "Any"


def _structure_state_data(value: Any, _: Any = None) -> Any:
    if data_discriminator(value) == "ResultRecordMetadata":
        try:
            return _converter().structure(value, ResultRecordMetadata)
        except ValidationError as exc:
            raise ValidationError("State.data", flatten(exc, ("ResultRecordMetadata",), value)) from None
    return _hooks.structure_any(value)


@model
class State(TimeSeriesObjectBaseModel, Generic[R]):
    """The state of a run: its type, a name and message, details, and maybe its result."""

    type: StateType
    name: str | None = None
    timestamp: datetime.datetime = attrs.field(factory=now_utc)
    message: str | None = None
    state_details: StateDetails = attrs.field(factory=StateDetails)
    data: Any = attrs.field(default=None, metadata={STRUCTURE: _structure_state_data, UNSTRUCTURE: _infer.any_to_json})

    def __attrs_post_init__(self) -> None:
        if self.name is None and self.type:
            object.__setattr__(self, "name", " ".join(w.capitalize() for w in self.type.value.split("_")))
        if self.type == StateType.SCHEDULED and not self.state_details.scheduled_time:
            details = attrs.evolve(self.state_details, scheduled_time=now_utc())  # type: ignore[misc]
            object.__setattr__(self, "state_details", details)
        if isinstance(self.data, dict) and self.data.get("type") == "unpersisted":
            object.__setattr__(self, "data", None)

    def is_scheduled(self) -> bool:
        return self.type == StateType.SCHEDULED

    def is_pending(self) -> bool:
        return self.type == StateType.PENDING

    def is_running(self) -> bool:
        return self.type == StateType.RUNNING

    def is_completed(self) -> bool:
        return self.type == StateType.COMPLETED

    def is_failed(self) -> bool:
        return self.type == StateType.FAILED

    def is_crashed(self) -> bool:
        return self.type == StateType.CRASHED

    def is_cancelled(self) -> bool:
        return self.type == StateType.CANCELLED

    def is_cancelling(self) -> bool:
        return self.type == StateType.CANCELLING

    def is_paused(self) -> bool:
        return self.type == StateType.PAUSED

    def is_final(self) -> bool:
        """Whether the run is done: completed, failed, crashed or cancelled."""
        return self.type in TERMINAL_STATES

    def model_copy(self, *, update: Any = None, deep: bool = False) -> State[R]:
        """A copy that could be stored again: the timestamp is new unless ``update`` sets it."""
        return super().model_copy(update={"timestamp": now_utc(), **(update or {})}, deep=deep)

    def fresh_copy(self, **kwargs: Any) -> State[R]:
        """A copy with a new id and fresh created, updated and timestamp values."""
        stamp = now_utc()
        update = {"id": uuid7(), "created": stamp, "updated": stamp, "timestamp": stamp}
        return self.model_copy(update={**update, **kwargs.pop("update", {})}, **kwargs)

    @overload
    def result(
        self,
        raise_on_failure: Literal[True] = ...,
        retry_result_failure: bool = ...,
        *,
        allow_pickle: bool = ...,
        allow_imports: AllowImports = ...,
        allow_outside_storage: bool = ...,
        max_decompressed_size: int | None = ...,
        local_storage_path: StoragePath | None = ...,
        storage_reader: StorageReader | None = ...,
    ) -> R: ...

    @overload
    def result(
        self,
        raise_on_failure: bool = ...,
        retry_result_failure: bool = ...,
        *,
        allow_pickle: bool = ...,
        allow_imports: AllowImports = ...,
        allow_outside_storage: bool = ...,
        max_decompressed_size: int | None = ...,
        local_storage_path: StoragePath | None = ...,
        storage_reader: StorageReader | None = ...,
    ) -> R | Exception: ...

    def result(
        self,
        raise_on_failure: bool = True,
        retry_result_failure: bool = True,
        *,
        allow_pickle: bool = False,
        allow_imports: AllowImports = False,
        allow_outside_storage: bool = False,
        max_decompressed_size: int | None = 64 * 1024 * 1024,  # _results.MAX_DECOMPRESSED_SIZE
        local_storage_path: StoragePath | None = None,
        storage_reader: StorageReader | None = None,
    ) -> R | Exception:
        """The run's result, read from this state as the reference reads it.

        Reading a stored result runs no code it names unless allowed: pickles load only
        with ``allow_pickle=True``, names beyond lightschema's table only with
        ``allow_imports``; keys must stay in the storage folder unless
        ``allow_outside_storage=True``; compressed results inflate to at most
        ``max_decompressed_size`` bytes. Results in a storage block need a
        ``storage_reader(storage_key, storage_block_id) -> bytes``.
        """
        from lightschema._results import get_state_result

        result: R | Exception = get_state_result(
            self,
            raise_on_failure,
            retry_result_failure,
            allow_pickle=allow_pickle,
            allow_imports=allow_imports,
            allow_outside_storage=allow_outside_storage,
            max_decompressed_size=max_decompressed_size,
            local_storage_path=local_storage_path,
            storage_reader=storage_reader,
        )
        return result

    async def aresult(
        self,
        raise_on_failure: bool = True,
        retry_result_failure: bool = True,
        *,
        allow_pickle: bool = False,
        allow_imports: AllowImports = False,
        allow_outside_storage: bool = False,
        max_decompressed_size: int | None = 64 * 1024 * 1024,  # _results.MAX_DECOMPRESSED_SIZE
        local_storage_path: StoragePath | None = None,
        storage_reader: StorageReader | None = None,
    ) -> R | Exception:
        """``result()`` for async code: waits between read attempts without blocking."""
        from lightschema._results import aget_state_result

        result: R | Exception = await aget_state_result(
            self,
            raise_on_failure,
            retry_result_failure,
            allow_pickle=allow_pickle,
            allow_imports=allow_imports,
            allow_outside_storage=allow_outside_storage,
            max_decompressed_size=max_decompressed_size,
            local_storage_path=local_storage_path,
            storage_reader=storage_reader,
        )
        return result

    def __repr__(self) -> str:
        shown = {"message": repr(self.message), "type": str(self.type.value), "result": repr(self.data)}
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in shown.items())})"

    def __str__(self) -> str:
        shown = []
        if self.message:
            shown.append(repr(self.message))
        if self.type.lower() != (self.name or "").lower():
            shown.append(f"type={self.type.value}")
        return f"{self.name}({', '.join(shown)})"

    def __hash__(self) -> int:
        details = self.state_details
        return hash((details.flow_run_id, details.task_run_id, self.timestamp, self.type))


def _populate_deprecated(values: dict[str, Any]) -> dict[str, Any]:
    """Carry the deprecated ``max_retries``/``retry_delay_seconds`` into their successors."""
    if not values.get("retries") and values.get("max_retries", 0) != 0:
        values = {**values, "retries": values["max_retries"]}
    if not values.get("retry_delay") and values.get("retry_delay_seconds", 0) != 0:
        values = {**values, "retry_delay": values["retry_delay_seconds"]}
    return values


@model
class FlowRunPolicy(PrefectBaseModel):
    """How a flow run is retried and paused."""

    max_retries: int = 0
    retry_delay_seconds: float = 0.0
    retries: int | None = None
    retry_delay: int | None = None
    pause_keys: set[str] | None = attrs.field(factory=set)
    resuming: bool | None = False
    retry_type: Literal["in_process", "reschedule"] | None = None

    _before_validate: ClassVar[Callable[[dict[str, Any]], dict[str, Any]]] = staticmethod(_populate_deprecated)
    #: reading applies ``_populate_deprecated`` to the raw input, as the reference's
    #: before-validator does (``retries: "0"`` is kept); construction uses the hook below
    _post_init_on_read: ClassVar[bool] = False

    def __attrs_post_init__(self) -> None:
        if not self.retries and self.max_retries != 0:
            object.__setattr__(self, "retries", self.max_retries)
        if not self.retry_delay and self.retry_delay_seconds != 0:
            object.__setattr__(self, "retry_delay", self.retry_delay_seconds)


def _run_name(value: Any, _: Any = None) -> str:
    """A run's name; an empty or missing one becomes a random two-word slug."""
    return _hooks.structure_str(value) if value else generate_slug(2)


def _name_or_slug(value: str | None) -> str:
    return value or generate_slug(2)


def _run_name_field() -> Any:
    return attrs.field(factory=lambda: generate_slug(2), converter=_name_or_slug, metadata={STRUCTURE: _run_name})


@model
class FlowRun(TimeSeriesObjectBaseModel):
    """One run of a flow, with its parameters, timing, placement and current state.

    Equality ignores the rolling estimates, which change on every read.
    """

    name: str = _run_name_field()
    flow_id: UUID
    state_id: UUID | None = None
    deployment_id: UUID | None = None
    deployment_version: str | None = None
    work_queue_name: str | None = None
    flow_version: str | None = None
    parameters: dict[str, Any] = attrs.field(factory=dict)
    idempotency_key: str | None = None
    context: dict[str, Any] = attrs.field(factory=dict)
    empirical_policy: FlowRunPolicy = attrs.field(factory=FlowRunPolicy)
    tags: list[str] = attrs.field(factory=list)
    labels: KeyValueLabels = _labels_field()
    parent_task_run_id: UUID | None = None
    run_count: int = 0
    expected_start_time: DateTime | None = None
    next_scheduled_start_time: DateTime | None = None
    start_time: DateTime | None = None
    end_time: DateTime | None = None
    total_run_time: datetime.timedelta = datetime.timedelta(0)
    estimated_run_time: datetime.timedelta = attrs.field(default=datetime.timedelta(0), eq=False)
    estimated_start_time_delta: datetime.timedelta = attrs.field(default=datetime.timedelta(0), eq=False)
    auto_scheduled: bool = False
    infrastructure_document_id: UUID | None = None
    infrastructure_pid: str | None = None
    created_by: CreatedBy | None = None
    work_queue_id: UUID | None = None
    work_pool_id: UUID | None = None
    work_pool_name: str | None = None
    state: State[Any] | None = None
    job_variables: dict[str, Any] | None = None
    state_type: StateType | None = None
    state_name: str | None = None


_retry_delays_check = value_error(
    lambda v: not isinstance(v, list) or len(v) <= MAX_RETRY_DELAYS,
    "Can not configure more than 50 retry delays per task.",
)
_jitter_check = optional(value_error(lambda v: not v < 0, "`retry_jitter_factor` must be >= 0."))


@model
class TaskRunPolicy(PrefectBaseModel):
    """How a task run is retried: how often, after what delays, with what jitter."""

    max_retries: int = 0
    retry_delay_seconds: float = 0.0
    retries: int | None = None
    retry_delay: int | float | list[int] | list[float] | None = constrained(_retry_delays_check, default=None)
    retry_jitter_factor: float | None = constrained(_jitter_check, default=None)

    def __attrs_post_init__(self) -> None:
        if not self.retries and self.max_retries != 0:
            object.__setattr__(self, "retries", self.max_retries)
        if not self.retry_delay and self.retry_delay_seconds != 0:
            if not math.isfinite(self.retry_delay_seconds):  # the reference crashes on int(inf)
                raise ValidationError(
                    type(self).__name__,
                    [
                        detail(
                            "finite_number",
                            ("retry_delay_seconds",),
                            "Input should be a finite number",
                            self.retry_delay_seconds,
                        )
                    ],
                )
            object.__setattr__(self, "retry_delay", int(self.retry_delay_seconds))


@model(hashable=True)
class RunInput(PrefectBaseModel):
    """Something a task run took as input; the subclasses say what, by ``input_type``."""

    input_type: str


@model(hashable=True)
class TaskRunResult(RunInput):
    """The result of another task run, used as input."""

    input_type: Literal["task_run"] = "task_run"
    id: UUID


@model(hashable=True)
class FlowRunResult(RunInput):
    """The result of a flow run, used as input."""

    input_type: Literal["flow_run"] = "flow_run"
    id: UUID


@model(hashable=True)
class Parameter(RunInput):
    """A flow parameter, used as input."""

    input_type: Literal["parameter"] = "parameter"
    name: str


@model(hashable=True)
class Constant(RunInput):
    """A constant value, used as input (only its type is recorded)."""

    input_type: Literal["constant"] = "constant"
    type: str


TaskInput = TaskRunResult | FlowRunResult | Parameter | Constant


@model
class TaskRun(TimeSeriesObjectBaseModel):
    """One run of a task, with its inputs, timing, retry policy and current state."""

    name: str = _run_name_field()
    flow_run_id: UUID | None = None
    task_key: str
    dynamic_key: str
    cache_key: str | None = None
    cache_expiration: DateTime | None = None
    task_version: str | None = None
    empirical_policy: TaskRunPolicy = attrs.field(factory=TaskRunPolicy)
    tags: list[str] = attrs.field(factory=list)
    labels: KeyValueLabels = _labels_field()
    state_id: UUID | None = None
    task_inputs: dict[str, list[TaskInput]] = attrs.field(factory=dict)
    state_type: StateType | None = None
    state_name: str | None = None
    run_count: int = 0
    flow_run_run_count: int = 0
    expected_start_time: DateTime | None = None
    next_scheduled_start_time: DateTime | None = None
    start_time: DateTime | None = None
    end_time: DateTime | None = None
    total_run_time: datetime.timedelta = datetime.timedelta(0)
    estimated_run_time: datetime.timedelta = datetime.timedelta(0)
    estimated_start_time_delta: datetime.timedelta = datetime.timedelta(0)
    state: State[Any] | None = None
