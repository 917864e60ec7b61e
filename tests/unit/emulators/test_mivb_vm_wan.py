"""Emulator: the ESM VM Options form, the 3300 ICP WAN forms (only on WAN models), the factory
TLS values of a 9.4 system, and the controller-to-controller TLS port serving the device
certificate (real handshakes verifying against the CA)."""

from __future__ import annotations

import datetime as dt
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from mivb_fixtures import ADDRESS, NEW_PASSWORD, Api, admin, seed_state_dir

from emulators import x509_builder as xb
from emulators.mivb.forms import GUIDELINE_SUITES
from emulators.mivb.server import ControllerSpec, start_controllers

NOW = dt.datetime.now(dt.UTC)


def _start(tmp_path, model: str = "Virtual (vMiVB)", name: str = "m1"):
    seed_state_dir(tmp_path / name, name)
    return start_controllers([ControllerSpec(name, ADDRESS, str(tmp_path / name), https_port=0, sip_tls_port=None,
                                             ip_sets_tls_port=None, c2c_tls_port=0, model=model, test_hooks=True)])


@pytest.fixture
def cxi(tmp_path):
    handle = _start(tmp_path, "3300 ICP CXi-II")
    try:
        yield handle["m1"]
    finally:
        handle.stop()


def _audit(api: Api, form: str) -> list[dict]:
    entries = api.ok("GET", "/audit_trail?limit=500")["entries"]
    return [e for e in entries if e.get("form") == form and e["action"] == "Modify"]


def test_factory_values_are_the_guidelines(cxi):
    api = admin(cxi)
    ssm = api.ok("GET", "/forms/system_security_management")["fields"]
    # "the default settings for all applications is High"; the eight suites are the 9.0+ default;
    # TLS 1.2 only (SO4819) is not the factory setting
    assert set(ssm["tls_security_levels"].values()) == {"High"}
    assert ssm["https_cipher_suites"] == GUIDELINE_SUITES and ssm["https_tls_1_2_only"] is False
    vm = api.ok("GET", "/forms/vm_options")["fields"]
    assert vm == {"passcode_minimum_length": 4, "mailbox_lockout_timer": 3,
                  "forward_to_email_method": "Cleartext", "forward_to_email_port": 25}
    assert api.ok("GET", "/forms/wan_settings")["fields"]["wan_access"] == "Enabled"
    assert api.ok("GET", "/forms/pptp")["fields"] == {"pptp_access": "Disabled", "pptp_password_set": False}
    assert api.ok("GET", "/forms/port_forward_table")["fields"] == {"entries": []}


def test_vm_options_limits_audit_and_restart(tmp_path):
    handle = _start(tmp_path)
    try:
        api = admin(handle["m1"])
        for field, value, allowed in (("passcode_minimum_length", 3, {"min": 4, "max": 10}),
                                      ("mailbox_lockout_timer", 61, {"min": 0, "max": 60}),
                                      ("forward_to_email_method", "TLS", ["Cleartext", "STARTTLS", "SSL/TLS"])):
            status, data = api.call("PATCH", "/forms/vm_options", {"fields": {field: value,
                                                                              "forward_to_email_port": 587}})
            assert status == 400 and data["field"] == field and data["allowed"] == allowed
        # refused as a whole: the valid field of the same PATCH was not applied
        assert api.ok("GET", "/forms/vm_options")["fields"]["forward_to_email_port"] == 25
        api.ok("PATCH", "/forms/vm_options", {"fields": {"passcode_minimum_length": 6,
                                                         "forward_to_email_method": "SSL/TLS",
                                                         "forward_to_email_port": 465}})
        changes = _audit(api, "vm_options")[-1]["changes"]
        assert {c["field"] for c in changes} == {"passcode_minimum_length", "forward_to_email_method",
                                                 "forward_to_email_port"}
    finally:
        handle.stop()
    handle = _start(tmp_path)  # same state dir: the configuration survives the restart
    try:
        api = Api(handle["m1"])
        assert api.login("system", NEW_PASSWORD)[0] == 200
        assert api.ok("GET", "/forms/vm_options")["fields"]["forward_to_email_port"] == 465
    finally:
        handle.stop()


def test_an_older_state_file_gains_the_new_forms_at_factory_values(tmp_path):
    import json

    handle = _start(tmp_path)
    handle.stop()
    state_file = tmp_path / "m1" / "state.json"
    state = json.loads(state_file.read_text())
    del state["forms"]["vm_options"]
    del state["secrets"]["pptp_password"]
    state_file.write_text(json.dumps(state))
    handle = _start(tmp_path, "3300 ICP AX")
    try:
        api = admin(handle["m1"])
        assert api.ok("GET", "/forms/vm_options")["fields"]["forward_to_email_port"] == 25
        assert api.ok("GET", "/forms/pptp")["fields"]["pptp_password_set"] is False
    finally:
        handle.stop()


