"""Blocks: block types, schemas, documents and the references that nest them.

Two rules here need more than a field type: web addresses (``logo_url``,
``documentation_url``) are checked and written in the normal form a browser
would use, and secret values in a block document's ``data`` are hidden when the
document is dumped unless the caller passes ``context={"include_secrets": True}``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, ClassVar, Literal
from uuid import UUID

import attrs

from lightschema import _infer
from lightschema._base import ObjectBaseModel, PrefectBaseModel, filter_dump, model
from lightschema._enums import DEFAULT_BLOCK_SCHEMA_VERSION
from lightschema._fields import (
    STRUCTURE,
    UNSTRUCTURE,
    all_of,
    check_unicode,
    constrained,
    name_check,
    optional,
    value_error,
)
from lightschema.errors import InvalidValue, ValidationError, detail

__all__ = [
    "BlockDocument",
    "BlockDocumentReference",
    "BlockSchema",
    "BlockSchemaReference",
    "BlockType",
    "normalize_http_url",
]

# -- web addresses ---------------------------------------------------------------------
#
# The reference types these fields as pydantic's ``HttpUrl``, which parses with the
# WHATWG URL rules: scheme and host lowercased, default port dropped, dot segments
# resolved, an empty path written as ``/``, unsafe characters percent-encoded and
# international host names punycoded. What follows applies those rules to the two
# schemes allowed here.

MAX_URL_LENGTH = 2083
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_STRIPPED = "".join(chr(i) for i in range(0x21))  # C0 controls and space

_FRAGMENT_SET = frozenset(' "<>`')
_QUERY_SET = frozenset(" \"#<>'")
_PATH_SET = frozenset(' "#<>?`{}')
_USERINFO_SET = _PATH_SET | frozenset("/:;=@[\\]^|")
#: characters no host name may hold (WHATWG's forbidden domain code points)
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|%\x7f") | frozenset(chr(i) for i in range(0x20))
_FULLSTOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_SINGLE_DOT = frozenset({".", "%2e"})
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})


def _url_error(reason: str, value: Any) -> InvalidValue:
    return InvalidValue("url_parsing", f"Input should be a valid URL, {reason}", value)


def _encode(text: str, unsafe: frozenset[str]) -> str:
    out = []
    for ch in text:
        if ch in unsafe or ch < " " or ch > "~":
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def _percent_decode(text: str) -> str:
    raw = text.encode("utf-8", "surrogatepass")
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25 and re.fullmatch(rb"[0-9A-Fa-f]{2}", raw[i + 1 : i + 3]):
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8", "replace")


def _ipv4_number(part: str) -> int | None:
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not part:
        return 0
    digits = "0123456789abcdefABCDEF"[: 10 if radix == 10 else 8 if radix == 8 else 22]
    if any(c not in digits for c in part):
        return None
    return int(part, radix)


def _ends_in_number(host: str) -> bool:
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    if last and all("0" <= c <= "9" for c in last):
        return True
    return last[:2] in ("0x", "0X") and all(c in "0123456789abcdefABCDEF" for c in last[2:])


def _parse_ipv4(host: str, value: Any) -> str:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise _url_error("invalid IPv4 address", value)
    nums = [n for n in numbers if n is not None]
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(nums)):
        raise _url_error("invalid IPv4 address", value)
    address = nums[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(nums[:-1]))
    return str(ipaddress.IPv4Address(address))


def _ipv6_text(address: int) -> str:
    """An IPv6 address as WHATWG writes it: the longest run of zero pieces as ``::``."""
    pieces = [(address >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_start, best_len, i = -1, 1, 0
    while i < 8:
        if pieces[i] == 0:
            j = i
            while j < 8 and pieces[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_start < 0:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_len :])
    return f"{head}::{tail}"


_BAD_LABEL_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp", "Zs"})


def _map_label(label: str) -> str:
    if label.isascii():
        return label.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", label).lower())


def _domain_label(label: str, value: Any) -> str:
    label = _map_label(label)
    if any(c in _FORBIDDEN_HOST for c in label):
        raise _url_error("invalid international domain name", value)
    if not label.isascii():
        if any(unicodedata.category(c) in _BAD_LABEL_CATEGORIES for c in label):
            raise _url_error("invalid international domain name", value)
        return "xn--" + label.encode("punycode").decode("ascii")
    if label.startswith("xn--"):
        try:
            decoded = label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            raise _url_error("invalid international domain name", value) from None
        if (
            not decoded
            or decoded.isascii()
            or _map_label(decoded) != decoded
            or any(unicodedata.category(c) in _BAD_LABEL_CATEGORIES for c in decoded)
        ):
            raise _url_error("invalid international domain name", value)
    return label


def _parse_host(text: str, value: Any) -> str:
    if text.startswith("["):
        inner = text[1:-1]
        if not text.endswith("]") or "%" in inner or not inner:
            raise _url_error("invalid IPv6 address", value)
        try:
            return f"[{_ipv6_text(int(ipaddress.IPv6Address(inner)))}]"
        except ValueError:
            raise _url_error("invalid IPv6 address", value) from None
    host = _percent_decode(text)
    if not host.isascii():
        host = host.translate(_FULLSTOPS)
    ascii_host = ".".join(_domain_label(label, value) for label in host.split("."))
    if _ends_in_number(ascii_host):
        return _parse_ipv4(ascii_host, value)
    return ascii_host


def _normalize_path(path: str) -> str:
    segments: list[str] = []
    parts = path.replace("\\", "/")[1:].split("/") if path else [""]
    last = len(parts) - 1
    for index, part in enumerate(parts):
        lowered = part.lower()
        if lowered in _DOUBLE_DOT:
            if segments:
                segments.pop()
            if index == last:
                segments.append("")
        elif lowered in _SINGLE_DOT:
            if index == last:
                segments.append("")
        else:
            segments.append(_encode(part, _PATH_SET))
    return "/" + "/".join(segments)


def normalize_http_url(value: Any) -> str:
    """Check an ``http``/``https`` address and return it in its normal written form.

    Raises ``InvalidValue`` with pydantic's ``HttpUrl`` error kinds and wording.
    """
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if not isinstance(value, str):
        raise InvalidValue("url_type", "URL input should be a string or URL", value)
    check_unicode(value)
    if len(value.encode("utf-8", "surrogatepass")) > MAX_URL_LENGTH:
        raise InvalidValue("url_too_long", f"URL should have at most {MAX_URL_LENGTH} characters", value)
    text = value.strip(_STRIPPED).replace("\t", "").replace("\n", "").replace("\r", "")
    if not value:
        raise _url_error("input is empty", value)
    match = _SCHEME.match(text)
    if match is None:
        raise _url_error("relative URL without a base", value)
    scheme = match.group()[:-1].lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidValue("url_scheme", "URL scheme should be 'http' or 'https'", value)
    rest = text[match.end() :].lstrip("/\\")
    end = next((i for i, ch in enumerate(rest) if ch in "/\\?#"), len(rest))
    authority, tail = rest[:end], rest[end:]

    userinfo = ""
    if "@" in authority:
        at = authority.rfind("@")
        user, _, password = authority[:at].partition(":")
        user, password = _encode(user, _USERINFO_SET), _encode(password, _USERINFO_SET)
        authority = authority[at + 1 :]
        if user or password:
            userinfo = f"{user}:{password}@" if password else f"{user}@"

    port_text: str | None = None
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise _url_error("invalid IPv6 address", value)
        host_text, after = authority[: close + 1], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise _url_error("invalid IPv6 address", value)
        port_text = after[1:] if after else None
    else:
        host_text, colon, port_part = authority.partition(":")
        port_text = port_part if colon else None
    if not host_text:
        raise _url_error("empty host", value)
    host = _parse_host(host_text, value)  # before the port, as the URL standard's parser does
    port: int | None = None
    if port_text:
        if not all("0" <= c <= "9" for c in port_text) or int(port_text) > 65535:
            raise _url_error("invalid port number", value)
        port = int(port_text)

    path, query, fragment = tail, None, None
    hash_at = path.find("#")
    if hash_at >= 0:
        path, fragment = path[:hash_at], _encode(path[hash_at + 1 :], _FRAGMENT_SET)
    question = path.find("?")
    if question >= 0:
        path, query = path[:question], _encode(path[question + 1 :], _QUERY_SET)

    out = [scheme, "://", userinfo, host]
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        out.append(f":{port}")
    out.append(_normalize_path(path))
    if query is not None:
        out.append(f"?{query}")
    if fragment is not None:
        out.append(f"#{fragment}")
    return "".join(out)


def _structure_url(value: Any, _: Any = None) -> str | None:
    return None if value is None else normalize_http_url(value)


def _convert_url(value: Any, instance: Any, field: attrs.Attribute[Any]) -> str | None:
    """Normalise an address given to the constructor directly; bad ones raise ValidationError."""
    try:
        return _structure_url(value)
    except InvalidValue as exc:
        title = type(instance).__name__
        raise ValidationError(title, [detail(exc.kind, (field.name,), exc.msg, exc.value)]) from None


def _url_field() -> Any:
    return attrs.field(
        default=None,
        converter=attrs.Converter(_convert_url, takes_self=True, takes_field=True),
        metadata={STRUCTURE: _structure_url},
    )


# -- secrets ------------------------------------------------------------------------------

#: what the reference writes in place of a secret it does not reveal
OBFUSCATED_SECRET = "********"

_dump_context: ContextVar[Mapping[str, Any] | None] = ContextVar("lightschema_dump_context", default=None)


@contextlib.contextmanager
def dump_context(context: Mapping[str, Any] | None) -> Iterator[None]:
    """Make ``context`` the serialization context of the dumps inside the block.

    ``None`` leaves whatever context an enclosing dump set.
    """
    if context is None:
        yield
        return
    token = _dump_context.set(context)
    try:
        yield
    finally:
        _dump_context.reset(token)


def _is_secret(value: Any) -> bool:
    return not isinstance(value, type) and callable(getattr(value, "get_secret_value", None))


def render_secrets(value: Any, include_secrets: bool) -> Any:
    """Replace every secret in ``value`` (anything with ``get_secret_value``).

    With ``include_secrets`` the secret's own value takes its place; otherwise a
    fixed row of asterisks does, so neither the secret nor its length shows.
    """
    if _is_secret(value):
        return value.get_secret_value() if include_secrets else OBFUSCATED_SECRET
    cls = value.__class__
    if cls is dict:
        return {render_secrets(k, include_secrets): render_secrets(v, include_secrets) for k, v in value.items()}
    if cls is list:
        return [render_secrets(v, include_secrets) for v in value]
    if cls is tuple:
        return tuple(render_secrets(v, include_secrets) for v in value)
    if cls is set:
        return {render_secrets(v, include_secrets) for v in value}
    return value


def _include_secrets() -> bool:
    context = _dump_context.get()
    return bool(context and context.get("include_secrets", False))


def _data_to_json(value: dict[str, Any]) -> Any:
    return _infer.any_to_json(render_secrets(value, _include_secrets()))


class _ContextDump(PrefectBaseModel):
    """``model_dump``/``model_dump_json`` that also take pydantic's ``context`` keyword.

    The only context key that matters is ``include_secrets``: block document data
    is written with its secrets revealed only when it is true.
    """

    __slots__ = ()

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        include: Any = None,
        exclude: Any = None,
        exclude_none: bool = False,
        exclude_defaults: bool = False,
        by_alias: bool | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """This model as a dict; ``context={"include_secrets": True}`` reveals secrets."""
        with dump_context(context):
            data = super().model_dump(mode=mode, exclude_none=exclude_none, exclude_defaults=exclude_defaults)
            if mode == "python":
                _render_python(self, data, _include_secrets())
        if include is not None or exclude is not None:  # after the secrets are rendered
            data = filter_dump(data, include, exclude)
        return data

    def model_dump_json(
        self,
        *,
        include: Any = None,
        exclude: Any = None,
        exclude_none: bool = False,
        exclude_defaults: bool = False,
        by_alias: bool | None = None,
        indent: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> str:
        """This model as JSON text; ``context={"include_secrets": True}`` reveals secrets."""
        with dump_context(context):
            return super().model_dump_json(
                include=include,
                exclude=exclude,
                exclude_none=exclude_none,
                exclude_defaults=exclude_defaults,
                indent=indent,
            )


def _render_python(obj: Any, data: dict[str, Any], include_secrets: bool) -> None:
    """Hide (or reveal) the secrets of the block documents in a python-mode dump."""
    if isinstance(obj, BlockDocument):
        if isinstance(data.get("data"), dict):
            from lightschema.converter import unstructure_python

            data["data"] = unstructure_python(render_secrets(obj.data, include_secrets))
    elif isinstance(obj, BlockDocumentReference):
        for name in ("parent_block_document", "reference_block_document"):
            nested = getattr(obj, name)
            if nested is not None and isinstance(data.get(name), dict):
                _render_python(nested, data[name], include_secrets)


# -- models -------------------------------------------------------------------------------


@model
class BlockType(ObjectBaseModel):
    """A kind of block (``s3-bucket``, ``secret``, ...) with its logo, docs and example."""

    name: str = constrained(name_check)
    slug: str
    logo_url: str | None = _url_field()
    documentation_url: str | None = _url_field()
    description: str | None = None
    code_example: str | None = None
    is_protected: bool = False


@model
class BlockSchema(ObjectBaseModel):
    """One version of a block type's fields, identified by its checksum."""

    checksum: str
    fields: dict[str, Any] = attrs.field(factory=dict)
    block_type_id: UUID | None
    block_type: BlockType | None = None
    capabilities: list[str] = attrs.field(factory=list)
    version: str = DEFAULT_BLOCK_SCHEMA_VERSION


