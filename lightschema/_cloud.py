"""Prefect Cloud payloads: workspaces, IP allowlists and CSRF tokens."""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
from typing import Any
from uuid import UUID

import attrs

from lightschema._base import ObjectBaseModel, PrefectBaseModel, model
from lightschema._fields import STRUCTURE, UNSTRUCTURE
from lightschema.errors import InvalidValue, ValidationError, detail

__all__ = [
    "DEFAULT_CLOUD_API_URL",
    "CsrfToken",
    "IPAllowlist",
    "IPAllowlistEntry",
    "IPAllowlistMyAccessResponse",
    "IPNetwork",
    "Workspace",
    "cloud_api_url",
    "cloud_ui_url",
]

DEFAULT_CLOUD_API_URL = "https://api.prefect.cloud/api"
_PREFECT_API_HOST = re.compile(r"^https://api[\.\w]*.prefect.[^\.]+/")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def cloud_api_url() -> str:
    """Prefect Cloud's API address: ``PREFECT_CLOUD_API_URL`` if set, else the public one."""
    return os.environ.get("PREFECT_CLOUD_API_URL", DEFAULT_CLOUD_API_URL)


def cloud_ui_url() -> str:
    """Prefect Cloud's UI address: ``PREFECT_CLOUD_UI_URL`` if set, else derived from the API's.

    As in the reference, ``https://api.<...>.prefect.<tld>/...`` becomes
    ``https://app.<...>`` and a trailing ``/api`` is dropped.
    """
    configured = os.environ.get("PREFECT_CLOUD_UI_URL")
    if configured is not None:
        return configured
    url = cloud_api_url()
    if _PREFECT_API_HOST.match(url):
        url = url.replace("https://api", "https://app", 1)
    return url.removesuffix("/api")


@model
class Workspace(PrefectBaseModel):
    """A Prefect Cloud workspace as the ``me/workspaces`` route lists it; hashed by handle."""

    account_id: UUID
    account_name: str
    account_handle: str
    workspace_id: UUID
    workspace_name: str
    workspace_description: str
    workspace_handle: str

    @property
    def handle(self) -> str:
        """``account_handle/workspace_handle``, the name people type."""
        return f"{self.account_handle}/{self.workspace_handle}"

    def api_url(self) -> str:
        """This workspace's API address under the configured Cloud API URL."""
        return f"{cloud_api_url()}/accounts/{self.account_id}/workspaces/{self.workspace_id}"

    def ui_url(self) -> str:
        """This workspace's page under the configured Cloud UI URL."""
        return f"{cloud_ui_url()}/account/{self.account_id}/workspace/{self.workspace_id}"

    def __hash__(self) -> int:
        return hash(self.handle)


_NETWORK_MSG = "value is not a valid IPv4 or IPv6 network"


def parse_network(value: Any) -> IPNetwork:
    """An IPv4 network, else an IPv6 one, read by the stdlib as the reference reads it.

    Host bits must be zero (``10.0.0.0/8``, not ``10.1.2.3/8``); a bare address is a
    network of one.
    """
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return value
    try:
        return ipaddress.IPv4Network(value)
    except (ValueError, TypeError):
        pass
    try:
        return ipaddress.IPv6Network(value)
    except (ValueError, TypeError):
        raise InvalidValue("ip_any_network", _NETWORK_MSG, value) from None


def _structure_network(value: Any, _: Any = None) -> IPNetwork:
    return parse_network(value)


def _convert_network(value: Any) -> IPNetwork:
    try:
        return parse_network(value)
    except InvalidValue as exc:
        raise ValidationError("IPAllowlistEntry", [detail(exc.kind, ("ip_network",), exc.msg, exc.value)]) from None


@model
class IPAllowlistEntry(PrefectBaseModel):
    """One network allowed to reach a Cloud account, written like ``10.0.0.0/8``."""

    ip_network: IPNetwork = attrs.field(
        converter=_convert_network, metadata={STRUCTURE: _structure_network, UNSTRUCTURE: str}
    )
    enabled: bool
    description: str | None = None
    last_seen: str | None = None


@model
class IPAllowlist(PrefectBaseModel):
    """A Cloud account's IP allowlist."""

    entries: list[IPAllowlistEntry]


@model
class IPAllowlistMyAccessResponse(PrefectBaseModel):
    """Whether the caller's own address is allowed, and why."""

    allowed: bool
    detail: str


@model
class CsrfToken(ObjectBaseModel):
    """A CSRF token issued to one client, valid until ``expiration``."""

    token: str
    client: str
    expiration: datetime.datetime
