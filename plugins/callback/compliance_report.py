# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: compliance_report
type: aggregate
short_description: Compliance report per device and control (JSON, HTML, JUnit), drift history, webhook
description:
  - Collects the result of every task whose name starts with one or more control IDs of
    the catalog (C(meta/controls.yml)), e.g. C(TLS-01 | PATCH | Application TLS level is High)
    or C(LOG-03, LOG-04 | PATCH | SMDR/PMS ACL), and writes a compliance report at the end
    of the playbook run.
  - In check mode (audit) C(changed) means C(drift), C(ok) means C(compliant), C(failed) means
    C(error). In a normal (harden) run C(changed) means C(compliant) with C(remediated=true).
    A module may return a C(controls) dictionary (control ID -> status, detail, commands, diff)
    which then decides per control. Several tasks of one control - the worst status wins
    (error > drift > compliant).
  - Every catalog control appears for every host it applies to (controllers - group
    C(mivb_controllers) or C(ansible_network_os=voicesec.mivb.mivb); switches - group
    C(lan_switches) or C(ansible_network_os) C(cisco.ios.ios) / C(arubanetworks.aoscx.aoscx) /
    C(arubanetworks.aos_switch.arubaoss)).
    Controls not evaluated are reported as C(not_evaluated) (tags, limit, toggle, or an earlier
    failure, with the reason), C(not_applicable), C(manual) or C(not_implemented), never dropped.
  - Writes C(<report_dir>/<UTC timestamp>/report.json), C(report.html) and C(junit.xml), points
    C(<report_dir>/latest) at that directory and prints a one-line summary. A run with plays in
    normal mode followed by plays in check mode (C(playbooks/site.yml) - harden, then audit) gives
    two records - the post-remediation audit as the report and the remediation record in
    C(remediation/) below it.
  - Keeps the history - C(history.jsonl) (one line per device, control and run, for a SIEM),
    C(history-state.json) and C(index.html) (open findings, when drift appeared and ended, the
    compliance trend); old run directories are removed after O(keep_runs) runs / O(keep_days) days.
  - Can POST the run summary to a webhook when a run finds new drift or errors (O(webhook_url)),
    copies the report into the ansible-runner / AWX artifact directory (O(artifact_dir)) and
    feeds the C(voicesec.mivb.report_gate) action, which publishes the summary as Ansible
    stats and fails the run on the findings O(fail_on) names.
  - Secrets (keys matching password, passcode, secret, key, token, private; PEM private keys;
    secret values in config lines) are masked in everything written. A report, webhook or
    artifact problem is a warning, never a failed playbook.
  - Works with any stdout callback; enable it with C(callbacks_enabled). Under a JSON stdout
    callback the summary line goes to stderr so stdout stays parseable.
requirements:
  - enable in configuration (C(callbacks_enabled = voicesec.mivb.compliance_report))
