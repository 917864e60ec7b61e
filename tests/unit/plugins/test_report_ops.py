"""The scheduled job as ops runs it: the shipped playbooks/audit.yml and site.yml against an
emulated switch (emulators.switch, 127.0.9.x, port 0), with the compliance_report callback.

Proves with real ansible-playbook / ansible-runner processes: the exit status follows
VOICESEC_REPORT_FAIL_ON (the report gate), the webhook gets the summary when, and only when,
drift is new (a local HTTP server), site.yml writes the remediation record and the
post-remediation audit, the history records when the drift appeared and was remediated, and
under ansible-runner the report lands in the job's artifacts with the summary as stats.
The switch's state is read back through the emulator's own model, not through the report.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

from emulators.lab import _host_key_line  # noqa: E402
from emulators.switch.server import start_switches  # noqa: E402

PASSWORD, ENABLE, RADIUS_KEY = "Sw-pass-Ops-7", "En-secret-Ops-7", "Rad1us-Key-Ops-7"
NAME = "ops-ios-1"


class Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def ops(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ops")
    spec = {"name": NAME, "platform": "cisco_ios", "address": "127.0.9.1", "port": 0,
            "state_dir": str(tmp / "state"), "username": "netops", "password": PASSWORD,
            "enable_secret": ENABLE, "test_hooks": True}
    handle = start_switches([spec], control=None)
    port = handle.ports[NAME]
    (tmp / "known_hosts").write_text(_host_key_line(spec["address"], port) + "\n")
    inventory = {"all": {
        "vars": {"ansible_network_os": "cisco.ios.ios", "ansible_connection": "ansible.netcommon.network_cli",
                 "ansible_user": "netops", "ansible_password": PASSWORD, "ansible_become_password": ENABLE,
                 "lan_known_hosts_file": str(tmp / "known_hosts"), "lan_ssh_timeout": 8,
                 "lan_controller_addresses": ["10.0.1.1"], "lan_smdr_collectors": ["10.30.0.50"],
                 "lan_pms_hosts": ["10.30.0.60"],
                 "lan_port_roles": [{"interfaces": ["GigabitEthernet1/0/1-2"], "role": "controller"},
                                    {"interfaces": ["Gi1/0/3-16"], "role": "phone"},
                                    {"interfaces": ["GigabitEthernet1/0/17-24"], "role": "unused"},
                                    {"interfaces": ["GigabitEthernet1/0/25-26"], "role": "uplink"}],
                 "lan_dot1x": {"enabled": True, "mab_for_phones": True, "reauthentication": True,
                               "radius_servers": [{"name": "radius1", "address": "10.10.0.21",
                                                   "key": RADIUS_KEY}]}},
        "children": {"lan_switches": {"hosts": {NAME: {"ansible_host": spec["address"], "ansible_port": port}}}},
    }}
    (tmp / "inventory.yml").write_text(yaml.safe_dump(inventory))
    Hook.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"tmp": tmp, "handle": handle, "reports": tmp / "reports",
           "hook": f"http://127.0.0.1:{server.server_address[1]}/hooks/T0KEN"}
    server.shutdown()
    server.server_close()
    handle.stop()


def _env(ops, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOICESEC_", "AWX_"))}
    return {**env, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
            "VOICESEC_REPORT_DIR": str(ops["reports"]), **extra}


def _play(ops, playbook: str, **extra) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(ops["tmp"] / "inventory.yml"),
                           f"playbooks/{playbook}"], cwd=ROOT, env=_env(ops, **extra),
                          capture_output=True, text=True, timeout=300, check=False)
    for secret in (PASSWORD, ENABLE, RADIUS_KEY):
        assert secret not in proc.stdout + proc.stderr
    return proc


def _latest(ops) -> dict:
    return json.loads((ops["reports"] / "latest" / "report.json").read_text(encoding="utf-8"))


def _statuses(report: dict) -> dict:
    return {r["control"]: r["status"] for r in report["results"] if r["host"] == NAME}


def _running(ops) -> str:
    device = ops["handle"].devices[NAME]
    with device.lock:
        return device.dialect.render_running(device)


def _step_1_audit_of_a_factory_switch_fails_the_gate_and_notifies(ops):
    assert "vlan 20" not in _running(ops)  # factory state: drift expected
    proc = _play(ops, "audit.yml", VOICESEC_REPORT_FAIL_ON="drift,error", VOICESEC_REPORT_WEBHOOK_URL=ops["hook"])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "compliance gate (fail_on: drift, error) failed" in proc.stdout
    report = _latest(ops)
    drift = sorted(c for c, s in _statuses(report).items() if s == "drift")
    assert "LAN-01" in drift and report["mode"] == "audit"
    assert f"{report['summary']['drift']} drift" in proc.stdout
    # the webhook got the summary: every drift is new on a first run
    assert len(Hook.received) == 1
    sent = Hook.received[0]
    assert sent["schema"] == "voicesec.mivb/summary/v1" and sent["counts"]["drift"] == len(drift)
    assert sorted(f["control"] for f in sent["new_findings"]) == drift
    assert sent["report"] == str(ops["reports"] / report["run_id"] / "report.json")
    assert "T0KEN" not in proc.stdout + proc.stderr


def _step_2_same_drift_again_is_not_new_and_passes_a_new_only_gate(ops):
    proc = _play(ops, "audit.yml", VOICESEC_REPORT_FAIL_ON="new", VOICESEC_REPORT_WEBHOOK_URL=ops["hook"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "TASK [Fail the run on the findings named by the callback's fail_on option]" in proc.stdout
    assert f"ok: [{NAME} -> localhost]" in proc.stdout.rsplit("fail_on option]", 1)[1]
    assert len(Hook.received) == 1  # nothing new: no second notification
    report = _latest(ops)
    assert report["changes"]["new"] == []
    lan01 = next(r for r in report["results"] if r["control"] == "LAN-01")
    assert (lan01["status"], lan01["previous_status"]) == ("drift", "drift")


def _step_3_webhook_down_warns_and_the_run_passes_without_a_gate(ops):
    proc = _play(ops, "audit.yml", VOICESEC_REPORT_WEBHOOK_URL="http://127.0.0.1:9/hooks/T0KEN",
                 VOICESEC_REPORT_WEBHOOK_ON="always", VOICESEC_REPORT_WEBHOOK_TIMEOUT="3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "webhook notification failed: http://127.0.0.1:9 not reached" in " ".join(proc.stderr.split())
    assert "T0KEN" not in proc.stdout + proc.stderr


def _step_4_site_writes_remediation_and_post_remediation_audit(ops):
    before = _latest(ops)
    drifted = {c for c, s in _statuses(before).items() if s == "drift"}
    proc = _play(ops, "site.yml", VOICESEC_REPORT_FAIL_ON="drift,error", VOICESEC_REPORT_WEBHOOK_URL=ops["hook"])
    assert proc.returncode == 0, proc.stdout + proc.stderr  # all remediated: the gate passes
    assert "remediation/)" in proc.stdout
    run = ops["reports"] / "latest"
    audit = json.loads((run / "report.json").read_text(encoding="utf-8"))
    harden = json.loads((run / "remediation" / "report.json").read_text(encoding="utf-8"))
    assert (audit["mode"], harden["mode"]) == ("audit", "harden")
    assert (audit["record"], harden["record"]) == ("post-remediation audit", "remediation")
    assert "href='../report.html'" in (run / "remediation" / "report.html").read_text(encoding="utf-8")
    assert {p.name for p in (run / "remediation").iterdir()} == {"report.json", "report.html", "junit.xml"}
    remediated = {r["control"] for r in harden["results"] if r.get("remediated")}
    assert remediated == drifted
    # the audit after remediation: nothing drifts, and it says which controls this run fixed
    assert not {c for c, s in _statuses(audit).items() if s in ("drift", "error")}
    assert {r["control"] for r in audit["results"] if r.get("remediated")} == drifted
    assert audit["summary"]["remediated"] == len(drifted)
    assert audit["remediation"] == {"mode": "harden", "path": "remediation",
                                    "counts": {k: v for k, v in harden["summary"].items() if k != "hosts"}}
    assert {r["control"] for r in audit["changes"]["resolved"]} == drifted
    assert len(Hook.received) == 1  # resolved, nothing new: no notification
    # independent of the report: the switch now carries the voice VLAN
    assert "vlan 20" in _running(ops)
    page = (run / "report.html").read_text(encoding="utf-8")
    assert "post-remediation audit" in page and "href='remediation/report.html'" in page

    # history: when LAN-01 drift appeared (run 1) and when it was remediated (this run)
    lines = [json.loads(ln) for ln in (ops["reports"] / "history.jsonl").read_text().splitlines()]
    lan01 = [ln for ln in lines if ln["control"] == "LAN-01"]
    assert [ln["change"] for ln in lan01] == ["new", "open", "open", "remediated"]
    state = json.loads((ops["reports"] / "history-state.json").read_text())
    episode = state["keys"][f"{NAME}|LAN-01"]["episodes"][-1]
    assert (episode["opened_run"], episode["closed_run"], episode["closed_by"]) == (
        lan01[0]["run_id"], audit["run_id"], "remediated")
    index = (ops["reports"] / "index.html").read_text(encoding="utf-8")
    assert "No open drift or errors." in index and index.count("<tr data-run=") == 4
    assert "<td>harden+audit</td>" in index
    for text in [json.dumps(lines), index, page]:
        assert RADIUS_KEY not in text and PASSWORD not in text and ENABLE not in text


def test_scheduled_job_gate_webhook_records_and_history(ops):
    """One device's story, in order (xdist may not split it): drift found, found again, webhook
    down, then site.yml remediates it."""
    _step_1_audit_of_a_factory_switch_fails_the_gate_and_notifies(ops)
    _step_2_same_drift_again_is_not_new_and_passes_a_new_only_gate(ops)
    _step_3_webhook_down_warns_and_the_run_passes_without_a_gate(ops)
    _step_4_site_writes_remediation_and_post_remediation_audit(ops)


def test_under_ansible_runner_the_report_and_stats_are_in_the_artifacts(ops):
    data = ops["tmp"] / "runner"
    (data / "env").mkdir(parents=True)
    (data / "inventory").mkdir()
    (data / "inventory" / "hosts.yml").write_text((ops["tmp"] / "inventory.yml").read_text())
    # a relative report_dir: under AWX the project copy, gone after the job
    envvars = {"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "VOICESEC_REPORT_DIR": str(ops["tmp"] / "project-reports")}
    (data / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    proc = subprocess.run([str(BIN / "ansible-runner"), "run", str(data), "--project-dir", str(ROOT),
                           "-p", "playbooks/audit.yml", "--ident", "job1"],
                          env=_env(ops, PATH=f"{BIN}:{os.environ['PATH']}",
                                   VOICESEC_REPORT_DIR=str(ops["tmp"] / "project-reports")), capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    artifacts = data / "artifacts" / "job1"
    copied = json.loads((artifacts / "voicesec_report" / "report.json").read_text(encoding="utf-8"))
    assert copied["mode"] == "audit" and _statuses(copied)["LAN-01"] in ("drift", "compliant")
    assert (artifacts / "voicesec_report" / "report.html").exists()
    stats = [json.loads(p.read_text()) for p in (artifacts / "job_events").glob("*.json")]
    stats = [e for e in stats if e.get("event") == "playbook_on_stats"]
    assert len(stats) == 1
    published = stats[0]["event_data"]["artifact_data"]["voicesec_compliance"]
    assert published["run_id"] == copied["run_id"] and published["counts"]["drift"] == copied["summary"]["drift"]
    assert published["counts"]["compliant"] == copied["summary"]["compliant"]


def test_gate_without_the_callback_skips_or_fails_when_a_gate_was_asked_for(ops):
    base = {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.timer", "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
    proc = _play(ops, "audit.yml", **base)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]  # timer adds a line after
    gate = next(t for p in out["plays"] for t in p["tasks"] if t["task"]["name"].startswith("Fail the run"))
    result = next(iter(gate["hosts"].values()))
    assert result.get("skipped") and "enable the voicesec.mivb.compliance_report callback" in result["msg"]
    asked = _play(ops, "audit.yml", VOICESEC_REPORT_FAIL_ON="drift", **base)
    assert asked.returncode == 2, asked.stdout + asked.stderr
