# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: compliance_report
type: aggregate
short_description: Compliance report per device and control (JSON, HTML, JUnit)
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
    C(lan_switches) or C(ansible_network_os) C(cisco.ios.ios) / C(arubanetworks.aoscx.aoscx)).
    Controls not evaluated are reported as C(not_evaluated) (tags, limit, toggle, or an earlier
      failure, with the reason), C(not_applicable), C(manual) or C(not_implemented), never dropped.
  - Writes C(<report_dir>/<UTC timestamp>/report.json), C(report.html) and C(junit.xml), points
    C(<report_dir>/latest) at that directory and prints a one-line summary. Secrets (keys
    matching password, passcode, secret, key, token, private; PEM private keys; secret
    values in config lines) are masked in everything written.
  - Works with any stdout callback; enable it with C(callbacks_enabled). Under a JSON stdout
    callback the summary line goes to stderr so stdout stays parseable.
requirements:
  - enable in configuration (C(callbacks_enabled = voicesec.mivb.compliance_report))
options:
  report_dir:
    description:
      - Directory under which the timestamped report directories and the C(latest) link are written.
      - A relative path is resolved against the repository root of the first playbook (the
        nearest parent directory holding C(ansible.cfg), C(galaxy.yml) or C(.git)), else the
        current directory.
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
"""

import datetime
import difflib
import html
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml
from ansible import constants as C
from ansible import context
from ansible.plugins.callback import CallbackBase
from ansible_collections.voicesec.mivb.plugins.module_utils.catalog import (
    MODULE_STATUSES,
    REPORT_STATUSES,
    Control,
    control_ids_from_task_name,
    host_roles,
    load_catalog,
    mask_data,
    mask_text,
    worse,
)

SCHEMA = "voicesec.mivb/report/v1"


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "voicesec.mivb.compliance_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display: Any = None, options: Any = None) -> None:
        super().__init__(display=display, options=options)
        try:
            self._catalog: list[Control] = load_catalog()
        except (OSError, ValueError) as exc:  # a broken catalog must not stop the playbook
            self._display.warning(f"compliance_report: control catalog not loaded ({exc}); "
                                  "the report lists evaluated controls only")
            self._catalog = []
        self._playbooks: list[str] = []
        self._hosts: dict[str, set[str]] = {}  # host -> applies_to roles
        self._evals: dict[tuple[str, str], dict[str, Any]] = {}
        self._skips: dict[tuple[str, str], list[str]] = {}
        self._unreachable: dict[str, str] = {}
        self._host_failed: dict[str, str] = {}
        self._check_flags: list[bool] = []
        self._pending_plays: list[Any] = []

    # --- inventory -------------------------------------------------------------------------

    def v2_playbook_on_start(self, playbook: Any) -> None:
        self._playbooks.append(os.path.abspath(getattr(playbook, "_file_name", "") or ""))
        self._pending_plays.extend(getattr(playbook, "_entries", None) or [])

    def v2_playbook_on_play_start(self, play: Any) -> None:
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
        if name in self._hosts:
            return
        groups = {g.name for g in host.get_groups()}
        network_os = host.vars.get("ansible_network_os")
        roles = host_roles(groups, network_os)
        if not roles and variable_manager is not None:
            # ansible_network_os may come from group_vars files: ask the variable manager.
            hostvars = variable_manager.get_vars(play=play, host=host, include_hostvars=False)
            network_os = hostvars.get("ansible_network_os")
            roles = host_roles(groups, str(network_os) if network_os else None)
        self._hosts[name] = roles

    # --- task results ----------------------------------------------------------------------

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result, "changed" if result.result.get("changed") else "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, "failed")
        if not ignore_errors:
            # the host runs no further task: its remaining controls say why they are missing
            self._host_failed.setdefault(result.host.get_name(), self._task_name(result))

    def v2_runner_on_skipped(self, result: Any) -> None:
        ids = control_ids_from_task_name(self._task_name(result))
        if not ids:
            return
        self._add_host(result.host)
        res = result.result
        condition = res.get("false_condition")
        why = f"when: {condition}" if condition is not None else res.get("skip_reason", "condition false")
        for cid in ids:
            self._skips.setdefault((result.host.get_name(), cid), []).append(str(why))

    def v2_runner_on_unreachable(self, result: Any) -> None:
        host = result.host.get_name()
        self._add_host(result.host)
        self._unreachable[host] = mask_text(str(result.result.get("msg", "unreachable")))
        self._record(result, "failed")

    @staticmethod
    def _task_name(result: Any) -> str:
        return str(getattr(result.task, "name", None) or "")

    def _is_check(self, task: Any) -> bool:
        check = getattr(task, "check_mode", None)
        if isinstance(check, bool):
            return check
        return bool(context.CLIARGS.get("check", False))

    def _record(self, result: Any, outcome: str) -> bool:
        """Fold one task result into the per host/control state; False if not a control task."""
        name = self._task_name(result)
        ids = control_ids_from_task_name(name)
        if not ids:
            return False
        res = result.result
        per_control = self._controls_of(res)
        host = result.host.get_name()
        self._add_host(result.host)
        check = self._is_check(result.task)
        self._check_flags.append(check)
        message = mask_text(_failure_message(res))
        task_diff = self._diff_text(res)
        # With a `controls` dict the module says which controls it evaluated (with --tags the
        # switch role narrows it): IDs the task name lists but the dict omits were not evaluated.
        evaluated = list(per_control) if per_control else ids
        if outcome == "failed" and not per_control:
            evaluated = ids
        for cid in evaluated:
            entry = per_control.get(cid)
            # A failed task with per-control results (one task per device) says itself which
            # controls failed; the others keep their own status.
            if outcome == "failed" and (entry is None or entry["status"] == "error"):
                detail = (entry or {}).get("detail") or message
                self._merge(host, cid, "error", f"{name}: {detail}", False, None, name)
            elif entry is not None:
                status = entry["status"]
                # a module may say itself whether it fixed the drift (switch_config does)
                remediated = bool(entry.get("remediated", not check)) and status == "drift" and not check
                if remediated:
                    status = "compliant"
                # no per-control diff (the controller form modules): the task's diff shows it
                diff = (self._diff_text(entry) or self._commands_text(entry)
                        or (task_diff if entry["status"] == "drift" else "")) or None
                self._merge(host, cid, status, entry.get("detail") or name, remediated, diff, name)
            elif outcome == "changed":
                if check:
                    self._merge(host, cid, "drift", f"would change: {name}", False, task_diff, name)
                else:
                    self._merge(host, cid, "compliant", f"remediated: {name}", True, task_diff, name)
            else:
                self._merge(host, cid, "compliant", name, False, None, name)
        return True

    def _controls_of(self, res: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The `controls` dicts of a result and of its loop items, merged worst-wins."""
        merged: dict[str, dict[str, Any]] = {}
        items = [res, *[r for r in res.get("results", []) if isinstance(r, dict)]]
        for item in items:
            controls = item.get("controls")
            if not isinstance(controls, dict):
                continue
            for cid, raw in controls.items():
                entry = raw if isinstance(raw, dict) else {"status": raw}
                status = str(entry.get("status", "error"))
                if status not in MODULE_STATUSES:
                    status, entry = "error", {**entry, "detail": f"unknown status {status!r}"}
                entry = {**mask_data(entry), "status": status}
                previous = merged.get(str(cid))
                if previous is None or worse(previous["status"], status) == status:
                    merged[str(cid)] = entry
        return merged

    def _merge(self, host: str, cid: str, status: str, detail: str, remediated: bool,
               diff: str | None, task: str) -> None:
        state = self._evals.setdefault((host, cid), {"status": None, "details": {}, "remediated": False,
                                                     "diffs": [], "tasks": []})
        state["status"] = worse(state["status"], status)
        # details per status: the report explains a control by its worst status only
        state["details"].setdefault(status, []).append(mask_text(detail))
        state["remediated"] = state["remediated"] or remediated
        if diff:
            state["diffs"].append(diff)
        if task not in state["tasks"]:
            state["tasks"].append(task)

    def _limit(self, text: str) -> str:
        limit = int(self.get_option("diff_max_chars") or 4000)
        if len(text) <= limit:
            return text
        return text[:limit] + f"\n... (truncated, {len(text) - limit} more characters)"

    def _diff_text(self, res: dict[str, Any]) -> str:
        diffs = res.get("diff")
        if not diffs:
            return ""
        parts: list[str] = []
        for diff in diffs if isinstance(diffs, list) else [diffs]:
            if isinstance(diff, str):
                parts.append(diff)
                continue
            if not isinstance(diff, dict):
                continue
            if diff.get("prepared"):
                parts.append(str(diff["prepared"]))
            if "before" in diff or "after" in diff:
                before, after = (_as_text(mask_data(diff.get(k, ""))) for k in ("before", "after"))
                parts.append("".join(difflib.unified_diff(
                    before.splitlines(keepends=True), after.splitlines(keepends=True),
                    str(diff.get("before_header", "before")), str(diff.get("after_header", "after")))))
        return self._limit(mask_text("\n".join(p for p in parts if p), config=True))

    def _commands_text(self, entry: dict[str, Any]) -> str:
        commands = entry.get("commands")
        if not commands:
            return ""
        lines = commands if isinstance(commands, list) else [commands]
        return self._limit(mask_text("commands:\n" + "\n".join(f"  {c}" for c in lines), config=True))

    # --- report ----------------------------------------------------------------------------

    def v2_playbook_on_stats(self, stats: Any) -> None:
        try:
            report = self.build_report()
            path = self._write(report)
        except Exception as exc:  # never fail the playbook because of the report
            self._display.warning(f"compliance_report: report not written: {exc}")
            return
        counts = ", ".join(f"{report['summary'][s]} {s}" for s in REPORT_STATUSES)
        # a machine-readable stdout (json, jsonl) must stay parseable: the line goes to stderr
        machine = "json" in str(getattr(C, "DEFAULT_STDOUT_CALLBACK", ""))
        self._display.display(f"COMPLIANCE REPORT ({report['mode']}): {counts} -> {path}", stderr=machine)

    def _mode(self) -> str:
        if context.CLIARGS.get("check") or (self._check_flags and all(self._check_flags)):
            return "audit"
        return "harden"

    def build_report(self) -> dict[str, Any]:
        catalog = {c.id: c for c in self._catalog}
        hosts = sorted(set(self._hosts) | {host for host, _cid in self._evals})
        results: list[dict[str, Any]] = []
        for host in hosts:
            roles = self._hosts.get(host, set())
            evaluated = [cid for evaluated_host, cid in self._evals if evaluated_host == host]
            ids = [c.id for c in self._catalog if c.applies_to in roles or c.id in evaluated]
            ids += sorted(cid for cid in evaluated if cid not in catalog)
            results.extend(self._entry(host, cid, catalog.get(cid)) for cid in ids)
        summary: dict[str, Any] = {"total": len(results), **dict.fromkeys(REPORT_STATUSES, 0), "hosts": {}}
        for entry in results:
            summary[entry["status"]] += 1
            per_host = summary["hosts"].setdefault(entry["host"], dict.fromkeys(REPORT_STATUSES, 0))
            per_host[entry["status"]] += 1
        return {
            "schema": SCHEMA,
            "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace(
                "+00:00", "Z"),
            "mode": self._mode(),
            "playbook": ", ".join(self._playbooks),
            "summary": summary,
            "results": results,
        }

    def _entry(self, host: str, cid: str, control: Control | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "host": host, "control": cid,
            "title": control.title if control else "(not in the control catalog)",
            "area": control.area if control else "unknown",
            "guideline_section": control.guideline_section if control else "",
        }
        state = self._evals.get((host, cid))
        catalog_status = control.status if control else "implemented"
        if host in self._unreachable and (state is not None or catalog_status == "implemented"):
            # results gathered before the host dropped (or by tasks that never connect, such
            # as debug) cannot be trusted: the whole host is an error
            entry.update(status="error", detail=f"host unreachable: {self._unreachable[host]}")
            if state is not None:
                entry["tasks"] = state["tasks"]
        elif state is not None:
            entry.update(status=state["status"], tasks=state["tasks"],
                         detail="; ".join(dict.fromkeys(state["details"][state["status"]])))
            if state["remediated"]:
                entry["remediated"] = True
            if state["diffs"] and (state["status"] == "drift" or state["remediated"]):
                entry["diff"] = self._limit("\n".join(state["diffs"]))
        elif catalog_status == "manual":
            entry.update(status="manual", detail=f"manual control, verify: {control.verify}")
        elif catalog_status == "planned":
            entry.update(status="not_implemented", detail="planned")
        elif (host, cid) in self._skips:
            reasons = "; ".join(dict.fromkeys(self._skips[(host, cid)]))
            entry.update(status="not_evaluated",
                         detail=f"skipped: disabled by toggle or condition ({reasons})")
        elif host in self._host_failed:
            entry.update(status="not_evaluated", detail="not evaluated in this run: host stopped after failed "
                                                        f"task {self._host_failed[host]!r}")
        else:
            entry.update(status="not_evaluated", detail="not evaluated in this run (tags/limit/toggle)")
        return entry

    def _report_root(self) -> Path:
        configured = Path(os.path.expanduser(str(self.get_option("report_dir") or "reports")))
        if configured.is_absolute():
            return configured
        base = Path.cwd()
        if self._playbooks and self._playbooks[0]:
            for parent in Path(self._playbooks[0]).parents:
                if any((parent / marker).exists() for marker in ("ansible.cfg", "galaxy.yml", ".git")):
                    base = parent
                    break
        return base / configured

    def _write(self, report: dict[str, Any]) -> Path:
        root = self._report_root()
        root.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        target, n = root / stamp, 1
        while target.exists():  # two runs in one second (tests, chained playbooks)
            n += 1
            target = root / f"{stamp}-{n}"
        target.mkdir()
        (target / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        (target / "report.html").write_text(render_html(report, self._catalog), encoding="utf-8")
        (target / "junit.xml").write_text(render_junit(report), encoding="utf-8")
        latest = root / "latest"
        tmp = root / f".latest-{os.getpid()}"
        try:
            if tmp.is_symlink() or tmp.exists():
                tmp.unlink()
            tmp.symlink_to(target.name)
            os.replace(tmp, latest)  # atomic: readers never see a missing link
        except OSError as exc:  # e.g. a share without symlinks: the report itself is written
            self._display.warning(f"compliance_report: {latest} not updated: {exc}")
        return target


def _failure_message(res: dict[str, Any]) -> str:
    """The task's error; for a loop, the failed items' errors rather than "One or more items failed"."""
    # callback results may not carry an item's `failed` flag (ansible-core 2.19+): the error does
    items = [r for r in res.get("results", []) if isinstance(r, dict)
             and (r.get("failed") or "exception" in r or r.get("evaluated_to") is False)]
    if items:
        return "; ".join(dict.fromkeys(str(r.get("msg") or "item failed") for r in items))
    return str(res.get("msg") or res.get("module_stderr") or "task failed")


def _static_pattern(hosts: Any) -> bool:
    """A play's `hosts` that can be resolved before the play runs (no Jinja)."""
    values = hosts if isinstance(hosts, list) else [hosts]
    return bool(hosts) and all(isinstance(v, str) and "{{" not in v for v in values)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value if value.endswith("\n") or not value else value + "\n"
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True)


