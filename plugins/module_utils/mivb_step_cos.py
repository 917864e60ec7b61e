# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EP-01: the PC (second Ethernet) port of dual-port phones disabled by Class of Service.

Guideline, "Dual Port Phones": MiVB has a Class of Service option that disables the second
Ethernet port of dual-port phones; the default is that every second port is enabled. SAT form
*Class of Service Options*, option "PC-Port on IP Device - Disable" = Yes for each CoS the
inventory lists (`mivb_hardening_pc_port_disabled_cos`); the other classes are left as they are
(PCs behind phones may be needed there). A listed number that is not programmed on the
controller is refused after reading the form and before the plan's first write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)

FORM = "class_of_service_options"
VAR = "mivb_hardening_pc_port_disabled_cos"
OPTION = "pc_port_on_ip_device_disable"
MAX_COS = 96


class RowsBackend:
    """A table form (rows under `key`): one cached read, a PATCH of the changed rows only.
    Subclasses decide `changes` in needs_change()."""

    form = ""
    key = "classes"

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.have: dict[str, Any] = {}
        self.changes: dict[str, Any] = {}
        self.applied = False

    def read(self) -> dict[str, Any]:
        if not self.have:
            self.have = self.transport.get_form(self.form)
        return self.have.get(self.key) or {}

    def apply(self) -> None:
        if self.changes:
            self.transport.patch_form(self.form, {self.key: self.changes})
            self.applied = True


class CosOptionsBackend(RowsBackend):
    """The listed CoS numbers and what the form shows for them."""

    form = FORM

    def __init__(self, transport: Any, numbers: list[int]) -> None:
        super().__init__(transport)
        self.numbers = numbers

    def check_exist(self) -> None:
        classes = self.read()
        missing = [n for n in self.numbers if str(n) not in classes]
        if missing:
            existing = ", ".join(f"{k} ({classes[k].get('comment') or 'no comment'})"
                                 for k in sorted(classes, key=int))
            raise InputError(f"{VAR}: Class of Service {', '.join(map(str, missing))} does not exist on the controller "
                             f"(programmed: {existing}); nothing was changed", field=VAR,
                             allowed=sorted(int(k) for k in classes))

    def needs_change(self) -> bool:
        classes = self.read()
        self.changes = {str(n): {OPTION: True} for n in self.numbers if classes[str(n)].get(OPTION) is not True}
        return bool(self.changes)

    def describe(self, classes: dict[str, Any]) -> str:
        return "; ".join(f"CoS {n} ({classes[str(n)].get('comment') or 'no comment'}): PC-Port on IP Device - Disable "
                         f"{'Yes' if classes[str(n)].get(OPTION) else 'No'}" for n in self.numbers)


def write_rows(plan: PlanContext, backend: RowsBackend, form: str,
               differs: Callable[[Any, Any], bool]) -> tuple[dict[str, Any], bool, dict[str, Any]]:
    """A RowsBackend's rows: read, decide, write unless check mode, verify by a fresh read.
    Returns the rows before, whether a change is needed, the rows after."""
    before = backend.read()
    change = backend.needs_change()
    after = before
    if change and not plan.check:
        backend.apply()
        after = plan.transport.reread_form(form).get(backend.key) or {}
        left = [n for n, row in backend.changes.items() if differs(after.get(n), row)]
        if left:
            raise MivbError(f"{form}: after the write a fresh read still differs for {', '.join(left)}")
    return before, change, after


def build(plan: PlanContext, params: dict[str, Any]) -> CosOptionsBackend:
    numbers = params.get("pc_port_disabled_cos") or []
    if not isinstance(numbers, list):
        raise InputError(f"{VAR}: must be a list of CoS numbers 1-{MAX_COS}", field=VAR, allowed=f"1-{MAX_COS}")
    bad = [n for n in numbers if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_COS]
    if bad:
        raise InputError(f"{VAR}: {', '.join(map(str, bad))} outside the CoS numbers 1-{MAX_COS}; nothing was changed",
                         field=VAR, allowed=f"1-{MAX_COS}")
    if len(set(numbers)) != len(numbers):
        raise InputError(f"{VAR}: lists a CoS number twice", field=VAR, allowed=f"1-{MAX_COS}, each once")
    return CosOptionsBackend(plan.transport, sorted(numbers))


def preflight(plan: PlanContext, backend: CosOptionsBackend, ids: list[str]) -> None:
    if backend.numbers:
        backend.check_exist()


def run(plan: PlanContext, backend: CosOptionsBackend, ids: list[str]) -> None:
    if not backend.numbers:
        plan.out.controls["EP-01"] = result("compliant", f"{FORM}: no CoS listed in {VAR}; nothing to disable")
        plan.out.steps.append({"step": FORM, "outcome": "ok"})
        return
    backend.check_exist()
    before, change, after = write_rows(plan, backend, FORM, lambda have, _: (have or {}).get(OPTION) is not True)
    if not change:
        plan.out.controls["EP-01"] = result("compliant", f"{FORM}: {backend.describe(before)}")
        plan.out.steps.append({"step": FORM, "outcome": "ok"})
        return
    view = {f"CoS {n}": before[n].get(OPTION) for n in backend.changes}
    new = {f"CoS {n}": True for n in backend.changes}
    verb = "set" if backend.applied else "would be set"
    plan.out.controls["EP-01"] = result(
        "drift", f"{FORM}: PC-Port on IP Device - Disable {verb} to Yes for CoS {', '.join(backend.changes)}; "
        f"now {backend.describe(after)}", remediated=backend.applied, diff={"before": view, "after": new})
    plan.out.changed = True
    plan.out.diffs.append({"before_header": FORM, "after_header": FORM, "before": view, "after": new})
    plan.out.steps.append({"step": FORM, "outcome": "changed" if backend.applied else "would change"})


STEP = StepDef(
    name=FORM,
    controls=(ControlDef("EP-01", FORM, {"pc_port_disabled_cos": VAR}),),
    build=build,
    run=run,
    preflight=preflight,
)
