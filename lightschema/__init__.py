"""Prefect's client data model without pydantic: frozen attrs classes and one cattrs converter."""

from importlib.metadata import PackageNotFoundError, version

from lightschema.converter import configure_converter, converter, make_converter, structure, unstructure
from lightschema.errors import ValidationError

try:
    __version__ = version("lightschema")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "ValidationError",
    "__version__",
    "configure_converter",
    "converter",
    "make_converter",
    "structure",
    "unstructure",
]
