"""The mivb_hardening role (one controller_config task per controller) through real
ansible-playbook runs against in-process emulators started from factory state.

Every claim is checked through a path the toolkit does not use: the emulator's request
counters, its audit trail read with a separate session, raw API reads and TLS handshakes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FACTORY_PASSWORD, MANAGED_PASSWORD, ROOT, commission, start_controller
from mivb_certgen import issue

from emulators.lab_ca import LabCA

PASSCODE = "8302719465"
ACCESS_CODE = "49275813"
ROLE_TASK = re.compile(r"^AUTH-01 .* \| PATCH \| Controller matches")
PLAYBOOK = """\
- name: Harden
  hosts: mivb_controllers
  gather_facts: false
  tasks:
    - name: Controller hardening role
      ansible.builtin.import_role:
        name: voicesec.mivb.mivb_hardening
        rolespec_validate: false
"""
CONTROL_IDS = ("AUTH-01", "AUTH-02", "AUTH-03", "AUTH-04", "AUTH-05", "AUTH-06", "TLS-01", "TLS-02", "CERT-01",
               "CERT-02", "EP-02", "EP-03", "EP-04", "TOLL-02", "SYS-01", "EP-01", "TOLL-01", "TOLL-03", "TOLL-04",
               "TOLL-05", "ACC-01", "ACC-02", "ACC-03", "AUTH-07", "LOG-01", "LOG-02",
               "LOG-05", "MSL-01", "MSL-02", "ACC-04", "CERT-03", "VM-01", "VM-02")
# EP-01, TOLL-01/03/04 need the inventory's call-control policy (the lab's values).
CALL_CONTROL = {
    "mivb_hardening_pc_port_disabled_cos": [1, 2],
    "mivb_hardening_cor_table": [{"number": 1, "comment": "Executive", "barred_digits": []},
                                 {"number": 10, "comment": "Lobby", "barred_digits": ["0", "1900"]}],
    "mivb_hardening_public_phones": [{"extension": "2000", "cor": 10}],
    "mivb_hardening_interconnect_restrictions": [{"from": 2, "to": 3}],
}
AUDITOR_PASSWORD = "Aud1t!!Reader-2026x"
# The emulated controller is a Virtual (vMiVB): no WAN port, so the guideline's WAN controls do not apply.
NOT_APPLICABLE = ("WAN-01", "WAN-02", "WAN-03")


def _host(ctl, tmp: Path, name: str, **extra):
    b = issue(san=ctl.address)
    certs = tmp / name
    certs.mkdir(parents=True)
    for fname, text in (("cert.pem", b.leaf), ("key.pem", b.key), ("chain.pem", b.intermediate)):
        (certs / fname).write_text(text)
    ca = tmp / f"{name}-ca.pem"
    ca.write_text(Path(ctl.ca_path).read_text() + b.root)
    host = {
        "ansible_host": ctl.address, "ansible_httpapi_port": ctl.port, "ansible_httpapi_ca_path": str(ca),
        "mivb_web_certificate_path": str(certs / "cert.pem"), "mivb_web_private_key_path": str(certs / "key.pem"),
        "mivb_web_chain_path": str(certs / "chain.pem"), **ctl.maintenance_vars(),
    }
    host.update(extra)
    return host, b


def _inventory(tmp: Path, hosts: dict, **group) -> Path:
    device_ca = LabCA(tmp / "device-ca")
    device_ca.ensure()
    group_vars = {
        "ansible_connection": "ansible.netcommon.httpapi", "ansible_network_os": "voicesec.mivb.mivb",
        "ansible_httpapi_use_ssl": True, "ansible_httpapi_validate_certs": True,
        "ansible_python_interpreter": "{{ ansible_playbook_python }}", "ansible_user": "system",
        "ansible_password": MANAGED_PASSWORD, "mivb_admin_password": MANAGED_PASSWORD,
        "mivb_factory_password": FACTORY_PASSWORD, "mivb_phone_admin_passcode": PASSCODE,
        "mivb_set_registration_access_code": ACCESS_CODE, "mivb_hardening_commission": True,
        "mivb_hardening_state_dir": str(tmp / "toolkit-state"), **CALL_CONTROL,
        "mivb_hardening_admin_policies": [{"name": "Auditors", "default_access": "Read Only"}],
        "mivb_hardening_user_profiles": [{"username": "system", "policy": "ROOT"},
                                         {"username": "auditor", "policy": "Auditors", "password": AUDITOR_PASSWORD}],
        # LOG-05 / MSL-02 policy, as the lab's group_vars set it
        "mivb_hardening_pms_log_retention": {"days": 30, "max_entries": 10},
        "mivb_hardening_approved_release": {"mivb": "9.4.1.24", "msl": "11.0.98.0"},
        "mivb_controller_model": "Virtual (vMiVB)",
        # CERT-03: the device certificate signed by a test issuing CA (a CSR made on the controller)
        "mivb_device_cert_common_name": "{{ inventory_hostname }}.c2c.example",
        "mivb_device_ca_certificate_path": str(device_ca.int_cert_path),
        "mivb_device_ca_private_key_path": str(device_ca.int_key_path),
    }
    group_vars.update(group)
    inv = tmp / "hosts.yml"
    inv.write_text(yaml.safe_dump({"all": {"children": {"mivb_controllers": {"hosts": hosts, "vars": group_vars}}}}))
    if not (tmp / "site.yml").exists():
        (tmp / "site.yml").write_text(PLAYBOOK)
    return inv


def play(tmp: Path, *args: str, json_out: bool = True, playbook: str = "site.yml") -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), VOICESEC_REPORT_DIR=str(tmp / "reports"),
               ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=str(tmp / "pc"), ANSIBLE_LOCAL_TEMP=str(tmp / "at"),
               ANSIBLE_HOME=str(tmp / "ah"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    if json_out:
        env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(tmp / "hosts.yml"),
           str(tmp / playbook), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def result(proc: subprocess.CompletedProcess, host: str) -> dict:
    """The controller_config result of one host (the role's only task)."""
    data = json.loads(proc.stdout)
    found = [t["hosts"][host] for p in data["plays"] for t in p["tasks"]
             if host in t["hosts"] and ROLE_TASK.match(t["task"]["name"].split(" : ", 1)[-1])]
    assert len(found) == 1, proc.stdout[-3000:]
    return found[0]


def statuses(res: dict) -> dict[str, str]:
    return {cid: entry["status"] for cid, entry in res["controls"].items()}


def failed_logins(ctl) -> int:
    return len([e for e in ctl.raw.audit(MANAGED_PASSWORD) if e["action"] == "Login Failed"])


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
    # 1. commission and converge from factory, -vvv: one task, every control applied, no secret anywhere
    first = play(tmp, "--diff", "-vvv", json_out=False)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    recap = re.search(r"mivb1\s*:\s*ok=(\d+)\s+changed=(\d+).*failed=(\d+)", first.stdout)
    assert recap and recap.groups() == ("1", "1", "0")
    output = first.stdout + first.stderr
    key_line = bundle.key.splitlines()[5]
    for secret in (MANAGED_PASSWORD, PASSCODE, ACCESS_CODE, key_line, AUDITOR_PASSWORD):
        assert secret not in output
    assert "set (new value)" in output  # masked secrets still show in the diff
    # commissioning used the factory password first: no failed login in the audit trail
    assert failed_logins(ctl) == 0
    # independent proof: the factory password is dead, the served leaf is the pushed one
    assert ctl.raw.login(FACTORY_PASSWORD) == 401
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import fingerprint, load_certs
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import fetch_served_certificate

    served = load_certs("served", fetch_served_certificate(ctl.address, ctl.port)["certificate_pem"])[0]
    assert fingerprint(served) == fingerprint(bundle.leaf_obj)
    ctl.raw.login(MANAGED_PASSWORD)  # a success resets the counter the probe above raised

    # 2. second run: nothing changes, one login, each form read at most once, no write
    ctl.raw.reset_stats()
    second = play(tmp)
    assert second.returncode == 0, second.stdout[-3000:]
    res = result(second, "mivb1")
    assert res["changed"] is False
    assert statuses(res) == {**dict.fromkeys(CONTROL_IDS, "compliant"), **dict.fromkeys(NOT_APPLICABLE,
                                                                                        "not_applicable")}
    assert res["controls"]["WAN-01"]["detail"].startswith("mivb_controller_model is Virtual (vMiVB)")
    steps = ["login", "system_security_management", "web_server_certificate", "served_certificate", "system_options",
             "class_of_service_options", "class_of_restriction", "user_and_services_configuration",
             "interconnect_restriction", "sip_accounts",
             "access", "smdr_options", "device_certificate", "vm_options",
             "pms_logs", "msl_platform", "ftp_access", "audit_trail"]
    assert [s["step"] for s in res["plan"]] == steps
    assert PASSCODE not in second.stdout and MANAGED_PASSWORD not in second.stdout
    stats = ctl.raw.stats()
    assert stats["writes"] == 0 and stats["logins"] == 1
    assert stats["ssh_logins"] == 1  # LOG-05, MSL-01, MSL-02, ACC-04 share one maintenance SSH session
    form_gets = {k: v for k, v in stats["requests"].items() if k.startswith("GET /api/v1/forms/")}
    assert set(form_gets) == {f"GET /api/v1/forms/{f}" for f in
                              ("system_security_management", "web_server_certificate", "system_options",
                               "class_of_service_options", "class_of_restriction", "interconnect_restriction",
                               "user_and_services_configuration", "smdr_options", "device_certificate", "vm_options")}
    assert max(form_gets.values()) == 1 and stats["requests"]["GET /api/v1/session"] == 1
    # LOG-01: the export in the report store continues without a gap up to this run's newest entry
    exported = [json.loads(line)["id"] for line in (tmp / "reports" / "audit_trail" / "mivb1.jsonl").open()]
    assert exported == list(range(1, exported[-1] + 1)) and exported[-1] == res["controls"]["LOG-01"]["newest_id"]
    # one kept-alive API connection plus one handshake that reads the served certificate
    assert stats["handshakes"]["https"] == 2 + 1  # + the stats read above

    # 3. drift made outside the toolkit; check mode + diff reports exactly it and writes nothing
    for form, fields in (("system_security_management", {"password_strength": "Weak"}),
                         ("system_options", {"disa_failed_attempts": 10})):
        assert ctl.raw.call("PATCH", f"/api/v1/forms/{form}", {"fields": fields})[0] == 200
    ctl.raw.reset_stats()
    check = play(tmp, "--check", "--diff")
    assert check.returncode == 0, check.stdout[-3000:]
    res = result(check, "mivb1")
    drift = {cid for cid, s in statuses(res).items() if s == "drift"}
    assert drift == {"AUTH-02", "TOLL-02"} and res["changed"] is True
    assert res["controls"]["AUTH-02"]["diff"] == {
        "before": {"password_strength": "Weak"}, "after": {"password_strength": "Strong"}}
    assert ctl.raw.stats()["writes"] == 0
    report = json.loads((tmp / "reports" / "latest" / "report.json").read_text())
    rows = {r["control"]: r for r in report["results"] if r["host"] == "mivb1"}
    assert rows["AUTH-02"]["status"] == "drift" and "Weak" in rows["AUTH-02"]["diff"]

    # 4. harden fixes exactly the drift; the fresh read shows it
    fix = play(tmp)
    assert fix.returncode == 0
    assert {c for c, e in result(fix, "mivb1")["controls"].items() if e.get("remediated")} == {"AUTH-02", "TOLL-02"}
    assert ctl.raw.call("GET", "/api/v1/forms/system_security_management")[1]["fields"]["password_strength"] == \
        "Strong"

    # 5. CERT-02 inside the renewal window: drift with the expiry, the other controls still evaluated
    # (the window is CERT-03's too: its new certificates must outlive it, hence the validity)
    audit = play(tmp, "--check", "-e", "mivb_hardening_cert_renew_days=3000",
                 "-e", "mivb_hardening_device_cert_validity_days=3650")
    assert audit.returncode == 0, audit.stdout[-2000:]
    res = result(audit, "mivb1")
    assert res["controls"]["CERT-02"]["status"] == "drift"
    assert re.search(r"expires \d{4}-\d\d-\d\dT.* \(\d+ day\(s\) left, renewal window 3000 day",
                     res["controls"]["CERT-02"]["detail"])
    assert {c for c, s in statuses(res).items() if s == "compliant"} == set(CONTROL_IDS) - {"CERT-02", "CERT-03"}
    assert "renewal window 3000" in res["controls"]["CERT-03"]["detail"]


def test_tags_skip_tags_and_toggles_select_single_controls(lab):
    tmp, ctl, _bundle = lab
    assert play(tmp).returncode == 0  # commissioned and hardened, whichever test ran first
    # --tags one control: only it is read and evaluated
    ctl.raw.reset_stats()
    one = play(tmp, "--check", "--tags", "TLS-01")
    assert one.returncode == 0, one.stdout[-2000:]
    res = result(one, "mivb1")
    assert res["selected"] == ["TLS-01"]
    assert statuses(res)["TLS-01"] == "compliant"
    assert all(s == "not_evaluated" for c, s in statuses(res).items() if c != "TLS-01")
    assert "--tags TLS-01 does not select it" in res["controls"]["EP-03"]["detail"]
    assert "GET /api/v1/forms/system_options" not in ctl.raw.stats()["requests"]
    # --skip-tags skips exactly the named controls
    skip = play(tmp, "--check", "--skip-tags", "CERT-01,EP-02")
    res = result(skip, "mivb1")
    assert {c for c, s in statuses(res).items() if s == "not_evaluated"} == {"CERT-01", "EP-02"}
    assert res["controls"]["EP-02"]["detail"] == "not evaluated in this run: --skip-tags EP-02"
    # a toggle names its variable; the report shows the control as not_evaluated, never dropped
    toggled = play(tmp, "--check", "-e", "mivb_hardening_tls_01=false")
    res = result(toggled, "mivb1")
    assert res["controls"]["TLS-01"] == {"status": "not_evaluated", "detail":
                                         "not evaluated in this run: disabled by mivb_hardening_tls_01: false"}
    report = json.loads((tmp / "reports" / "latest" / "report.json").read_text())
    tls01 = next(r for r in report["results"] if r["host"] == "mivb1" and r["control"] == "TLS-01")
    assert tls01["status"] == "not_evaluated" and "mivb_hardening_tls_01" in tls01["detail"]
    # --tags switch selects no controller control: no connection at all
    ctl.raw.reset_stats()
    none = play(tmp, "--check", "--tags", "switch")
    assert set(statuses(result(none, "mivb1")).values()) == {"not_evaluated"}
    assert ctl.raw.stats()["requests"] == {}


def _bundle_files(tmp: Path, name: str, cert: str, key: str, chain: str | None) -> dict:
    d = tmp / f"{name}-files"
    d.mkdir()
    (d / "cert.pem").write_text(cert)
    (d / "key.pem").write_text(key)
    out = {"mivb_web_certificate_path": str(d / "cert.pem"), "mivb_web_private_key_path": str(d / "key.pem")}
    if chain:
        (d / "chain.pem").write_text(chain)
        out["mivb_web_chain_path"] = str(d / "chain.pem")
    return out


def test_bad_input_is_refused_before_any_request(tmp_path):
    """Every bad value fails on its control naming the variable; nothing reaches the controller."""
    ctl = start_controller(tmp_path)
    try:
        commission(ctl)
        other = issue(san="127.0.5.250")  # a valid CA-signed certificate of another controller
        good = issue(san=ctl.address)
        cases = {
            # host: (extra host vars, failing control, expected start of its detail)
            "tlstypo": ({"mivb_hardening_tls_security_levels": {"sip": "Hihg"}}, None,
                        "the role variables do not match the argument_specs"),
            "ciphername": ({"mivb_hardening_https_cipher_suites": ["RC4-MD5"]}, None,
                           "the role variables do not match the argument_specs"),
            "passrun": ({"mivb_phone_admin_passcode": "1234"}, "AUTH-06",
                        "AUTH-06 mivb_phone_admin_passcode: phone_admin_passcode: trivial passcode refused"),
            "expiry400": ({"mivb_hardening_password_expiry_days": 400}, "AUTH-04",
                          "AUTH-04 mivb_hardening_password_expiry_days: password_expiry_days: 400 is outside"),
            "nojustification": ({"mivb_hardening_tls_exceptions": {"mitai": {"level": "Low"}}}, "TLS-01",
                                "TLS-01 mivb_hardening_tls_exceptions: tls_exceptions.mitai.justification"),
            "cipheronly": ({"mivb_hardening_https_cipher_suites": ["AES128-SHA"]}, "TLS-02",
                           "TLS-02 mivb_hardening_https_cipher_suites: https_cipher_suites: AES128-SHA not among"),
            "ciphernoclient": ({"mivb_hardening_https_cipher_suites": ["AES128-SHA"],
                                "mivb_hardening_tls_02_cipher_exception": "CHG-1"}, "TLS-02",
                               "TLS-02 mivb_hardening_https_cipher_suites: https_cipher_suites: the toolkit's own "
                               "TLS client cannot negotiate"),
            "banneresc": ({"mivb_hardening_login_banner_text": "Authorized use only\x1b[2J"}, "AUTH-05",
                          "AUTH-05 mivb_hardening_login_banner_text: login_banner_text: control characters"),
            "othercert": (_bundle_files(tmp_path, "oc", other.leaf, other.key, other.intermediate), "CERT-01",
                          "CERT-01 mivb_web_certificate_path: certificate: the toolkit would not trust it"),
            "nofile": ({"mivb_web_private_key_path": str(tmp_path / "missing.pem")}, "CERT-01",
                       "CERT-01 mivb_web_private_key_path: cannot read"),
            "keymismatch": (_bundle_files(tmp_path, "km", good.leaf, issue().key, good.intermediate), "CERT-01",
                            "CERT-01 mivb_web_private_key_path: private_key: does not match"),
            "nopasscode": ({"mivb_set_registration_access_code": ""}, "EP-02",
                           "EP-02 mivb_set_registration_access_code: required when EP-02 runs"),
            "vmport25": ({"mivb_hardening_vm_forward_email_port": 25}, None,
                         "the role variables do not match the argument_specs"),
            "vmcleartext": ({"mivb_hardening_vm_forward_email_method": "Cleartext"}, None,
                            "the role variables do not match the argument_specs"),
            "vmshortpasscode": ({"mivb_hardening_vm_passcode_min_length": 4}, "VM-01",
                                "VM-01 mivb_hardening_vm_passcode_min_length: passcode_minimum_length: 4 is outside"),
            "forwards41": ({"mivb_controller_model": "3300 ICP AX", "mivb_hardening_port_forwards": [
                {"protocol": "TCP", "external_port": 1000 + i, "internal_ip_address": "10.0.0.9", "internal_port": 80}
                for i in range(41)]}, "WAN-03", "WAN-03 mivb_hardening_port_forwards: port_forwards: 41 entries"),
            "nodevicecn": ({"mivb_device_cert_common_name": ""}, "CERT-03",
                           "CERT-03 mivb_device_cert_common_name: device_cert_common_name: required"),
        }
        hosts = {}
        for name, (extra, _cid, _msg) in cases.items():
            hosts[name] = _host(ctl, tmp_path, name)[0]
            hosts[name].update(extra)
        _inventory(tmp_path, hosts, mivb_hardening_commission=False)
        proc = play(tmp_path)
        assert proc.returncode != 0
        for name, (_extra, cid, expected) in cases.items():
            res = result(proc, name)
            assert res["failed"], name
            if cid is None:  # the role's argument_specs: every control is refused, the variable named
                assert res["msg"].startswith(expected), (name, res["msg"])
                continue
            assert res["controls"][cid]["status"] == "error", (name, res["controls"][cid])
            assert res["controls"][cid]["detail"].startswith(expected), (name, res["controls"][cid]["detail"])
            others = {c: s for c, s in statuses(res).items() if c != cid and c not in NOT_APPLICABLE}
            assert set(others.values()) == {"not_evaluated"}, (name, others)
        assert "mivb_hardening_tls_security_levels" in result(proc, "tlstypo")["msg"]
        assert "High, Low, Legacy" in result(proc, "tlstypo")["msg"]
        assert "mivb_hardening_vm_forward_email_port" in result(proc, "vmport25")["msg"]
        assert "587, 465" in result(proc, "vmport25")["msg"]
        # the rule's own example is not garbled by masking the (secret) passcode 1234
        assert "(like 1234 or 4321)" in result(proc, "passrun")["controls"]["AUTH-06"]["detail"]
        # Nothing reached the controller: no login, no request at all.
        assert ctl.raw.stats()["requests"] == {} and ctl.raw.stats()["logins"] == 0
    finally:
        ctl.handle.stop()


def _failed_logins_now(ctl) -> int:
    """Failed logins counted by the emulator, read without logging in (no counter reset)."""
    stats = ctl.raw.stats()
    return stats["requests"].get("POST /api/v1/login", 0) - stats["logins"]


def test_wrong_passwords_never_lock_the_account_across_runs(tmp_path):
    ctl = start_controller(tmp_path)
    try:
        commission(ctl)
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "a", ansible_password="Wrong#Pass1!Wrong2")[0]},
                   mivb_hardening_commission=False)
        first = play(tmp_path, "--check")
        res = result(first, "mivb1")
        assert {s for c, s in statuses(res).items() if c not in NOT_APPLICABLE} == {"error"}
        assert "2 attempt(s) remaining" in res["msg"] and "Wrong#Pass1!Wrong2" not in first.stdout
        assert _failed_logins_now(ctl) == 1
        # the same wrong password is never sent again, however many scheduled runs follow
        for _run in range(3):
            again = result(play(tmp_path, "--check"), "mivb1")
            assert "this password was rejected by the controller" in again["msg"]
        assert _failed_logins_now(ctl) == 1
        # another wrong password costs one more attempt; after that the controller has one left,
        # and no run sends anything
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "b", ansible_password="Other#Pass1!Wrong3")[0]},
                   mivb_hardening_commission=False)
        assert "1 attempt(s) remaining" in result(play(tmp_path, "--check"), "mivb1")["msg"]
        assert _failed_logins_now(ctl) == 2
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "c", ansible_password="Third#Pass1!Wrong4")[0]},
                   mivb_hardening_commission=False)
        third = result(play(tmp_path, "--check"), "mivb1")
        assert "left 1 attempt(s) before a 30-minute lockout" in third["msg"], third["msg"]
        assert _failed_logins_now(ctl) == 2
        entries = ctl.raw.audit(MANAGED_PASSWORD)  # not locked: the managed password still logs in
        assert not [e for e in entries if e["action"] == "Lockout"]
        # commissioning flag on a controller that is not in factory state: one attempt, a clear message
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "d")[0]},
                   mivb_hardening_state_dir=str(tmp_path / "fresh-state"))
        res = result(play(tmp_path, "--check"), "mivb1")
        assert "not in factory state: set mivb_hardening_commission: false" in res["msg"]
        res = result(play(tmp_path, "--check"), "mivb1")
        assert "never sent twice" in res["msg"] and "mivb_hardening_commission: false" in res["msg"]
        assert _failed_logins_now(ctl) == 3  # counted since the reset: 2 + the one factory attempt
    finally:
        ctl.handle.stop()


