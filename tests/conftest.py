"""The suite runs with or without the oracle, prefect==3.9.1 (see ``oracle.py``).

Tests marked ``oracle`` (by decorator, on their class, or through a module's
``pytestmark``) are skipped when it is not installed; everything else runs.
"""

from __future__ import annotations

import pytest

from tests.oracle import HAS_ORACLE, NEEDS_ORACLE, ORACLE, oracle_version


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"oracle: compares with the reference ({ORACLE}); skipped without it")


def pytest_report_header(config: pytest.Config) -> str:
    if HAS_ORACLE:
        return f"oracle: prefect {oracle_version()} (the suite compares with {ORACLE})"
    return f"oracle: not installed; tests marked 'oracle' are skipped ({NEEDS_ORACLE})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAS_ORACLE:
        return
    skip = pytest.mark.skip(reason=NEEDS_ORACLE)
    for item in items:
        if item.get_closest_marker("oracle") is not None:
            item.add_marker(skip, append=False)  # first, so its reason is the one shown
