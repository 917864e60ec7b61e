#!/usr/bin/env python3
"""One-screen summary of a compliance report (report.json written by voicesec.mivb.compliance_report).

    python scripts/report_summary.py reports/latest        # a report directory
    python scripts/report_summary.py reports/latest/report.json

Prints the counts per status, a host x control grid with one letter per status and the
drift/error findings with their detail. Always exits 0 (it informs, the report decides).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

LETTERS = {"compliant": "C", "drift": "D", "error": "E", "not_evaluated": "-", "not_applicable": "/",
           "manual": "M", "not_implemented": "N"}
STATUSES = ("error", "drift", "compliant", "not_evaluated", "not_applicable", "manual", "not_implemented")
# Catalog order of ID prefixes, so grid columns read like docs/controls.md.
PREFIX_ORDER = ("CERT", "TLS", "AUTH", "ACC", "LOG", "LAN", "WAN", "EP", "TOLL", "VM", "SYS", "MSL", "MAN")
MAX_FINDINGS = 25
DETAIL_WIDTH = 100


def letter(entry: dict[str, Any]) -> str:
    if entry["status"] == "compliant" and entry.get("remediated"):
        return "R"
    return LETTERS.get(entry["status"], "?")


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
    if not results:
        return "\n".join([*out, "no hosts in this report"])
    out += ["", "C compliant  R remediated  D drift  E error  - not evaluated  / not applicable  "
            "M manual  N not implemented  . n/a", ""]
    out += grid(results)
    findings = [r for r in results if r["status"] in ("error", "drift")]
    out += ["", f"{len(findings)} finding(s) (drift/error):" if findings else "no drift, no errors"]
    for r in findings[:MAX_FINDINGS]:
        detail = " ".join(str(r.get("detail", "")).split())
        if len(detail) > DETAIL_WIDTH:
            detail = detail[: DETAIL_WIDTH - 3] + "..."
        out.append(f"  {r['status'].upper():5} {r['host']:<16} {r['control']:<8} {detail}")
    if len(findings) > MAX_FINDINGS:
        out.append(f"  ... {len(findings) - MAX_FINDINGS} more: see report.html / report.json")
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
