"""The command line: validate, dump and describe Prefect payloads without Prefect.

``python -m lightschema validate --model FlowRun runs.jsonl`` checks every object and
prints each invalid one's failing paths, then a summary; ``dump`` writes the
normalised wire JSON of the valid ones; ``schema`` prints a model's JSON Schema;
``models`` lists the model names. Exit status: 0 all valid, 1 some invalid, 2 the job
could not be done (usage error; unreadable, empty or malformed input; output not
written), 3 internal error, 130 interrupted, 141 output pipe closed (see ``EXIT_*``).

Input is read as a stream so large files, and bad or endless input, run in bounded
memory: JSON Lines a line at a time, a JSON array an item at a time. Only a single
(non-array) JSON document spread over several lines is read whole. Text that came
from the input or the command line is printed through :func:`printable`.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Literal, NoReturn

from lightschema import objects, schedules
from lightschema._base import PrefectBaseModel, json_depth_offset, structure_json_value, validate_json_text
from lightschema._schema import model_json_schema
from lightschema.errors import ErrorDetails, ValidationError

__all__ = ["InputError", "Progress", "iter_documents", "main", "model_registry", "printable"]

#: how the input was laid out, which ``dump`` mirrors by default
InputKind = Literal["empty", "jsonl", "array", "document"]

_CHUNK = 1 << 16
_WHITESPACE = " \t\n\r"


def _trailing_comma_message() -> str | None:
    """What the stdlib's JSON reader says of an array's trailing comma, at the comma (Python
    3.13 and later: "Illegal trailing comma ..."); None where it reports the missing value
    after the comma instead, as the array reader then does too."""
    try:
        json.loads("[1,]")
    except json.JSONDecodeError as exc:
        return exc.msg if exc.pos == 2 else None
    return None


_TRAILING_COMMA = _trailing_comma_message()


def model_registry() -> dict[str, type[PrefectBaseModel]]:
    """Every model the command line knows, by class name: the objects and the schedules."""
    found: dict[str, type[PrefectBaseModel]] = {}
    for module in (objects, schedules):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, PrefectBaseModel):
                found[name] = value
    return found


class InputError(Exception):
    """The input cannot be read as JSON at all (as opposed to one invalid object)."""


class _ReadFailure(Exception):
    """Reading the input failed (an OSError), reported with the input's name."""

    def __init__(self, exc: OSError) -> None:
        super().__init__(exc.strerror or str(exc))


class _CountingReader:
    """A binary stream that counts the bytes taken from it, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readline(self, size: int = -1) -> bytes:
        try:
            line = self._raw.readline(size)
        except OSError as exc:
            raise _ReadFailure(exc) from None
        self.count += len(line)
        return line

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._raw.read(size)
        except OSError as exc:
            raise _ReadFailure(exc) from None
        self.count += len(data)
        return data


#: what the first non-blank line is on its own: a whole JSON value, the start of one that
#: later lines may finish, or text no later line can mend
LineState = Literal["complete", "unfinished", "broken"]


def _first_line(line: bytes, title: str) -> tuple[LineState, Any]:
    """The state of the input's first non-blank line, with its value or its ValidationError."""
    try:
        return "complete", validate_json_text(line, title)
    except ValidationError as exc:
        error = exc
    try:
        text = line.decode("utf-8").rstrip(_WHITESPACE)
        json.loads(text)
    except json.JSONDecodeError as exc:
        # Strings, numbers and literals cannot span lines: only an error at the very end
        # (a missing value, delimiter or closing bracket) can be mended by what follows.
        if exc.pos >= len(text) and not exc.msg.startswith("Unterminated string"):
            return "unfinished", error
    except (ValueError, RecursionError):  # bad UTF-8, a huge number, deep nesting
        pass
    return "broken", error


def _is_whole_line(head: bytes) -> bool:
    """Whether a ``readline(_CHUNK)`` got its whole line (only at the end is one cut short)."""
    return head.endswith(b"\n") or len(head) < _CHUNK


