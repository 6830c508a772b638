"""Schedules: each rule of lightschema.schedules checked against prefect 3.9.1 on the same input."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any
from zoneinfo import ZoneInfo

import dateutil
import pytest
from dateutil import rrule as du
from dateutil import tz as dutz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightschema import ValidationError
from lightschema import schedules as ls
from tests.oracle import HAS_ORACLE, assert_conforms, dump_ours, dump_ref, our_errors, pydantic, validate_cron_string
from tests.oracle import ref_schedules as ref
from tests.oracle import reference_errors as ref_errors

UTC = dt.timezone.utc
INTERVAL_TAG = "function-after[validate_timezone(), IntervalSchedule]"
TZ_HINT = " (specify in IANA tzdata format, for example, America/New_York)"


#: before Python 3.13 the reference's anchor dates are pendulum datetimes
PENDULUM_ANCHORS = sys.version_info < (3, 13)
DATEUTIL_KEYS = int(dateutil.__version__.split(".")[0]) >= 3


class NamedZone(dt.tzinfo):
    """A foreign tzinfo that names a zone in a ``name`` attribute."""

    name = "Asia/Tokyo"

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=9)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "JST"


class KeyedZone(NamedZone):
    """A foreign tzinfo with a zoneinfo-style ``key``."""

    key = "Asia/Tokyo"


# -- IntervalSchedule ---------------------------------------------------------------------


#: an anchor's tzinfo and the timezone an IntervalSchedule infers from it
INFERRED_TIMEZONES = [
    (ZoneInfo("Europe/Paris"), "Europe/Paris"),
    (ZoneInfo("Etc/GMT+5"), "Etc/GMT+5"),
    (ZoneInfo("UTC"), "UTC"),
    (UTC, "UTC"),
    (dt.timezone(dt.timedelta(hours=2)), "UTC"),
    # dateutil's zones carry a ``key`` from 3.0 on; before 3.13 the reference's
    # pendulum anchor dates are named by it, from 3.13 only a ZoneInfo's key counts
    (dutz.gettz("Europe/Paris"), "Europe/Paris" if PENDULUM_ANCHORS and DATEUTIL_KEYS else "UTC"),
    (dutz.gettz("UTC"), "UTC"),
    (dutz.tzoffset("EST", -18000), "UTC"),
    # a foreign tzinfo with a zone's ``name``: pendulum keeps only its offset
    (NamedZone(), "UTC" if PENDULUM_ANCHORS else "Asia/Tokyo"),
    (KeyedZone(), "Asia/Tokyo"),
]
BAD_TIMEZONE = {"interval": 60, "timezone": "Mars/Olympus", "anchor_date": "2020-01-01"}
#: (type, loc, msg) of its one error, on both sides
BAD_TIMEZONE_ERROR = ("value_error", (), 'Value error, Invalid timezone: "Mars/Olympus"' + TZ_HINT)


class TestIntervalSchedule:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"interval": 60, "anchor_date": "2020-01-01T00:00:00"},
            {"interval": 60, "anchor_date": "2020-01-01T00:00:00Z"},
            {"interval": 0.5, "anchor_date": "2020-01-01T00:00:00.123+02:00"},
            {"interval": "PT1H", "anchor_date": "2020-01-01"},
            {"interval": 86400, "anchor_date": "2020-06-01T00:00:00-04:00", "timezone": "America/New_York"},
            {"interval": 86400, "anchor_date": "2020-06-01T00:00:00", "timezone": "America/New_York"},
            {"interval": 60, "anchor_date": 1600000000},
            {"interval": 60, "anchor_date": "2020-01-01 10:00"},
            {"interval": 60, "anchor_date": "2020-01-01T00:00:00Z", "timezone": ""},
            {"interval": 60, "anchor_date": "2020-01-01T00:00:00Z", "timezone": "EST"},
        ],
    )
    def test_conforms(self, payload: dict[str, Any]) -> None:
        assert_conforms("IntervalSchedule", payload)

    def test_whole_dump(self) -> None:
        payload = {"interval": 90, "anchor_date": "2020-01-01T00:00:00.5+02:00"}
        assert dump_ours("IntervalSchedule", payload) == {
            "interval": 90.0,
            "anchor_date": "2020-01-01T00:00:00.500000+02:00",
            "timezone": "UTC",
        }

    def test_default_anchor_is_now_in_utc(self) -> None:
        before = dt.datetime.now(UTC)
        schedule = ls.IntervalSchedule.model_validate({"interval": 60})
        assert schedule.anchor_date.tzinfo is not None
        assert schedule.anchor_date.utcoffset() == dt.timedelta(0)
        assert before <= schedule.anchor_date <= dt.datetime.now(UTC)
        assert schedule.timezone == "UTC"
        assert schedule.model_dump(mode="json")["anchor_date"].endswith("Z")

    @pytest.mark.parametrize(("tzinfo", "expected"), INFERRED_TIMEZONES)
    def test_timezone_inferred_from_anchor(self, tzinfo: dt.tzinfo, expected: str) -> None:
        anchor = dt.datetime(2020, 6, 1, tzinfo=tzinfo)
        ours = ls.IntervalSchedule(interval=dt.timedelta(hours=1), anchor_date=anchor)  # type: ignore[arg-type]
        read = ls.IntervalSchedule.model_validate({"interval": 3600, "anchor_date": anchor})
        assert ours.timezone == read.timezone == expected

    @pytest.mark.oracle
    @pytest.mark.parametrize(("tzinfo", "expected"), INFERRED_TIMEZONES)
    def test_timezone_inferred_from_anchor_as_the_reference(self, tzinfo: dt.tzinfo, expected: str) -> None:
        anchor = dt.datetime(2020, 6, 1, tzinfo=tzinfo)
        ours = ls.IntervalSchedule(interval=dt.timedelta(hours=1), anchor_date=anchor)  # type: ignore[arg-type]
        theirs = ref.IntervalSchedule(interval=dt.timedelta(hours=1), anchor_date=anchor)
        assert theirs.timezone == expected
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")

    def test_timezone_inferred_from_a_pytz_anchor(self) -> None:
        pytz = pytest.importorskip("pytz")
        anchor = dt.datetime(2020, 6, 1, tzinfo=pytz.timezone("Europe/Paris"))
        ours = ls.IntervalSchedule(interval=dt.timedelta(hours=1), anchor_date=anchor)  # type: ignore[arg-type]
        assert ours.timezone == ("Europe/Paris" if PENDULUM_ANCHORS else "UTC")

    @pytest.mark.oracle
    def test_timezone_inferred_from_a_pytz_anchor_as_the_reference(self) -> None:
        pytz = pytest.importorskip("pytz")
        anchor = dt.datetime(2020, 6, 1, tzinfo=pytz.timezone("Europe/Paris"))
        ours = ls.IntervalSchedule(interval=dt.timedelta(hours=1), anchor_date=anchor)  # type: ignore[arg-type]
        # (the anchor's own offset is left as given: pytz attached by ``tzinfo=`` means local
        # mean time, +00:09, which the reference's pendulum reads again as Paris time)
        assert ref.IntervalSchedule(interval=dt.timedelta(hours=1), anchor_date=anchor).timezone == ours.timezone

    def test_direct_construction_converts_like_validation(self) -> None:
        ours = ls.IntervalSchedule(interval=30, anchor_date="2020-01-01T00:00:00")  # type: ignore[arg-type]
        assert ours.interval == dt.timedelta(seconds=30)
        assert ours.anchor_date == dt.datetime(2020, 1, 1, tzinfo=UTC)
        naive = ls.IntervalSchedule(interval=dt.timedelta(1), anchor_date=dt.datetime(2020, 1, 1))  # type: ignore[arg-type]
        assert naive.anchor_date == dt.datetime(2020, 1, 1, tzinfo=UTC)
        assert naive.model_dump(mode="json") == {
            "interval": 86400.0,
            "anchor_date": "2020-01-01T00:00:00Z",
            "timezone": "UTC",
        }

    @pytest.mark.oracle
    @pytest.mark.parametrize("interval", [0, -1, "PT0S", -0.5])
    def test_interval_must_be_positive(self, interval: Any) -> None:
        payload = {"interval": interval, "anchor_date": "2020-01-01"}
        assert our_errors("IntervalSchedule", payload) == ref_errors("IntervalSchedule", payload)

    def test_bad_timezone_is_a_model_error(self) -> None:
        [(our_kind, our_loc, our_msg, our_input)] = our_errors("IntervalSchedule", BAD_TIMEZONE)
        assert (our_kind, our_loc, our_msg) == BAD_TIMEZONE_ERROR
        # the reference shows the raw input here; lightschema shows the structured fields
        assert our_input == {
            "interval": dt.timedelta(seconds=60),
            "anchor_date": dt.datetime(2020, 1, 1, tzinfo=UTC),
            "timezone": "Mars/Olympus",
        }

    @pytest.mark.oracle
    def test_bad_timezone_is_a_model_error_in_the_reference(self) -> None:
        [(kind, loc, msg, _)] = ref_errors("IntervalSchedule", BAD_TIMEZONE)
        assert (kind, loc, msg) == BAD_TIMEZONE_ERROR

    def test_bad_timezone_on_construction(self) -> None:
        with pytest.raises(ValidationError) as info:
            ls.IntervalSchedule(interval=dt.timedelta(1), timezone="Nowhere")
        assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors()] == [
            ("value_error", (), 'Value error, Invalid timezone: "Nowhere"' + TZ_HINT)
        ]

    @pytest.mark.oracle
    def test_field_errors_hide_the_timezone_error(self) -> None:
        payload = {"interval": 0, "timezone": "Nowhere"}
        assert our_errors("IntervalSchedule", payload) == ref_errors("IntervalSchedule", payload)

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"interval": 60, "x": 1},
            {"interval": 60, "anchor_date": None},
            {"interval": 60, "anchor_date": "Jan 1 2020"},
            {"interval": 60, "timezone": 5},
            {"interval": [1]},
        ],
    )
    def test_rejections_match(self, payload: dict[str, Any]) -> None:
        assert our_errors("IntervalSchedule", payload) == ref_errors("IntervalSchedule", payload)


# -- CronSchedule -----------------------------------------------------------------------------

VALID_CRONS = [
    "* * * * *",
    "0 0 * * *",
    "*/15 9-17 * * mon-fri",
    "0 0 1 jan *",
    "0 12 * * 1#2",
    "0 12 * * l5",
    "0 0 l * *",
    "0 0 1-l * *",
    "0 0 ? * *",
    "0 0 * * 0-7",
    "0 0 * * 5-1",
    "0 0 5-0 * *",
    "* * * * * */10",
    "* * * * * * 2030",
    "@hourly",
    "@DAILY",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "@midnight",
    "5/10 * * * *",
    "0 0 * * sun-sat#1",
    "0 0 * * 1#2,1",
    "0 0 * * *,1#2",
    "0 0 31 2 *",
]

INVALID_CRONS = [
    "",
    "* * * *",
    "* * * * * * * *",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "* * * 0 *",
    "* * 0-5 * *",
    "* * * * 8",
    "* * * * * * 2100",
    "* * * * 1#6",
    "* * * * 1#0",
    "* * * * 1#2,3",
    "*/0 * * * *",
    "? * * * *",
    "* * ?? * *",
    "-1 * * * *",
    "foo * * * *",
    "* * * jan-foo *",
    "@reboot",
    "@hourly ",
    "* * * * l",
    "1-5/a * * * *",
    "H * * * *",
    "h/5 * * * *",
    "1" * 5000 + " * * * *",
    "* * * * * * 5-3/10000",
]

#: a bare random token: refused with a message of its own
RANDOM_CRONS = ["R * * * *", "0 r * * *", "* * * * * r"]


def invalid_cron_errors(cron: str) -> list[tuple[Any, ...]]:
    """How both sides refuse an invalid cron string: (type, loc, msg, input)."""
    return [("value_error", ("cron",), f'Value error, Invalid cron string: "{cron}"', cron)]


def random_cron_errors(cron: str) -> list[tuple[Any, ...]]:
    """How both sides refuse a cron string with a bare random token."""
    return [
        (
            "value_error",
            ("cron",),
            f'Value error, Random and Hashed expressions are unsupported, received: "{cron}"',
            cron,
        )
    ]


class TestCronSchedule:
    @pytest.mark.oracle
    @pytest.mark.parametrize("cron", VALID_CRONS)
    def test_valid_expressions(self, cron: str) -> None:
        assert assert_conforms("CronSchedule", {"cron": cron}) == {"cron": cron, "timezone": None, "day_or": True}

    @pytest.mark.parametrize("cron", INVALID_CRONS)
    def test_invalid_expressions(self, cron: str) -> None:
        assert our_errors("CronSchedule", {"cron": cron}) == invalid_cron_errors(cron)

    @pytest.mark.oracle
    @pytest.mark.parametrize("cron", INVALID_CRONS)
    def test_invalid_expressions_as_the_reference(self, cron: str) -> None:
        assert ref_errors("CronSchedule", {"cron": cron}) == invalid_cron_errors(cron)

    @pytest.mark.parametrize("cron", RANDOM_CRONS)
    def test_random_expressions_are_refused(self, cron: str) -> None:
        assert our_errors("CronSchedule", {"cron": cron}) == random_cron_errors(cron)

    @pytest.mark.oracle
    @pytest.mark.parametrize("cron", RANDOM_CRONS)
    def test_random_expressions_are_refused_by_the_reference(self, cron: str) -> None:
        assert ref_errors("CronSchedule", {"cron": cron}) == random_cron_errors(cron)

    @pytest.mark.oracle
    @pytest.mark.parametrize("cron", ["r(0-5) * * * *", "r/5 * * * *", "0 r(1-3)/2 * * *"])
    def test_random_ranges_valid_for_every_outcome_pass(self, cron: str) -> None:
        # the reference lets these through too: only a bare "r"/"h" token is refused
        assert assert_conforms("CronSchedule", {"cron": cron})["cron"] == cron

    @pytest.mark.parametrize("cron", ["r(50-70) * * * *", "r/61 * * * *"])
    def test_random_ranges_valid_only_sometimes_are_refused(self, cron: str) -> None:
        # the reference picks an outcome at random, so it accepts these only some of the time
        assert our_errors("CronSchedule", {"cron": cron}) == [
            ("value_error", ("cron",), f'Value error, Invalid cron string: "{cron}"', cron)
        ]

    @pytest.mark.oracle
    @pytest.mark.parametrize("timezone", [None, "", "America/New_York", "EST", "Etc/GMT-3"])
    def test_timezones(self, timezone: str | None) -> None:
        assert_conforms("CronSchedule", {"cron": "0 0 * * *", "timezone": timezone, "day_or": False})

    @pytest.mark.oracle
    def test_every_field_reported(self) -> None:
        payload = {"cron": "* * * *", "timezone": "Foo", "day_or": "x", "extra": 1}
        assert our_errors("CronSchedule", payload) == ref_errors("CronSchedule", payload)

    def test_construction_checks(self) -> None:
        assert ls.CronSchedule(cron="0 0 * * *").model_dump(mode="json") == {
            "cron": "0 0 * * *",
            "timezone": None,
            "day_or": True,
        }
        with pytest.raises(ValidationError) as info:
            ls.CronSchedule(cron="nope")
        assert info.value.errors()[0]["msg"] == 'Value error, Invalid cron string: "nope"'
        with pytest.raises(ValidationError) as info:
            ls.CronSchedule(cron="* * * * *", timezone="Nowhere")
        assert info.value.errors()[0]["loc"] == ("timezone",)


def _cron_field(index: int) -> st.SearchStrategy[str]:
    names = {3: ["jan", "feb", "dec", "foo"], 4: ["mon", "fri", "sun", "sat", "jan"], 2: ["l"]}.get(index, [])
    atom = st.one_of(
        st.just("*"),
        st.just("?"),
        st.integers(0, 62).map(str),
        st.sampled_from([*names, "1970", "2099", "2100"]),
    )
    part = st.builds(
        lambda a, rng, step, nth: a + rng + step + nth,
        atom,
        st.one_of(st.just(""), atom.map(lambda b: "-" + b)),
        st.sampled_from(["", "", "/0", "/1", "/2", "/7", "/40"]),
        st.sampled_from(["", "", "", "#1", "#5", "#6"]) if index == 4 else st.just(""),
    )
    return st.lists(part, min_size=1, max_size=3).map(",".join)


@pytest.mark.oracle
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cron_validator_agrees_with_reference(data: st.DataObject) -> None:
    count = data.draw(st.sampled_from([5, 5, 5, 6, 7]))
    fields = [data.draw(_cron_field(i)) for i in range(count)]
    # make most fields plain so that some expressions are valid
    fields = [f if data.draw(st.booleans()) else "*" for f in fields]
    cron = " ".join(fields)
    try:
        validate_cron_string(cron)
        expected = None
    except ValueError as exc:
        expected = f"Value error, {exc}"
    try:
        ls.CronSchedule.model_validate({"cron": cron})
        got = None
    except ValidationError as exc:
        got = exc.errors()[0]["msg"]
    assert got == expected


def test_cron_and_rrule_checks_keep_no_long_texts() -> None:
    """Rejected long texts are not remembered (a cache of whole inputs kept 575 MiB alive
    after 256 texts of 1 MiB each)."""
    import gc
    import tracemalloc

    def reject(schedule: Any, field: str, text: str) -> None:
        with pytest.raises(ValidationError):
            schedule.model_validate({field: text})

    reject(ls.CronSchedule, "cron", "x")
    reject(ls.RRuleSchedule, "rrule", "x")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(48):
            reject(ls.CronSchedule, "cron", f"{i} " + "x" * 2**20)
            reject(ls.RRuleSchedule, "rrule", f"FREQ=DAILY;X{i}=" + "x" * 2**20)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 4 * 2**20


# -- RRuleSchedule ------------------------------------------------------------------------------


#: longer than an RRuleSchedule may be
LONG_RRULE = "RRULE:FREQ=DAILY\nRDATE:" + ",".join(["20200101T000000Z"] * 400)
#: five days at nine in the morning, in no particular zone
DAILY_AT_NINE = "DTSTART:20200101T090000\nRRULE:FREQ=DAILY;UNTIL=20200105T090000"


def paris_rruleset() -> du.rruleset:
    """A rule, an exclusion rule, a date and an excluded date, all in Paris."""
    paris = ZoneInfo("Europe/Paris")
    rules = du.rruleset()
    rules.rrule(du.rrule(du.DAILY, dtstart=dt.datetime(2020, 1, 1, 9, tzinfo=paris), count=10))
    rules.exrule(du.rrule(du.DAILY, dtstart=dt.datetime(2020, 1, 1, 9, tzinfo=paris), count=2))
    rules.rdate(dt.datetime(2020, 5, 5, tzinfo=paris))
    rules.exdate(dt.datetime(2020, 1, 5, 9, tzinfo=paris))
    return rules


def two_paris_starts() -> du.rruleset:
    """Two rules starting at different times (in the same zone), which no RRuleSchedule holds."""
    rules = du.rruleset()
    rules.rrule(du.rrule(du.DAILY, dtstart=dt.datetime(2020, 1, 1, tzinfo=ZoneInfo("Europe/Paris")), count=2))
    rules.rrule(du.rrule(du.DAILY, dtstart=dt.datetime(2020, 1, 2, tzinfo=ZoneInfo("Europe/Paris")), count=2))
    return rules


class TestRRuleSchedule:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"rrule": "FREQ=DAILY"},
            {"rrule": "FREQ=DAILY", "timezone": None},
            {"rrule": "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", "timezone": "Europe/Paris"},
            {"rrule": "DTSTART:20200101T090000\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20200102T090000Z"},
            {"rrule": "RDATE:20200101T000000Z,20200201T000000Z", "timezone": "America/New_York"},
        ],
    )
    def test_conforms(self, payload: dict[str, Any]) -> None:
        assert_conforms("RRuleSchedule", payload)

    def test_none_timezone_is_utc(self) -> None:
        assert dump_ours("RRuleSchedule", {"rrule": "FREQ=DAILY", "timezone": None}) == {
            "rrule": "FREQ=DAILY",
            "timezone": "UTC",
        }
        assert ls.RRuleSchedule(rrule="FREQ=DAILY", timezone=None).timezone == "UTC"

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"rrule": "FREQ=DAILYX", "timezone": "Foo"},
            {"rrule": "x"},
            {"rrule": "FREQ=DAILY", "timezone": ""},
            {"rrule": "FREQ=DAILY", "timezone": "Factory"},
            {"rrule": "FREQ=DAILY", "timezone": "localtime"},
            {"rrule": 5},
            {"rrule": "FREQ=DAILY", "x": 1},
            {},
        ],
    )
    def test_rejections_match(self, payload: dict[str, Any]) -> None:
        assert our_errors("RRuleSchedule", payload) == ref_errors("RRuleSchedule", payload)

    def test_length_limit(self) -> None:
        text = LONG_RRULE
        assert len(text) > ls.MAX_RRULE_LENGTH
        errors = our_errors("RRuleSchedule", {"rrule": text})
        assert (
            errors[0][2] == f'Value error, Invalid RRule string "{text[:40]}..."\nMax length is 6500, got {len(text)}'
        )

    @pytest.mark.oracle
    def test_length_limit_as_the_reference(self) -> None:
        payload = {"rrule": LONG_RRULE}
        assert our_errors("RRuleSchedule", payload) == ref_errors("RRuleSchedule", payload)

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "rule",
        [
            du.rrule(du.DAILY, dtstart=dt.datetime(2020, 1, 1, 9, tzinfo=ZoneInfo("America/New_York")), count=5),
            du.rrule(du.WEEKLY, dtstart=dt.datetime(2020, 1, 1, 9), until=dt.datetime(2021, 1, 1)),
            du.rrule(du.HOURLY, dtstart=dt.datetime(2020, 1, 1, 9, tzinfo=dutz.gettz("Europe/Paris")), interval=3),
            du.rrule(du.HOURLY, dtstart=dt.datetime(2020, 1, 1, 9, tzinfo=UTC), count=3),
            du.rrule(du.MONTHLY, dtstart=dt.datetime(2020, 1, 1, tzinfo=dutz.tzoffset(None, 3600)), count=3),
        ],
    )
    def test_from_rrule_and_back(self, rule: du.rrule) -> None:
        ours, theirs = ls.RRuleSchedule.from_rrule(rule), ref.RRuleSchedule.from_rrule(rule)
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")
        back, ref_back = ours.to_rrule(), theirs.to_rrule()
        assert isinstance(back, du.rrule)
        assert str(back) == str(ref_back)
        assert list(back.xafter(dt.datetime(2020, 1, 1, tzinfo=UTC), count=5)) == list(
            ref_back.xafter(dt.datetime(2020, 1, 1, tzinfo=UTC), count=5)
        )

    def test_rruleset_takes_the_timezone_of_its_dates(self) -> None:
        assert ls.RRuleSchedule.from_rrule(paris_rruleset()).timezone == "Europe/Paris"

    @pytest.mark.oracle
    def test_rruleset_round_trip(self) -> None:
        rules = paris_rruleset()
        ours, theirs = ls.RRuleSchedule.from_rrule(rules), ref.RRuleSchedule.from_rrule(rules)
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")
        assert list(ours.to_rrule()) == list(theirs.to_rrule())

    def test_rruleset_with_only_dates(self) -> None:
        rules = du.rruleset()
        rules.rdate(dt.datetime(2020, 5, 5))
        ours = ls.RRuleSchedule.from_rrule(rules)
        assert ours.model_dump(mode="json") == {"rrule": "RDATE:20200505T000000Z", "timezone": "UTC"}

    @pytest.mark.oracle
    def test_rruleset_with_only_dates_as_the_reference(self) -> None:
        rules = du.rruleset()
        rules.rdate(dt.datetime(2020, 5, 5))
        ours = ls.RRuleSchedule.from_rrule(rules)
        assert list(ours.to_rrule()) == list(ref.RRuleSchedule.from_rrule(rules).to_rrule())

    def test_rruleset_with_mixed_starts_is_refused(self) -> None:
        rules = two_paris_starts()
        with pytest.raises(ValueError):
            ls.RRuleSchedule.from_rrule(rules)
        rules.rrule(du.rrule(du.DAILY, dtstart=dt.datetime(2020, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")), count=2))
        with pytest.raises(ValueError, match="too many dtstart timezones"):
            ls.RRuleSchedule.from_rrule(rules)

    @pytest.mark.oracle
    def test_rruleset_with_mixed_starts_is_refused_by_the_reference(self) -> None:
        rules = two_paris_starts()
        with pytest.raises(ValueError) as theirs:
            ref.RRuleSchedule.from_rrule(rules)
        with pytest.raises(ValueError) as ours:
            ls.RRuleSchedule.from_rrule(rules)
        assert str(ours.value) == str(theirs.value)

    @pytest.mark.parametrize("timezone", ["UTC", "America/New_York", "Asia/Kolkata"])
    def test_to_rrule_places_dates_in_timezone(self, timezone: str) -> None:
        ours = ls.RRuleSchedule(rrule=DAILY_AT_NINE, timezone=timezone).to_rrule()
        assert [d.tzinfo for d in ours] == [dutz.gettz(timezone)] * 5

    @pytest.mark.oracle
    @pytest.mark.parametrize("timezone", ["UTC", "America/New_York", "Asia/Kolkata"])
    def test_to_rrule_places_dates_in_timezone_as_the_reference(self, timezone: str) -> None:
        ours = ls.RRuleSchedule(rrule=DAILY_AT_NINE, timezone=timezone).to_rrule()
        theirs = ref.RRuleSchedule(rrule=DAILY_AT_NINE, timezone=timezone).to_rrule()
        assert list(ours) == list(theirs)

    @pytest.mark.oracle
    def test_is_valid_timezone(self) -> None:
        for name in ["UTC", "Europe/Paris", "US/Eastern", "Factory", "localtime", "Nowhere", ""]:
            assert ls.is_valid_timezone(name) == ref.is_valid_timezone(name), name


# -- NoSchedule and the union -------------------------------------------------------------------


class TestNoSchedule:
    @pytest.mark.oracle
    def test_empty(self) -> None:
        assert assert_conforms("NoSchedule", {}) == {}
        assert ls.NoSchedule() == ls.NoSchedule()

    @pytest.mark.oracle
    @pytest.mark.parametrize("payload", [{"x": 1}, 5, None, [1]])
    def test_rejections_match(self, payload: Any) -> None:
        assert our_errors("NoSchedule", payload) == ref_errors("NoSchedule", payload)

    def test_unhashable_like_the_reference(self) -> None:
        with pytest.raises(TypeError):
            hash(ls.NoSchedule())


_UNION = pydantic.TypeAdapter(ref.SCHEDULE_TYPES) if HAS_ORACLE else None


#: a payload of each member, and the member it is
MEMBERS_BY_SHAPE = [
    ({}, "NoSchedule"),
    ({"interval": 60, "anchor_date": "2020-01-01"}, "IntervalSchedule"),
    ({"cron": "0 0 * * *"}, "CronSchedule"),
    ({"rrule": "FREQ=DAILY"}, "RRuleSchedule"),
]


class TestScheduleUnion:
    @pytest.mark.parametrize(("payload", "expected"), MEMBERS_BY_SHAPE)
    def test_member_chosen_by_shape(self, payload: dict[str, Any], expected: str) -> None:
        assert type(ls.structure_schedule(payload)).__name__ == expected

    @pytest.mark.oracle
    @pytest.mark.parametrize(("payload", "expected"), MEMBERS_BY_SHAPE)
    def test_member_chosen_by_shape_as_the_reference(self, payload: dict[str, Any], expected: str) -> None:
        theirs = _UNION.validate_python(payload)
        ours = ls.structure_schedule(payload)
        assert type(theirs).__name__ == expected
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")

    def test_instances_pass_through(self) -> None:
        schedule = ls.CronSchedule(cron="0 0 * * *")
        assert ls.structure_schedule(schedule) is schedule

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"interval": 60, "cron": "* * * * *"},
            {"cron": "* * * *"},
            {"interval": 0},
            {"interval": 60, "timezone": "Foo"},
            {"cron": "* * * * *", "timezone": "Foo"},
            {"rrule": "FREQ=DAILY", "timezone": ""},
            {"timezone": "UTC"},
            {"x": 1},
            5,
            None,
        ],
    )
    def test_errors_name_each_member(self, payload: Any) -> None:
        with pytest.raises(pydantic.ValidationError) as theirs:
            _UNION.validate_python(payload)
        with pytest.raises(ValidationError) as ours:
            ls.structure_schedule(payload)
        expected = sorted((e["type"], e["loc"], e["msg"]) for e in theirs.value.errors())
        assert sorted((e["type"], e["loc"], e["msg"]) for e in ours.value.errors()) == expected
        assert any(loc[0] == INTERVAL_TAG for _, loc, _ in expected)

    def test_is_schedule_type(self) -> None:
        assert all(ls.is_schedule_type(s) for s in (ls.NoSchedule(), ls.CronSchedule(cron="* * * * *")))
        assert not ls.is_schedule_type({"cron": "* * * * *"})

    @pytest.mark.oracle
    def test_a_reference_schedule_is_no_schedule_type(self) -> None:
        assert not ls.is_schedule_type(ref.NoSchedule())


# -- construct_schedule -------------------------------------------------------------------------


class TestConstructSchedule:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"interval": 60, "anchor_date": "2020-01-01T00:00:00"},
            {"interval": 1.5, "anchor_date": dt.datetime(2020, 1, 1, tzinfo=ZoneInfo("Europe/Paris"))},
            {"interval": dt.timedelta(hours=1), "anchor_date": "2020-01-01", "timezone": "Asia/Tokyo"},
            {"cron": "0 0 * * *"},
            {"cron": "0 0 * * *", "timezone": "Europe/Paris"},
            {"rrule": "FREQ=DAILY"},
            {"rrule": "FREQ=DAILY", "timezone": "Europe/Paris"},
        ],
    )
    def test_builds_the_same_schedule(self, kwargs: dict[str, Any]) -> None:
        ours, theirs = ls.construct_schedule(**kwargs), ref.construct_schedule(**kwargs)
        assert type(ours).__name__ == type(theirs).__name__
        assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")

    def test_interval_without_anchor_starts_now(self) -> None:
        before = dt.datetime.now(UTC)
        schedule = ls.construct_schedule(interval=10)
        assert isinstance(schedule, ls.IntervalSchedule)
        assert before <= schedule.anchor_date <= dt.datetime.now(UTC)

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"interval": 60, "cron": "* * * * *"},
            {"cron": "* * * * *", "rrule": "FREQ=DAILY"},
            {"anchor_date": "2020-01-01"},
            {"anchor_date": "2020-01-01", "cron": "* * * * *"},
            {"timezone": "UTC"},
            {},
        ],
    )
    def test_refusals_match(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(ValueError) as theirs:
            ref.construct_schedule(**kwargs)
        with pytest.raises(ValueError) as ours:
            ls.construct_schedule(**kwargs)
        assert str(ours.value) == str(theirs.value)


def test_import_does_not_read_the_timezone_database() -> None:
    code = (
        "import lightschema.schedules, lightschema._schedules as s, lightschema._deployments, sys;"
        "assert s._iana_names.cache_info().currsize == 0;"
        "assert s._cron_patterns.cache_info().currsize == 0;"
        "assert 'dateutil.rrule' not in sys.modules, 'rrule imported eagerly'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- property tests -------------------------------------------------------------------------

_ZONES = ["UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe"]

aware_datetimes = st.datetimes(
    min_value=dt.datetime(1971, 1, 1),
    max_value=dt.datetime(2090, 12, 31),
    timezones=st.one_of(
        st.none(),
        st.just(UTC),
        st.sampled_from(_ZONES).map(ZoneInfo),
        st.integers(-18 * 60, 18 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
    ),
)

interval_schedules = st.fixed_dictionaries(
    {
        "interval": st.one_of(
            st.integers(1, 10**8),
            st.timedeltas(min_value=dt.timedelta(microseconds=1), max_value=dt.timedelta(days=3650)),
        ),
        "anchor_date": aware_datetimes,
    },
    optional={"timezone": st.sampled_from([*_ZONES, ""])},
)
cron_schedules = st.fixed_dictionaries(
    {"cron": st.sampled_from(VALID_CRONS)},
    optional={"timezone": st.sampled_from([*_ZONES, None, ""]), "day_or": st.booleans()},
)
rrule_schedules = st.fixed_dictionaries(
    {
        "rrule": st.sampled_from(
            [
                "FREQ=DAILY",
                "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
                "DTSTART:20200101T090000\nRRULE:FREQ=HOURLY;INTERVAL=3",
                "RDATE:20200101T000000Z,20200201T000000Z",
            ]
        )
    },
    optional={"timezone": st.sampled_from([*_ZONES, None])},
)
schedule_payloads = st.one_of(
    interval_schedules.map(lambda p: ("IntervalSchedule", p)),
    cron_schedules.map(lambda p: ("CronSchedule", p)),
    rrule_schedules.map(lambda p: ("RRuleSchedule", p)),
    st.just(("NoSchedule", {})),
)


@pytest.mark.oracle
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=schedule_payloads)
def test_schedules_round_trip_like_the_reference(case: tuple[str, dict[str, Any]]) -> None:
    name, python_payload = case
    payload = dump_ref(name, python_payload)  # JSON as the reference writes it
    assert assert_conforms(name, payload) == payload
    ours = getattr(ls, name).model_validate(payload)
    assert getattr(ls, name).model_validate_json(ours.model_dump_json()) == ours
    assert ls.structure_schedule(payload) == ours
