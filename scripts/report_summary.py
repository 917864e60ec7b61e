#!/usr/bin/env python3
"""One-screen summary of a compliance report (report.json written by voicesec.mivb.compliance_report).

    python scripts/report_summary.py reports/latest        # a report directory
    python scripts/report_summary.py reports/latest/report.json

Prints the counts per status (and remediated, new and resolved since the previous run), a
host x control grid with one letter per status and the drift/error findings with their
detail. Always exits 0 (it informs, the report decides; the run's exit status is the report
gate's, see docs/report-format.md).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _collection_module(name: str) -> types.ModuleType:
    """Import ansible_collections.voicesec.mivb.<name> from this checkout without Ansible's loader."""
    for package, path in (("ansible_collections", []), ("ansible_collections.voicesec", []),
                          ("ansible_collections.voicesec.mivb", [str(ROOT)])):
        if package not in sys.modules:
            module = types.ModuleType(package)
            module.__path__ = path
            sys.modules[package] = module
    return importlib.import_module(f"ansible_collections.voicesec.mivb.{name}")


STATUSES = _collection_module("plugins.module_utils.catalog").REPORT_STATUSES
letter = _collection_module("plugins.plugin_utils.report_html").letter
# Catalog order of ID prefixes, so grid columns read like docs/controls.md.
PREFIX_ORDER = ("CERT", "TLS", "AUTH", "ACC", "LOG", "LAN", "WAN", "EP", "TOLL", "VM", "SYS", "MSL", "MAN")
MAX_FINDINGS = 25
DETAIL_WIDTH = 100


def _control_key(cid: str) -> tuple[int, str, int]:
    prefix, _, number = cid.rpartition("-")
    rank = PREFIX_ORDER.index(prefix) if prefix in PREFIX_ORDER else len(PREFIX_ORDER)
    return rank, prefix, int(number) if number.isdigit() else 0


def grid(results: list[dict[str, Any]]) -> list[str]:
    hosts = list(dict.fromkeys(r["host"] for r in results))
    controls = sorted(dict.fromkeys(r["control"] for r in results), key=_control_key)
    cells = {(r["host"], r["control"]): letter(r) for r in results}
    width = max(len(h) for h in hosts) + 2
    # control IDs are printed vertically so one column is one character wide
    height = max(len(c) for c in controls)
    lines = [" " * width + "".join(c.rjust(height)[i] for c in controls) for i in range(height)]
    lines += [h.ljust(width) + "".join(cells.get((h, c), ".") for c in controls) for h in hosts]
    return lines


def summarize(report: dict[str, Any]) -> str:
    summary, results = report["summary"], report["results"]
    out = [f"MiVB compliance report {report['generated']} ({report['mode']}) {report.get('playbook', '')}",
           f"{summary['total']} results: " + ", ".join(f"{summary.get(s, 0)} {s}" for s in STATUSES)]
    changes = report.get("changes") or {}
    if changes or "remediated" in summary:
        out.append(f"remediated in this run: {summary.get('remediated', 0)}; since the previous run "
                   f"({changes.get('previous_run') or 'none'}): {len(changes.get('new', []))} new drift/error, "
                   f"{len(changes.get('resolved', []))} resolved")
    if report.get("remediation"):
        counts = report["remediation"]["counts"]
        out.append(f"post-remediation audit; remediation record {report['remediation']['path']}/: "
                   f"{counts.get('remediated', 0)} remediated, {counts['drift']} drift, {counts['error']} error")
    if not results:
        return "\n".join([*out, "no hosts in this report"])
    out += ["", "C compliant  R remediated  D drift  E error  - not evaluated  / not applicable  "
            "M manual  N not implemented  . n/a", ""]
    out += grid(results)
    findings = [r for r in results if r["status"] in ("error", "drift")]
    out += ["", f"{len(findings)} finding(s) (drift/error):" if findings else "no drift, no errors"]
    # One line per host, status and reason: an unreachable controller is one line, not 30.
    lines: dict[tuple[str, str, str, str], list[str]] = {}
    for r in findings:
        detail = " ".join(str(r.get("detail", "")).split())
        was = f"(was {r['previous_status']}) " if r.get("previous_status") not in (None, r["status"]) else ""
        lines.setdefault((r["status"], r["host"], was, detail), []).append(r["control"])
    for (status, host, was, detail), controls in list(lines.items())[:MAX_FINDINGS]:
        which = controls[0] if len(controls) == 1 else f"{len(controls)} controls"
        if len(detail) > DETAIL_WIDTH:
            detail = detail[: DETAIL_WIDTH - 3] + "..."
        out.append(f"  {status.upper():5} {host:<16} {which:<8} {was}{detail}")
    if len(lines) > MAX_FINDINGS:
        out.append(f"  ... {len(lines) - MAX_FINDINGS} more: see report.html / report.json")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", nargs="?", default="reports/latest",
                        help="report directory or report.json (default: reports/latest)")
    args = parser.parse_args(argv)
    path = Path(args.report)
    if path.is_dir():
        path = path / "report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"no readable report at {path}: {exc}")
        return 0
    print(summarize(report))
    print(f"\nreport: {path.parent.resolve()}/report.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