options:
  report_dir:
    description:
      - Directory under which the timestamped report directories, the C(latest) link and the
        history are written.
      - A relative path is resolved against the repository root of the first playbook (the
        nearest parent directory holding C(ansible.cfg), C(galaxy.yml) or C(.git)); when the
        playbook is inside an installed collection (a path through C(ansible_collections)) or no
        such parent exists, against the current directory (the project directory under AWX).
    type: str
    default: reports
    env:
      - name: VOICESEC_REPORT_DIR
    ini:
      - section: callback_compliance_report
        key: report_dir
  diff_max_chars:
    description: Longest diff text kept per report entry; longer diffs are truncated.
    type: int
    default: 4000
    env:
      - name: VOICESEC_REPORT_DIFF_MAX_CHARS
    ini:
      - section: callback_compliance_report
        key: diff_max_chars
  keep_runs:
    description: Run directories kept (the newest); older ones and their history lines are removed. V(0) keeps all.
    type: int
    default: 100
    env:
      - name: VOICESEC_REPORT_KEEP_RUNS
    ini:
      - section: callback_compliance_report
        key: keep_runs
  catalog:
    description:
      - The control catalog the report is built from. Default is the collection's own C(meta/controls.yml).
      - A site may point it at its own copy, e.g. one in which a control it covers by other means is C(manual)
        (with the reason) or one that is not in scope yet is C(planned) (reported C(not_implemented)).
    type: path
    env:
      - name: VOICESEC_CATALOG
  keep_days:
    description: Run directories older than this many days are removed with their history lines. V(0) keeps all.
    type: int
    default: 0
    env:
      - name: VOICESEC_REPORT_KEEP_DAYS
    ini:
      - section: callback_compliance_report
        key: keep_days
  fail_on:
    description:
      - Findings that make the C(voicesec.mivb.report_gate) task at the end of C(playbooks/audit.yml)
        (and so C(site.yml)) fail the run, giving a non-zero exit status for cron, systemd
        C(OnFailure=) and CI. C(error) and C(drift) - any such finding in the run's final record;
        C(new) - drift or errors the previous run did not have. Empty - the gate never fails.
      - A callback cannot change ansible-playbook's exit status itself; the gate task can.
    type: list
    elements: str
    choices: [error, drift, new]
    default: []
    env:
      - name: VOICESEC_REPORT_FAIL_ON
    ini:
      - section: callback_compliance_report
        key: fail_on
  webhook_url:
    description:
      - URL the run summary (JSON, see docs/report-format.md) is POSTed to when the run finds new
        drift or errors (see O(webhook_on)). Unset - no notification. Warnings show only the
        scheme and host of the URL.
    type: str
    env:
      - name: VOICESEC_REPORT_WEBHOOK_URL
    ini:
      - section: callback_compliance_report
        key: webhook_url
  webhook_on:
    description: When to POST - C(new) drift or errors vs. the previous run, any C(findings), or C(always).
    type: str
    choices: [new, findings, always]
    default: new
    env:
      - name: VOICESEC_REPORT_WEBHOOK_ON
    ini:
      - section: callback_compliance_report
        key: webhook_on
  webhook_validate_certs:
    description: Verify the webhook's TLS certificate (system trust store or O(webhook_ca_path)).
    type: bool
    default: true
    env:
      - name: VOICESEC_REPORT_WEBHOOK_VALIDATE_CERTS
    ini:
      - section: callback_compliance_report
        key: webhook_validate_certs
  webhook_ca_path:
    description: CA bundle (PEM) that signs the webhook's certificate, instead of the system trust store.
    type: path
    env:
      - name: VOICESEC_REPORT_WEBHOOK_CA_PATH
    ini:
      - section: callback_compliance_report
        key: webhook_ca_path
  webhook_timeout:
    description: Seconds to wait for the webhook.
    type: int
    default: 10
    env:
      - name: VOICESEC_REPORT_WEBHOOK_TIMEOUT
    ini:
      - section: callback_compliance_report
        key: webhook_timeout
  artifact_dir:
    description:
      - Directory that also receives a copy of the run's report (C(voicesec_report/) below it).
      - ansible-runner (and so AWX) sets C(AWX_ISOLATED_DATA_DIR) to the job's artifact directory,
        so under ansible-runner the copy lands in the job's artifacts. C(VOICESEC_REPORT_ARTIFACT_DIR)
        wins over it.
    type: path
    env:
      - name: AWX_ISOLATED_DATA_DIR
      - name: VOICESEC_REPORT_ARTIFACT_DIR
    ini:
      - section: callback_compliance_report
        key: artifact_dir
