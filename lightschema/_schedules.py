"""Deployment schedules (``prefect.client.schemas.schedules``) as frozen attrs classes.

Four shapes, told apart by their keys: ``IntervalSchedule`` (``interval``),
``CronSchedule`` (``cron``), ``RRuleSchedule`` (``rrule``) and ``NoSchedule``
(nothing). Each rejects keys it does not know, so at most one accepts a given dict.

Cron strings are checked by a small validator written here that accepts exactly
what the reference's (vendored ``croniter``) check accepts, so the package does not
depend on ``croniter``. Timezone names are checked against the IANA database that
``zoneinfo`` sees, read the first time a name is checked.
"""

from __future__ import annotations

import datetime
import functools
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Union

import attrs

from lightschema import _hooks
from lightschema._base import DateTime, ExtraPolicy, PrefectBaseModel, model, now_utc
from lightschema._fields import STRUCTURE, constrained
from lightschema.errors import InvalidValue, ValidationError, detail

if TYPE_CHECKING:
    from typing import TypeGuard

    from dateutil.rrule import rrule as _RRule
    from dateutil.rrule import rruleset as _RRuleSet

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

MAX_ITERATIONS = 1000
#: the longest rrule text accepted: about a year of RDATEs, with room to spare
MAX_RRULE_LENGTH = 6500
#: the start an rrule without ``DTSTART`` is read from in ``to_rrule``
DEFAULT_ANCHOR_DATE = datetime.date(2020, 1, 1)


# -- timezones -------------------------------------------------------------------------


@functools.cache
def _iana_names() -> frozenset[str]:
    """Every zone name ``zoneinfo`` can load here (read once, on first use)."""
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


# Names the system database lists that the reference's rrule list (pytz's) lacks.
_NOT_PYTZ = frozenset({"Factory", "localtime", "posixrules"})


def is_valid_timezone(v: str) -> bool:
    """Whether ``v`` names an IANA timezone, as the reference checks rrule timezones.

    The reference checks rrule schedules against pytz's list, a little narrower
    than the ``zoneinfo`` list it uses for cron and interval schedules.
    """
    return v in _iana_names() and v not in _NOT_PYTZ


def _check_tz_name(value: Any) -> Any:
    """Cron/interval rule: None and ``""`` pass; anything else must be a zone name."""
    if value and value not in _iana_names():
        raise InvalidValue("value_error", f"Value error, {_tz_message(value)}", value)
    return value


def _tz_message(value: str) -> str:
    return f'Invalid timezone: "{value}" (specify in IANA tzdata format, for example, America/New_York)'


#: Before Python 3.13 the reference makes an anchor date a pendulum datetime first, and
#: pendulum names a foreign zone by its ``key`` (zoneinfo; dateutil from 3.0 on) or its
#: pytz ``zone``; from 3.13 the anchor keeps its own tzinfo.
_PENDULUM_ANCHORS = sys.version_info < (3, 13)


def _inferred_timezone(anchor: datetime.datetime) -> str:
    """The schedule timezone an anchor date implies: its zone's name, else UTC."""
    from zoneinfo import ZoneInfo

    tzinfo = anchor.tzinfo
    name: Any = "UTC"
    if isinstance(tzinfo, ZoneInfo):
        name = tzinfo.key
    elif _PENDULUM_ANCHORS and tzinfo is not None and not type(tzinfo).__module__.startswith("pendulum"):
        if hasattr(tzinfo, "key"):
            name = tzinfo.key
        elif hasattr(tzinfo, "localize"):
            name = getattr(tzinfo, "zone", "UTC")
    elif tzinfo is not None and hasattr(tzinfo, "name"):
        name = tzinfo.name
    # Offsets such as "-04:00" from ISO text are not zone names: those mean UTC.
    return name if name in _iana_names() else "UTC"


# -- cron expressions --------------------------------------------------------------------

