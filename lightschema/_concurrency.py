"""Concurrency settings and limits: per-deployment options, lease holders, tag and global limits."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

import attrs

from lightschema._base import ExtraPolicy, ObjectBaseModel, PrefectBaseModel, model
from lightschema._enums import ConcurrencyLimitStrategy
from lightschema._fields import all_of, at_least, at_most, constrained, optional

__all__ = [
    "ConcurrencyLeaseHolder",
    "ConcurrencyLimit",
    "ConcurrencyLimitConfig",
    "ConcurrencyOptions",
    "GlobalConcurrencyLimit",
]

#: a grace period, when given, is between a minute and a day (in seconds)
_grace_period = optional(all_of(at_least(60), at_most(86400)))


@model
class ConcurrencyOptions(PrefectBaseModel):
    """How a deployment's concurrency limit treats runs that find it full, as stored."""

    collision_strategy: ConcurrencyLimitStrategy
    grace_period_seconds: int | None = constrained(_grace_period, default=None)


@model
class ConcurrencyLimitConfig(PrefectBaseModel):
    """A deployment's concurrency limit as configured: the limit and what to do when full."""

    limit: int
    collision_strategy: ConcurrencyLimitStrategy = ConcurrencyLimitStrategy.ENQUEUE
    grace_period_seconds: int | None = constrained(_grace_period, default=None)


@model
class ConcurrencyLeaseHolder(PrefectBaseModel):
    """What holds a concurrency lease: a flow run, a task run or a deployment, by id."""

    _extra: ClassVar[ExtraPolicy] = "forbid"

    type: Literal["flow_run", "task_run", "deployment"]
    id: UUID


@model
class ConcurrencyLimit(ObjectBaseModel):
    """A tag-based concurrency limit and the runs holding its slots."""

    tag: str
    concurrency_limit: int
    active_slots: list[UUID] = attrs.field(factory=list)


@model
class GlobalConcurrencyLimit(ObjectBaseModel):
    """A named concurrency limit shared across runs; it can also act as a rate limit."""

    name: str
    limit: int
    active: bool | None = True
    active_slots: int | None = 0
    slot_decay_per_second: float | None = 0.0
