# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""LOG-01 and AUTH-07: the audit trail exported off-box, and the lockout rule audited from it.

Guideline, "Audit Trails Logs": the form shows the newest 5000 entries; older entries are
archived, and can be exported for off-board viewing. LOG-01 copies every entry the report store
does not have yet into `<report_dir>/audit_trail/<host>.jsonl` (one JSON object per line, ids
ascending): the last line's id is where the next run continues (`GET /audit_trail?since_id=`,
paged, the archive included), so no entry is lost even when more than 5000 arrive between runs.
The export writes only the control node's report store, never the controller, so it runs in
check mode too. A gap in the ids (entries the controller no longer has) is `drift`.

AUTH-07 never fails a login to prove the lockout: it reads the hard-coded limit the System
Security Management form shows (the form the plan has read already) and checks in the newly
exported entries that every third consecutive failed login of a user was followed by a lockout.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)

DIR_VAR = "mivb_hardening_audit_trail_dir"
PAGE = 5000  # the contract's largest page
MAX_PAGES = 10000  # a controller that never says "no more" must not keep a run forever
LOCKOUT_AFTER = 3  # guideline: "The number of consecutive failed login attempts allowed is hardcoded at three"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class AuditExport:
    """Where this controller's export lives, and what the run found."""

    def __init__(self, directory: str, name: str) -> None:
        self.path = os.path.join(directory, _SAFE_NAME.sub("_", name) + ".jsonl")
        self.entries: list[dict[str, Any]] = []
        self.gaps: list[tuple[int, int]] = []
        self.previous = 0
        self.newest = 0

    def last_exported_id(self) -> int:
        """The id on the file's last complete line (0: no export yet)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - 65536))
                tail = handle.read().splitlines()
        except FileNotFoundError:
            return 0
        for line in reversed(tail):
            try:
                return int(json.loads(line)["id"])
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line: the next complete one tells
        return 0

    def append(self, entries: list[dict[str, Any]]) -> None:
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def _build(plan: PlanContext, params: dict[str, Any]) -> AuditExport:
    # AUTH-07 alone still continues from the export's last id (it needs only the new entries)
    directory = params.get("export_dir") or plan.values.get(DIR_VAR)
    if not directory:
        raise InputError(f"{DIR_VAR}: not set; it names the report store directory the audit trail is exported to "
                         "(the role's task sets it to <report_dir>/audit_trail); nothing was changed", field=DIR_VAR)
    directory = os.path.expanduser(str(directory))
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise InputError(f"{DIR_VAR}: {directory} exists and is not a directory; nothing was changed", field=DIR_VAR)
    return AuditExport(directory, str(plan.values.get("inventory_hostname") or plan.target.host))


def _run(plan: PlanContext, export: AuditExport, ids: list[str]) -> None:
    """One paged read of the audit trail from where the export stopped; append; report."""
    write = "LOG-01" in ids
    cursor = export.previous = export.last_exported_id()
    pages = 0
    while pages < MAX_PAGES:
        page = plan.transport.send_request("GET", f"/audit_trail?since_id={cursor}&limit={PAGE}") or {}
        pages += 1
        entries = [e for e in page.get("entries") or [] if isinstance(e, dict) and int(e.get("id", 0)) > cursor]
        export.newest = int(page.get("newest_id") or 0)
        expected = cursor + 1 if cursor else int(page.get("oldest_id") or 1)
        for entry in entries:
            if entry["id"] > expected:
                export.gaps.append((expected, entry["id"] - 1))
            expected = entry["id"] + 1
            cursor = entry["id"]
        if write and entries:
            export.append(entries)
        export.entries.extend(entries)
        if not page.get("more") or not entries:
            break
    plan.out.steps.append({"step": "audit_trail", "outcome": "exported" if write else "read",
                           "pages": pages, "entries": len(export.entries)})
    if write:
        plan.out.controls["LOG-01"] = _log01(export)
    if "AUTH-07" in ids:
        plan.out.controls["AUTH-07"] = _auth07(plan, export)


def _log01(export: AuditExport) -> dict[str, Any]:
    if export.previous and export.newest < export.previous:
        return result("drift", f"audit trail: the controller's newest entry id {export.newest} is below the "
                      f"last exported id {export.previous} in {export.path} (controller replaced or reset?); "
                      "nothing exported: move the old export aside to start a new one", remediated=False)
    span = (f"ids {export.entries[0]['id']}-{export.entries[-1]['id']}" if export.entries else "no new entries")
    detail = (f"audit trail: {len(export.entries)} new entr{'y' if len(export.entries) == 1 else 'ies'} "
              f"({span}) exported to {export.path}; newest id {export.newest}, previous export ended at "
              f"{export.previous or 'none (first export)'}")
    if export.gaps:
        lost = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in export.gaps)
        return result("drift", f"{detail}; entries {lost} were no longer on the controller (lost before this "
                      "export: export more often)", remediated=False, newest_id=export.newest)
    return result("compliant", detail, newest_id=export.newest)


def lockout_violations(entries: list[dict[str, Any]]) -> list[str]:
    """Users whose failed logins went past the third in a row without a lockout."""
    streak: dict[str, int] = {}
    bad: list[str] = []
    for entry in entries:
        user, action = str(entry.get("user") or ""), entry.get("action")
        if action == "Login Failed":
            streak[user] = streak.get(user, 0) + 1
            if streak[user] > LOCKOUT_AFTER:
                bad.append(f"{user} (entry {entry['id']}: failed login {streak[user]} in a row without a lockout)")
        elif action in ("Lockout", "Login", "Login Refused"):
            streak[user] = 0
    return bad


def _auth07(plan: PlanContext, export: AuditExport) -> dict[str, Any]:
    try:
        form = plan.transport.get_form("system_security_management")  # read by the plan already: cached
    except MivbError as exc:
        return result("error", f"AUTH-07: System Security Management could not be read ({exc.message})")
    limit = form.get("failed_login_attempts_before_lockout")
    lockouts = sum(1 for e in export.entries if e.get("action") == "Lockout")
    seen = (f"{len(export.entries)} new audit entr{'y' if len(export.entries) == 1 else 'ies'} checked, "
            f"{lockouts} lockout(s)")
    bad = lockout_violations(export.entries)
    if limit != LOCKOUT_AFTER or bad:
        why = [] if limit == LOCKOUT_AFTER else [
            "System Security Management does not show the lockout limit" if limit is None
            else f"the controller reports lockout after {limit} failed logins (guideline: 3)"]
        why += [f"no lockout for {b}" for b in bad]
        return result("drift", f"lockout rule not in force: {'; '.join(why)} ({seen}); the limit is hard-coded: "
                      "contact Mitel support", remediated=False)
    return result("compliant", f"lockout after {limit} consecutive failed logins for "
                  f"{form.get('lockout_minutes', '?')} minutes (System Security Management, hard-coded); {seen}, "
                  "none past the third failure; no login attempt was made to test it")


STEP = StepDef(
    name="audit_trail",
    controls=(
        ControlDef("AUTH-07", "audit_trail", {}),
        ControlDef("LOG-01", "audit_trail", {"export_dir": DIR_VAR}),
    ),
    build=_build,
    run=_run,
)