def test_a_failing_form_does_not_stop_independent_controls(tmp_path):
    ctl = start_controller(tmp_path)
    try:
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "mivb1")[0]})
        ctl.raw.call("POST", "/_emulator/faults", {
            "status": 500, "method": "PATCH", "path_prefix": "/api/v1/forms/system_security_management"})
        proc = play(tmp_path)
        assert proc.returncode != 0
        res = result(proc, "mivb1")
        got = statuses(res)
        for cid in ("AUTH-02", "AUTH-03", "AUTH-04", "AUTH-05", "AUTH-06", "TLS-01", "TLS-02"):
            assert got[cid] == "error" and "system_security_management" in res["controls"][cid]["detail"]
        for cid in ("EP-03", "EP-04", "CERT-02"):  # factory values already compliant
            assert got[cid] == "compliant", (cid, res["controls"][cid])
        for cid in ("AUTH-01", "CERT-01", "EP-02", "TOLL-02"):  # written after the failed form
            assert got[cid] == "drift" and res["controls"][cid]["remediated"], (cid, res["controls"][cid])
        # independent read: System Options was written, System Security Management was not
        assert ctl.raw.login(MANAGED_PASSWORD) == 200
        assert ctl.raw.call("GET", "/api/v1/forms/system_options")[1]["fields"]["disa_failed_attempts"] == 3
        assert ctl.raw.call("GET", "/api/v1/forms/system_security_management")[1]["fields"][
            "password_strength"] == "Weak"
        report = json.loads((tmp_path / "reports" / "latest" / "report.json").read_text())
        rows = {r["control"]: r["status"] for r in report["results"] if r["host"] == "mivb1"}
        assert rows["TLS-01"] == "error" and rows["TOLL-02"] == "compliant"
        # write applied but its answer lost: a fresh read decides, not "cannot reach"
        ctl.raw.call("POST", "/_emulator/faults", {
            "status": 0, "method": "PATCH", "when": "after",
            "path_prefix": "/api/v1/forms/system_security_management"})
        lost = result(play(tmp_path), "mivb1")
        assert statuses(lost)["AUTH-02"] == "compliant", lost["controls"]["AUTH-02"]
        assert "outcome unknown" in lost["controls"]["AUTH-02"]["detail"]
        assert "a fresh read shows the intended values" in lost["controls"]["AUTH-02"]["detail"]
    finally:
        ctl.handle.stop()


