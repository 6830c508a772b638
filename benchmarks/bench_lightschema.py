"""Contender: lightschema's attrs models and cattrs converter, through the public API."""

from __future__ import annotations

from typing import Any

NAME = "lightschema"
#: what a fresh process imports to get the models (for import time and peak memory)
IMPORT = "import lightschema.objects as models"
#: given ``models`` and ``payload`` (bytes of one object), structure it the first time
FIRST_USE = "models.FlowRun.model_validate_json(payload)"


def versions() -> dict[str, str]:
    """Versions of this contender and the libraries it runs on."""
    from importlib.metadata import version

    import lightschema

    return {"lightschema": str(lightschema.__version__), "attrs": version("attrs"), "cattrs": version("cattrs")}


class Codec:
    """The five measured operations for one lightschema model class."""

    def __init__(self, cls: Any) -> None:
        from lightschema.converter import converter

        self.cls = cls
        self._list_type = list[cls]
        from lightschema import dump_json

        self._unstructure = converter.unstructure
        self._dump_json = dump_json
        try:
            import orjson
        except ImportError:
            self._orjson = None
        else:
            self._orjson = orjson.dumps

    def decode_json(self, data: bytes) -> list[Any]:
        """A JSON array of objects (an API list response) to validated models."""
        from lightschema import load_json

        return load_json(data, self._list_type)  # type: ignore[no-any-return]

    def decode_jsonl(self, data: bytes) -> list[Any]:
        """JSON Lines, one object per line, each validated on its own, read in one call."""
        from lightschema import load_json_lines

        return load_json_lines(data, self.cls)

    def from_dicts(self, items: list[Any]) -> list[Any]:
        """Already-parsed dicts to models: ``model_validate_list(response.json())``."""
        return self.cls.model_validate_list(items)  # type: ignore[no-any-return]

    def to_dicts(self, objs: list[Any]) -> list[Any]:
        """Models to JSON-ready dicts (what ``model_dump(mode="json")`` gives, for the list)."""
        return self._unstructure(objs, self._list_type)  # type: ignore[no-any-return]

    def to_json(self, objs: list[Any]) -> bytes:
        """Models to compact JSON bytes with the standard library only (orjson turned off)."""
        from lightschema import _json

        saved = _json._orjson, _json._orjson_checked
        _json._orjson, _json._orjson_checked = None, True
        try:
            return self._dump_json(objs)
        finally:
            _json._orjson, _json._orjson_checked = saved

    def to_json_orjson(self, objs: list[Any]) -> bytes | None:
        """Models to JSON bytes with the optional orjson accelerator, when it is installed."""
        if self._orjson is None:
            return None
        return self._dump_json(objs)


def load(model: str) -> Codec | None:
    """The codec for ``model``, or None if lightschema has no such model yet."""
    from lightschema import objects

    cls = getattr(objects, model, None)
    return None if cls is None else Codec(cls)
