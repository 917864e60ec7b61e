"""compliance_report callback, proven through real ansible-playbook runs (check and harden mode).

The playbook simulates controls with ansible.builtin.debug/assert (changed_when, failures,
skips) and a tiny test-only module that returns a `controls` dict and diffs carrying secrets.
Reports are read back as files: JSON, HTML and JUnit (parsed with xml.etree), plus the
summary script.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
# A controller control reported not_implemented: the report runs with a site catalog
# (VOICESEC_CATALOG) in which this control is still planned.
PLANNED = "TOLL-05"
SECRETS = ("TopSecretPw1", "5938271046", "MIIEpQIBAAKCAQEAsecretkeybody", "S3cretEnable", "R4diusKey",
           "hunter2x")

# Test-only module: echoes what the playbook asks it to return (changed, diff, controls).
MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(changed=dict(type="bool", default=False),
                                              diff=dict(type="raw"), controls=dict(type="dict")),
                           supports_check_mode=True)
    result = dict(changed=module.params["changed"])
    if module.params["diff"] is not None and module._diff:
        result["diff"] = module.params["diff"]
    if module.params["controls"] is not None:
        result["controls"] = module.params["controls"]
    module.exit_json(**result)


main()
'''

PLAYBOOK = '''
- name: Controllers
  hosts: mivb_controllers
  gather_facts: false
  tasks:
    - name: AUTH-02 | PATCH | Password strength is Strong
      ansible.builtin.debug:
        msg: password strength
      changed_when: inventory_hostname == 'ctl1'

    - name: AUTH-03 | PATCH | Session inactivity 15 minutes
      ansible.builtin.debug:
        msg: session
      changed_when: false

    - name: AUTH-04 | AUDIT | Password expiry interval is 90
      ansible.builtin.assert:
        that: inventory_hostname != 'ctl2'
        fail_msg: "expiry read back wrong (login password=hunter2x)"
      ignore_errors: true

    - name: AUTH-05 | PATCH | Login banner (toggle off)
      ansible.builtin.debug:
        msg: banner
      when: mivb_auth_05_enabled | default(false)

    - name: TLS-01 | PATCH | Application TLS levels are High
      voicesec_test_result:
        changed: "{{ inventory_hostname == 'ctl1' }}"
        diff:
          before:
            tls_security_levels: {sip: Legacy, ip_sets: High}
            phone_admin_passcode: "5938271046"
          after:
            tls_security_levels: {sip: High, ip_sets: High}
            phone_admin_passcode: "5938271046"

    - name: CERT-01 | AUDIT | Served certificate is the installed one
      ansible.builtin.debug:
        msg: served
      changed_when: false

    - name: CERT-01 | PATCH | Web certificate installed
      voicesec_test_result:
        changed: "{{ inventory_hostname == 'ctl1' }}"
        diff:
          before_header: web_server_certificate
          after_header: web_server_certificate
          prepared: |
            -sha256_fingerprint: AA:BB
            +sha256_fingerprint: CC:DD
            +private_key_pem: -----BEGIN RSA PRIVATE KEY-----
            MIIEpQIBAAKCAQEAsecretkeybody
            -----END RSA PRIVATE KEY-----
            admin password TopSecretPw1

    - name: AUTH-06 | PATCH | Phone administrator passcode, per item
      ansible.builtin.assert:
        that: item != 'b' or inventory_hostname != 'ctl2'
        fail_msg: "item {{ item }} refused passcode=5938271046"
      loop: [a, b]
      ignore_errors: true

    - name: EP-03, EP-04 | PATCH | Voice and SRTP encryption enabled
      voicesec_test_result:
        changed: true
        controls: {EP-03: drift, EP-04: compliant}  # the form modules' short form
        diff:
          before: {voice_encryption_enabled: false, srtp_encryption_enabled: true}
          after: {voice_encryption_enabled: true, srtp_encryption_enabled: true}

- name: Switches
  hosts: lan_switches:edge
  gather_facts: false
  tasks:
    - name: LAN-01, LAN-02, LAN-03 | PATCH | VLANs and port roles
      voicesec_test_result:
        changed: true
        controls:
          LAN-01:
            status: drift
            detail: vlan 20 (phones) missing
            diff: "+vlan 20\\n+ name phones\\n+enable secret 0 S3cretEnable\\n+radius-server key R4diusKey\\n"
          LAN-02: {status: compliant}
          LAN-05:
            status: drift
            remediated: false
            detail: QoS trust not pushed (save disabled)
            commands: ["interface GigabitEthernet1/0/3", " mls qos trust cos", "radius-server key 0 R4diusKey"]
          LOG-03: {status: error, detail: "ACL 1752 refused by the switch"}

    - name: LAN-04 | PATCH | 802.1X on access ports
      ansible.builtin.assert:
        that: inventory_hostname != 'sw2'
        fail_msg: "radius key=R4diusKey rejected"
      ignore_errors: true
'''


def _free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def _inventory() -> str:
    # ctl_down: nothing listens on that port, so ssh fails at once with "connection refused".
    return textwrap.dedent(f'''
        all:
          vars:
            ansible_connection: local
            ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
          children:
            mivb_controllers:
              hosts:
                ctl1: {{}}
                ctl2: {{}}
                ctl_down:
                  ansible_connection: ssh
                  ansible_host: 127.0.3.7
                  ansible_port: {_free_port("127.0.3.7")}
                  ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
            lan_switches:
              hosts:
                sw1: {{}}
            edge:
              hosts:
                sw2:
                  ansible_network_os: cisco.ios.ios
            web:
              hosts:
                web1: {{}}
        ''')


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run the playbook in check mode, then in harden mode, into one report directory."""
    work = tmp_path_factory.mktemp("callback")
    (work / "library").mkdir()
    (work / "library" / "voicesec_test_result.py").write_text(MODULE, encoding="utf-8")
    (work / "inventory.yml").write_text(_inventory(), encoding="utf-8")
    (work / "site.yml").write_text(PLAYBOOK, encoding="utf-8")
    # the repository as the collection voicesec.mivb, independent of the venv layout
    collection = work / "collections" / "ansible_collections" / "voicesec"
    collection.mkdir(parents=True)
    (collection / "mivb").symlink_to(ROOT)
    (work / "ansible.cfg").write_text("[defaults]\nretry_files_enabled = False\n", encoding="utf-8")
    reports = work / "reports"
    # a site catalog in which one controller control is still planned (not_implemented rows)
    site_catalog = work / "controls.yml"
    text = (ROOT / "meta" / "controls.yml").read_text(encoding="utf-8")
    head, rest = text.split(f"- id: {PLANNED}\n", 1)
    site_catalog.write_text(head + f"- id: {PLANNED}\n" + rest.replace("status: implemented", "status: planned", 1),
                            encoding="utf-8")
    env = {**os.environ, "ANSIBLE_CONFIG": str(work / "ansible.cfg"), "VOICESEC_CATALOG": str(site_catalog),
           "ANSIBLE_COLLECTIONS_PATH": str(work / "collections"),
           "ANSIBLE_CALLBACKS_ENABLED": "voicesec.mivb.compliance_report",
           "ANSIBLE_LIBRARY": str(work / "library"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": str(work / "tmp"), "VOICESEC_REPORT_DIR": str(reports)}
    out = {}
    for mode, extra in (("audit", ["--check", "--diff"]), ("harden", ["--diff"])):
        proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", "inventory.yml", "site.yml", *extra],
                              cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False)
        # 4: ctl_down is unreachable (expected); anything else is a broken run
        assert proc.returncode == 4, proc.stdout + proc.stderr
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("COMPLIANCE REPORT")]
        assert len(line) == 1, proc.stdout
        directory = Path(line[0].rsplit("-> ", 1)[1])
        out[mode] = {"dir": directory, "stdout": proc.stdout, "line": line[0],
                     "report": json.loads((directory / "report.json").read_text(encoding="utf-8"))}
    out.update(reports=reports, work=work, env=env)
    return out


