"""The mivb_hardening role through real ansible-playbook runs (httpapi persistent connection)
against an in-process emulator started from factory state."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FACTORY_PASSWORD, MANAGED_PASSWORD, ROOT, start_controller
from mivb_certgen import issue

PASSCODE = "8302719465"
ACCESS_CODE = "49275813"
PLAYBOOK = """\
- name: Harden
  hosts: mivb_controllers
  gather_facts: false
  roles:
    - role: voicesec.mivb.mivb_hardening
  post_tasks:
    - name: Read controller facts
      voicesec.mivb.mivb_facts:
"""


def _host(ctl, tmp: Path, name: str, **extra):
    b = issue(san=ctl.address)
    certs = tmp / name
    certs.mkdir()
    for fname, text in (("cert.pem", b.leaf), ("key.pem", b.key), ("chain.pem", b.intermediate)):
        (certs / fname).write_text(text)
    ca = tmp / f"{name}-ca.pem"
    ca.write_text(Path(ctl.ca_path).read_text() + b.root)
    host = {
        "ansible_host": ctl.address, "ansible_httpapi_port": ctl.port, "ansible_httpapi_ca_path": str(ca),
        "mivb_web_certificate_path": str(certs / "cert.pem"), "mivb_web_private_key_path": str(certs / "key.pem"),
        "mivb_web_chain_path": str(certs / "chain.pem"),
    }
    host.update(extra)
    return host, b


def _inventory(tmp: Path, hosts: dict) -> Path:
    group_vars = {
        "ansible_connection": "ansible.netcommon.httpapi", "ansible_network_os": "voicesec.mivb.mivb",
        "ansible_httpapi_use_ssl": True, "ansible_httpapi_validate_certs": True,
        "ansible_python_interpreter": "{{ ansible_playbook_python }}", "ansible_user": "system",
        "ansible_password": MANAGED_PASSWORD, "mivb_admin_password": MANAGED_PASSWORD,
        "mivb_factory_password": FACTORY_PASSWORD, "mivb_phone_admin_passcode": PASSCODE,
        "mivb_set_registration_access_code": ACCESS_CODE,
    }
    inv = tmp / "hosts.yml"
    inv.write_text(yaml.safe_dump({"all": {"children": {"mivb_controllers": {"hosts": hosts, "vars": group_vars}}}}))
    (tmp / "site.yml").write_text(PLAYBOOK)
    return inv


def play(tmp: Path, *args: str, json_out: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), VOICESEC_REPORT_DIR=str(tmp / "reports"),
               ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=str(tmp / "pc"), ANSIBLE_LOCAL_TEMP=str(tmp / "at"),
               ANSIBLE_HOME=str(tmp / "ah"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    if json_out:
        env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(tmp / "hosts.yml"),
           str(tmp / "site.yml"), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def tasks(proc: subprocess.CompletedProcess, host: str) -> dict[str, dict]:
    data = json.loads(proc.stdout)
    out = {}
    for p in data["plays"]:
        for t in p["tasks"]:
            if host in t["hosts"]:
                # "voicesec.mivb.mivb_hardening : AUTH-02 | ..." -> "AUTH-02 | ..."
                out[t["task"]["name"].split(" : ", 1)[-1]] = t["hosts"][host]
    return out


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mivb_play")
    ctl = start_controller(tmp)
    host, bundle = _host(ctl, tmp, "mivb1")
    _inventory(tmp, {"mivb1": host})
    try:
        yield tmp, ctl, bundle
    finally:
        ctl.handle.stop()


def test_converge_from_factory_then_idempotent_then_check_detects_drift(lab):
    tmp, ctl, bundle = lab
    # 1. converge from factory, -vvv: every control applied, no secret anywhere in the output
    first = play(tmp, "--diff", "-vvv", json_out=False)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    recap = re.search(r"mivb1\s*:\s*ok=(\d+)\s+changed=(\d+).*failed=(\d+)", first.stdout)
    assert recap and int(recap.group(2)) >= 9 and recap.group(3) == "0"
    output = first.stdout + first.stderr
    key_line = bundle.key.splitlines()[5]
    for secret in (MANAGED_PASSWORD, PASSCODE, ACCESS_CODE, key_line):
        assert secret not in output
    assert "set (new value)" in output  # masked secrets still show in the diff
    # independent proof: the factory password is dead, the served leaf is the pushed one
    assert ctl.raw.login(FACTORY_PASSWORD) == 401
    assert ctl.raw.login(MANAGED_PASSWORD) == 200
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import fingerprint, load_certs
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import fetch_served_certificate

    served = load_certs("served", fetch_served_certificate(ctl.address, ctl.port)["certificate_pem"])[0]
    assert fingerprint(served) == fingerprint(bundle.leaf_obj)

    # 2. second run: zero changes, one login, at most one read per form, no write
    ctl.raw.reset_stats()
    second = play(tmp)
    assert second.returncode == 0, second.stdout[-3000:]
    results = tasks(second, "mivb1")
    assert [n for n, r in results.items() if r.get("changed")] == []
    assert len([n for n in results if " | " in n]) == 14
    facts = results["Read controller facts"]["ansible_facts"]["mivb"]
    assert facts["forms"]["system_security_management"]["password_strength"] == "Strong"
    assert facts["forms"]["web_server_certificate"]["sha256_fingerprint"] == fingerprint(bundle.leaf_obj)
    assert PASSCODE not in second.stdout and MANAGED_PASSWORD not in second.stdout
    stats = ctl.raw.stats()
    assert stats["writes"] == 0 and stats["logins"] == 1
    form_gets = {k: v for k, v in stats["requests"].items() if k.startswith("GET /api/v1/forms/")}
    assert form_gets and max(form_gets.values()) == 1
    # Each API request is its own TLS connection; on top of those, CERT-01 and CERT-02 read the
    # served certificate with one handshake between them (cached in the connection), and the
    # stats read above made one more (test hooks are not counted as API requests).
    assert stats["handshakes"]["https"] == sum(stats["requests"].values()) + 1 + 1

    # 3. drift made outside the toolkit; check mode + diff reports exactly it and writes nothing
    status, data = ctl.raw.call("PATCH", "/api/v1/forms/system_security_management",
                                {"fields": {"password_strength": "Weak"}})
    assert status == 200, data
    status, data = ctl.raw.call("PATCH", "/api/v1/forms/system_options", {"fields": {"disa_failed_attempts": 10}})
    assert status == 200, data
    ctl.raw.reset_stats()
    check = play(tmp, "--check", "--diff")
    assert check.returncode == 0, check.stdout[-3000:]
    results = tasks(check, "mivb1")
    changed = {n.split(" | ")[0]: r for n, r in results.items() if r.get("changed")}
    assert set(changed) == {"AUTH-02", "TOLL-02"}
    assert changed["AUTH-02"]["diff"]["before"] == {"password_strength": "Weak"}
    assert changed["AUTH-02"]["diff"]["after"] == {"password_strength": "Strong"}
    assert changed["AUTH-02"]["controls"]["AUTH-02"]["status"] == "drift"
    assert changed["TOLL-02"]["diff"]["before"]["disa_failed_attempts"] == 10
    assert ctl.raw.stats()["writes"] == 0

    # 4. CERT-02: the AUDIT task fails when the served certificate is inside the renewal window
    audit = play(tmp, "--tags", "CERT-02", "-e", "mivb_hardening_cert_renew_days=100000")
    assert audit.returncode != 0
    result = tasks(audit, "mivb1")["CERT-02 | AUDIT | Served certificate is valid for more days than 100000"]
    assert result["failed"] and result["renewal_due"] and "renewal due" in result["msg"]
    assert result["served"]["sha256_fingerprint"] == fingerprint(bundle.leaf_obj)


CONTROLS = ("auth_01", "auth_02", "auth_03", "auth_04", "auth_05", "auth_06", "tls_01", "tls_02", "cert_01",
            "cert_02", "ep_02", "ep_03", "ep_04", "toll_02")


def only(control: str) -> dict:
    """Host vars enabling one control of the role."""
    return {f"mivb_hardening_{c}": c == control for c in CONTROLS}


def _write_bundle(tmp: Path, name: str, cert: str, key: str, chain: str | None) -> dict:
    d = tmp / f"{name}-files"
    d.mkdir()
    (d / "cert.pem").write_text(cert)
    (d / "key.pem").write_text(key)
    out = {"mivb_web_certificate_path": str(d / "cert.pem"), "mivb_web_private_key_path": str(d / "key.pem")}
    if chain:
        (d / "chain.pem").write_text(chain)
        out["mivb_web_chain_path"] = str(d / "chain.pem")
    return out


def test_bad_inputs_fail_clearly_and_push_nothing(tmp_path):
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    wrong = start_controller(tmp_path / "a")
    bad = start_controller(tmp_path / "b")
    try:
        for ctl in (wrong, bad):  # commission both with the managed password first
            ctl.raw.login(FACTORY_PASSWORD)
            ctl.raw.call("POST", "/api/v1/password",
                         {"current_password": FACTORY_PASSWORD, "new_password": MANAGED_PASSWORD})
            ctl.raw.token = None
            ctl.raw.reset_stats()
        with socket.socket() as s:
            s.bind(("127.0.5.251", 0))
            closed_port = s.getsockname()[1]
        good = issue(san=bad.address)
        expired = issue(san=bad.address, start=now - dt.timedelta(days=9), end=now - dt.timedelta(days=2))
        future = issue(san=bad.address, start=now + dt.timedelta(days=3), end=now + dt.timedelta(days=90))
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        der = x509.load_pem_x509_certificate(good.leaf.encode()).public_bytes(serialization.Encoding.DER)
        cases = {
            # host: (control, extra host vars, task name prefix, expected message start)
            "wrongpw": ("auth_06", {"ansible_password": "Wrong#Pass1!Wrong2", "mivb_factory_password": ""},
                        "AUTH-06", "authentication failed"),
            "down": ("auth_06", {"ansible_host": "127.0.5.251", "ansible_httpapi_port": closed_port},
                     "AUTH-06", None),
            "passrun": ("auth_06", {"mivb_phone_admin_passcode": "1234"}, "AUTH-06",
                        "phone_admin_passcode: trivial passcode refused"),
            "passrepeat": ("auth_06", {"mivb_phone_admin_passcode": "1111111111"}, "AUTH-06",
                           "phone_admin_passcode: trivial passcode refused"),
            "passletters": ("auth_06", {"mivb_phone_admin_passcode": "83027l9465"}, "AUTH-06",
                            "phone_admin_passcode: digits 0-9 only"),
            "expiry400": ("auth_04", {"mivb_hardening_password_expiry_days": 400}, "AUTH-04",
                          "password_expiry_days: 400 is outside the allowed range 0-365"),
            "tlsultra": ("tls_01", {"mivb_hardening_tls_security_levels": {"sip": "Ultra"}}, "TLS-01",
                         "tls_security_levels.sip: 'Ultra' is not allowed"),
            "nojustification": ("tls_01", {"mivb_hardening_tls_exceptions": {"mitai": {"level": "Low"}}}, "TLS-01",
                                "tls_exceptions.mitai.justification: a TLS-01 exception"),
            "keymismatch": ("cert_01", _write_bundle(tmp_path, "km", good.leaf, issue().key, good.intermediate),
                            "CERT-01", "private_key: does not match"),
            "certexpired": ("cert_01", _write_bundle(tmp_path, "ce", expired.leaf, expired.key, expired.intermediate),
                            "CERT-01", "certificate: expired on"),
            "certfuture": ("cert_01", _write_bundle(tmp_path, "cf", future.leaf, future.key, future.intermediate),
                           "CERT-01", "certificate: not yet valid"),
            "certnotpem": ("cert_01", _write_bundle(tmp_path, "cn", der.hex(), good.key, None),
                           "CERT-01", "certificate: not a PEM certificate"),
        }
        hosts = {}
        for name, case in cases.items():
            control, extra = case[0], case[1]
            ctl = wrong if name == "wrongpw" else bad
            hosts[name] = _host(ctl, tmp_path, name, **only(control))[0]
            hosts[name].update(extra)
        _inventory(tmp_path, hosts)
        proc = play(tmp_path)
        assert proc.returncode != 0
        for name, case in cases.items():
            cid, expected = case[2], case[3]
            failed = {n: r for n, r in tasks(proc, name).items() if r.get("failed")}
            assert len(failed) == 1, (name, failed)
            task, result = next(iter(failed.items()))
            assert task.startswith(cid + " | "), (name, task)
            if name == "down":
                assert "cannot reach the controller" in result["msg"] or "Could not connect" in result["msg"]
            else:
                assert result["msg"].startswith(expected), (name, result["msg"])
        assert "2 attempt(s) remaining" in tasks(proc, "wrongpw")[next(
            n for n in tasks(proc, "wrongpw") if n.startswith("AUTH-06"))]["msg"]
        for rejected in ("83027l9465", "1111111111", MANAGED_PASSWORD, "Wrong#Pass1!Wrong2"):
            assert rejected not in proc.stdout
        # Nothing reached the controllers: no login, no request at all on the one behind the bad inputs.
        assert bad.raw.stats()["requests"] == {} and bad.raw.stats()["logins"] == 0
        assert wrong.raw.stats()["writes"] == 0
        entries = wrong.raw.audit(MANAGED_PASSWORD)  # not locked: the managed password still logs in
        assert len([e for e in entries if e["action"] == "Login Failed"]) == 1
    finally:
        wrong.handle.stop()
        bad.handle.stop()


EXPIRY_PLAY = """\
- name: Commission, let the session expire, keep working
  hosts: mivb_controllers
  gather_facts: false
  tasks:
    - name: AUTH-01 | PATCH | Factory default password is changed
      voicesec.mivb.admin_password:
        new_password: "{{ mivb_admin_password }}"
    - name: Read the form once (cached afterwards)
      voicesec.mivb.security_settings:
        session_inactivity_minutes: 15
    - name: Idle longer than the session inactivity period (emulator clock)
      ansible.builtin.uri:
        url: "https://{{ ansible_host }}:{{ ansible_httpapi_port }}/_emulator/clock"
        method: POST
        body_format: json
        body: {advance_seconds: 1200}
        validate_certs: false
      delegate_to: localhost
    - name: AUTH-02 | PATCH | Password strength is Strong
      voicesec.mivb.security_settings:
        password_strength: Strong
