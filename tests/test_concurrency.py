"""Concurrency options, configs, lease holders and limits, checked against prefect 3.9.1."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightschema import ValidationError
from lightschema import _concurrency as ls
from lightschema._enums import ConcurrencyLimitStrategy
from tests.oracle import assert_conforms, dump_ours, dump_ref, our_errors, reference_errors
from tests.strategies import uuids

ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
STAMPS = {"id": ID, "created": "2020-01-01T00:00:00Z", "updated": "2020-01-02T03:04:05.123456Z"}


def ours_and_theirs(name: str, payload: Any) -> tuple[list[Any], list[Any]]:
    return our_errors(name, payload), reference_errors(name, payload)


class TestConcurrencyOptions:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "payload",
        [
            {"collision_strategy": "ENQUEUE"},
            {"collision_strategy": "CANCEL_NEW", "grace_period_seconds": 60},
            {"collision_strategy": "ENQUEUE", "grace_period_seconds": 86400},
            {"collision_strategy": "ENQUEUE", "grace_period_seconds": "600"},
            {"collision_strategy": "ENQUEUE", "grace_period_seconds": None},
        ],
    )
    def test_conforms(self, payload: dict[str, Any]) -> None:
        assert_conforms("ConcurrencyOptions", payload)

    def test_whole_dump(self) -> None:
        assert dump_ours("ConcurrencyOptions", {"collision_strategy": "CANCEL_NEW"}) == {
            "collision_strategy": "CANCEL_NEW",
            "grace_period_seconds": None,
        }

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        ("payload", "expected"),
        [
            (
                {"collision_strategy": "ENQUEUE", "grace_period_seconds": 59},
                [("greater_than_equal", ("grace_period_seconds",), "Input should be greater than or equal to 60", 59)],
            ),
            (
                {"collision_strategy": "X", "grace_period_seconds": 86401},
                [
                    ("enum", ("collision_strategy",), "Input should be 'ENQUEUE' or 'CANCEL_NEW'", "X"),
                    (
                        "less_than_equal",
                        ("grace_period_seconds",),
                        "Input should be less than or equal to 86400",
                        86401,
                    ),
                ],
            ),
            ({}, [("missing", ("collision_strategy",), "Field required", {})]),
        ],
    )
    def test_rejections(self, payload: dict[str, Any], expected: list[Any]) -> None:
        ours, theirs = ours_and_theirs("ConcurrencyOptions", payload)
        assert ours == theirs == expected

    def test_bounds_on_construction(self) -> None:
        with pytest.raises(ValidationError):
            ls.ConcurrencyOptions(collision_strategy=ConcurrencyLimitStrategy.ENQUEUE, grace_period_seconds=10)


@pytest.mark.oracle
class TestConcurrencyLimitConfig:
    def test_defaults(self) -> None:
        assert assert_conforms("ConcurrencyLimitConfig", {"limit": 3}) == {
            "limit": 3,
            "collision_strategy": "ENQUEUE",
            "grace_period_seconds": None,
        }

    @pytest.mark.parametrize(
        "payload",
        [
            {"limit": 1, "grace_period_seconds": 0},
            {"limit": 1, "grace_period_seconds": 100000},
            {"limit": 1.5},
            {"collision_strategy": "enqueue"},
        ],
    )
    def test_rejections(self, payload: dict[str, Any]) -> None:
        ours, theirs = ours_and_theirs("ConcurrencyLimitConfig", payload)
        assert ours == theirs


@pytest.mark.oracle
class TestConcurrencyLeaseHolder:
    @pytest.mark.parametrize("kind", ["flow_run", "task_run", "deployment"])
    def test_conforms(self, kind: str) -> None:
        assert assert_conforms("ConcurrencyLeaseHolder", {"type": kind, "id": ID}) == {"type": kind, "id": ID}

    def test_unknown_keys_rejected(self) -> None:
        ours, theirs = ours_and_theirs("ConcurrencyLeaseHolder", {"type": "flow_run", "id": ID, "q": 1})
        assert ours == theirs == [("extra_forbidden", ("q",), "Extra inputs are not permitted", 1)]

    def test_bad_type_rejected(self) -> None:
        ours, theirs = ours_and_theirs("ConcurrencyLeaseHolder", {"type": "worker", "id": ID})
        assert (
            ours
            == theirs
            == [("literal_error", ("type",), "Input should be 'flow_run', 'task_run' or 'deployment'", "worker")]
        )


@pytest.mark.oracle
class TestConcurrencyLimit:
    def test_whole_dump(self) -> None:
        payload = {**STAMPS, "tag": "db", "concurrency_limit": 5, "active_slots": [ID]}
        assert assert_conforms("ConcurrencyLimit", payload) == payload

    def test_defaults_and_rejections(self) -> None:
        assert (
            assert_conforms("ConcurrencyLimit", {**STAMPS, "tag": "db", "concurrency_limit": 0})["active_slots"] == []
        )
        ours, theirs = ours_and_theirs("ConcurrencyLimit", {"tag": 1, "active_slots": ID})
        assert ours == theirs


@pytest.mark.oracle
class TestGlobalConcurrencyLimit:
    def test_whole_dump(self) -> None:
        payload = {
            **STAMPS,
            "name": "api",
            "limit": 10,
            "active": False,
            "active_slots": 3,
            "slot_decay_per_second": 0.5,
        }
        assert assert_conforms("GlobalConcurrencyLimit", payload) == payload

    def test_defaults(self) -> None:
        assert assert_conforms("GlobalConcurrencyLimit", {**STAMPS, "name": "n/a", "limit": 1}) == {
            **STAMPS,
            "name": "n/a",
            "limit": 1,
            "active": True,
            "active_slots": 0,
            "slot_decay_per_second": 0.0,
        }

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"name": "x", "limit": "ten"},
            {"name": "x", "limit": 1, "active": "sometimes", "slot_decay_per_second": "fast"},
        ],
    )
    def test_rejections(self, payload: dict[str, Any]) -> None:
        ours, theirs = ours_and_theirs("GlobalConcurrencyLimit", payload)
        assert ours == theirs


_stamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.timezone.utc)
)
_grace = st.one_of(st.none(), st.integers(60, 86400))
_strategies = st.sampled_from(["ENQUEUE", "CANCEL_NEW"])

concurrency_payloads = st.one_of(
    st.fixed_dictionaries({"collision_strategy": _strategies}, optional={"grace_period_seconds": _grace}).map(
        lambda p: ("ConcurrencyOptions", p)
    ),
    st.fixed_dictionaries(
        {"limit": st.integers(-5, 10**6)}, optional={"collision_strategy": _strategies, "grace_period_seconds": _grace}
    ).map(lambda p: ("ConcurrencyLimitConfig", p)),
    st.fixed_dictionaries({"type": st.sampled_from(["flow_run", "task_run", "deployment"]), "id": uuids}).map(
        lambda p: ("ConcurrencyLeaseHolder", p)
    ),
    st.fixed_dictionaries(
        {"id": uuids, "tag": st.text(max_size=10), "concurrency_limit": st.integers(0, 1000)},
        optional={"created": _stamps, "active_slots": st.lists(uuids, max_size=3)},
    ).map(lambda p: ("ConcurrencyLimit", p)),
    st.fixed_dictionaries(
        {"id": uuids, "name": st.text(max_size=10), "limit": st.integers(0, 1000)},
        optional={
            "active": st.one_of(st.none(), st.booleans()),
            "active_slots": st.one_of(st.none(), st.integers(0, 1000)),
            "slot_decay_per_second": st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
        },
    ).map(lambda p: ("GlobalConcurrencyLimit", p)),
)


@pytest.mark.oracle
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=concurrency_payloads)
def test_round_trip_like_the_reference(case: tuple[str, dict[str, Any]]) -> None:
    name, python_payload = case
    payload = dump_ref(name, python_payload)
    assert assert_conforms(name, payload) == payload
    ours = getattr(ls, name).model_validate(payload)
    assert getattr(ls, name).model_validate_json(ours.model_dump_json()) == ours
