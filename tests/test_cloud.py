"""Cloud payloads: workspaces and their URLs, IP allowlists, CSRF tokens, against the reference."""

from __future__ import annotations

import datetime as dt
import ipaddress
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightschema._cloud import (
    IPAllowlistEntry,
    Workspace,
    cloud_ui_url,
)
from lightschema.errors import ValidationError
from tests.oracle import (
    PREFECT_CLOUD_API_URL,
    PREFECT_CLOUD_UI_URL,
    assert_generated_round_trip,
    both_reject,
    conforms,
    temporary_settings,
)
from tests.oracle import ref_objects as ref

ID = "9f3c1a52-7a0e-4c8b-bf34-0b6f2f7d1a11"
ID2 = "4d2e8c61-1b3f-4a5d-8e7c-9f0a1b2c3d4e"
STAMP = "2024-05-06T07:08:09.123456Z"
WORKSPACE = {
    "account_id": ID,
    "account_name": "Acme",
    "account_handle": "acme",
    "workspace_id": ID2,
    "workspace_name": "Prod",
    "workspace_description": "",
    "workspace_handle": "prod",
}


class TestWorkspace:
    @pytest.mark.oracle
    def test_round_trip_ignores_extra_keys(self) -> None:
        assert conforms("Workspace", {**WORKSPACE, "extra": 1}) == WORKSPACE

    def test_handle_and_hash(self) -> None:
        ours = Workspace.model_validate(WORKSPACE)
        assert ours.handle == "acme/prod"
        assert hash(ours) == hash("acme/prod")
        renamed = Workspace.model_validate({**WORKSPACE, "workspace_name": "Other"})
        assert hash(renamed) == hash(ours) and renamed != ours
        assert len({ours, Workspace.model_validate(WORKSPACE)}) == 1

    @pytest.mark.oracle
    def test_handle_and_hash_as_the_reference(self) -> None:
        theirs = ref.Workspace.model_validate(WORKSPACE)
        assert theirs.handle == "acme/prod"
        assert hash(theirs) == hash("acme/prod")

    def test_default_urls(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PREFECT_CLOUD_API_URL", raising=False)
        monkeypatch.delenv("PREFECT_CLOUD_UI_URL", raising=False)
        ours = Workspace.model_validate(WORKSPACE)
        assert ours.api_url() == f"https://api.prefect.cloud/api/accounts/{ID}/workspaces/{ID2}"
        assert ours.ui_url() == f"https://app.prefect.cloud/account/{ID}/workspace/{ID2}"

    @pytest.mark.oracle
    def test_default_urls_as_the_reference(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PREFECT_CLOUD_API_URL", raising=False)
        monkeypatch.delenv("PREFECT_CLOUD_UI_URL", raising=False)
        theirs = ref.Workspace.model_validate(WORKSPACE)
        assert theirs.api_url() == f"https://api.prefect.cloud/api/accounts/{ID}/workspaces/{ID2}"
        assert theirs.ui_url() == f"https://app.prefect.cloud/account/{ID}/workspace/{ID2}"

    @pytest.mark.oracle
    @pytest.mark.parametrize(
        "api",
        [
            "https://api.stg.prefect.dev/api",
            "http://localhost:4200/api",
            "https://api.prefect.cloud/other",
        ],
    )
    def test_configured_api_url_and_derived_ui_url(self, api: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PREFECT_CLOUD_UI_URL", raising=False)
        monkeypatch.setenv("PREFECT_CLOUD_API_URL", api)
        ours = Workspace.model_validate(WORKSPACE)
        theirs = ref.Workspace.model_validate(WORKSPACE)
        with temporary_settings({PREFECT_CLOUD_API_URL: api}):
            assert ours.api_url() == theirs.api_url()
            assert ours.ui_url() == theirs.ui_url()

    def test_configured_ui_url(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PREFECT_CLOUD_UI_URL", "https://ui.example")
        assert cloud_ui_url() == "https://ui.example"
        ours = Workspace.model_validate(WORKSPACE)
        assert ours.ui_url() == f"https://ui.example/account/{ID}/workspace/{ID2}"

    @pytest.mark.oracle
    def test_configured_ui_url_as_the_reference(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PREFECT_CLOUD_UI_URL", "https://ui.example")
        ours = Workspace.model_validate(WORKSPACE)
        with temporary_settings({PREFECT_CLOUD_UI_URL: "https://ui.example"}):
            assert ours.ui_url() == ref.Workspace.model_validate(WORKSPACE).ui_url()

    @pytest.mark.oracle
    def test_rejections(self) -> None:
        got = both_reject("Workspace", {"account_id": "nope"})
        assert [loc for loc, _, _ in got] == [(k,) for k in sorted(WORKSPACE)]


#: an entry's Python dump: the network stays an ``ipaddress`` object
ENTRY_PYTHON_DUMP = {
    "ip_network": ipaddress.IPv4Network("10.0.0.0/8"),
    "enabled": False,
    "description": None,
    "last_seen": None,
}


class TestIPAllowlist:
    @pytest.mark.oracle
    @pytest.mark.parametrize(
        ("raw", "written"),
        [
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("1.2.3.4", "1.2.3.4/32"),
            ("2001:DB8::/32", "2001:db8::/32"),
            # an IPv4-mapped address: written as the running stdlib writes it (dotted from 3.13 on)
            ("::ffff:1.2.3.4", str(ipaddress.IPv6Network("::ffff:1.2.3.4"))),
            ("1.2.3.0/255.255.255.0", "1.2.3.0/24"),
            (16909060, "1.2.3.4/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
        ],
    )
    def test_networks(self, raw: Any, written: str) -> None:
        dumped = conforms(
            "IPAllowlistEntry", {"ip_network": raw, "enabled": True, "description": "office", "last_seen": STAMP}
        )
        assert dumped["ip_network"] == written

    def test_python_dump_keeps_network_objects(self) -> None:
        entry = IPAllowlistEntry.model_validate({"ip_network": "10.0.0.0/8", "enabled": False})
        assert entry.model_dump() == ENTRY_PYTHON_DUMP

    @pytest.mark.oracle
    def test_python_dump_keeps_network_objects_as_the_reference(self) -> None:
        expected = ref.IPAllowlistEntry.model_validate({"ip_network": "10.0.0.0/8", "enabled": False}).model_dump()
        assert expected == ENTRY_PYTHON_DUMP

    @pytest.mark.oracle
    @pytest.mark.parametrize("raw", ["1.2.3.4/24", "x", "", None, 1.5, -1, " 1.2.3.4", "1.2.3.4/33", "01.2.3.4"])
    def test_bad_networks(self, raw: Any) -> None:
        assert both_reject("IPAllowlistEntry", {"ip_network": raw, "enabled": True}) == [
            (("ip_network",), "ip_any_network", "value is not a valid IPv4 or IPv6 network")
        ]

    def test_constructor_checks_network(self) -> None:
        assert IPAllowlistEntry(ip_network="10.0.0.0/8", enabled=True).ip_network == ipaddress.IPv4Network("10.0.0.0/8")  # type: ignore[arg-type]
        with pytest.raises(ValidationError) as caught:
            IPAllowlistEntry(ip_network="10.0.0.1/8", enabled=True)  # type: ignore[arg-type]
        assert str(caught.value) == (
            "1 validation error for IPAllowlistEntry\n"
            "  $.ip_network: value is not a valid IPv4 or IPv6 network [type=ip_any_network, input='10.0.0.1/8']"
        )

    @pytest.mark.oracle
    def test_allowlist_and_nested_errors(self) -> None:
        conforms("IPAllowlist", {"entries": [{"ip_network": "10.0.0.0/8", "enabled": True}]})
        both_reject("IPAllowlist", {"entries": [{"ip_network": "10.0.0.1/8", "enabled": "x"}, 3]})
        both_reject("IPAllowlist", {})

    @pytest.mark.oracle
    def test_my_access_response(self) -> None:
        conforms("IPAllowlistMyAccessResponse", {"allowed": False, "detail": "not on the list"})
        both_reject("IPAllowlistMyAccessResponse", {"allowed": "perhaps"})


@pytest.mark.oracle
class TestCsrfToken:
    def test_round_trip_keeps_naive_expiration_naive(self) -> None:
        dumped = conforms(
            "CsrfToken",
            {
                "id": ID,
                "created": STAMP,
                "updated": STAMP,
                "token": "t",
                "client": "c",
                "expiration": "2030-01-01T00:00:00",
            },
        )
        assert dumped["expiration"] == "2030-01-01T00:00:00"

    def test_rejections(self) -> None:
        both_reject("CsrfToken", {"token": 1, "expiration": "soon"})


# -- generated payloads ----------------------------------------------------------------------

_text = st.text(max_size=10)
_uuids = st.uuids().map(str)
_networks = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.builds(
        lambda a, p: str(ipaddress.ip_network(f"{a}/{p}", strict=False)), st.ip_addresses(v=4), st.integers(0, 32)
    ),
    st.builds(
        lambda a, p: str(ipaddress.ip_network(f"{a}/{p}", strict=False)), st.ip_addresses(v=6), st.integers(0, 128)
    ),
    st.builds(lambda a, p: f"{a}/{p}", st.ip_addresses(), st.integers(0, 130)),
)
_entries = st.fixed_dictionaries(
    {"ip_network": _networks, "enabled": st.booleans()},
    optional={"description": st.none() | _text, "last_seen": st.none() | _text},
)
_stamps = st.datetimes().map(lambda d: d.isoformat()) | st.datetimes(timezones=st.just(dt.timezone.utc)).map(
    lambda d: d.isoformat()
)
STRATEGIES = {
    "Workspace": st.fixed_dictionaries(
        {
            "account_id": _uuids,
            "account_name": _text,
            "account_handle": _text,
            "workspace_id": _uuids,
            "workspace_name": _text,
            "workspace_description": _text,
            "workspace_handle": _text,
        }
    ),
    "IPAllowlistEntry": _entries,
    "IPAllowlist": st.fixed_dictionaries({"entries": st.lists(_entries, max_size=3)}),
    "IPAllowlistMyAccessResponse": st.fixed_dictionaries({"allowed": st.booleans(), "detail": _text}),
    "CsrfToken": st.fixed_dictionaries(
        {"id": _uuids, "created": _stamps, "updated": _stamps, "token": _text, "client": _text, "expiration": _stamps}
    ),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(STRATEGIES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_generated_payloads_conform(name: str, data: st.DataObject) -> None:
    """Reference-made payloads round-trip to identical JSON; reference rejections are ours."""
    assert_generated_round_trip(name, data.draw(STRATEGIES[name]))


@settings(max_examples=30, deadline=None)
@given(handle=st.tuples(_text, _text))
def test_workspace_handle_property(handle: tuple[str, str]) -> None:
    ours = Workspace(
        account_id=uuid.UUID(ID),
        account_name="a",
        account_handle=handle[0],
        workspace_id=uuid.UUID(ID2),
        workspace_name="w",
        workspace_description="",
        workspace_handle=handle[1],
    )
    assert ours.handle == f"{handle[0]}/{handle[1]}"
    assert hash(ours) == hash(ours.handle)