"""


def test_session_expiry_relogin_uses_the_password_changed_in_this_play(tmp_path):
    ctl = start_controller(tmp_path)
    try:
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "mivb1")[0]})
        (tmp_path / "site.yml").write_text(EXPIRY_PLAY)
        proc = play(tmp_path)
        assert proc.returncode == 0, proc.stdout[-3000:]
        results = tasks(proc, "mivb1")
        assert results["AUTH-02 | PATCH | Password strength is Strong"]["changed"] is True
        stats = ctl.raw.stats()
        # managed password refused once (factory state), factory login, then one re-login after
        # expiry with the password changed by AUTH-01 in this play
        assert stats["logins"] == 2
        entries = ctl.raw.audit(MANAGED_PASSWORD)
        assert len([e for e in entries if e["action"] == "Login Failed"]) == 1
        assert [e["action"] for e in entries].count("Password Change") == 1
    finally:
        ctl.handle.stop()


AUDIT_PLAY = """\
- name: Audit that keeps going past failures (as playbooks/audit.yml)
  hosts: mivb_controllers
  gather_facts: false
  check_mode: true
  ignore_errors: true
  roles:
    - role: voicesec.mivb.mivb_hardening
"""


def test_audit_with_wrong_password_never_locks_the_account(tmp_path):
    ctls = {"nofactory": start_controller(tmp_path / "a"), "withfactory": start_controller(tmp_path / "b")}
    try:
        for ctl in ctls.values():
            ctl.raw.login(FACTORY_PASSWORD)
            ctl.raw.call("POST", "/api/v1/password",
                         {"current_password": FACTORY_PASSWORD, "new_password": MANAGED_PASSWORD})
            ctl.raw.token = None
        hosts = {name: _host(ctl, tmp_path, name, ansible_password="Wrong#Pass1!Wrong2")[0]
                 for name, ctl in ctls.items()}
        hosts["nofactory"]["mivb_factory_password"] = ""
        _inventory(tmp_path, hosts)
        (tmp_path / "site.yml").write_text(AUDIT_PLAY)
        proc = play(tmp_path)
        for name in ctls:
            failed = [n for n, r in tasks(proc, name).items() if r.get("failed")]
            assert len(failed) == 14, (name, failed)  # every control reported, each as an error
        # One session per controller: the rejected password was sent once (plus the factory
        # password once where configured) for the 14 tasks, and the accounts are not locked.
        for name, expected in (("nofactory", 1), ("withfactory", 2)):
            entries = ctls[name].raw.audit(MANAGED_PASSWORD)
            assert len([e for e in entries if e["action"] == "Login Failed"]) == expected, name
            assert not [e for e in entries if e["action"] == "Lockout"]
    finally:
        for ctl in ctls.values():
            ctl.handle.stop()
