# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.report_gate (docs in plugins/modules/report_gate.py).

The compliance_report callback writes the run's summary to the file named by
VOICESEC_REPORT_GATE_FILE when this task starts; this worker (forked from the
ansible-playbook process after the callback set that variable) reads it.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.action import ActionBase
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_json import failing

GATE_ENV = "VOICESEC_REPORT_GATE_FILE"
CHOICES = ("error", "drift", "new")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("enforce", "fail_on"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec={
            "enforce": {"type": "bool", "default": True},
            "fail_on": {"type": "list", "elements": "str", "choices": list(CHOICES)},
        })[1]
        path = os.environ.get(GATE_ENV)
        try:
            with open(path or "", encoding="utf-8") as handle:
                summary = json.load(handle)
        except (OSError, ValueError) as exc:
            why = ("no compliance summary for this run: enable the voicesec.mivb.compliance_report callback "
                   f"(callbacks_enabled) ({exc})")
            asked = args["fail_on"] or [v for v in os.environ.get("VOICESEC_REPORT_FAIL_ON", "").split(",") if v]
            if args["enforce"] and asked:  # a gate was asked for and cannot decide: say so by failing
                return {**result, "failed": True, "msg": why}
            return {**result, "skipped": True, "msg": why}
        fail_on = args["fail_on"] if args["fail_on"] is not None else summary.get("fail_on", [])
        bad = [item for item in fail_on if item not in CHOICES]
        if bad:
            return {**result, "failed": True,
                    "msg": f"fail_on: unknown value(s) {', '.join(bad)}; allowed: {', '.join(CHOICES)}"}
        result.update(changed=False, summary=summary, reasons=[])
        if not args["enforce"]:
            result["ansible_stats"] = {"data": {"voicesec_compliance": summary}, "per_host": False,
                                       "aggregate": False}
            return result
        reasons = failing(summary, fail_on)
        result["reasons"] = reasons
        counts = summary["counts"]
        text = (f"{counts['error']} error, {counts['drift']} drift, {summary['new_findings_total']} new "
                f"finding(s) -> {summary['report']}")
        if reasons:
            listed = "; ".join(f"{f['host']} {f['control']} {f['status']}" for f in summary["new_findings"][:10])
            result.update(failed=True, msg=f"compliance gate (fail_on: {', '.join(fail_on)}) failed: "
                          f"{', '.join(reasons)}. {text}" + (f". New: {listed}" if listed else ""))
        else:
            result["msg"] = f"compliance gate passed (fail_on: {', '.join(fail_on) or 'nothing'}): {text}"
        return result