# --- renderers (pure functions of report.json, so they can be tested and reused) ------------

LETTERS = {"compliant": "C", "drift": "D", "error": "E", "not_evaluated": "-", "not_applicable": "/",
           "manual": "M", "not_implemented": "N"}
COLOURS = {"compliant": "#2e7d32", "drift": "#ef6c00", "error": "#c62828", "not_evaluated": "#8d6e63",
           "not_applicable": "#bdbdbd", "manual": "#546e7a", "not_implemented": "#9e9e9e"}
NOT_RUN = ("not_evaluated", "not_applicable", "manual", "not_implemented")
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em;color:#212121}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 6px;font-size:.85em;vertical-align:top}
th.v{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
td.s{color:#fff;text-align:center;font-weight:bold;min-width:1.4em}td.s a{color:#fff;text-decoration:none}
td.na{background:#fafafa;color:#bbb;text-align:center}
pre{background:#f5f5f5;padding:6px;max-width:110ch;overflow-x:auto;white-space:pre-wrap;font-size:.85em}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;color:#fff;border-radius:3px}
""" + "".join(f"td.{k},span.{k}{{background:{v}}}" for k, v in COLOURS.items())


def _cell_letter(entry: dict[str, Any]) -> str:
    return "R" if entry.get("remediated") and entry["status"] == "compliant" else LETTERS[entry["status"]]


def _anchor(host: str, cid: str | None = None) -> str:
    return html.escape(f"h-{host}" + (f"-{cid}" if cid else ""), quote=True)


def _detail_row(entry: dict[str, Any], with_host: bool) -> str:
    esc = html.escape
    status = entry["status"] + (" (remediated)" if entry.get("remediated") else "")
    diff = f"<pre>{esc(entry['diff'])}</pre>" if entry.get("diff") else ""
    host = (f"<td><a href='#{_anchor(entry['host'])}'>{esc(entry['host'])}</a></td>" if with_host else "")
    row_id = "" if with_host else f" id='{_anchor(entry['host'], entry['control'])}'"
    return (f"<tr{row_id}>{host}<td>{esc(entry['control'])}</td><td>{esc(entry['title'])}</td>"
            f"<td class='s {entry['status']}'>{esc(status)}</td><td>{esc(entry.get('detail', ''))}{diff}</td>"
            f"<td>{esc(entry['guideline_section'])}</td></tr>")


def render_html(report: dict[str, Any], catalog: list[Control]) -> str:
    """Self-contained HTML: host x control matrix, findings, each host's details. No JS, no assets."""
    esc = html.escape
    by_key = {(r["host"], r["control"]): r for r in report["results"]}
    hosts = list(dict.fromkeys(r["host"] for r in report["results"]))
    titles = {c.id: c.title for c in catalog}
    present = {cid for _host, cid in by_key}
    controls = [c.id for c in catalog if c.id in present] + sorted(present - set(titles))
    summary = report["summary"]
    head = ("<tr><th>host</th><th>control</th><th>title</th><th>status</th><th>detail</th>"
            "<th>guideline section</th></tr>")
    out = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>MiVB compliance report "
           f"{esc(report['generated'])}</title><style>{_CSS}</style></head><body>",
           f"<h1>MiVB compliance report</h1><p>Generated {esc(report['generated'])} &middot; mode "
           f"<b>{esc(report['mode'])}</b> &middot; playbook {esc(report['playbook'])} &middot; "
           f"{len(hosts)} host(s), {summary['total']} result(s)</p>",
           "<p class='legend'>" + "".join(
               f"<span class='{s}'>{LETTERS[s]} {s}: {summary[s]}</span>" for s in REPORT_STATUSES)
           + "<span class='compliant'>R compliant, remediated in this run</span></p>",
           "<h2>Matrix</h2><table><tr><th>host</th>"]
    out += [f"<th class='v' title=\"{esc(titles.get(c, ''), quote=True)}\">{esc(c)}</th>" for c in controls]
    out.append("</tr>")
    for host in hosts:
        out.append(f"<tr><th><a href='#{_anchor(host)}'>{esc(host)}</a></th>")
        for cid in controls:
            entry = by_key.get((host, cid))
            if entry is None:
                out.append("<td class='na' title='not applicable'>&middot;</td>")
                continue
            tip = esc(f"{cid} {entry['status']}: {entry.get('detail', '')}", quote=True)
            out.append(f"<td class='s {entry['status']}' title=\"{tip}\"><a href='#{_anchor(host, cid)}'>"
                       f"{_cell_letter(entry)}</a></td>")
        out.append("</tr>")
    out.append("</table>")
    findings = [r for r in report["results"] if r["status"] in ("error", "drift")]
    out.append(f"<h2>Findings: drift and errors ({len(findings)})</h2>")
    if findings:
        out.append("<table>" + head + "".join(_detail_row(r, True) for r in findings) + "</table>")
    else:
        out.append("<p>No drift, no errors.</p>")
    for host in hosts:
        counts = ", ".join(f"{summary['hosts'][host][s]} {s}" for s in REPORT_STATUSES)
        out.append(f"<h2 id='{_anchor(host)}'>{esc(host)}</h2><p>{esc(counts)}</p><table>"
                   + head.replace("<th>host</th>", "")
                   + "".join(_detail_row(r, False) for r in report["results"] if r["host"] == host)
                   + "</table>")
    out.append("</body></html>\n")
    return "".join(out)


def render_junit(report: dict[str, Any]) -> str:
    """One testsuite per host, one testcase per control; drift/error fail, the rest skip."""
    suites = ET.Element("testsuites", name="voicesec.mivb compliance", timestamp=report["generated"])
    for host in dict.fromkeys(r["host"] for r in report["results"]):
        entries = [r for r in report["results"] if r["host"] == host]
        failures = sum(r["status"] in ("drift", "error") for r in entries)
        skipped = sum(r["status"] in NOT_RUN for r in entries)
        suite = ET.SubElement(suites, "testsuite", name=host, tests=str(len(entries)),
                              failures=str(failures), errors="0", skipped=str(skipped))
        for r in entries:
            case = ET.SubElement(suite, "testcase", classname=f"voicesec.mivb.{host}",
                                 name=f"{r['control']} {r['title']}")
            if r["status"] in ("drift", "error"):
                failure = ET.SubElement(case, "failure", type=r["status"],
                                        message=f"{r['status']}: {r.get('detail', '')}"[:500])
                failure.text = "\n\n".join(x for x in (r.get("detail"), r.get("diff")) if x)
            elif r["status"] in NOT_RUN:
                ET.SubElement(case, "skipped", message=f"{r['status']}: {r.get('detail', '')}")
            elif r.get("remediated"):
                ET.SubElement(case, "system-out").text = f"remediated: {r.get('detail', '')}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