class _Documents:
    """The objects of one input, each with where it was found: ``line 3``, ``[12]`` or ``document``.

    The layout comes from the first non-blank line: an array, streamed, if it opens one
    (unless it is a whole array with more lines after it, which is JSON Lines); JSON
    Lines if it is an object, or any other whole value or broken text with more lines
    after it; else a single document. ``kind`` says which once the first object is out
    (or the input is exhausted: then it stays "empty").

    Little is read beyond the value being decoded (one line, array item or document):
    a buffer, and once the line after the first (to tell JSON Lines from a lone value),
    so bad input costs no more memory than good. Values that are not valid JSON come out
    as a ``ValidationError`` in place of the value when the input is JSON Lines (the next
    line can still be read); in an array or a single document they raise
    :class:`InputError` as soon as the reader reaches them, since nothing after them can
    be trusted.
    """

    def __init__(self, reader: _CountingReader, title: str) -> None:
        self._reader = reader
        self._title = title
        self.kind: InputKind = "empty"

    def _nonblank(self, line_no: int) -> tuple[int, bytes]:
        """The number and start (a bounded read) of the next line that is not blank; b"" at the end."""
        head = self._reader.readline(_CHUNK)
        while head and not head.strip():
            line_no += head.count(b"\n")
            head = self._reader.readline(_CHUNK)
        return line_no, head

    def _whole_line(self, head: bytes) -> bytes:
        """``head`` (a bounded read) with the rest of its line."""
        return head if _is_whole_line(head) else head + self._reader.readline()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        line_no, head = self._nonblank(1)
        if not head:
            return
        is_array = head.lstrip().startswith(b"[")
        if is_array and not _is_whole_line(head):
            # A long first line that opens an array: a whole array may sit on one line.
            self.kind = "array"
            yield from _JsonStream(self._reader, head, line_no).array_items()
            return
        head = self._whole_line(head)
        state, first = _first_line(head, self._title)
        if state == "complete" and isinstance(first, dict):
            self.kind = "jsonl"
            yield f"line {line_no}", first
            yield from self._lines(line_no + 1, self._reader.readline())
            return
        if is_array and state != "complete":  # a pretty-printed array, or one broken on its first line
            self.kind = "array"
            yield from _JsonStream(self._reader, head, line_no).array_items()
            return
        if state == "unfinished":
            self.kind = "document"
            # positions in a document count from its first non-blank line, as ever
            yield "document", _JsonStream(self._reader, head, 1, byte_offsets=True).document(self._title)
            return
        # A whole value that is not an object, or broken text: JSON Lines if more follows.
        next_no, following = self._nonblank(line_no + 1)
        if following:
            self.kind = "jsonl"
            yield f"line {line_no}", first
            yield from self._lines(next_no, self._whole_line(following))
        elif is_array:
            self.kind = "array"
            yield from _JsonStream(self._reader, head, line_no).array_items()
        elif state == "complete":
            self.kind = "document"
            yield "document", first
        else:
            self.kind = "document"
            raise InputError(first.errors()[0]["msg"])

    def _lines(self, line_no: int, line: bytes) -> Iterator[tuple[str, Any]]:
        """JSON Lines from line ``line_no`` on, that line (whole) being ``line``."""
        while line:
            if line.strip():
                try:
                    value: Any = validate_json_text(line, self._title)
                except ValidationError as exc:
                    value = exc
                yield f"line {line_no}", value
            line = self._reader.readline()
            line_no += 1


