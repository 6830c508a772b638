"""The oracle, prefect==3.9.1 on its pydantic, and the helpers that compare lightschema with it.

The test modules take prefect and pydantic from here rather than importing them at module
level, so that the suite imports and runs without them:

* ``HAS_ORACLE`` says whether prefect (and so pydantic) is installed.
* Without it, each name taken from prefect or pydantic below is a ``Missing``
  placeholder: its attributes can still be named (a module-level table of reference
  classes imports fine), but calling anything reached through it fails the test
  with a message saying the test has to be marked.
* A test that needs the oracle is marked ``@pytest.mark.oracle`` (a class or a whole
  module through ``pytestmark`` too); ``conftest.py`` skips those when it is absent.
  (The live tier, which needs a real prefect server, skips itself whole without prefect.)

Classes are looked up by name in ``objects`` and then ``schedules`` on both sides.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import pytest

from lightschema import ValidationError
from tests.payloads import our_class

ORACLE = "prefect==3.9.1"
#: why a test that needs the oracle is skipped without it
NEEDS_ORACLE = f"needs the oracle, {ORACLE}"


class Missing:
    """Stands for a part of the oracle that is not installed."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Missing:
        if attr.startswith("__"):  # no protocol lookups: pytest, hypothesis and copy probe for them
            raise AttributeError(attr)
        return Missing(f"{self._name}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        pytest.fail(
            f"{self._name}() is part of the oracle ({ORACLE}), which is not installed: "
            "a test that uses it must be marked @pytest.mark.oracle"
        )

    def __repr__(self) -> str:
        return f"<{self._name}: {ORACLE} is not installed>"


class _MissingPydantic(Missing):
    """pydantic's placeholder; its ValidationError is a real exception class, never raised, so
    that ``except pydantic.ValidationError`` lets the placeholder's own failure through."""

    class ValidationError(Exception):
        pass


class _StandInSecret:
    """What lightschema looks for in a secret (a ``get_secret_value`` method), without pydantic."""

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value


try:
    import pydantic
    from prefect._internal.schemas import fields as ref_fields
    from prefect._internal.schemas.validators import validate_cron_string
    from prefect.client.schemas import objects as ref_objects
    from prefect.client.schemas import schedules as ref_schedules
    from prefect.settings import PREFECT_CLOUD_API_URL, PREFECT_CLOUD_UI_URL, temporary_settings
except ModuleNotFoundError as exc:  # a broken install (another module missing) is an error, not "absent"
    if (exc.name or "").partition(".")[0] not in ("prefect", "pydantic"):
        raise
    HAS_ORACLE = False
    pydantic = _MissingPydantic("pydantic")  # type: ignore[assignment]
    ref_fields = Missing("prefect._internal.schemas.fields")  # type: ignore[assignment]
    validate_cron_string = Missing("prefect._internal.schemas.validators.validate_cron_string")
    ref_objects = Missing("prefect.client.schemas.objects")  # type: ignore[assignment]
    ref_schedules = Missing("prefect.client.schemas.schedules")  # type: ignore[assignment]
    PREFECT_CLOUD_API_URL = Missing("prefect.settings.PREFECT_CLOUD_API_URL")
    PREFECT_CLOUD_UI_URL = Missing("prefect.settings.PREFECT_CLOUD_UI_URL")
    temporary_settings = Missing("prefect.settings.temporary_settings")
    #: pydantic's SecretStr, or a stand-in with its ``get_secret_value`` (all lightschema reads)
    SecretStr: Any = _StandInSecret
else:
    HAS_ORACLE = True
    SecretStr = pydantic.SecretStr


def oracle_version() -> str | None:
    """The installed prefect's version, or None without the oracle."""
    if not HAS_ORACLE:
        return None
    import prefect

    return str(prefect.__version__)


def reference_class(name: str) -> Any:
    return getattr(ref_objects, name, None) or getattr(ref_schedules, name)


# -- comparing lightschema with the reference on the same payloads -----------------------------


def dump_ref(name: str, payload: Any) -> dict[str, Any]:
    return reference_class(name).model_validate(payload).model_dump(mode="json")  # type: ignore[no-any-return]


def dump_ours(name: str, payload: Any) -> dict[str, Any]:
    return our_class(name).model_validate(payload).model_dump(mode="json")  # type: ignore[no-any-return]


def assert_conforms(name: str, payload: Any) -> dict[str, Any]:
    """Same JSON from both, and each side reads the other's JSON back unchanged."""
    theirs, ours = dump_ref(name, payload), dump_ours(name, payload)
    assert ours == theirs
    assert dump_ref(name, ours) == ours
    assert dump_ours(name, theirs) == theirs
    return ours


def conforms(name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Both libraries accept ``payload`` and dump it identically; each reads the other's dump."""
    theirs = reference_class(name).model_validate(payload)
    ours = our_class(name).model_validate(payload)
    expected = theirs.model_dump(mode="json")
    dumped: dict[str, Any] = ours.model_dump(mode="json")
    assert dumped == expected
    assert json.loads(ours.model_dump_json()) == json.loads(theirs.model_dump_json())
    assert reference_class(name).model_validate(dumped).model_dump(mode="json") == expected
    assert our_class(name).model_validate(expected).model_dump(mode="json") == expected
    return dumped


def reference_errors(name: str, payload: Any) -> list[tuple[Any, ...]]:
    """The reference refuses ``payload``: its errors as (type, loc, msg, input)."""
    with pytest.raises(pydantic.ValidationError) as info:
        reference_class(name).model_validate(payload)
    return [(e["type"], e["loc"], e["msg"], e["input"]) for e in info.value.errors()]


def our_errors(name: str, payload: Any) -> list[tuple[Any, ...]]:
    """lightschema refuses ``payload``: its errors as (type, loc, msg, input)."""
    with pytest.raises(ValidationError) as info:
        our_class(name).model_validate(payload)
    return [(e["type"], e["loc"], e["msg"], e["input"]) for e in info.value.errors()]


def both_reject(name: str, payload: Any) -> list[tuple[Any, ...]]:
    """Both refuse ``payload`` at the same locations with the same kinds; our full errors are returned.

    Callers compare messages for the rules their module owns (scalar messages, such as
    the UUID one, belong to the shared hooks).
    """
    with pytest.raises(pydantic.ValidationError) as theirs:
        reference_class(name).model_validate(payload)
    with pytest.raises(ValidationError) as ours:
        our_class(name).model_validate(payload)
    expected = sorted((tuple(e["loc"]), e["type"]) for e in theirs.value.errors())
    got = sorted((tuple(e["loc"]), e["type"], e["msg"]) for e in ours.value.errors())
    assert [g[:2] for g in got] == expected
    return got


def assert_generated_round_trip(name: str, payload: Any) -> None:
    """A generated payload: where the reference rejects it, so do we; where it accepts it, both
    dump it identically, and our dump of the reference's dump round-trips through JSON text."""
    try:
        made = reference_class(name).model_validate(payload).model_dump(mode="json")
    except pydantic.ValidationError:
        both_reject(name, payload)
        return
    conforms(name, payload)
    ours = our_class(name).model_validate(made)
    assert ours.model_dump(mode="json") == made
    assert our_class(name).model_validate_json(ours.model_dump_json()) == ours
