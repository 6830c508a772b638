"""Contender and reference: prefect==3.9.1's own pydantic models, at their fastest list paths.

Lists go through one ``pydantic.TypeAdapter(list[Model])``, which is how Prefect's
client reads list responses and is faster than validating item by item.
"""

from __future__ import annotations

from typing import Any

NAME = "prefect"
IMPORT = "import prefect.client.schemas.objects as models"
FIRST_USE = "models.FlowRun.model_validate_json(payload)"


def versions() -> dict[str, str]:
    """Versions of prefect and the pydantic it validates with."""
    from importlib.metadata import version

    return {"prefect": version("prefect"), "pydantic": version("pydantic"), "pydantic-core": version("pydantic-core")}


class Codec:
    """The five measured operations for one prefect model class."""

    def __init__(self, cls: Any) -> None:
        from pydantic import TypeAdapter

        self.cls = cls
        self._adapter = TypeAdapter(list[cls])

    def decode_json(self, data: bytes) -> list[Any]:
        """A JSON array of objects to validated models, parsed by pydantic-core."""
        return self._adapter.validate_json(data)

    def decode_jsonl(self, data: bytes) -> list[Any]:
        """JSON Lines, one object per line, each validated on its own."""
        validate = self.cls.model_validate_json
        return [validate(line) for line in data.splitlines()]

    def from_dicts(self, items: list[Any]) -> list[Any]:
        """Already-parsed dicts to models, as ``prefect.client`` does with ``response.json()``."""
        return self._adapter.validate_python(items)

    def to_dicts(self, objs: list[Any]) -> list[Any]:
        """Models to JSON-ready dicts: ``model_dump(mode="json")`` for the whole list."""
        return self._adapter.dump_python(objs, mode="json")  # type: ignore[no-any-return]

    def to_json(self, objs: list[Any]) -> bytes:
        """Models to JSON bytes with pydantic-core's serializer (``dump_json``)."""
        return self._adapter.dump_json(objs)


def load(model: str) -> Codec | None:
    """The codec for ``model`` from ``prefect.client.schemas.objects``."""
    from prefect.client.schemas import objects

    cls = getattr(objects, model, None)
    return None if cls is None else Codec(cls)