_DOCUMENT_NAME_CHARS = re.compile(r"^[a-z0-9-]*$")
_document_name_check = optional(
    all_of(
        name_check,
        value_error(
            lambda v: _DOCUMENT_NAME_CHARS.match(v) is not None,
            "Block document name must only contain lowercase letters, numbers, and dashes.",
        ),
    )
)
_NAME_REQUIRED = "Value error, Names must be provided for block documents."


def _require_name(values: dict[str, Any]) -> dict[str, Any]:
    """A stored (non-anonymous) document needs a name; judged on the raw input, as the reference does."""
    if not values.get("is_anonymous") and not values.get("name"):
        raise ValidationError("BlockDocument", [detail("value_error", (), _NAME_REQUIRED, values)])
    return values


@model
class BlockDocument(_ContextDump, ObjectBaseModel):
    """A saved block: its data, the schema and type it follows, and what it references.

    Secrets in ``data`` (values with ``get_secret_value``) are written as
    ``********`` unless the dump is given ``context={"include_secrets": True}``.
    """

    name: str | None = constrained(_document_name_check, default=None)
    data: dict[str, Any] = attrs.field(factory=dict, metadata={UNSTRUCTURE: _data_to_json})
    block_schema_id: UUID
    block_schema: BlockSchema | None = None
    block_type_id: UUID
    block_type_name: str | None = None
    block_type: BlockType | None = None
    block_document_references: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    is_anonymous: bool = False

    _before_validate: ClassVar[Callable[[dict[str, Any]], dict[str, Any]]] = staticmethod(_require_name)
    _post_init_on_read: ClassVar[bool] = False  # read: judged on the raw input only (``"0"`` is a name-free text)

    def __attrs_post_init__(self) -> None:
        if not self.is_anonymous and not self.name:
            raise ValidationError(type(self).__name__, [detail("value_error", (), _NAME_REQUIRED, None)])