def _entry(report, host, control):
    matches = [r for r in report["results"] if r["host"] == host and r["control"] == control]
    assert len(matches) == 1, (host, control, matches)
    return matches[0]


def _catalog():
    return yaml.safe_load((ROOT / "meta" / "controls.yml").read_text(encoding="utf-8"))["controls"]


def test_files_and_latest_link(runs):
    audit_dir, harden_dir = runs["audit"]["dir"], runs["harden"]["dir"]
    assert audit_dir != harden_dir
    assert audit_dir.parent == harden_dir.parent == runs["reports"]
    for directory in (audit_dir, harden_dir):
        assert {p.name for p in directory.iterdir()} == {"report.json", "report.html", "junit.xml"}
    latest = runs["reports"] / "latest"
    assert latest.is_symlink()
    assert latest.resolve() == harden_dir.resolve()
    assert "(audit)" in runs["audit"]["line"] and "(harden)" in runs["harden"]["line"]


def test_report_header_and_summary(runs):
    for mode in ("audit", "harden"):
        report = runs[mode]["report"]
        assert report["schema"] == "voicesec.mivb/report/v1"
        assert report["mode"] == mode
        assert report["playbook"].endswith("site.yml")
        assert report["generated"].endswith("Z")
        summary = report["summary"]
        statuses = ("compliant", "drift", "error", "not_evaluated", "not_applicable", "manual", "not_implemented")
        assert summary["total"] == len(report["results"]) == sum(summary[s] for s in statuses)
        for host, counts in summary["hosts"].items():
            assert sum(counts.values()) == len([r for r in report["results"] if r["host"] == host])
        # web1 is neither controller nor switch: not in the report
        assert set(summary["hosts"]) == {"ctl1", "ctl2", "ctl_down", "sw1", "sw2"}