class _JsonStream:
    """JSON values decoded from a stream: an array's items one at a time, or one document.

    Decodes a buffer that holds only what has not been consumed yet. A value that
    cannot be decoded, or that ends exactly at the end of the buffer (a number may
    go on), is retried with more input only while the failure could be the buffer's
    end cutting it (see :func:`_maybe_cut`): a value broken early is reported at once,
    without reading on. Reads grow with the buffer so one large item costs linear,
    not quadratic, work.
    """

    def __init__(self, reader: _CountingReader, head: bytes, line_no: int, *, byte_offsets: bool = False) -> None:
        self._reader = reader
        self._text = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = line_no - 1  # newlines in text already dropped from the buffer
        self._column_base = 0  # characters since the last dropped newline
        self._byte_offsets = byte_offsets  # whether a UTF-8 error says where, as a whole document's does
        self._bytes_in = 0  # bytes given to the UTF-8 decoder so far
        self._start = 0
        self._append(head)

    def array_items(self) -> Iterator[tuple[str, Any]]:
        """The items of the array that the input starts with, then nothing but whitespace."""
        self._pos = self._buf.index("[") + 1
        index = 0
        if self._next_char() == "]":
            self._pos += 1
        else:
            while True:
                yield f"[{index}]", self._value()
                index += 1
                char = self._next_char()
                if char not in (",", "]"):
                    self._fail("Expecting ',' delimiter", self._pos)
                if char == "]":
                    self._pos += 1
                    break
                if _TRAILING_COMMA is not None and self._after_comma() == "]":
                    self._fail(_TRAILING_COMMA, self._pos)
                self._pos += 1
        if self._next_char():
            self._fail("Extra data", self._pos)

    def document(self, title: str) -> Any:
        """The one value the input holds, then nothing but whitespace."""
        self._value()
        text = self._buf[self._start : self._pos]
        if self._next_char():
            self._fail("Extra data", self._pos)
        try:  # read again as a whole, as every line of JSON Lines is (the same checks, orjson)
            return validate_json_text(text, title)
        except ValidationError as exc:
            raise InputError(exc.errors()[0]["msg"]) from None

    def _append(self, data: bytes, final: bool = False) -> None:
        pending = len(self._text.getstate()[0])
        try:
            text = self._text.decode(data, final)
        except UnicodeDecodeError as exc:
            where = f" at byte {self._bytes_in - pending + exc.start}" if self._byte_offsets else ""
            raise InputError(f"Invalid JSON: invalid UTF-8{where}") from None
        self._bytes_in += len(data)
        if not text:
            return  # nothing new: keep the buffer (and the positions into it) as they are
        dropped = self._buf[: self._pos]
        newlines = dropped.count("\n")
        if newlines:
            self._lines_before += newlines
            self._column_base = len(dropped) - dropped.rindex("\n") - 1
        else:
            self._column_base += len(dropped)
        self._buf = self._buf[self._pos :] + text
        self._pos = 0

    def _fill(self) -> bool:
        """Read more input into the buffer; False at the end of the input."""
        if self._eof:
            return False
        data = self._reader.read(max(_CHUNK, len(self._buf)))
        if not data:
            self._eof = True
            self._append(b"", final=True)
            return False
        self._append(data)
        return True

    def _next_char(self) -> str:
        """Skip whitespace; the next character, or "" at the end of the input."""
        while True:
            buf = self._buf
            pos = self._pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def _after_comma(self) -> str:
        """The next character after the comma at the position, whitespace skipped, or "" at the
        end of the input; the comma stays in the buffer, so an error can point at it."""
        skip = 1
        while True:
            buf = self._buf
            pos = self._pos + skip
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            if pos < len(buf):
                return buf[pos]
            skip = pos - self._pos
            if not self._fill():
                return ""

    def _value(self) -> Any:
        """The value at the position, which moves past it (``_start`` keeps where it began)."""
        if not self._next_char():
            self._fail("Expecting value", self._pos)
        while True:
            try:
                value, end = self._json.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if _maybe_cut(exc, len(self._buf)) and self._fill():
                    continue
                self._fail(exc.msg, exc.pos)
            except RecursionError:
                at = json_depth_offset(self._buf[self._pos :])
                if at is not None:  # the reference's parser stops there: say so, at that value
                    self._fail("recursion limit exceeded", self._pos + at)
                raise InputError("Invalid JSON: nested too deeply") from None
            except ValueError:  # an integer literal longer than Python will convert
                raise InputError("Invalid JSON: number out of range") from None
            if end == len(self._buf) and self._fill():
                continue
            # A number cut by the end of a chunk ("0" of "0.5") decodes too early: read on.
            if self._buf[end : end + 1] in _NUMBER_TAIL and _is_number(value) and self._fill():
                continue
            self._start, self._pos = self._pos, end
            return value

    def _fail(self, msg: str, pos: int) -> Any:
        before = self._buf[:pos]
        line = self._lines_before + before.count("\n") + 1
        column = pos - before.rindex("\n") if "\n" in before else self._column_base + pos + 1
        raise InputError(f"Invalid JSON: {msg} at line {line} column {column}")