@model
class BlockSchemaReference(ObjectBaseModel):
    """A block schema nested inside another under ``name``."""

    parent_block_schema_id: UUID
    parent_block_schema: BlockSchema | None = None
    reference_block_schema_id: UUID
    reference_block_schema: BlockSchema | None = None
    name: str


_SAME_DOCUMENT = "Value error, `parent_block_document_id` and `reference_block_document_id` cannot be the same"


def _parent_differs(values: dict[str, Any]) -> dict[str, Any]:
    """A document cannot reference itself; compared on the raw input, as the reference does."""
    parent = values.get("parent_block_document_id")
    reference = values.get("reference_block_document_id")
    if parent and reference and parent == reference:
        raise ValidationError("BlockDocumentReference", [detail("value_error", (), _SAME_DOCUMENT, values)])
    return values


@model
class BlockDocumentReference(_ContextDump, ObjectBaseModel):
    """A block document nested inside another under ``name``."""

    parent_block_document_id: UUID
    parent_block_document: BlockDocument | None = None
    reference_block_document_id: UUID
    reference_block_document: BlockDocument | None = None
    name: str

    _before_validate: ClassVar[Callable[[dict[str, Any]], dict[str, Any]]] = staticmethod(_parent_differs)
    _post_init_on_read: ClassVar[bool] = False  # read: the raw texts are compared, not the UUIDs they spell

    def __attrs_post_init__(self) -> None:
        if self.parent_block_document_id == self.reference_block_document_id:
            raise ValidationError(type(self).__name__, [detail("value_error", (), _SAME_DOCUMENT, None)])
