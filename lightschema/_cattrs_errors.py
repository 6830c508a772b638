"""cattrs' exception groups read as lightschema error entries.

Only the converter imports this module: the groups come from the detailed pass that
cattrs generates, and importing ``cattrs.errors`` loads cattrs, which ``import
lightschema`` must not do. Everything that is not a cattrs error is read by
``lightschema.errors.entries``.
"""

from __future__ import annotations

from typing import Any

from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from lightschema import errors
from lightschema.errors import Entry, InvalidValue, Loc, invalid_entry

__all__ = ["entries"]

_MISSING = "Field required"
_EXTRA = "Extra inputs are not permitted"


def entries(exc: BaseException, loc: Loc, source: Any) -> list[Entry]:
    """Turn whatever a structuring step raised into error entries under ``loc``.

    ``source`` is the mapping being structured when ``exc`` came from a model,
    so that a missing key can report the input the way pydantic does.

    Every exception read is cut from its traceback and the exception it was raised
    during: cattrs keeps a field's exception in a list that a local of its generated
    function holds, and that function's frame is reached again from the exception's
    traceback, a cycle only the cyclic collector frees, and bulk calls pause it.
    """
    if exc.__class__ is InvalidValue:  # the usual: one bad value
        exc.__traceback__ = exc.__context__ = None
        return [invalid_entry(exc, loc)]
    if not isinstance(exc, MemoryError):  # raised again, traceback and all
        exc.__traceback__ = exc.__context__ = None
    if isinstance(exc, ClassValidationError):
        out: list[Entry] = []
        for sub in exc.exceptions:
            name = _note_name(sub)
            if name is None:
                out.extend(entries(sub, loc, source))
            elif sub.__class__ is InvalidValue:
                sub.__traceback__ = sub.__context__ = None
                out.append(invalid_entry(sub, (*loc, name)))
            elif isinstance(sub, KeyError) and _is_missing_key(sub, name, source):
                sub.__traceback__ = sub.__context__ = None
                out.append(("missing", (*loc, name), _MISSING, source))
            else:
                inner = source.get(name) if isinstance(source, dict) else None
                out.extend(entries(sub, (*loc, name), inner))
        return out
    if isinstance(exc, IterableValidationError):
        out = []
        for sub in exc.exceptions:
            index = _note_index(sub)
            out.extend(entries(sub, loc if index is None else (*loc, index), None))
        return out
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = source if isinstance(source, dict) else {}
        return [("extra_forbidden", (*loc, key), _EXTRA, extra.get(key)) for key in sorted(exc.extra_fields, key=str)]
    return errors.entries(exc, loc, source)


def _note_name(exc: BaseException) -> str | None:
    for note in getattr(exc, "__notes__", ()):
        if note.__class__ is AttributeValidationNote:
            return note.name
    return None


def _note_index(exc: BaseException) -> int | str | None:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, IterableValidationNote):
            return note.index
    return None


def _is_missing_key(exc: KeyError, name: str, source: Any) -> bool:
    return isinstance(source, dict) and name not in source and exc.args == (name,)
