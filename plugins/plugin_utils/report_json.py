# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON writers: report.json, and the short run summary the webhook, the report gate and
`set_stats` publish (one shape for all three, docs/report-format.md "Run summary")."""

from __future__ import annotations

import json
from typing import Any

SUMMARY_SCHEMA = "voicesec.mivb/summary/v1"
FINDINGS = ("error", "drift")
MAX_LISTED = 50  # a summary names at most this many new findings (the report has them all)


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"


def counts(report: dict[str, Any]) -> dict[str, int]:
    """Status counts of a record plus total and remediated, without the per-host breakdown."""
    return {k: v for k, v in report["summary"].items() if k != "hosts"}


def run_summary(report: dict[str, Any], location: str = "") -> dict[str, Any]:
    """The run in a few lines: counts, new findings (vs. the previous run), where the report is."""
    changes = report.get("changes", {})
    new = changes.get("new", [])
    summary: dict[str, Any] = {
        "schema": SUMMARY_SCHEMA,
        "run_id": report.get("run_id", ""),
        "generated": report["generated"],
        "mode": report["mode"],
        "playbook": report.get("playbook", ""),
        "report": location,
        "hosts": len(report["summary"].get("hosts", {})),
        "counts": counts(report),
        "new_findings_total": len(new),
        "new_findings": new[:MAX_LISTED],
        "resolved_total": len(changes.get("resolved", [])),
        "previous_run": changes.get("previous_run"),
    }
    if report.get("remediation"):
        summary["remediation"] = report["remediation"]
    return summary


def failing(summary: dict[str, Any], fail_on: list[str]) -> list[str]:
    """Why a run fails its gate: one reason per matched fail_on item ([] = pass).

    fail_on items: `error`, `drift` (any such finding now) and `new` (drift or errors that
    the previous run did not have).
    """
    reasons: list[str] = []
    for item in fail_on:
        if item in FINDINGS and summary["counts"].get(item, 0):
            reasons.append(f"{summary['counts'][item]} {item}")
        elif item == "new" and summary["new_findings_total"]:
            reasons.append(f"{summary['new_findings_total']} new finding(s)")
    return reasons
