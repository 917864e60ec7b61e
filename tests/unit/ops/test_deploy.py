"""deploy/: the schedules run the scheduled job (playbooks/site.yml) the way docs/scheduling.md
installs them, and the AWX objects as code parse with the awx.awx collection."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import yaml
from ops_lab import BIN, ROOT, clean_env, run

DEPLOY = ROOT / "deploy"


def _unit(path):
    """systemd unit -> {section: {key: [values]}} (keys may repeat, as Environment= does)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        assert current is not None, f"{path.name}: {line} outside a section"
        current.setdefault(key, []).append(value)
    return sections


def test_systemd_timer_starts_the_site_service_and_failure_starts_the_hook():
    service = _unit(DEPLOY / "systemd" / "voicesec-mivb-site.service")
    timer = _unit(DEPLOY / "systemd" / "voicesec-mivb-site.timer")
    assert timer["Timer"]["Unit"] == ["voicesec-mivb-site.service"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    hook = service["Unit"]["OnFailure"][0]
    assert re.fullmatch(r"voicesec-mivb-notify@%n\.service", hook)
    assert (DEPLOY / "systemd" / "voicesec-mivb-notify@.service").exists()
    argv = shlex.split(service["Service"]["ExecStart"][0])
    assert argv[0].endswith("/.venv/bin/ansible-playbook") and argv[-1] == "playbooks/site.yml"
    assert (ROOT / argv[-1]).exists()
    env = dict(e.split("=", 1) for e in service["Service"]["Environment"])
    assert env["VOICESEC_REPORT_DIR"].startswith("/var/lib/voicesec-mivb")  # reports outside the checkout
    if shutil.which("systemd-analyze"):
        # systemd's own parser: no unknown directive or bad syntax (missing binaries/users are
        # expected on a build host and reported separately)
        proc = subprocess.run(["systemd-analyze", "verify", *map(str, sorted((DEPLOY / "systemd").iterdir()))],
                              capture_output=True, text=True, check=False)
        bad = [line for line in proc.stderr.splitlines()
               if "Unknown key" in line or "Unknown section" in line or "Failed to parse" in line]
        assert not bad, bad


def test_cron_line_runs_the_site_playbook_without_overlap():
    lines = [line for line in (DEPLOY / "cron" / "voicesec-mivb").read_text().splitlines()
             if line and not line.startswith("#")]
    jobs = [line for line in lines if re.match(r"^[0-9*/,-]+ ", line)]
    assert len(jobs) == 1
    fields = jobs[0].split(None, 6)
    minute, hour, _dom, _mon, _dow, user, command = fields
    assert (minute, hour, user) == ("30", "2", "voicesec")
    assert "%" not in command  # cron would turn it into a newline
    assert "flock -n" in command and "playbooks/site.yml" in command
    env = dict(line.split("=", 1) for line in lines if line not in jobs)
    assert {"MAILTO", "VOICESEC_REPORT_DIR"} <= set(env)


def test_awx_objects_as_code_pass_syntax_check(tmp_path):
    playbook = DEPLOY / "awx" / "configure.yml"
    env = clean_env(tmp_path, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))  # .venv/collections holds awx.awx
    run([str(BIN / "ansible-playbook"), "--syntax-check", str(playbook)], ROOT, env)
    plays = yaml.safe_load(playbook.read_text())
    templates = plays[0]["vars"]["voicesec_awx_templates"]
    # one template per job the project offers, each naming a playbook of this repository
    assert [t["playbook"] for t in templates] == ["playbooks/audit.yml", "playbooks/harden.yml",
                                                   "playbooks/site.yml", "playbooks/cert_renew.yml"]
    sliced = {t["name"] for t in templates if str(t["job_slice_count"]) != "1"}
    assert "voicesec MiVB audit" in sliced
    schedules = [t for t in plays[0]["tasks"] if "awx.awx.schedule" in t]
    assert {s["awx.awx.schedule"]["unified_job_template"] for s in schedules} <= {t["name"] for t in templates}
