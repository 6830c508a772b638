"""The one error lightschema raises for bad input, and the pieces it is built from.

Exception tree::

    ValueError
     └── ValidationError      every failure to parse or structure, all fields at once
    InvalidValue (internal)   one failing value, raised by hooks and collected

``ValidationError.errors()`` is a list of dicts, one per failing field, each with
``type`` (a short machine-readable kind, the same words pydantic uses), ``loc``
(the path as a tuple), ``path`` (the path as ``$.a.b[0]``), ``msg`` and ``input``.

Inside, an error is an ``Entry`` tuple ``(type, loc, msg, input)``: a rejected list of a
million items holds a million of them, and a tuple is a third of the dict's size.
The dicts are made only when ``errors()`` is called.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

__all__ = ["ErrorDetails", "Loc", "ValidationError", "format_path"]

Loc = tuple[str | int, ...]
#: one error as kept inside: (type, loc, msg, input)
Entry = tuple[str, Loc, str, Any]
_REPR_LIMIT = 80


class ErrorDetails(TypedDict):
    """One failing field: what kind of failure, where, why, and what came in."""

    type: str
    loc: Loc
    path: str
    msg: str
    input: Any


def format_path(loc: Loc) -> str:
    """Render a location tuple as a JSON path: ``("a", 0, "b")`` -> ``$.a[0].b``."""
    path = "$"
    for part in loc:
        if part.__class__ is str:
            step = _STEPS.get(part)
            path += _step(part) if step is None else step
        elif isinstance(part, int):
            path += f"[{part}]"
        else:
            path += _step(part)
    return path


#: each name's path step (``.name`` or ``['a b']``): the same few names recur in every
#: entry of a rejected list. Bounded, and cleared when full.
_STEPS: dict[str, str] = {}


def _step(part: str) -> str:
    step = f".{part}" if part.isidentifier() else f"[{part!r}]"
    if len(part) <= 64:
        if len(_STEPS) >= 4096:
            _STEPS.clear()
        _STEPS[part] = step
    return step


_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
    dict: ("{", "}"),
}


def _clipped_repr(value: Any, budget: int) -> str:
    """``repr(value)``, but giving up soon after ``budget`` characters.

    Hostile input (a list of a million items, nesting thousands deep, an integer
    too long to print) must not make the error message itself slow, deep or failing.
    """
    if budget <= 0:
        return "..."
    cls = value.__class__
    if cls is str:
        return repr(value if len(value) <= budget else value[:budget])
    brackets = _BRACKETS.get(cls)
    if brackets is None or not value:
        try:
            return repr(value)
        except Exception:  # noqa: BLE001 - e.g. an int with more digits than Python prints
            return f"<unprintable {cls.__name__} object>"
    opening, closing = brackets
    parts = [opening]
    used = len(opening)
    for index, item in enumerate(value.items() if cls is dict else value):
        if used > budget:
            parts.append("...")
            break
        if index:
            parts.append(", ")
            used += 2
        if cls is dict:
            key = _clipped_repr(item[0], budget - used)
            text = f"{key}: {_clipped_repr(item[1], budget - used - len(key) - 2)}"
        else:
            text = _clipped_repr(item, budget - used)
        parts.append(text)
        used += len(text)
    if cls is tuple and len(value) == 1:
        parts.append(",")
    parts.append(closing)
    return "".join(parts)


def _short_repr(value: Any) -> str:
    text = _clipped_repr(value, _REPR_LIMIT)
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return text


class InvalidValue(ValueError):
    """One value that failed; hooks raise it and the enclosing model collects it."""

    __slots__ = ("kind", "loc", "msg", "value")  # raised once per bad item: a third quicker to make

    def __init__(self, kind: str, msg: str, value: Any, loc: Loc = ()) -> None:
        ValueError.__init__(self, msg)
        self.kind = kind
        self.msg = msg
        self.value = value
        self.loc = loc


class ValidationError(ValueError):
    """Bad input: every failing field, with its path, a message and the input."""

    __slots__ = ("_entries", "_text", "title")

    def __init__(self, title: str, line_errors: Sequence[ErrorDetails | Entry]) -> None:
        self.title = title
        self._entries = [_as_entry(e) for e in line_errors]
        self._text: str | None = None
        super().__init__(title)

    @classmethod
    def of(cls, title: str, entries: list[Entry]) -> ValidationError:
        """An error holding ``entries`` as they are: no copy of a list that may be a million long."""
        exc = ValueError.__new__(cls, title)  # args set here: no __init__ call
        exc.title = title
        exc._entries = entries
        exc._text = None
        return exc

    def __str__(self) -> str:
        # Rendered on first use: a rejected million-item list must not pay for a
        # million-line message at every level it passes through.
        if self._text is None:
            self._text = self._render()
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def errors(self) -> list[ErrorDetails]:
        """The failing fields, in input order, as a fresh list of dicts."""
        return [as_dict(kind, loc, msg, value) for kind, loc, msg, value in self._entries]

    def error_count(self) -> int:
        """How many fields failed."""
        return len(self._entries)

    def _render(self) -> str:
        count = len(self._entries)
        noun = "error" if count == 1 else "errors"
        lines = [f"{count} validation {noun} for {self.title}"]
        for kind, loc, msg, value in self._entries:
            lines.append(f"  {format_path(loc)}: {msg} [type={kind}, input={_short_repr(value)}]")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.title, self._entries))


def _as_entry(err: ErrorDetails | Entry) -> Entry:
    if isinstance(err, tuple):
        return err
    return (err["type"], tuple(err["loc"]), err["msg"], err["input"])


class SerializationError(ValueError):
    """A value that cannot be written as JSON (an unknown type, bytes that are not UTF-8,
    a set as a dict key), with the path to it from the model being dumped."""

    def __init__(self, reason: str, loc: Loc = ()) -> None:
        self.reason = reason
        self.loc = tuple(loc)
        super().__init__(reason)

    def at(self, part: Any) -> SerializationError:
        """This error seen one level up: ``part`` (a field, a key or an index) before its path."""
        return SerializationError(self.reason, (part if isinstance(part, (str, int)) else repr(part), *self.loc))

    def __str__(self) -> str:
        return f"{format_path(self.loc)}: {self.reason}" if self.loc else self.reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, self.loc))


#: how pydantic words these errors when the input was JSON text: (type, message)
_JSON_WORDING = {
    "dict_type": ("dict_type", "Input should be an object"),
    "model_type": ("model_type", "Input should be an object"),
    "model_attributes_type": ("model_type", "Input should be an object"),  # no objects in JSON
    "list_type": ("list_type", "Input should be a valid array"),
    "set_type": ("set_type", "Input should be a valid array"),
    "time_delta_type": ("time_delta_type", "Input should be a valid duration"),
}
_TIMEDELTA_REASON = "Input should be a valid timedelta, "


def json_worded(errors: Iterable[ErrorDetails | Entry]) -> list[Entry]:
    """``errors`` as pydantic reports them for JSON text rather than Python objects: an
    "object" where Python has a dictionary, an "array" for a list or set, a "duration".

    Entries worded the same either way are kept as they are, not copied.
    """
    out = []
    for err in errors:
        item = _as_entry(err)
        kind, loc, msg, value = item
        worded = _JSON_WORDING.get(kind)
        if worded is not None:
            item = (worded[0], loc, worded[1], value)
        elif kind == "time_delta_parsing" and msg.startswith(_TIMEDELTA_REASON):
            item = (kind, loc, "Input should be a valid duration, " + msg[len(_TIMEDELTA_REASON) :], value)
        out.append(item)
    return out


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
NOT_UNICODE = "Input should be a valid string, unable to parse raw data as a unicode string"
#: error kinds of values pydantic reads as UTF-8 text first: with a lone surrogate in the
#: text, that read fails before the parse does
_PARSES_TEXT = frozenset(
    {
        "uuid_parsing",
        "enum",
        "literal_error",
        "int_parsing",
        "float_parsing",
        "bool_parsing",
        "time_delta_parsing",
        "datetime_parsing",
        "datetime_from_date_parsing",
    }
)


def has_lone_surrogate(value: Any) -> bool:
    """Whether ``value`` is text holding half of a surrogate pair (not valid Unicode)."""
    return isinstance(value, str) and not value.isascii() and _LONE_SURROGATE.search(value) is not None


def detail(kind: str, loc: Loc, msg: str, value: Any) -> Entry:
    """One error entry, for ``ValidationError``; its path is derived from ``loc`` when shown."""
    return (kind, loc, msg, value)


def as_dict(kind: str, loc: Loc, msg: str, value: Any) -> ErrorDetails:
    """One entry as ``errors()`` gives it, with its path."""
    return {"type": kind, "loc": loc, "path": format_path(loc), "msg": msg, "input": value}


_NESTED_TOO_DEEPLY = "Input is nested too deeply"


def entries(exc: BaseException, loc: Loc, source: Any) -> list[Entry]:
    """Turn what one of lightschema's own hooks raised into error entries under ``loc``.

    ``source`` is the input that failed, reported for errors that carry no input of their
    own. cattrs' exception groups are read by ``_cattrs_errors.entries``. A MemoryError is
    raised again: running out of memory is no fault of the input.
    """
    if isinstance(exc, InvalidValue):  # the usual: one bad value
        return [invalid_entry(exc, loc)]
    if isinstance(exc, ValidationError):
        if not loc:  # entries are never changed once made, so they can be shared
            return exc._entries
        return [(kind, loc + at, msg, value) for kind, at, msg, value in exc._entries]
    if isinstance(exc, RecursionError):
        return [("recursion_loop", loc, _NESTED_TOO_DEEPLY, None)]
    if isinstance(exc, MemoryError):
        raise exc
    return [("value_error", loc, f"Value error, {exc}", source)]


def invalid_entry(exc: InvalidValue, loc: Loc) -> Entry:
    """The entry of one bad value under ``loc``."""
    kind, value = exc.kind, exc.value
    if kind in _PARSES_TEXT and has_lone_surrogate(value):
        return ("string_unicode", loc + exc.loc, NOT_UNICODE, value)
    return (kind, loc + exc.loc, exc.msg, value)


#: the name hooks in other modules read errors by
flatten = entries