def test_every_applicable_control_is_reported_per_host(runs):
    catalog = _catalog()
    report = runs["audit"]["report"]
    for host, applies in (("ctl1", "controller"), ("ctl2", "controller"), ("ctl_down", "controller"),
                          ("sw1", "switch"), ("sw2", "switch")):
        got = {r["control"] for r in report["results"] if r["host"] == host}
        want = {c["id"] for c in catalog if c["applies_to"] == applies}
        assert want <= got, (host, want - got)
    # a switch gets no controller controls unless a task evaluated them there
    assert not {r["control"] for r in report["results"] if r["host"] == "sw1"} & {"AUTH-02", "TLS-01"}


def test_check_mode_statuses(runs):
    report = runs["audit"]["report"]
    expect = {
        ("ctl1", "AUTH-02"): "drift", ("ctl2", "AUTH-02"): "compliant",
        ("ctl1", "AUTH-03"): "compliant", ("ctl1", "AUTH-04"): "compliant", ("ctl2", "AUTH-04"): "error",
        ("ctl1", "AUTH-05"): "not_evaluated", ("ctl1", "TLS-01"): "drift", ("ctl2", "TLS-01"): "compliant",
        ("ctl1", "CERT-01"): "drift", ("ctl2", "CERT-01"): "compliant",  # AUDIT ok + PATCH changed
        ("ctl1", "TLS-02"): "not_evaluated", ("ctl1", PLANNED): "not_implemented", ("ctl1", "MAN-01"): "manual",
        ("ctl_down", "AUTH-02"): "error", ("ctl_down", "TLS-02"): "error",
        ("ctl_down", PLANNED): "not_implemented",
        ("sw1", "LAN-01"): "drift", ("sw1", "LAN-02"): "compliant", ("sw1", "LAN-03"): "not_evaluated",
        ("sw1", "LOG-03"): "error", ("sw1", "LOG-04"): "not_evaluated", ("sw1", "LAN-04"): "compliant",
        ("sw2", "LAN-01"): "drift", ("sw2", "LAN-04"): "error", ("sw1", "MAN-02"): "manual",
    }
    got = {key: _entry(report, *key)["status"] for key in expect}
    assert got == expect
    assert _entry(report, "ctl1", "AUTH-05")["detail"].startswith("skipped: disabled by toggle or condition")
    assert _entry(report, "ctl1", "TLS-02")["detail"] == "not evaluated in this run (tags/limit/toggle)"
    assert _entry(report, "ctl1", PLANNED)["detail"] == "planned"
    assert _entry(report, "ctl_down", "TLS-02")["detail"].startswith("host unreachable")
    assert "expiry read back wrong" in _entry(report, "ctl2", "AUTH-04")["detail"]
    # a loop: the failed item's message, secret masked, not "One or more items failed"
    assert _entry(report, "ctl2", "AUTH-06")["detail"].endswith("item b refused passcode=********")
    assert _entry(report, "ctl1", "AUTH-06")["status"] == "compliant"
    assert _entry(report, "sw1", "LOG-03")["detail"] == "ACL 1752 refused by the switch"
    # named in the task but absent from the module's `controls`: not evaluated (e.g. --tags)
    assert _entry(report, "sw1", "LAN-03")["detail"] == "not evaluated in this run (tags/limit/toggle)"
    assert _entry(report, "sw1", "LAN-05")["status"] == "drift"
    assert all("remediated" not in r for r in report["results"])