def test_two_runs_against_one_controller_do_not_both_write(tmp_path):
    """A second harden while the first holds the controller fails at once, naming the holder."""
    ctl = start_controller(tmp_path)
    try:
        commission(ctl)
        _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "mivb1")[0]}, mivb_hardening_commission=False)
        # the first run's session read answers slowly: it holds the lock meanwhile
        ctl.raw.call("POST", "/_emulator/faults", {
            "status": None, "delay_seconds": 8, "method": "GET", "path_prefix": "/api/v1/session"})
        env_dir = tmp_path / "locks"
        os.environ["VOICESEC_LOCK_DIR"] = str(env_dir)
        try:
            first = subprocess.Popen([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                                      str(tmp_path / "hosts.yml"), str(tmp_path / "site.yml")], cwd=ROOT,
                                     env=dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
                                              VOICESEC_REPORT_DIR=str(tmp_path / "reports-1")),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            import time

            deadline = time.monotonic() + 240  # a loaded machine starts ansible-playbook slowly
            while not list(env_dir.glob("*")) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert list(env_dir.glob("*")), "the first run never took the controller's lock"
            second = play(tmp_path)
            assert first.wait(timeout=300) == 0
        finally:
            os.environ.pop("VOICESEC_LOCK_DIR", None)
        res = result(second, "mivb1")
        assert res["failed"] and "controller_config" in res["msg"] and "pid" in res["msg"], res["msg"]
        assert {s for c, s in statuses(res).items() if c not in NOT_APPLICABLE} == {"error"}
        # only the first run wrote: one PATCH per drifted form, one certificate upload
        writes = {k: v for k, v in ctl.raw.stats()["requests"].items() if k.split()[0] in ("PATCH", "PUT")}
        assert writes and max(writes.values()) == 1, writes
    finally:
        ctl.handle.stop()


