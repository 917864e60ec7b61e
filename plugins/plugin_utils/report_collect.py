# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collecting task results into compliance records (the compliance_report callback's first job).

Knows nothing of Ansible's callback API: the callback hands in plain values (host, task name,
the result dict, the outcome, whether the task ran in check mode). One run may have two
phases: `harden` (plays that change devices) and `audit` (plays in check mode), as
playbooks/site.yml does; each phase becomes its own record (a report dict, see
docs/report-format.md). Secrets are masked here, before anything reaches a writer.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from typing import Any

import yaml
from ansible_collections.voicesec.mivb.plugins.module_utils.catalog import (
    MODULE_STATUSES,
    REPORT_STATUSES,
    Control,
    control_ids_from_task_name,
    worse,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import mask_data, mask_text

SCHEMA = "voicesec.mivb/report/v1"
PHASES = ("harden", "audit")


@dataclass
class Phase:
    """What one phase (harden or audit) saw, per (host, control)."""

    evals: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    skips: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    check_flags: list[bool] = field(default_factory=list)


class RunCollector:
    """Folds task results into per host/control states; builds one report dict per phase."""

    def __init__(self, catalog: list[Control], diff_max_chars: int = 4000) -> None:
        self.catalog = catalog
        self.diff_max_chars = diff_max_chars
        self.playbooks: list[str] = []
        self.hosts: dict[str, set[str]] = {}  # host -> applies_to roles
        self.unreachable: dict[str, str] = {}
        self.host_failed: dict[str, str] = {}
        self.phases: dict[str, Phase] = {}
        self.current = "harden"

    # --- input -----------------------------------------------------------------------------

    def start_play(self, check: bool) -> None:
        """A play starts: check-mode plays (or --check) are the audit phase, others harden."""
        self.current = "audit" if check else "harden"

    def add_host(self, name: str, roles: set[str]) -> None:
        self.hosts.setdefault(name, roles)

    def _phase(self) -> Phase:
        return self.phases.setdefault(self.current, Phase())

    def skip(self, host: str, task_name: str, why: str) -> None:
        for cid in control_ids_from_task_name(task_name):
            self._phase().skips.setdefault((host, cid), []).append(why)

    def host_unreachable(self, host: str, message: str) -> None:
        self.unreachable[host] = mask_text(message)

    def host_stopped(self, host: str, task_name: str) -> None:
        self.host_failed.setdefault(host, task_name)

    def record(self, host: str, name: str, res: dict[str, Any], outcome: str, check: bool) -> bool:
        """Fold one task result (outcome ok, changed or failed); False if not a control task."""
        ids = control_ids_from_task_name(name)
        if not ids:
            return False
        phase = self._phase()
        per_control = self._controls_of(res)
        phase.check_flags.append(check)
        message = mask_text(failure_message(res))
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
                self._merge(phase, host, cid, "error", f"{name}: {detail}", False, None, name)
            elif entry is not None:
                status = entry["status"]
                # a module may say itself whether it fixed the drift (switch_config does)
                remediated = bool(entry.get("remediated", not check)) and status == "drift" and not check
                if remediated:
                    status = "compliant"
                # no per-control diff (the controller form modules): the task's diff shows it
                diff = (self._diff_text(entry) or self._commands_text(entry)
                        or (task_diff if entry["status"] == "drift" else "")) or None
                self._merge(phase, host, cid, status, entry.get("detail") or name, remediated, diff, name)
            elif outcome == "changed":
                if check:
                    self._merge(phase, host, cid, "drift", f"would change: {name}", False, task_diff, name)
                else:
                    self._merge(phase, host, cid, "compliant", f"remediated: {name}", True, task_diff, name)
            else:
                self._merge(phase, host, cid, "compliant", name, False, None, name)
        return True

    @staticmethod
    def _controls_of(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
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

    @staticmethod
    def _merge(phase: Phase, host: str, cid: str, status: str, detail: str, remediated: bool,
               diff: str | None, task: str) -> None:
        state = phase.evals.setdefault((host, cid), {"status": None, "details": {}, "remediated": False,
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
        if len(text) <= self.diff_max_chars:
            return text
        return text[:self.diff_max_chars] + f"\n... (truncated, {len(text) - self.diff_max_chars} more characters)"

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

    # --- output ----------------------------------------------------------------------------

    def records(self, cli_check: bool) -> list[dict[str, Any]]:
        """The run's records, last one the run's final state.

        harden + audit (site.yml): [remediation record, post-remediation audit record]; the
        audit entries carry `remediated: true` where the harden phase changed the control.
        One phase: [its record]. Nothing evaluated: one record of not-evaluated controls.
        """
        phases = [p for p in PHASES if p in self.phases] or ["audit" if cli_check else "harden"]
        records = [self.build(p, cli_check) for p in phases]
        if len(records) == 2:
            harden, audit = records
            fixed = {(r["host"], r["control"]) for r in harden["results"] if r.get("remediated")}
            for entry in audit["results"]:
                if (entry["host"], entry["control"]) in fixed:
                    entry["remediated"] = True
            audit["summary"]["remediated"] = sum(bool(r.get("remediated")) for r in audit["results"])
        return records

    def build(self, phase_name: str, cli_check: bool = False) -> dict[str, Any]:
        phase = self.phases.get(phase_name, Phase())
        catalog = {c.id: c for c in self.catalog}
        hosts = sorted(set(self.hosts) | {host for host, _cid in phase.evals})
        results: list[dict[str, Any]] = []
        for host in hosts:
            roles = self.hosts.get(host, set())
            evaluated = [cid for evaluated_host, cid in phase.evals if evaluated_host == host]
            ids = [c.id for c in self.catalog if c.applies_to in roles or c.id in evaluated]
            ids += sorted(cid for cid in evaluated if cid not in catalog)
            results.extend(self._entry(phase, host, cid, catalog.get(cid)) for cid in ids)
        mode = phase_name
        if phase_name == "harden" and (cli_check or (phase.check_flags and all(phase.check_flags))):
            mode = "audit"
        return {
            "schema": SCHEMA,
            "generated": utc_now(),
            "mode": mode,
            "playbook": ", ".join(self.playbooks),
            "summary": summarize(results),
            "results": results,
        }

    def _entry(self, phase: Phase, host: str, cid: str, control: Control | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "host": host, "control": cid,
            "title": control.title if control else "(not in the control catalog)",
            "area": control.area if control else "unknown",
            "guideline_section": control.guideline_section if control else "",
        }
        state = phase.evals.get((host, cid))
        catalog_status = control.status if control else "implemented"
        if host in self.unreachable and (state is not None or catalog_status == "implemented"):
            # results gathered before the host dropped (or by tasks that never connect, such
            # as debug) cannot be trusted: the whole host is an error
            entry.update(status="error", detail=f"host unreachable: {self.unreachable[host]}")
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
        elif (host, cid) in phase.skips:
            reasons = "; ".join(dict.fromkeys(phase.skips[(host, cid)]))
            entry.update(status="not_evaluated",
                         detail=f"skipped: disabled by toggle or condition ({reasons})")
        elif host in self.host_failed:
            entry.update(status="not_evaluated", detail="not evaluated in this run: host stopped after failed "
                                                        f"task {self.host_failed[host]!r}")
        else:
            entry.update(status="not_evaluated", detail="not evaluated in this run (tags/limit/toggle)")
        return entry


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per status (all statuses present), remediated, and the same per host."""
    summary: dict[str, Any] = {"total": len(results), **dict.fromkeys(REPORT_STATUSES, 0), "hosts": {}}
    for entry in results:
        summary[entry["status"]] += 1
        per_host = summary["hosts"].setdefault(entry["host"], dict.fromkeys(REPORT_STATUSES, 0))
        per_host[entry["status"]] += 1
    summary["remediated"] = sum(bool(r.get("remediated")) for r in results)
    return summary


def utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def failure_message(res: dict[str, Any]) -> str:
    """The task's error; for a loop, the failed items' errors rather than "One or more items failed"."""
    # callback results may not carry an item's `failed` flag (ansible-core 2.19+): the error does
    items = [r for r in res.get("results", []) if isinstance(r, dict)
             and (r.get("failed") or "exception" in r or r.get("evaluated_to") is False)]
    if items:
        return "; ".join(dict.fromkeys(str(r.get("msg") or "item failed") for r in items))
    return str(res.get("msg") or res.get("module_stderr") or "task failed")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value if value.endswith("\n") or not value else value + "\n"
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True)
