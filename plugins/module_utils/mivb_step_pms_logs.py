# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""LOG-05: PMS occupancy logs purged per the inventory's retention, over the maintenance shell.

Guideline, "Occupancy Logs": log in to the Linux shell via SSH, run `/sysro/bin/mtce-term`,
read with `LOGS READ HOTEL [ALL | NEW <n> | OLD <n>] [MATCH <string>]` and delete with
`LOGS PURGE HOTEL [ALL | NEW <n> | OLD <n>]` ("the system can purge only all, new, or old
printed logs"). So a retention is applied as `OLD k`: the k oldest entries, those older than
`days` or beyond the newest `max_entries`. Logs that arrive meanwhile are the newest, so `OLD k`
never takes one of them. A fresh `LOGS READ HOTEL ALL` verifies the purge. `days` is counted
back from the control node's UTC clock (the entries carry UTC timestamps).

The logs hold guests' names and rooms: only counts and timestamps ever reach the report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_maintenance import (
    SSH_PARAMS,
    MaintenanceError,
    SshAccess,
    prefetch_step,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)

RETENTION_VAR = "mivb_hardening_pms_log_retention"
LIMITS = {"days": (0, 3650), "max_entries": (0, 100000)}
_ENTRY = re.compile(r"^\s*(\d+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?)\s")
_COUNT = re.compile(r"(\d+) HOTEL log\(s\) displayed")
_PURGED = re.compile(r"(\d+) HOTEL log\(s\) purged")


@dataclass
class PmsLogs:
    access: SshAccess
    days: int | None
    max_entries: int | None

    def policy(self) -> str:
        parts = ([f"older than {self.days} day(s)"] if self.days is not None else []) + (
            [f"beyond the newest {self.max_entries}"] if self.max_entries is not None else [])
        return "purge " + " or ".join(parts)


def build(plan: PlanContext, params: dict[str, Any]) -> PmsLogs:
    retention = params.get("retention")
    if not isinstance(retention, dict) or not any(retention.get(k) is not None for k in LIMITS):
        raise InputError(f"{RETENTION_VAR}: set days and/or max_entries (0 = purge all); nothing was sent",
                         field=RETENTION_VAR, allowed=sorted(LIMITS))
    values: dict[str, int | None] = {}
    for key, (low, high) in LIMITS.items():
        value = retention.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            raise InputError(f"{RETENTION_VAR}: {key}: {value!r} is outside {low}-{high}; nothing was sent",
                             field=RETENTION_VAR, allowed=f"{low}-{high}")
        values[key] = value
    return PmsLogs(SshAccess.of(params), values["days"], values["max_entries"])


def parse_logs(output: str) -> list[tuple[int, dt.datetime]]:
    """(id, time) of each entry of `LOGS READ HOTEL ALL`, oldest first; the count line must agree."""
    entries = []
    for line in output.splitlines():
        found = _ENTRY.match(line)
        if found:
            stamp = found.group(2).rstrip("Z")
            entries.append((int(found.group(1)), dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC)))
    counts = _COUNT.findall(output)
    if not counts or int(counts[-1]) != len(entries):
        raise MaintenanceError("LOG-05: LOGS READ HOTEL ALL answered without a matching \"<n> HOTEL log(s) "
                               "displayed\" line; nothing was purged")
    return entries


def to_purge(entries: list[tuple[int, dt.datetime]], backend: PmsLogs, now: dt.datetime) -> int:
    """How many of the oldest entries the retention removes."""
    count = 0
    if backend.days is not None:
        cutoff = now - dt.timedelta(days=backend.days)
        count = len(entries) if backend.days == 0 else sum(1 for _entry_id, t in entries if t < cutoff)
    if backend.max_entries is not None:
        count = max(count, len(entries) - backend.max_entries)
    return count


def run(plan: PlanContext, backend: PmsLogs, ids: list[str]) -> None:
    shell = backend.access.shell(plan)
    entries = parse_logs(shell.mtce("LOGS READ HOTEL ALL"))
    purge = to_purge(entries, backend, dt.datetime.now(dt.UTC))
    read = (f"{len(entries)} occupancy log(s) read (LOGS READ HOTEL ALL)"
            + (f", oldest {entries[0][1]:%Y-%m-%dT%H:%M:%SZ}" if entries else ""))
    if not purge:
        plan.out.controls["LOG-05"] = result("compliant", f"{read}; {backend.policy()}: nothing to purge")
        plan.out.steps.append({"step": "pms_logs", "outcome": "ok"})
        return
    command = "LOGS PURGE HOTEL ALL" if purge == len(entries) else f"LOGS PURGE HOTEL OLD {purge}"
    before = {"hotel_logs": len(entries)}
    after = {"hotel_logs": len(entries) - purge}
    applied = False
    if not plan.check:
        answer = _PURGED.findall(shell.mtce(command))
        if not answer or int(answer[-1]) != purge:
            raise MaintenanceError(f"LOG-05: {command} did not answer \"{purge} HOTEL log(s) purged\"")
        fresh = parse_logs(shell.mtce("LOGS READ HOTEL ALL"))
        left = {i for i, _when in entries[:purge]} & {i for i, _when in fresh}
        if left:
            raise MaintenanceError(f"LOG-05: after {command} a fresh read still shows {len(left)} of the purged logs")
        after = {"hotel_logs": len(fresh)}
        applied = True
    verb = "purged" if applied else "would purge"
    detail = f"{read}; {backend.policy()}: {verb} {purge} ({command})"
    if applied:
        detail += f"; a fresh read shows {after['hotel_logs']}"
    plan.out.controls["LOG-05"] = result("drift", detail, remediated=applied, diff={"before": before, "after": after})
    plan.out.changed = True
    plan.out.diffs.append({"before_header": "PMS occupancy logs (LOG-05)", "after_header": "LOG-05",
                           "before": before, "after": after})
    plan.out.steps.append({"step": "pms_logs", "outcome": "changed" if applied else "would change",
                           "purged": purge if applied else 0})


STEP = StepDef(
    name="pms_logs",
    controls=(ControlDef("LOG-05", "pms_logs", {"retention": RETENTION_VAR, **SSH_PARAMS}, (RETENTION_VAR,)),),
    build=build,
    run=run,
    prefetch=prefetch_step,
)
