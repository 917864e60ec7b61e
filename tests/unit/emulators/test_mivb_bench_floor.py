"""The benchmark's raw HTTPS floor does exactly the wire work it claims, over verified TLS.

Counted by the emulator (an independent path): one TLS handshake, one login, every form read
once, no write. A CA bundle that does not hold the controller's certificate makes it fail.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import ssl
from pathlib import Path

import pytest
import yaml
from mivb_fixtures import ADDRESS, NEW_PASSWORD, Api, admin, cached_key, seed_state_dir, start

from emulators import x509_builder
from emulators.mivb import certs

REPO = Path(__file__).resolve().parents[3]


def _floor_module():
    spec = importlib.util.spec_from_file_location("bench_floor", REPO / "scripts" / "bench_floor_controllers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inventory(tmp_path: Path, port: int, ca_bundle: Path) -> Path:
    inv = tmp_path / "inventory"
    (inv / "group_vars" / "all").mkdir(parents=True)
    hosts = {
        "all": {
            "vars": {"lab_ca_bundle": str(ca_bundle)},
            "children": {
                "mivb_controllers": {"hosts": {"m1": {"ansible_host": ADDRESS, "ansible_httpapi_port": port}}}
            },
        }
    }
    (inv / "hosts.yml").write_text(yaml.safe_dump(hosts))
    (inv / "group_vars" / "mivb_controllers.yml").write_text("ansible_user: system\n")
    (inv / "group_vars" / "all" / "lab_secrets.yml").write_text(yaml.safe_dump({"lab_admin_password": NEW_PASSWORD}))
    return inv / "hosts.yml"


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_floor_logs_in_once_reads_every_form_once_and_writes_nothing(rc, tmp_path, capsys):
    api = admin(rc)
    forms = api.ok("GET", "/forms")["forms"]
    api.ok("DELETE", "/_emulator/stats")
    hosts = _inventory(tmp_path, rc.https_port, Path(rc.state_dir) / "web_cert.pem")

    assert _floor_module().main(["--inventory", str(hosts), "--threads", "20"]) == 0

    printed = json.loads(capsys.readouterr().out)
    assert printed["controllers"] == 1
    assert printed["requests"] == 4 + len(forms)
    stats = api.ok("GET", "/_emulator/stats")
    assert stats["handshakes"] == {"https": 2}  # the floor's one connection, then this stats read's
    assert stats["logins"] == 1
    assert stats["writes"] == 0
    reads = {k: v for k, v in stats["requests"].items() if k.startswith("GET /api/v1/forms/")}
    assert reads == {f"GET /api/v1/forms/{form}": 1 for form in forms}
    assert stats["requests"]["POST /api/v1/logout"] == 1
    assert NEW_PASSWORD not in json.dumps(printed)


def test_floor_refuses_a_certificate_the_bundle_does_not_vouch_for(rc, tmp_path):
    admin(rc)
    # A bundle with an unrelated self-signed certificate for the same address.
    other = certs.self_signed(cached_key(7), "other", [ADDRESS], dt.datetime.now(dt.UTC), days=30)
    bundle = tmp_path / "other.pem"
    bundle.write_text(x509_builder.cert_pem(other))
    api = Api(rc)
    api.login("system", NEW_PASSWORD)
    api.ok("DELETE", "/_emulator/stats")
    hosts = _inventory(tmp_path, rc.https_port, bundle)
    with pytest.raises(ssl.SSLCertVerificationError):
        _floor_module().main(["--inventory", str(hosts)])
    stats = api.ok("GET", "/_emulator/stats")
    assert stats["logins"] == 0  # the password never went out
    assert stats["requests"] == {}  # nothing was sent over the refused connection


def test_floor_includes_one_maintenance_ssh_login_when_the_lab_has_it(tmp_path, capsys):
    """With the maintenance SSH and FTP ports in the inventory the floor also does LOG-05/MSL/ACC-04's
    least wire work: one SSH login (host key checked), no purge, the FTP greeting only."""
    import asyncssh

    from emulators.mivb.server import ControllerSpec, start_controllers

    seed_state_dir(tmp_path / "m2", "m2")
    spec = ControllerSpec("m2", ADDRESS, str(tmp_path / "m2"), https_port=0, sip_tls_port=None, ip_sets_tls_port=None,
                          test_hooks=True, maintenance_ssh_port=0, ftp_port=0)
    with start_controllers([spec]) as handle:
        rc = handle["m2"]
        api = admin(rc)
        forms = api.ok("GET", "/forms")["forms"]
        public = asyncssh.import_private_key(rc.controller.store.read_pem("ssh_host_key")).export_public_key()
        known = tmp_path / "known_hosts"
        known.write_text(f"[{ADDRESS}]:{rc.maintenance_ssh_port} {public.decode().strip()}\n")
        hosts = _inventory(tmp_path, rc.https_port, Path(rc.state_dir) / "web_cert.pem")
        inv = yaml.safe_load(hosts.read_text())
        inv["all"]["vars"]["mivb_known_hosts_file"] = str(known)
        inv["all"]["children"]["mivb_controllers"]["hosts"]["m1"].update(
            mivb_maintenance_ssh_port=rc.maintenance_ssh_port, mivb_ftp_port=rc.ftp_port)
        hosts.write_text(yaml.safe_dump(inv))
        api.ok("DELETE", "/_emulator/stats")
        assert _floor_module().main(["--inventory", str(hosts)]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["requests"] == 4 + len(forms) + 5
        stats = api.ok("GET", "/_emulator/stats")
        assert stats["ssh_logins"] == 1 and stats["writes"] == 0
        assert not [e for e in api.ok("GET", "/audit_trail")["entries"] if e["action"] == "Purge"]