"""

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ansible import constants as C
from ansible import context
from ansible.plugins.callback import CallbackBase
from ansible_collections.voicesec.mivb.plugins.module_utils.catalog import (
    REPORT_STATUSES,
    Control,
    host_roles,
    load_catalog,
)
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_collect import RunCollector
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_history import ReportStore, write_atomic
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_html import render_html, render_index
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_json import counts, render_json, run_summary
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_junit import render_junit
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_location import report_root
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_notify import WebhookError, post_json

# The report_gate action (a forked worker) finds the run's summary here (docs/report-format.md).
GATE_ENV = "VOICESEC_REPORT_GATE_FILE"
ARTIFACT_SUBDIR = "voicesec_report"


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "voicesec.mivb.compliance_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display: Any = None, options: Any = None) -> None:
        super().__init__(display=display, options=options)
        try:
            # Options are set later (set_options); the catalog is needed from the first event,
            # so its setting is read the way Ansible resolves it: environment, then default.
            catalog: list[Control] = load_catalog(os.environ.get("VOICESEC_CATALOG") or None)
        except (OSError, ValueError) as exc:  # a broken catalog must not stop the playbook
            self._display.warning(f"compliance_report: control catalog not loaded ({exc}); "
                                  "the report lists evaluated controls only")
            catalog = []
        self._collector = RunCollector(catalog)
        self._pending_plays: list[Any] = []
        self._run_dir: Path | None = None
        # Workers are forked from this process after the callbacks load: they inherit the path.
        self._gate_dir = tempfile.mkdtemp(prefix="voicesec-report-")
        atexit.register(shutil.rmtree, self._gate_dir, ignore_errors=True)  # also after Ctrl-C
        os.environ[GATE_ENV] = os.path.join(self._gate_dir, "summary.json")

    # --- inventory -------------------------------------------------------------------------

    def v2_playbook_on_start(self, playbook: Any) -> None:
        self._collector.playbooks.append(os.path.abspath(getattr(playbook, "_file_name", "") or ""))
        self._pending_plays.extend(getattr(playbook, "_entries", None) or [])

    def v2_playbook_on_play_start(self, play: Any) -> None:
        self._collector.start_play(bool(getattr(play, "check_mode", None)) or bool(context.CLIARGS.get("check")))
        try:
            variable_manager = play.get_variable_manager()
            inventory = variable_manager._inventory
            # Hosts of every play of the playbook, not only of the plays that get to start: when
            # a play fails on all its hosts, ansible-playbook stops and later plays' devices
            # would silently vanish from the report.
            patterns = [play.hosts]
            patterns += [p.hosts for p in self._pending_plays if _static_pattern(getattr(p, "hosts", None))]
            self._pending_plays = []
            for pattern in patterns:
                # ignore_restrictions: the current play's batch restriction (serial), not --limit
                for host in inventory.get_hosts(pattern, ignore_restrictions=True):
                    self._add_host(host, variable_manager, play)
        except Exception as exc:  # the report must never break the run
            self._display.warning(f"compliance_report: cannot read the play's inventory: {exc}")

    def _add_host(self, host: Any, variable_manager: Any = None, play: Any = None) -> None:
        name = host.get_name()
        if name in self._collector.hosts:
            return
        groups = {g.name for g in host.get_groups()}
        network_os = host.vars.get("ansible_network_os")
        roles = host_roles(groups, network_os)
        if not roles and variable_manager is not None:
            # ansible_network_os may come from group_vars files: ask the variable manager.
            hostvars = variable_manager.get_vars(play=play, host=host, include_hostvars=False)
            network_os = hostvars.get("ansible_network_os")
            roles = host_roles(groups, str(network_os) if network_os else None)
        self._collector.add_host(name, roles)

    # --- task results ----------------------------------------------------------------------

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        if _is_gate(task):
            try:  # the gate reads the run so far: every control task ran before it
                self._write_gate_summary()
            except Exception as exc:
                self._display.warning(f"compliance_report: summary for the report gate not written: {exc}")

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result, "changed" if result.result.get("changed") else "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, "failed")
        if not ignore_errors and not _is_gate(result.task):
            # the host runs no further task: its remaining controls say why they are missing
            self._collector.host_stopped(result.host.get_name(), _task_name(result))

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._add_host(result.host)
        res = result.result
        condition = res.get("false_condition")
        why = f"when: {condition}" if condition is not None else res.get("skip_reason", "condition false")
        self._collector.skip(result.host.get_name(), _task_name(result), str(why))

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._add_host(result.host)
        self._collector.host_unreachable(result.host.get_name(), str(result.result.get("msg", "unreachable")))
        self._record(result, "failed")

    def _record(self, result: Any, outcome: str) -> None:
        self._add_host(result.host)
        self._collector.diff_max_chars = int(self.get_option("diff_max_chars") or 4000)
        self._collector.record(result.host.get_name(), _task_name(result), result.result, outcome,
                               _is_check(result.task))

    # --- report ----------------------------------------------------------------------------

    def _store(self) -> ReportStore:
        return ReportStore(self._report_root(), int(self.get_option("keep_runs") or 0),
                           int(self.get_option("keep_days") or 0))

    def _records(self, store: ReportStore) -> tuple[list[dict[str, Any]], Path]:
        """The run's records compared with the history (the last one is the run's final state), its directory."""
        records = self._collector.records(bool(context.CLIARGS.get("check")))
        if self._run_dir is None:
            self._run_dir = store.new_run_dir()
        run_dir = self._run_dir
        state = store.load_state()
        for record in records:
            store.compare(record, state)
            record["run_id"] = run_dir.name
        if len(records) == 2:
            records[0]["record"], records[-1]["record"] = "remediation", "post-remediation audit"
            records[-1]["remediation"] = {"mode": records[0]["mode"], "path": "remediation",
                                          "counts": counts(records[0])}
        return records, run_dir

    def _write_gate_summary(self) -> None:
        store = self._store()
        with store.locked():
            records, run_dir = self._records(store)
        summary = run_summary(records[-1], str(run_dir / "report.json"))
        summary["fail_on"] = list(self.get_option("fail_on") or [])
        write_atomic(Path(os.environ[GATE_ENV]), json.dumps(summary) + "\n")

    def v2_playbook_on_stats(self, stats: Any) -> None:
        try:
            store = self._store()
            with store.locked():
                records, run_dir = self._records(store)
                self._write_run(store, records, run_dir)
        except Exception as exc:  # never fail the playbook because of the report
            self._display.warning(f"compliance_report: report not written: {exc}")
            return
        finally:
            shutil.rmtree(self._gate_dir, ignore_errors=True)
        final = records[-1]
        summary = run_summary(final, str(run_dir / "report.json"))
        self._copy_to_artifacts(run_dir)
        self._notify(summary)
        line = ", ".join(f"{final['summary'][s]} {s}" for s in REPORT_STATUSES)
        if final.get("remediation"):
            line += f"; remediated {final['remediation']['counts']['remediated']} first (remediation/)"
        # a machine-readable stdout (json, jsonl) must stay parseable: the line goes to stderr
        machine = "json" in str(getattr(C, "DEFAULT_STDOUT_CALLBACK", ""))
        self._display.display(f"COMPLIANCE REPORT ({final['mode']}): {line} -> {run_dir}", stderr=machine)

    def _write_run(self, store: ReportStore, records: list[dict[str, Any]], run_dir: Path) -> None:
        write_record(run_dir, records[-1])
        if len(records) == 2:
            write_record(run_dir / "remediation", records[0])
        state = store.record_run(records[-1], run_dir)
        write_atomic(store.root / "index.html", render_index(store.history_view(state), REPORT_STATUSES))
        try:
            store.set_latest(run_dir)
        except OSError as exc:  # e.g. a share without symlinks: the report itself is written
            self._display.warning(f"compliance_report: {store.root / 'latest'} not updated: {exc}")

    def _copy_to_artifacts(self, run_dir: Path) -> None:
        artifacts = self.get_option("artifact_dir")
        if not artifacts:
            return
        target = Path(artifacts) / ARTIFACT_SUBDIR
        try:
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(run_dir, target)
        except (OSError, shutil.Error) as exc:
            self._display.warning(f"compliance_report: report not copied to the artifacts ({target}): {exc}")

    def _notify(self, summary: dict[str, Any]) -> None:
        url = self.get_option("webhook_url")
        if not url:
            return
        when = self.get_option("webhook_on") or "new"
        findings = summary["counts"]["drift"] + summary["counts"]["error"]
        if (when == "new" and not summary["new_findings_total"]) or (when == "findings" and not findings):
            return
        try:
            post_json(url, summary, timeout=float(self.get_option("webhook_timeout") or 10),
                      validate_certs=bool(self.get_option("webhook_validate_certs")),
                      ca_path=self.get_option("webhook_ca_path"))
        except WebhookError as exc:
            self._display.warning(f"compliance_report: webhook notification failed: {exc}")
        except Exception as exc:  # never fail the playbook because of the webhook; the URL stays out
            self._display.warning(f"compliance_report: webhook notification failed: {type(exc).__name__}")

    def _report_root(self) -> Path:
        return report_root(self.get_option("report_dir"), self._collector.playbooks[0] if self._collector.playbooks
                           else "", Path.cwd())


def write_record(directory: Path, report: dict[str, Any]) -> None:
    """One record's three files: report.json, report.html, junit.xml."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(render_json(report), encoding="utf-8")
    (directory / "report.html").write_text(render_html(report, REPORT_STATUSES), encoding="utf-8")
    (directory / "junit.xml").write_text(render_junit(report), encoding="utf-8")


def _task_name(result: Any) -> str:
    return str(getattr(result.task, "name", None) or "")


def _is_gate(task: Any) -> bool:
    return str(getattr(task, "action", "") or "").rpartition(".")[2] == "report_gate"


def _is_check(task: Any) -> bool:
    check = getattr(task, "check_mode", None)
    if isinstance(check, bool):
        return check
    return bool(context.CLIARGS.get("check", False))


def _static_pattern(hosts: Any) -> bool:
    """A play's `hosts` that can be resolved before the play runs (no Jinja)."""
    values = hosts if isinstance(hosts, list) else [hosts]
    return bool(hosts) and all(isinstance(v, str) and "{{" not in v for v in values)
