"""Prefect's client data model without pydantic: frozen attrs classes and one cattrs converter."""

from typing import Any as _Any

from lightschema._json import dump_json
from lightschema.converter import configure_converter, converter, make_converter, structure, unstructure
from lightschema.errors import ValidationError

__all__ = [
    "ValidationError",
    "__version__",
    "configure_converter",
    "converter",
    "dump_json",
    "make_converter",
    "structure",
    "unstructure",
]


def __getattr__(name: str) -> _Any:
    # The version is read from package metadata on first use: importlib.metadata
    # alone costs more than the rest of ``import lightschema``.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("lightschema")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'lightschema' has no attribute {name!r}")