# Field positions: five-field cron, then seconds, then years.
_MINUTE, _HOUR, _DAY, _MONTH, _DOW, _SECOND, _YEAR = range(7)
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6), (0, 59), (1970, 2099))
#: how many values mean "every value" in each field
_FULL = (60, 24, 31, 12, 7, 60, 130)
_MONTHS = dict(
    zip(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), range(1, 13), strict=True)
)
_WEEKDAYS = dict(zip(("sun", "mon", "tue", "wed", "thu", "fri", "sat"), range(7), strict=True))
_NAMES: tuple[dict[str, Any], ...] = ({}, {}, {"l": "l"}, _MONTHS, _WEEKDAYS, {}, {})
_CRON_SHORTHANDS = {
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
#: the longest list of outcomes a random field (``r(a-b)``, ``r/n``) is checked for
_MAX_RANDOM_OUTCOMES = 4096


class _BadCron(Exception):
    """A cron expression the reference would not accept."""


@functools.cache
def _cron_patterns() -> dict[str, re.Pattern[str]]:
    """The token grammars, compiled on first use."""
    days = "|".join(_WEEKDAYS)
    months = "|".join(_MONTHS)
    return {
        "range": re.compile(r"^([^-]+)-([^-/]+)(/(\d+))?$"),
        "slash": re.compile(r"^(.+)/(.+)$"),
        "int": re.compile(r"^\d+$"),
        "star_or_int": re.compile(r"^(\d+|\*)$"),
        "nth": re.compile(
            rf"^(?P<pre>((?P<head>(({days})(-({days}))?)|(({months})(-({months}))?)|\w+)#)|l)(?P<last>\d+)$"
        ),
        "random": re.compile(r"^(?P<kind>h|r)(\((?P<start>\d+)-(?P<end>\d+)\))?(/(?P<step>\d+))?$"),
    }


def _alias(value: Any, field: int, count: int) -> Any:
    """The low aliases croniter applies: day 0 is day 1 with seconds, weekday 7 is Sunday in 5 fields."""
    if field == _DAY and count == 6 and value == 0:
        return 1
    if field == _DOW and count == 5 and value == 7:
        return 0
    return value


def _name_value(field: int, text: str) -> Any:
    try:
        return _NAMES[field][text]
    except KeyError:
        raise _BadCron(text) from None


def _field_values(field: int, expr: str, fields: list[str], nth_days: dict[Any, set[Any]]) -> set[Any]:
    """The values one field allows; raises _BadCron where croniter would refuse it."""
    pats = _cron_patterns()
    low_bound, high_bound = _BOUNDS[field]
    count = len(fields)
    if "?" in expr:
        if expr != "?" or field not in (_DAY, _DOW):
            raise _BadCron(expr)
        expr = "*"
    pending: list[Any] = list(expr.split(","))
    # every item a range stands for, pushed once: an item's outcome depends on its text
    # alone, so a repeat adds nothing (croniter checks its whole pending list instead,
    # quadratic in the number of ranges)
    pushed: set[Any] = set()
    values: set[Any] = set()
    while pending:
        text = str(pending.pop())
        nth: Any = None
        if field == _DOW:
            special = pats["nth"].match(text)
            if special is not None:
                if special.group("head"):
                    text = special.group("head")
                    nth = int(special.group("last"))
                    if not 1 <= nth <= 5:
                        raise _BadCron(text)
                else:
                    text = special.group("last")
                    nth = "l"
        t = f"{low_bound}-{high_bound}{text[1:]}" if text.startswith("*/") and len(text) > 2 else text
        m = pats["range"].search(t)
        if m is None:
            split = pats["slash"].match(text)
            t = f"{split.group(1)}-{high_bound}/{split.group(2)}" if split else text
            m = pats["range"].search(t)
        if m is not None:
            fresh = [v for v in _range_items(field, m, count, nth) if v not in pushed]
            pushed.update(fresh)
            pending += fresh
            continue
        if t.startswith("-"):
            raise _BadCron(t)
        value: Any = t if pats["star_or_int"].match(t) else _name_value(field, t)
        if value != "*" and value != "l":
            value = _alias(int(value), field, count)
            if not low_bound <= value <= high_bound:
                raise _BadCron(t)
        values.add(value)
        if field == _DOW and nth:
            nth_days.setdefault(value, set()).add(nth)
    return values


def _range_items(field: int, m: re.Match[str], count: int, nth: Any) -> list[Any]:
    """The values ``low-high/step`` stands for, each checked again as a single value."""
    pats = _cron_patterns()
    low_bound, high_bound = _BOUNDS[field]
    low_text, high_text, step = m.group(1), m.group(2), int(m.group(4) or 1)
    if field == _DAY and high_text == "l":
        high_text = "31"
    if not pats["int"].match(low_text):
        low_text = str(_name_value(field, low_text))
    if not pats["int"].match(high_text):
        high_text = str(_name_value(field, high_text))
    if not (pats["int"].match(low_text) and pats["int"].match(high_text)):
        raise _BadCron(m.group(0))
    low, high = _alias(int(low_text), field, count), _alias(int(high_text), field, count)
    if max(low, high) > high_bound or step == 0:
        raise _BadCron(m.group(0))
    items: list[Any]
    if low > high:  # wraps around the end of the field: fri-mon, nov-feb
        items = list(range(low, high_bound + 1, step))
        skip = 0
        if items:
            span = high_bound - low_bound + 1
            if items[-1] < low_bound:
                raise _BadCron(m.group(0))
            position = items[-1] - low_bound
            left = high_bound - items[-1]
            if position + step > span and left < step:
                skip = step - left
        items += range(low_bound + skip, high + 1, step)
    elif low == high:  # mon-mon means the whole week
        items = list(range(low_bound, high_bound + 1, step))
    else:
        items = list(range(low, high + 1, step))
    if field == _DOW and nth and nth != "l":
        return [f"{v}#{nth}" for v in items]
    return items


def _random_outcomes(field: int, expr: str) -> list[str] | None:
    """What a random field (``r``, ``r(a-b)``, ``r/n``) can turn into; None if it is not one."""
    m = _cron_patterns()["random"].match(expr)
    if m is None:
        return None
    if m.group("kind") == "h":  # hashed fields need a hash id, which is never given
        raise _BadCron(expr)
    low_bound, high_bound = _BOUNDS[field]
    start, end, step = m.group("start"), m.group("end"), m.group("step")
    if start and end and int(start) >= int(end):
        raise _BadCron(expr)
    if step is not None and int(step) == 0:
        raise _BadCron(expr)
    if start and end and step:
        first, last = int(start), int(step) - 1 + int(start)
        template = f"{{}}-{int(end)}/{int(step)}"
    elif start and end:
        first, last, template = int(start), int(end), "{}"
    elif step:
        first, last = low_bound, int(step) - 1 + low_bound
        template = f"{{}}-{high_bound}/{int(step)}"
    else:
        first, last, template = low_bound, high_bound, "{}"
    if last - first + 1 > _MAX_RANDOM_OUTCOMES:
        raise _BadCron(expr)  # some outcomes are surely out of range
    return [template.format(v) for v in range(first, last + 1)]


def _check_field(field: int, expr: str, fields: list[str], nth_days: dict[Any, set[Any]]) -> set[Any]:
    outcomes = _random_outcomes(field, expr)
    if outcomes is None:
        return _field_values(field, expr, fields, nth_days)
    # The reference picks one outcome at random; accept only if every outcome is valid.
    values: set[Any] = set()
    for outcome in outcomes:
        values = _field_values(field, outcome, fields, {})
    return values


def is_valid_cron(expression: str) -> bool:
    """Whether the reference's cron check (vendored croniter) accepts ``expression``."""
    return isinstance(expression, str) and _valid_cron_text(str(expression))


_T = TypeVar("_T")
_CHECKED_TEXTS = 1024
_CHECKED_TEXT_MAX = 256  # characters: real schedules are far shorter


def _checked_once(check: Callable[[str], _T]) -> Callable[[str], _T]:
    """``check``, remembered for short texts: a response's deployments share a handful of
    schedules, so each is checked once. Longer texts are checked every time, so the cache
    stays small in bytes as well as in entries, whatever arrives."""
    remembered = functools.lru_cache(maxsize=_CHECKED_TEXTS)(check)

    @functools.wraps(check)
    def run(text: str) -> _T:
        return remembered(text) if len(text) <= _CHECKED_TEXT_MAX else check(text)

    return run


@_checked_once
def _valid_cron_text(expression: str) -> bool:
    text = expression.lower()
    fields = _CRON_SHORTHANDS.get(text, text).split()
    if len(fields) not in (5, 6, 7):
        return False
    nth_days: dict[Any, set[Any]] = {}
    try:
        weekdays: set[Any] = set()
        for index, expr in enumerate(fields):
            values = _check_field(index, expr, fields, nth_days)
            if index == _DOW:
                weekdays = values
    except (_BadCron, ValueError):  # ValueError: digit strings too long for int()
        return False
    if nth_days:
        shown = weekdays
        if (len(weekdays) == _FULL[_DOW] and "*" in fields[_DAY]) or weekdays == {"*"}:
            shown = {"*"}
        plain = shown - set(nth_days) - {"*"}
        if plain and len(shown) != _FULL[_DOW]:
            return False  # literal weekdays mixed with "nth weekday" ones
    return True


def _check_cron(value: Any) -> Any:
    if not is_valid_cron(value):
        raise InvalidValue("value_error", f'Value error, Invalid cron string: "{value}"', value)
    if any(token.casefold() in ("r", "h") for token in value.split()):
        msg = f'Value error, Random and Hashed expressions are unsupported, received: "{value}"'
        raise InvalidValue("value_error", msg, value)
    return value


# -- rrule text --------------------------------------------------------------------------


def _check_rrule(value: Any) -> Any:
    problem = _rrule_problem(value)
    if problem is not None:
        raise InvalidValue("value_error", f'Value error, Invalid RRule string "{value}": {problem}', value)
    if len(value) > MAX_RRULE_LENGTH:
        msg = f'Invalid RRule string "{value[:40]}..."\nMax length is {MAX_RRULE_LENGTH}, got {len(value)}'
        raise InvalidValue("value_error", f"Value error, {msg}", value)
    return value


@_checked_once
def _rrule_problem(value: str) -> str | None:
    """What dateutil finds wrong with an rrule text, or None; once per short text, like cron."""
    from dateutil.rrule import rrulestr

    try:
        rrulestr(value, cache=True)
    except ValueError as exc:
        return str(exc)
    return None


def _check_rrule_timezone(value: Any) -> Any:
    if value is not None and not is_valid_timezone(value):
        raise InvalidValue("value_error", f'Value error, Invalid timezone: "{value}"', value)
    return value


def _utc_if_none(value: str | None) -> str:
    return "UTC" if value is None else value


# -- the schedules -----------------------------------------------------------------------


def _positive_interval(value: Any) -> Any:
    if not value > datetime.timedelta(0):
        raise InvalidValue("greater_than", "Input should be greater than 0 seconds", value)
    return value


def _as_timedelta(value: Any) -> datetime.timedelta:
    """Direct construction: numbers are seconds, as when structuring."""
    if isinstance(value, datetime.timedelta):
        return value
    return _hooks.structure_timedelta(value)


def _as_aware(value: Any) -> DateTime:
    """Direct construction: text is parsed and naive datetimes are read as UTC."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return DateTime(value)
    return DateTime(_hooks.structure_datetime(value))


@model
class IntervalSchedule(PrefectBaseModel):
    """Runs every ``interval``, counted from ``anchor_date`` (now, when not given).

    ``timezone`` decides how daylight saving time is handled; when it is not given
    it is taken from the anchor date's zone, or UTC when the anchor date only has
    an offset.
    """

    _extra: ClassVar[ExtraPolicy] = "forbid"
    #: how the reference names this member in union error paths
    _union_tag: ClassVar[str] = "function-after[validate_timezone(), IntervalSchedule]"

    interval: datetime.timedelta = constrained(_positive_interval, converter=_as_timedelta)
    anchor_date: DateTime = attrs.field(factory=lambda: DateTime(now_utc()), converter=_as_aware)
    timezone: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.timezone is None:
            object.__setattr__(self, "timezone", _inferred_timezone(self.anchor_date))
            return
        try:
            _check_tz_name(self.timezone)
        except InvalidValue as exc:
            given = {"interval": self.interval, "anchor_date": self.anchor_date, "timezone": self.timezone}
            raise ValidationError(type(self).__name__, [detail(exc.kind, (), exc.msg, given)]) from None


@model
class CronSchedule(PrefectBaseModel):
    """Runs when a cron expression matches, read in ``timezone``.

    ``day_or`` says whether day-of-month and day-of-week both have to match
    (False) or either one is enough (True, as in cron).
    """

    _extra: ClassVar[ExtraPolicy] = "forbid"

    cron: str = constrained(_check_cron)
    timezone: str | None = constrained(_check_tz_name, default=None)
    day_or: bool = True


@model
class RRuleSchedule(PrefectBaseModel):
    """Runs on the dates of an iCalendar (RFC 5545) recurrence rule, read in ``timezone``."""

    _extra: ClassVar[ExtraPolicy] = "forbid"

    rrule: str = constrained(_check_rrule)
    timezone: str | None = constrained(_check_rrule_timezone, default="UTC", converter=_utc_if_none)

    @classmethod
    def from_rrule(cls, rrule: _RRule | _RRuleSet) -> RRuleSchedule:
        """A schedule for a dateutil ``rrule`` or ``rruleset``; its start's zone becomes ``timezone``."""
        from zoneinfo import ZoneInfo

        from dateutil.rrule import rrule as RRule

        if isinstance(rrule, RRule):
            start = getattr(rrule, "_dtstart", None)
            tz = _zone_name(start.tzinfo) if start is not None and start.tzinfo is not None else "UTC"
            return cls(rrule=str(rrule), timezone=tz)
        rules: list[Any] = getattr(rrule, "_rrule", [])
        starts = [s for r in rules if (s := getattr(r, "_dtstart", None)) is not None]
        instants = {s.astimezone(ZoneInfo("UTC")) for s in starts}
        zones = {_zone_name(s.tzinfo) for s in starts if s.tzinfo is not None}
        if len(zones) > 1:
            raise ValueError(f"rruleset has too many dtstart timezones: {zones}")
        if len(instants) > 1:
            raise ValueError(f"rruleset has too many dtstarts: {instants}")
        tz = next(iter(zones)) if instants and zones else "UTC"
        lines = [str(r) for r in rules]
        lines += [str(r).replace("RRULE", "EXRULE") for r in getattr(rrule, "_exrule", [])]
        for key, attr in (("RDATE", "_rdate"), ("EXDATE", "_exdate")):
            dates = getattr(rrule, attr, [])
            if dates:
                lines.append(f"{key}:" + ",".join(d.strftime("%Y%m%dT%H%M%SZ") for d in dates))
        return cls(rrule="\n".join(lines), timezone=tz)

    def to_rrule(self) -> _RRule | _RRuleSet:
        """The rule as a dateutil object, its dates placed in ``timezone`` (dateutil text has none)."""
        from dateutil.rrule import rrule as RRule
        from dateutil.rrule import rrulestr
        from dateutil.tz import gettz

        parsed = rrulestr(self.rrule, dtstart=DEFAULT_ANCHOR_DATE, cache=True)
        tz = gettz(self.timezone)
        if isinstance(parsed, RRule):
            return _localized(parsed, tz)
        # dateutil keeps a set's parts in private lists and offers no way to rebuild them
        setattr(parsed, "_rrule", [_localized(r, tz) for r in getattr(parsed, "_rrule", [])])  # noqa: B010
        setattr(parsed, "_exrule", [_localized(r, tz) for r in getattr(parsed, "_exrule", [])])  # noqa: B010
        setattr(parsed, "_rdate", [d.replace(tzinfo=tz) for d in getattr(parsed, "_rdate", [])])  # noqa: B010
        setattr(parsed, "_exdate", [d.replace(tzinfo=tz) for d in getattr(parsed, "_exdate", [])])  # noqa: B010
        return parsed


def _localized(rule: _RRule, tz: datetime.tzinfo | None) -> _RRule:
    """``rule`` with its start (and end, if any) in ``tz``, wall-clock times unchanged."""
    start = getattr(rule, "_dtstart", None)
    assert start is not None  # dateutil always fills in a start
    changes: dict[str, Any] = {"dtstart": start.replace(tzinfo=tz)}
    until = getattr(rule, "_until", None)
    if until:
        changes["until"] = until.replace(tzinfo=tz)
    return rule.replace(**changes)


def _zone_name(tzinfo: datetime.tzinfo) -> str:
    """The IANA name behind a tzinfo of zoneinfo, pendulum, pytz or dateutil; else UTC."""
    for attr in ("key", "name", "zone"):
        value = getattr(tzinfo, attr, None)
        if value and is_valid_timezone(value):
            return str(value)
    filename = getattr(tzinfo, "_filename", None)
    if filename:
        path = filename.replace("\\", "/")
        marker = path.find("/zoneinfo/")
        if marker != -1:
            candidate = path[marker + len("/zoneinfo/") :]
            if candidate and is_valid_timezone(candidate):
                return str(candidate)
    return "UTC"


@model
class NoSchedule(PrefectBaseModel):
    """A schedule that never runs: the empty object."""

    _extra: ClassVar[ExtraPolicy] = "forbid"


SCHEDULE_TYPES = Union[IntervalSchedule, CronSchedule, RRuleSchedule, NoSchedule]  # noqa: UP007 - runtime union

_SCHEDULE_CLASSES = (IntervalSchedule, CronSchedule, RRuleSchedule, NoSchedule)


def is_schedule_type(obj: Any) -> TypeGuard[SCHEDULE_TYPES]:
    """Whether ``obj`` is one of the four schedules."""
    return isinstance(obj, _SCHEDULE_CLASSES)


@functools.cache
def _schedule_union_hook() -> Callable[[Any, Any], Any]:
    from lightschema.converter import converter

    members: list[tuple[str, type, _hooks.Hook]] = [
        (getattr(cls, "_union_tag", cls.__name__), cls, converter.get_structure_hook(cls)) for cls in _SCHEDULE_CLASSES
    ]
    return _hooks.make_smart_union_hook(members)


@functools.cache
def _schedule_by_key() -> tuple[tuple[str, _hooks.Hook], ...]:
    from lightschema.converter import converter

    keyed = (("interval", IntervalSchedule), ("cron", CronSchedule), ("rrule", RRuleSchedule))
    return tuple((key, converter.get_structure_hook(cls)) for key, cls in keyed)


def structure_schedule(value: Any, _: Any = None) -> Any:
    """Field hook for ``SCHEDULE_TYPES``: the one schedule whose keys fit, errors per member.

    Every schedule forbids unknown keys and needs its own key, so at most one
    accepts a dict: the one whose key the dict holds is tried first, and only if it
    fails does the whole union run, so that errors name the members as the reference does.
    """
    if value.__class__ is dict:
        for key, hook in _schedule_by_key():
            if key in value:
                try:
                    return hook(value, None)
                except ValidationError:
                    break
    return _schedule_union_hook()(value, None)


#: field metadata for a field typed ``SCHEDULE_TYPES``
SCHEDULE_FIELD_METADATA: dict[str, Any] = {STRUCTURE: structure_schedule}


def construct_schedule(
    interval: int | float | datetime.timedelta | None = None,
    anchor_date: datetime.datetime | str | None = None,
    cron: str | None = None,
    rrule: str | None = None,
    timezone: str | None = None,
) -> SCHEDULE_TYPES:
    """One schedule from keyword arguments: exactly one of ``interval``, ``cron`` or ``rrule``.

    A number ``interval`` is seconds; ``anchor_date`` goes with ``interval`` only,
    and ``timezone`` only with one of the three.
    """
    if sum(1 for given in (interval, cron, rrule) if given is not None) > 1:
        raise ValueError("Only one of interval, cron, or rrule can be provided.")
    if anchor_date and not interval:
        raise ValueError("An anchor date can only be provided with an interval schedule")
    if timezone and not (interval or cron or rrule):
        raise ValueError("A timezone can only be provided with interval, cron, or rrule")
    if interval:
        if isinstance(interval, (int, float)):
            interval = datetime.timedelta(seconds=interval)
        anchor = _as_aware(anchor_date) if anchor_date else now_utc()
        return IntervalSchedule(interval=interval, anchor_date=DateTime(anchor), timezone=timezone)
    if cron:
        return CronSchedule(cron=cron, timezone=timezone)
    if rrule:
        return RRuleSchedule(rrule=rrule, timezone=timezone)
    raise ValueError("Either interval, cron, or rrule must be provided")