def test_wan_forms_exist_only_on_wan_models(tmp_path, cxi):
    assert {"wan_settings", "pptp", "port_forward_table"} <= set(admin(cxi).ok("GET", "/forms")["forms"])
    handle = _start(tmp_path, "EX Controller", name="ex")
    try:
        api = admin(handle["ex"])
        assert not {"wan_settings", "pptp", "port_forward_table"} & set(api.ok("GET", "/forms")["forms"])
        status, data = api.call("GET", "/forms/wan_settings")
        assert status == 404 and "has no WAN port" in data["message"]
    finally:
        handle.stop()
    with pytest.raises(ValueError, match="model 'CX-3' is not one of"):
        ControllerSpec.from_dict({"name": "x", "address": ADDRESS, "state_dir": str(tmp_path), "model": "CX-3"})


def _entry(port: int, protocol: str = "TCP") -> dict:
    return {"protocol": protocol, "external_port": port, "internal_ip_address": "10.0.0.5", "internal_port": 443}


def test_port_forward_table_limits_and_pptp_secret(cxi):
    api = admin(cxi)
    status, data = api.call("PATCH", "/forms/port_forward_table",
                            {"fields": {"entries": [_entry(1000 + i) for i in range(41)]}})
    assert status == 400 and data["field"] == "entries" and data["allowed"] == {"max_items": 40}
    for bad, field in ((dict(_entry(1), protocol="ICMP"), "entries[0].protocol"),
                       (dict(_entry(1), external_port=0), "entries[0].external_port"),
                       (dict(_entry(1), internal_ip_address="10.0.0"), "entries[0].internal_ip_address")):
        status, data = api.call("PATCH", "/forms/port_forward_table", {"fields": {"entries": [bad]}})
        assert status == 400 and data["field"] == field
    status, data = api.call("PATCH", "/forms/port_forward_table", {"fields": {"entries": [_entry(5), _entry(5)]}})
    assert status == 400 and "forwarded twice" in data["message"]
    table = [_entry(1000 + i, "UDP" if i % 2 else "TCP") for i in range(40)]
    api.ok("PATCH", "/forms/port_forward_table", {"fields": {"entries": table}})
    assert api.ok("GET", "/forms/port_forward_table")["fields"]["entries"] == table
    # PPTP password: write-only, audited masked, checked by verify-secret only
    secret = "Pp-Tunnel-Str0ng!x"
    api.ok("PATCH", "/forms/pptp", {"fields": {"pptp_access": "Enabled", "pptp_password": secret}})
    assert api.ok("GET", "/forms/pptp")["fields"] == {"pptp_access": "Enabled", "pptp_password_set": True}
    assert api.ok("POST", "/forms/pptp/verify-secret", {"field": "pptp_password", "value": secret})["match"]
    entries = api.ok("GET", "/audit_trail?limit=500")["entries"]
    assert secret not in str(entries) and _audit(api, "pptp")


def _verifying_handshake(port: int, root_pem: str, name: str) -> ssl.SSLSocket:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata=root_pem)
    sock = socket.create_connection((ADDRESS, port), timeout=10)
    return ctx.wrap_socket(sock, server_hostname=name)


def test_c2c_port_serves_the_installed_device_certificate_with_its_chain(cxi):
    api = admin(cxi)
    root_key, int_key = xb.new_key(), xb.new_key()
    root = xb.certificate(xb.name("C2C Root"), root_key.public_key(), xb.Issuer(xb.name("C2C Root"), root_key),
                          NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=900), ca=True)
    inter = xb.certificate(xb.name("C2C Issuing"), int_key.public_key(), xb.Issuer.of(root, root_key),
                           NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=800), ca=True)
    # factory: the Mitel legacy certificate, which a peer trusting the CA refuses
    with pytest.raises(ssl.SSLCertVerificationError):
        _verifying_handshake(cxi.c2c_tls_port, xb.cert_pem(root), "m1.c2c.example").close()
    csr = api.ok("POST", "/forms/device_certificate/csr", {"common_name": "m1.c2c.example",
                                                           "subject_alt_names": ["m1.c2c.example", ADDRESS]})
    request = x509.load_pem_x509_csr(csr["csr_pem"].encode())
    leaf = xb.sign_csr(request, xb.Issuer.of(inter, int_key), NOW - dt.timedelta(minutes=1),
                       NOW + dt.timedelta(days=90))
    api.ok("PUT", "/forms/device_certificate", {"certificate_pem": xb.cert_pem(leaf),
                                                "intermediate_pem": xb.cert_pem(inter)})
    fields = api.ok("GET", "/forms/device_certificate")["fields"]
    assert fields["type"] == "ca_signed" and fields["certificate_pem"] == xb.cert_pem(leaf)
    with _verifying_handshake(cxi.c2c_tls_port, xb.cert_pem(root), "m1.c2c.example") as tls:
        assert tls.getpeercert(binary_form=True) == leaf.public_bytes(Encoding.DER)
        assert tls.version() == "TLSv1.2"