def test_check_mode_diffs(runs):
    report = runs["audit"]["report"]
    tls = _entry(report, "ctl1", "TLS-01")["diff"]
    assert "-  sip: Legacy" in tls and "+  sip: High" in tls
    assert "phone_admin_passcode: '********'" in tls or "phone_admin_passcode: ********" in tls
    cert = _entry(report, "ctl1", "CERT-01")["diff"]
    assert "+sha256_fingerprint: CC:DD" in cert and "PRIVATE KEY-----\n********" in cert
    lan = _entry(report, "sw1", "LAN-01")
    assert lan["detail"] == "vlan 20 (phones) missing"
    assert "+vlan 20" in lan["diff"] and "enable secret 0 ********" in lan["diff"]
    assert "diff" not in _entry(report, "ctl2", "TLS-01")  # compliant: nothing to show
    # a controls dict without per-control diffs: the drifting control gets the task's diff
    assert "+voice_encryption_enabled: true" in _entry(report, "ctl1", "EP-03")["diff"]
    assert _entry(report, "ctl1", "EP-04")["status"] == "compliant"
    assert "diff" not in _entry(report, "ctl1", "EP-04")
    qos = _entry(report, "sw1", "LAN-05")["diff"]
    assert "mls qos trust cos" in qos and "radius-server key 0 ********" in qos


def test_harden_mode_statuses(runs):
    report = runs["harden"]["report"]
    for host, control in (("ctl1", "AUTH-02"), ("ctl1", "TLS-01"), ("ctl1", "CERT-01"), ("sw1", "LAN-01"),
                          ("ctl2", "EP-03")):
        entry = _entry(report, host, control)
        assert (entry["status"], entry.get("remediated")) == ("compliant", True), entry
    assert "+  sip: High" in _entry(report, "ctl1", "TLS-01")["diff"]
    assert "remediated" not in _entry(report, "ctl2", "AUTH-02")
    assert _entry(report, "ctl2", "AUTH-04")["status"] == "error"
    assert _entry(report, "sw1", "LOG-03")["status"] == "error"
    # the module said it did not push LAN-05: still drift after a harden run
    assert _entry(report, "sw1", "LAN-05")["status"] == "drift"
    assert "remediated" not in _entry(report, "sw1", "LAN-05")
    assert {(r["host"], r["control"]) for r in report["results"] if r["status"] == "drift"} == {
        ("sw1", "LAN-05"), ("sw2", "LAN-05")}


