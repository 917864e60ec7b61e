#!/usr/bin/env python3
"""Merge the compliance reports of a sliced run into one report.

AWX job slicing (and any other way of splitting a fleet over several machines) runs the
same playbook once per slice of the inventory; each slice writes its own report.json
(voicesec.mivb/report/v1). This joins them into the report one run over the whole inventory
would have written: the results of every slice, ordered by host and control as the callback
orders them, and the summary counts recomputed.

    python scripts/merge_reports.py -o merged/report.json slice1/report.json slice2/report.json
    python scripts/merge_reports.py -o merged/report.json artifacts/*/reports/latest

Refused (exit 2, nothing written): reports of another schema, slices of different modes
(an audit merged with a harden run), or a host that appears in two slices (slices must not
overlap: AWX gives every host to exactly one slice).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _report_statuses() -> tuple[str, ...]:
    """The status list from its one home, plugins/module_utils/catalog.py (stdlib + PyYAML only)."""
    spec = importlib.util.spec_from_file_location("voicesec_catalog", ROOT / "plugins" / "module_utils" / "catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return tuple(module.REPORT_STATUSES)


class MergeError(ValueError):
    pass


def load(path: Path) -> dict[str, Any]:
    file = path / "report.json" if path.is_dir() else path
    return json.loads(file.read_text(encoding="utf-8"))


def merge(reports: list[dict[str, Any]], statuses: tuple[str, ...]) -> dict[str, Any]:
    if not reports:
        raise MergeError("no report to merge")
    schemas = {r.get("schema") for r in reports}
    if len(schemas) != 1:
        raise MergeError(f"reports of different schemas: {sorted(map(str, schemas))}")
    modes = {r.get("mode") for r in reports}
    if len(modes) != 1:
        raise MergeError(f"slices of different modes cannot be merged: {sorted(map(str, modes))}")
    owner: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for index, report in enumerate(reports):
        for host in dict.fromkeys(entry["host"] for entry in report["results"]):
            if host in owner:
                raise MergeError(f"host {host} is in slice {owner[host] + 1} and slice {index + 1}: slices overlap")
            owner[host] = index
        results.extend(report["results"])
    # The callback lists hosts sorted by name and, per host, controls in catalog order: keep
    # each host's control order as its slice wrote it, hosts sorted like a single run.
    order = {id(entry): n for n, entry in enumerate(results)}
    results.sort(key=lambda entry: (entry["host"], order[id(entry)]))
    summary: dict[str, Any] = {"total": len(results), **dict.fromkeys(statuses, 0), "hosts": {}}
    for entry in results:
        if entry["status"] not in statuses:
            raise MergeError(f"unknown status {entry['status']!r} for {entry['host']} {entry['control']}")
        summary[entry["status"]] += 1
        summary["hosts"].setdefault(entry["host"], dict.fromkeys(statuses, 0))[entry["status"]] += 1
    return {
        "schema": reports[0]["schema"],
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "mode": reports[0]["mode"],
        "playbook": reports[0].get("playbook", ""),
        "slices": [{"generated": r.get("generated"), "hosts": sorted({e["host"] for e in r["results"]})}
                   for r in reports],
        "summary": summary,
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="+", type=Path, help="report.json files or report directories")
    parser.add_argument("-o", "--output", type=Path, required=True, help="merged report.json to write")
    args = parser.parse_args(argv)
    statuses = _report_statuses()
    try:
        merged = merge([load(p) for p in args.reports], statuses)
    except (MergeError, OSError, ValueError, KeyError) as exc:
        print(f"merge_reports: {exc}", file=sys.stderr)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(merged, indent=2) + "\n", encoding="utf-8")
    counts = ", ".join(f"{merged['summary'][s]} {s}" for s in statuses)
    print(f"merged {len(args.reports)} report(s), {len(merged['summary']['hosts'])} host(s): {counts} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
