"""The audit as AWX runs it: through ansible-runner from a job's private data directory, and
sliced over execution nodes with the streaming protocol (ansible-runner transmit | worker |
process). The merged report of the slices must equal the report of one run over the whole
inventory, device by device and control by control.

Lab: 2 controllers + 2 switches on 127.0.61.x / 127.0.62.x, control port 18161, hardened
once, then drifted out of band on one controller and one switch so the reports carry both
compliant and drift rows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import awx_emulation as awx
import pytest
from ops_lab import BIN, ROOT, Lab, clean_env, latest_report, report_statuses, run

SLICES = 2
RUNNER = str(BIN / "ansible-runner")


@pytest.fixture(scope="module")
def drifted_lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("runner")
    lab = Lab(tmp, controllers=2, ios=1, aoscx=1, controller_net="127.0.61", switch_net="127.0.62",
              control_port=18161).up()
    try:
        lab.playbook("harden.yml", tmp / "harden-reports")
        # Out-of-band drift, through paths that share no code with the toolkit.
        status, _ = lab.controller_api("mivb2", "PATCH", "/forms/system_security_management",
                                       {"fields": {"session_inactivity_minutes": 60}})
        assert status == 200
        ios_unused = "GigabitEthernet1/0/17"  # inventory/lab/group_vars/ios_switches.yml: unused ports 17-24
        lab.switch_drift("sw-ios-1", [f"interface {ios_unused}", "no shutdown", "exit"])
        yield lab
    finally:
        lab.down()


def _reports_env(ident: str) -> dict[str, str]:
    # The report goes into the job's artifacts (relative paths resolve against the project,
    # the job's working directory), which the worker streams back to the controller side.
    return {"VOICESEC_REPORT_DIR": f"../artifacts/{ident}/reports"}


def _streamed_job(pdd: Path, worker_dir: Path, process_dir: Path, ident: str, env: dict[str, str]) -> float:
    """transmit (controller node) | worker (execution node) | process (controller node)."""
    worker_dir.mkdir()
    process_dir.mkdir()
    started = time.monotonic()
    transmit = subprocess.Popen([RUNNER, "transmit", str(pdd), "-p", "playbooks/audit.yml", "--ident", ident],
                                stdout=subprocess.PIPE, env=env)
    worker = subprocess.Popen([RUNNER, "worker", "--private-data-dir", str(worker_dir)], stdin=transmit.stdout,
                              stdout=subprocess.PIPE, env=env)
    assert transmit.stdout is not None and worker.stdout is not None
    transmit.stdout.close()
    process = subprocess.run([RUNNER, "process", str(process_dir), "--ident", ident], stdin=worker.stdout,
                             capture_output=True, text=True, env=env, timeout=600, check=False)
    worker.stdout.close()
    assert (transmit.wait(timeout=60), worker.wait(timeout=60), process.returncode) == (0, 0, 0), process.stderr[-3000:]
    return time.monotonic() - started


def test_sliced_streamed_audit_equals_single_run(drifted_lab, tmp_path):
    env = clean_env(tmp_path)
    inventory = awx.inventory_json(drifted_lab.hosts, env)
    hosts = awx.all_hosts(inventory)
    assert hosts == ["mivb1", "mivb2", "sw-cx-1", "sw-ios-1"]

    # 1. One job over the whole inventory: ansible-runner run from a private data directory.
    full = awx.private_data_dir(tmp_path / "full", inventory, _reports_env("full"))
    started = time.monotonic()
    run([RUNNER, "run", str(full), "-p", "playbooks/audit.yml", "--ident", "full"], tmp_path, env)
    single_seconds = time.monotonic() - started
    assert (full / "artifacts" / "full" / "status").read_text() == "successful"
    single = latest_report(full / "artifacts" / "full" / "reports")
    assert single["mode"] == "audit"
    statuses = report_statuses(single)
    # The drift made out of band is seen, the rest of what harden pushed is compliant.
    assert statuses[("mivb2", "AUTH-03")] == "drift"
    assert statuses[("sw-ios-1", "LAN-06")] == "drift"
    assert statuses[("mivb1", "AUTH-03")] == statuses[("sw-cx-1", "LAN-06")] == "compliant"
    assert {h for h, _ in statuses} == set(hosts)

    # 2. The same job sliced the way AWX slices it, each slice sent to its own "execution
    #    node" over the streaming protocol, slices running at the same time.
    jobs = []
    for number in range(1, SLICES + 1):
        ident = f"slice{number}"
        pdd = awx.private_data_dir(tmp_path / f"{ident}-pdd", awx.slice_inventory(inventory, number, SLICES),
                                   _reports_env(ident))
        jobs.append((pdd, tmp_path / f"{ident}-worker", tmp_path / f"{ident}-process", ident))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SLICES) as pool:
        seconds = list(pool.map(lambda job: _streamed_job(*job, env), jobs))
    sliced_seconds = time.monotonic() - started

    slice_reports = []
    for number, (_pdd, worker_dir, process_dir, ident) in enumerate(jobs, start=1):
        # What the controller side has must have come back through the stream: the execution
        # node's copy is gone.
        shutil.rmtree(worker_dir)
        artifacts = process_dir / "artifacts" / ident
        assert (artifacts / "status").read_text() == "successful"
        report_dir = artifacts / "reports"
        report = latest_report(report_dir)
        # AWX: hosts ordered by name, slice k of N gets hosts[k-1::N].
        assert sorted({e["host"] for e in report["results"]}) == hosts[number - 1::SLICES]
        slice_reports.append(report_dir / "latest" / "report.json")

    merged_path = tmp_path / "merged" / "report.json"
    proc = run([sys.executable, str(ROOT / "scripts" / "merge_reports.py"), "-o", str(merged_path),
                *map(str, slice_reports)], tmp_path, env)
    merged = json.loads(merged_path.read_text())
    assert report_statuses(merged) == statuses
    assert [(e["host"], e["control"]) for e in merged["results"]] == [(e["host"], e["control"])
                                                                       for e in single["results"]]
    counted = ["total", *sorted({e["status"] for e in single["results"]})]
    assert [merged["summary"][k] for k in counted] == [single["summary"][k] for k in counted]
    for host, counts in single["summary"]["hosts"].items():
        assert {s: n for s, n in merged["summary"]["hosts"][host].items() if n} == \
            {s: n for s, n in counts.items() if s in merged["summary"]["hosts"][host] and n}, host

    timing = {"hosts": len(hosts), "single_run_seconds": round(single_seconds, 1),
              "slices": [{"slice": n, "hosts": len(hosts[n - 1::SLICES]), "seconds": round(s, 1)}
                         for n, s in enumerate(seconds, start=1)],
              "sliced_wall_seconds": round(sliced_seconds, 1)}
    print("runner slicing timing:", json.dumps(timing), proc.stdout.strip())


def test_merge_refuses_overlapping_slices(tmp_path):
    """A host in two slices means the slicing is wrong: nothing is written."""
    report = {"schema": "voicesec.mivb/report/v1", "mode": "audit", "generated": "x", "playbook": "p",
              "results": [{"host": "mivb1", "control": "AUTH-01", "status": "compliant"}]}
    paths = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(report))
        paths.append(str(path))
    out = tmp_path / "merged.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "merge_reports.py"), "-o", str(out), *paths],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "mivb1 is in slice 1 and slice 2" in proc.stderr
    assert not out.exists()