def test_secrets_never_written(runs):
    files = [runs[mode]["dir"] / name for mode in ("audit", "harden")
             for name in ("report.json", "report.html", "junit.xml")]
    files += [runs["reports"] / name for name in ("history.jsonl", "history-state.json", "index.html")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaked = [s for s in SECRETS if s in text]
        assert leaked == [], (path, leaked)
    # the history holds the masked details of the findings
    history = (runs["reports"] / "history.jsonl").read_text(encoding="utf-8")
    assert "item b refused passcode=********" in history


def test_html_matrix(runs):
    report = runs["audit"]["report"]
    html = (runs["audit"]["dir"] / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    # offline: one inline script (the filters), no external assets
    assert html.count("<script") == 1 and "<script src" not in html
    assert "http://" not in html and "https://" not in html
    for host in report["summary"]["hosts"]:
        assert f"id='h-{host}'" in html
    for entry in report["results"]:  # every matrix cell links to its detail row
        assert f"href='#h-{entry['host']}-{entry['control']}'" in html
        assert f"id='h-{entry['host']}-{entry['control']}'" in html
    assert "Findings: drift and errors" in html
    for control in {r["control"] for r in report["results"]}:
        assert f">{control}<" in html
    assert "vlan 20 (phones) missing" in html
    assert "class='s drift'" in html and "class='s error'" in html


def test_junit(runs):
    report = runs["audit"]["report"]
    root = ET.parse(runs["audit"]["dir"] / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == set(report["summary"]["hosts"])
    for host, suite in suites.items():
        counts = report["summary"]["hosts"][host]
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests")) == sum(counts.values())
        failures = [c for c in cases if c.find("failure") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        assert len(failures) == int(suite.get("failures")) == counts["drift"] + counts["error"]
        assert len(skipped) == int(suite.get("skipped")) == sum(
            counts[s] for s in ("not_evaluated", "not_applicable", "manual", "not_implemented"))
    sw1 = {c.get("name").split()[0]: c for c in suites["sw1"].findall("testcase")}
    assert sw1["LAN-01"].find("failure").get("type") == "drift"
    assert sw1["LOG-03"].find("failure").get("type") == "error"
    assert sw1["LAN-02"].find("failure") is None and sw1["LAN-02"].find("skipped") is None
    assert sw1["MAN-02"].find("skipped").get("message").startswith("manual")
    ctl1 = {c.get("name").split()[0]: c for c in suites["ctl1"].findall("testcase")}
    assert ctl1[PLANNED].find("skipped").get("message") == "not_implemented: planned"


def test_summary_script(runs):
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "report_summary.py"),
                           str(runs["reports"] / "latest")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "(harden)" in lines[0]
    assert lines[2].startswith("remediated in this run: ") and "new drift/error" in lines[2]
    grid = {ln.split()[0]: ln.split()[1] for ln in lines if ln.split() and ln.split()[0] in
            ("ctl1", "ctl2", "ctl_down", "sw1", "sw2")}
    assert set(grid) == {"ctl1", "ctl2", "ctl_down", "sw1", "sw2"}
    assert "R" in grid["ctl1"] and "E" in grid["ctl_down"] and "N" in grid["ctl1"]
    assert any("ERROR" in ln and "sw1" in ln and "LOG-03" in ln for ln in lines)
    missing = subprocess.run([sys.executable, str(ROOT / "scripts" / "report_summary.py"), "/nonexistent"],
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 0 and "no readable report" in missing.stdout


def test_ansible_doc_renders():
    proc = subprocess.run([str(BIN / "ansible-doc"), "-t", "callback", "voicesec.mivb.compliance_report"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "VOICESEC_REPORT_DIR" in proc.stdout and "report_dir" in proc.stdout


def test_json_stdout_callback_and_limit(runs):
    """Any stdout callback: with a JSON one, stdout stays parseable and the line goes to stderr."""
    reports = runs["work"] / "reports-json"
    env = {**runs["env"], "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "VOICESEC_REPORT_DIR": str(reports)}
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", "inventory.yml", "site.yml", "--check",
                           "--limit", "ctl1,sw1"], cwd=runs["work"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ctl1" in json.loads(proc.stdout)["stats"]
    assert "COMPLIANCE REPORT (audit)" in proc.stderr
    report = json.loads((reports / "latest" / "report.json").read_text(encoding="utf-8"))
    assert set(report["summary"]["hosts"]) == {"ctl1", "sw1"}  # --limit: the others are not in this run
    assert _entry(report, "ctl1", "AUTH-02")["status"] == "drift"


STOP_PLAYBOOK = '''
- name: Controllers fail early
  hosts: mivb_controllers
  gather_facts: false
  tasks:
    - name: AUTH-01 | PATCH | Factory default password is changed
      ansible.builtin.assert:
        that: false
        fail_msg: controller refused the new password

    - name: AUTH-02 | PATCH | Never reached
      ansible.builtin.debug:
        msg: unreachable code

- name: Switches never start
  hosts: lan_switches
  gather_facts: false
  tasks:
    - name: LAN-01 | PATCH | Never reached
      ansible.builtin.debug:
        msg: unreachable code
'''


def test_failed_hosts_and_plays_that_never_start(runs):
    """All hosts of play 1 fail, so ansible-playbook stops: play 2's switches must still be reported."""
    (runs["work"] / "stop.yml").write_text(STOP_PLAYBOOK, encoding="utf-8")
    reports = runs["work"] / "reports-stop"
    env = {**runs["env"], "VOICESEC_REPORT_DIR": str(reports)}
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", "inventory.yml", "stop.yml",
                           "--limit", "ctl1,sw1"], cwd=runs["work"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Switches never start" not in proc.stdout
    report = json.loads((reports / "latest" / "report.json").read_text(encoding="utf-8"))
    assert set(report["summary"]["hosts"]) == {"ctl1", "sw1"}
    auth01 = _entry(report, "ctl1", "AUTH-01")
    assert auth01["status"] == "error" and "controller refused the new password" in auth01["detail"]
    stopped = _entry(report, "ctl1", "AUTH-02")
    assert stopped["status"] == "not_evaluated"
    assert stopped["detail"] == ("not evaluated in this run: host stopped after failed task "
                                 "'AUTH-01 | PATCH | Factory default password is changed'")
    assert _entry(report, "sw1", "LAN-01")["detail"] == "not evaluated in this run (tags/limit/toggle)"


def test_report_dir_outside_an_installed_collection(runs):
    """A collection's playbook run from elsewhere: reports go to the current directory, not into
    ansible_collections/... (which has a galaxy.yml and would otherwise count as the repository)."""
    from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_location import report_base

    installed = runs["work"] / "installed" / "ansible_collections" / "acme" / "tools"
    (installed / "playbooks").mkdir(parents=True)
    (installed / "galaxy.yml").write_text("namespace: acme\nname: tools\nversion: 1.0.0\n", encoding="utf-8")
    (installed / "playbooks" / "check.yml").write_text(STOP_PLAYBOOK.replace("that: false", "that: true"),
                                                       encoding="utf-8")
    project = runs["work"] / "project"
    project.mkdir()
    env = {k: v for k, v in runs["env"].items() if k != "VOICESEC_REPORT_DIR"}
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(runs["work"] / "inventory.yml"),
                           str(installed / "playbooks" / "check.yml"), "--limit", "ctl1"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((project / "reports" / "latest" / "report.json").read_text(encoding="utf-8"))
    assert _entry(report, "ctl1", "AUTH-01")["status"] == "compliant"
    assert not (installed / "reports").exists()
    # a repository checkout keeps its reports at its root, wherever ansible-playbook starts
    assert report_base(str(ROOT / "playbooks" / "audit.yml"), Path("/")) == ROOT
    assert report_base("", project) == project
