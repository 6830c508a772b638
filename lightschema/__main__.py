"""The command line: ``python -m lightschema validate --model FlowRun runs.json``.

Reads a JSON object, a JSON array or JSON Lines, structures every object with the
named model, and prints a summary and each invalid object's failing paths.
Exit status: 0 all valid, 1 some invalid, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import IO, Any

from lightschema import objects
from lightschema._base import PrefectBaseModel, validate_json_text
from lightschema.errors import ValidationError


def model_names() -> dict[str, type[PrefectBaseModel]]:
    """Every model of ``lightschema.objects`` by class name."""
    found = {}
    for name in objects.__all__:
        value = getattr(objects, name)
        if isinstance(value, type) and issubclass(value, PrefectBaseModel):
            found[name] = value
    return found


def _documents(stream: IO[str], source: str) -> Iterator[tuple[str, Any]]:
    """Yield (position, parsed value or its ValidationError) for each object.

    A JSON array yields its items; JSON Lines is read a line at a time, so a large
    file runs in bounded memory; anything else is read as one JSON document.
    """
    head = stream.readline()
    while head and not head.strip():
        head = stream.readline()
    if not head.lstrip().startswith("["):
        try:
            first = json.loads(head)
        except ValueError:
            first = None
        if isinstance(first, dict) and head.strip():
            yield "line 1", first
            for line_no, line in enumerate(stream, start=2):
                if line.strip():
                    try:
                        yield f"line {line_no}", validate_json_text(line, source)
                    except ValidationError as exc:
                        yield f"line {line_no}", exc
            return
    document = validate_json_text(head + stream.read(), source)
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield f"[{index}]", item
    else:
        yield "document", document


def _validate(args: argparse.Namespace) -> int:
    models = model_names()
    cls = models.get(args.model)
    if cls is None:
        print(f"unknown model {args.model!r}; try one of: {', '.join(sorted(models))}", file=sys.stderr)
        return 2
    try:
        stream = sys.stdin if args.path == "-" else open(args.path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        print(f"cannot read {args.path}: {exc.strerror}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    total = invalid = 0
    with stream:
        try:
            for position, value in _documents(stream, args.path):
                total += 1
                try:
                    if isinstance(value, ValidationError):
                        raise value
                    cls.model_validate(value)
                except ValidationError as exc:
                    invalid += 1
                    print(f"{position}: invalid {cls.__name__}")
                    for err in exc.errors():
                        print(f"  {err['path']}: {err['msg']}")
        except ValidationError as exc:
            print(f"{args.path}: not JSON: {exc.errors()[0]['msg']}", file=sys.stderr)
            return 2
    elapsed = time.perf_counter() - started
    rate = total / elapsed if elapsed > 0 else float("inf")
    print(f"{total} {cls.__name__} objects read, {total - invalid} valid, {invalid} invalid ({rate:,.0f} objects/s)")
    return 1 if invalid else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="lightschema", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check that JSON objects are valid instances of a model")
    validate.add_argument("--model", required=True, help="model name, e.g. FlowRun")
    validate.add_argument("path", help="a .json or .jsonl file, or - for standard input")
    commands.add_parser("models", help="list the model names")
    args = parser.parse_args(argv)
    if args.command == "models":
        print("\n".join(sorted(model_names())))
        return 0
    return _validate(args)


if __name__ == "__main__":
    sys.exit(main())