_NUMBER_TAIL = frozenset("0123456789.eE+-")

#: the most characters between where the stdlib reports an error and the end of text that
#: was cut short of a valid value: a literal's prefix (``-Infinit``: "Expecting value" at
#: the ``-``), a number's (``1.5e+``), a ``\\u`` escape's; with room to spare
_CUT_TAIL = 16


def _maybe_cut(exc: json.JSONDecodeError, length: int) -> bool:
    """Whether more input could mend this error in text of ``length`` characters.

    An error well before the end is final: no later text changes what was wrong there.
    An unterminated string is reported at its start but always runs to the end.
    """
    return exc.msg.startswith("Unterminated string") or length - exc.pos <= _CUT_TAIL


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def iter_documents(stream: IO[bytes], title: str = "input") -> Iterator[tuple[str, Any]]:
    """Each object of a JSON object, JSON array or JSON Lines stream, with its position.

    See :class:`_Documents` for how bad JSON is reported.
    """
    return iter(_Documents(_CountingReader(stream), title))


class Progress:
    """A one-line progress report on a terminal, redrawn at most every ``interval`` seconds.

    Silent for the first ``delay`` seconds, so short runs print nothing, and
    entirely off when disabled (stderr is not a terminal).
    """

    def __init__(
        self,
        stream: IO[str],
        total_bytes: int | None,
        *,
        enabled: bool,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.2,
        delay: float = 0.5,
    ) -> None:
        self._stream = stream
        self._total = total_bytes
        self.enabled = enabled
        self._clock = clock
        self._interval = interval
        self._started = clock()
        self._next = self._started + delay
        self._width = 0

    def update(self, objects_read: int, invalid: int, bytes_read: int) -> None:
        """Redraw the line if it is time to."""
        if not self.enabled:
            return
        now = self._clock()
        if now < self._next:
            return
        self._next = now + self._interval
        elapsed = now - self._started
        rate = objects_read / elapsed if elapsed > 0 else 0.0
        counts = f"{objects_read:,} objects, {invalid:,} invalid, {rate:,.0f} objects/s"
        if self._total:
            done = min(bytes_read / self._total, 1.0)
            filled = int(done * 30)
            text = f"[{'#' * filled}{'.' * (30 - filled)}] {done:4.0%} {counts}"
        else:
            text = f"{bytes_read / 1_000_000:,.1f} MB, {counts}"
        self._draw(text)

    def clear(self) -> None:
        """Wipe the line, e.g. before other output goes to the same terminal."""
        if self._width:
            self._draw("")
            self._width = 0

    def _draw(self, text: str) -> None:
        self._stream.write("\r" + text.ljust(self._width))
        if not text:
            self._stream.write("\r")
        self._width = len(text)
        self._stream.flush()


# -- commands -------------------------------------------------------------------------------

#: exit statuses; the README's table lists them all
EXIT_VALID = 0  # every object valid (and --help, schema, models)
EXIT_INVALID = 1  # some object invalid, each reported
EXIT_ERROR = 2  # the job could not be done: usage, unreadable, empty or malformed input, output
EXIT_INTERNAL = 3  # a bug in lightschema: the traceback is printed
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports `yes | head -1`'s yes

