"""``import lightschema``: what it loads, and what it leaves for first use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = ("cattrs", "cattr", "pydantic", "pydantic_core", "prefect")


def loaded_after(code: str) -> list[str]:
    """The top-level packages of ``FORBIDDEN`` in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [name for name in json.loads(out.stdout) if name in FORBIDDEN]


@pytest.mark.parametrize(
    "code",
    [
        "import lightschema",
        "import lightschema.objects",
        "import lightschema.schedules",
        "from lightschema import ValidationError, SerializationError",
        # the classes themselves are defined without the converter
        "from lightschema.objects import FlowRun, State, TaskRun, Deployment, WorkPool, Log, BlockDocument",
        "from lightschema.schedules import IntervalSchedule, CronSchedule, RRuleSchedule",
    ],
)
def test_import_loads_no_converter_and_no_oracle(code: str) -> None:
    assert loaded_after(code) == []


def test_first_use_loads_cattrs_and_still_no_oracle() -> None:
    code = "from lightschema.objects import State\nState.model_validate({'type': 'COMPLETED'})"
    assert loaded_after(code) == ["cattrs"]
