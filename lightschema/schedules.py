"""Prefect's schedules (``prefect.client.schemas.schedules``): interval, cron, rrule and none.

See ``lightschema._schedules`` for how each is validated.
"""

from lightschema._schedules import (
    DEFAULT_ANCHOR_DATE,
    MAX_ITERATIONS,
    MAX_RRULE_LENGTH,
    SCHEDULE_TYPES,
    CronSchedule,
    IntervalSchedule,
    NoSchedule,
    RRuleSchedule,
    construct_schedule,
    is_schedule_type,
    is_valid_timezone,
    structure_schedule,
)

__all__ = [
    "DEFAULT_ANCHOR_DATE",
    "MAX_ITERATIONS",
    "MAX_RRULE_LENGTH",
    "SCHEDULE_TYPES",
    "CronSchedule",
    "IntervalSchedule",
    "NoSchedule",
    "RRuleSchedule",
    "construct_schedule",
    "is_schedule_type",
    "is_valid_timezone",
    "structure_schedule",
]
