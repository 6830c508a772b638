"""Prefect's client data model without pydantic: frozen attrs classes and one cattrs converter.

The converter (``lightschema.converter.converter``, and with it cattrs) loads on first
use of these names or of a model's ``model_validate``/``model_dump``, not on import.
"""

import importlib as _importlib
import typing as _typing

from lightschema.errors import SerializationError, ValidationError

if _typing.TYPE_CHECKING:
    from lightschema._json import dump_json, load_json, load_json_lines
    from lightschema.converter import configure_converter, make_converter, structure, unstructure

__all__ = [
    "SerializationError",
    "ValidationError",
    "__version__",
    "configure_converter",
    "dump_json",
    "load_json",
    "load_json_lines",
    "make_converter",
    "structure",
    "unstructure",
]

_LAZY = {
    "configure_converter": "lightschema.converter",
    "dump_json": "lightschema._json",
    "load_json": "lightschema._json",
    "load_json_lines": "lightschema._json",
    "make_converter": "lightschema.converter",
    "structure": "lightschema.converter",
    "unstructure": "lightschema.converter",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(_importlib.import_module(module), name)
        globals()[name] = value
        return value
    # The version is read from package metadata on first use: importlib.metadata
    # alone costs more than the rest of ``import lightschema``.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("lightschema")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'lightschema' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