def test_credentials_the_ansible_way_reach_the_controller(tmp_path):
    """-u and --connection-password-file (an AWX machine credential) with no ansible_user /
    ansible_password in the inventory: the role task runs on a `local` connection of its own,
    and the controller still sees exactly one login, by that user, with that password."""
    ctl = start_controller(tmp_path)
    try:
        commission(ctl)
        inv = _inventory(tmp_path, {"mivb1": _host(ctl, tmp_path, "a")[0]}, mivb_hardening_commission=False)
        data = yaml.safe_load(inv.read_text())
        group = data["all"]["children"]["mivb_controllers"]["vars"]
        del group["ansible_user"], group["ansible_password"]
        inv.write_text(yaml.safe_dump(data))
        (tmp_path / "conn-pass").write_text(MANAGED_PASSWORD + "\n")
        proc = play(tmp_path, "--check", "-u", "system", "--connection-password-file", str(tmp_path / "conn-pass"))
        res = result(proc, "mivb1")
        assert not [c for c, s in statuses(res).items() if s == "error"], res.get("msg")
        assert ctl.raw.stats()["logins"] == 1 and _failed_logins_now(ctl) == 0
        logins = [e for e in ctl.raw.audit(MANAGED_PASSWORD) if e["action"] == "Login"]
        assert len(logins) >= 3 and {e.get("user") for e in logins} == {"system"}, logins  # commission, run, read
        assert MANAGED_PASSWORD not in proc.stdout
    finally:
        ctl.handle.stop()