# Characters never printed as they are: C0 and C1 controls and DEL (terminal escape
# sequences, line breaks that would fake a report line), the line and paragraph
# separators, the bidirectional overrides (text shown in another order than it is), and
# lone surrogates (no UTF-8 for them: a file name's bytes that are not UTF-8 arrive as
# such, and are shown as the bytes). Other text, Unicode included, stays as it is.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, e.g. in a file name (surrogateescape)
        code -= 0xDC00
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` safe for a terminal: what came from the input cannot move the cursor, recolour,
    retitle or reorder the screen. Controls are shown as Python escapes (``\\x1b``)."""
    return _UNSAFE.sub(_escape_char, text)


class _Usage(Exception):
    """A usage or input error: reported on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its error messages (which quote arguments, file names among them) escaped."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {printable(message)}\n")


def _model(name: str) -> type[PrefectBaseModel]:
    models = model_registry()
    cls = models.get(name)
    if cls is None:
        raise _Usage(f"unknown model {name!r}; try one of: {', '.join(sorted(models))}")
    return cls


@contextlib.contextmanager
def _open_input(path: str) -> Iterator[tuple[IO[bytes], int | None]]:
    """The input as a binary stream, with its size when it is a regular file."""
    if path == "-":
        if sys.stdin is None:
            raise _Usage("cannot read -: there is no standard input")
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text stream put in place of stdin (tests, embedding)
            raw = io.BytesIO(sys.stdin.read().encode("utf-8"))
        yield raw, None
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below
        size = os.fstat(stream.fileno()).st_size
    except OSError as exc:
        raise _Usage(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        yield stream, size or None


def _report_invalid(out: IO[str], position: str, title: str, errors: list[ErrorDetails]) -> None:
    out.write(f"{position}: invalid {title}\n")
    for err in errors:
        out.write(f"  {printable(err['path'])}: {printable(err['msg'])}\n")


def _summary(title: str, total: int, invalid: int, elapsed: float) -> str:
    rate = total / elapsed if elapsed > 0 else float("inf")
    return f"{total} {title} objects read, {total - invalid} valid, {invalid} invalid ({rate:,.0f} objects/s)\n"


class _ArrayWriter:
    """Writes JSON texts as one JSON array, one item a line, without holding them."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._count = 0

    def write(self, text: str) -> None:
        self._out.write(("[\n" if self._count == 0 else ",\n") + text)
        self._count += 1

    def close(self) -> None:
        self._out.write("[]\n" if self._count == 0 else "\n]\n")


def _run(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """``validate`` and ``dump``: one pass over the input, reporting invalid objects."""
    cls = _model(args.model)
    title = cls.__name__
    dumping = args.command == "dump"
    reports = err if dumping else out
    total = invalid = 0
    started = time.perf_counter()
    with _open_input(args.path) as (raw, size):
        reader = _CountingReader(raw)
        documents = _Documents(reader, args.path)
        progress = Progress(err, size, enabled=not args.no_progress and err.isatty())
        writer: _ArrayWriter | None = None
        try:
            for position, value in documents:
                total += 1
                try:
                    if isinstance(value, ValidationError):
                        raise value
                    obj = structure_json_value(value, cls)
                except ValidationError as exc:
                    invalid += 1
                    progress.clear()
                    _report_invalid(reports, position, title, exc.errors())
                else:
                    if dumping:
                        fmt = args.format if args.format != "auto" else _auto_format(documents.kind)
                        if fmt == "json":
                            writer = writer or _ArrayWriter(out)
                            writer.write(obj.model_dump_json())
                        else:
                            out.write(obj.model_dump_json() + "\n")
                progress.update(total, invalid, reader.count)
        except InputError as exc:
            raise _Usage(f"{args.path}: {exc}") from None
        except _ReadFailure as exc:
            raise _Usage(f"cannot read {args.path}: {exc}") from None
        except MemoryError:
            raise _Usage(
                f"{args.path}: out of memory: one JSON value (a line, an array item or the document) is too large"
            ) from None
        finally:
            progress.clear()
    if documents.kind == "empty":  # e.g. a failed `curl ... | lightschema validate -`
        raise _Usage(f"{args.path}: no JSON value: the input is empty or only whitespace")
    if dumping:
        fmt = args.format if args.format != "auto" else _auto_format(documents.kind)
        if writer is not None:
            writer.close()
        elif fmt == "json":
            out.write("[]\n")
    summary = _summary(title, total, invalid, time.perf_counter() - started)
    reports.write(summary)
    return EXIT_INVALID if invalid else EXIT_VALID


def _auto_format(kind: InputKind) -> Literal["json", "jsonl", "single"]:
    if kind == "array":
        return "json"
    if kind == "document":
        return "single"
    return "jsonl"


def _schema(args: argparse.Namespace, out: IO[str]) -> int:
    cls = _model(args.model)
    out.write(json.dumps(model_json_schema(cls, mode=args.mode), indent=args.indent) + "\n")
    return EXIT_VALID


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lightschema",
        description="Validate, normalise and describe Prefect 3.9.1 payloads without Prefect.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in (
        ("validate", "check that JSON objects are valid instances of a model"),
        ("dump", "write the normalised wire JSON of every valid object"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--model", required=True, help="model name, e.g. FlowRun (see `lightschema models`)")
        sub.add_argument("path", help="a JSON object, JSON array or JSON Lines file, or - for standard input")
        sub.add_argument("--no-progress", action="store_true", help="never show the progress line on stderr")
        if name == "dump":
            sub.add_argument(
                "--format",
                choices=("auto", "json", "jsonl"),
                default="auto",
                help="json: one array; jsonl: one object a line; auto (default): like the input",
            )
    schema = commands.add_parser("schema", help="print the JSON Schema of a model")
    schema.add_argument("--model", required=True, help="model name, e.g. FlowRun")
    schema.add_argument("--indent", type=int, default=2, help="indentation of the printed schema (default 2)")
    schema.add_argument(
        "--mode",
        choices=("validation", "serialization"),
        default="validation",
        help="what the model reads (default, as the reference's schema) or what dump writes",
    )
    commands.add_parser("models", help="list the model names")
    return parser


def _command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    if args.command == "models":
        out.write("".join(f"{name}\n" for name in sorted(model_registry())))
        return EXIT_VALID
    if args.command == "schema":
        return _schema(args, out)
    return _run(args, out, err)


def _say(err: IO[str], text: str) -> None:
    """Write a message of our own to stderr, which may itself be gone."""
    with contextlib.suppress(OSError, ValueError):
        err.write(text)
        err.flush()


def _silence(*streams: IO[str]) -> None:
    """Point the streams' descriptors at /dev/null, so that Python's flush at exit cannot fail
    on a closed pipe (it would print "Exception ignored" and exit 120). The recipe of the
    ``signal`` module's documentation ("Note on SIGPIPE")."""
    for stream in streams:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors and --help
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    out, err = sys.stdout, sys.stderr
    if isinstance(out, io.TextIOWrapper) and codecs.lookup(out.encoding).name != "utf-8":
        out.reconfigure(encoding="utf-8")  # dumps hold any text; never fail on a narrow locale
    try:
        try:
            code = _command(args, out, err)
        except _Usage as exc:
            out.flush()  # what was reported before the error comes first
            _say(err, f"lightschema: {printable(str(exc))}\n")
            return EXIT_ERROR
        out.flush()  # a closed pipe shows here at the latest, not at exit
        return code
    except BrokenPipeError:  # e.g. `lightschema dump ... | head -1`: stop quietly, as `yes | head -1` does
        _silence(out, err)
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        _say(err, "lightschema: interrupted\n")
        return EXIT_INTERRUPTED
    except OSError as exc:  # writing failed (reading is reported as cannot read): a full disk, ...
        _say(err, f"lightschema: cannot write the output: {printable(exc.strerror or str(exc))}\n")
        return EXIT_ERROR
    except Exception:  # noqa: BLE001 - a bug: say so, never exit 1 as if some object were invalid
        _flush(out)
        lines = traceback.format_exc().splitlines()
        _say(err, "lightschema: internal error, please report it:\n" + "".join(printable(x) + "\n" for x in lines))
        return EXIT_INTERNAL
    finally:
        _flush(out)


def _flush(out: IO[str]) -> None:
    """Flush what is left; if that fails, drop it for good (see :func:`_silence`)."""
    try:
        out.flush()
    except (OSError, ValueError):
        _silence(out)
