# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TOLL-01, TOLL-04: the Class of Restriction table; TOLL-03: Interconnect Restriction.

Guideline, "Prevention of Toll Abuse" and "Dual Port Phones": every extension and trunk has a
Class of Restriction (CoR) with its barring plan; up to 64 CoRs; all phones may dial an emergency
number (999, 112, 911), only authorized users international numbers; publicly accessible phones
are denied toll access unless authorized through an attendant; Interconnect Restrict stops
devices and users from calling each other.

- TOLL-01: `mivb_hardening_cor_table` is the whole table (inventory = truth: a CoR the inventory
  does not list is removed from the barring table).
- TOLL-04: each publicly accessible phone of `mivb_hardening_public_phones` ({extension, cor})
  has that CoR for day and both night services (SAT *User and Services Configuration*; an
  extension that is not programmed is refused before the plan's first write), and that CoR bars
  every toll prefix (`mivb_hardening_toll_prefixes`). With TOLL-01 the table must already say so
  (else refused); without it the missing prefixes are added to that CoR.
- Guard: a plan that would write a CoR barring an emergency number (`mivb_hardening_emergency_numbers`)
  is refused before the first write, naming the CoR and the number. A dialled number is barred
  when one of the CoR's barred digit strings is its prefix.
- TOLL-03: `mivb_hardening_interconnect_restrictions` ([{from, to}]) is the whole list.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import Field, FormBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_step_cos import RowsBackend, write_rows

COR_FORM = "class_of_restriction"
ICR_FORM = "interconnect_restriction"
TABLE_VAR = "mivb_hardening_cor_table"
PUBLIC_VAR = "mivb_hardening_public_phones"
USERS_FORM = "user_and_services_configuration"
COR_FIELDS = ("cor_day", "cor_night1", "cor_night2")
TOLL_VAR = "mivb_hardening_toll_prefixes"
EMERGENCY_VAR = "mivb_hardening_emergency_numbers"
ICR_VAR = "mivb_hardening_interconnect_restrictions"
MAX_COR = 64
MAX_INTERCONNECT = 64
DIGITS = set("0123456789*#")


def bars(barred: list[str], number: str) -> str | None:
    """The barred digit string that bars `number`, or None."""
    return next((p for p in barred if number.startswith(p)), None)


def _digits(var: str, where: str, values: Any, limit: int = 32, keep_order: bool = False) -> list[str]:
    if not isinstance(values, list) or len(values) > limit:
        raise InputError(f"{var}: {where} must be a list of at most {limit} digit strings", field=var,
                         allowed="1-20 of 0-9 * #")
    for v in values:
        if not isinstance(v, str) or not 1 <= len(v) <= 20 or set(v) - DIGITS:
            raise InputError(f"{var}: {where}: {v!r} is not 1-20 dialled digits (0-9, *, #); nothing was changed",
                             field=var, allowed="1-20 of 0-9 * #")
    if len(set(values)) != len(values):
        raise InputError(f"{var}: {where} lists the same digits twice", field=var)
    return list(values) if keep_order else sorted(values)


def _cor_number(var: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COR:
        raise InputError(f"{var}: CoR {value!r} is outside 1-{MAX_COR}; nothing was changed", field=var,
                         allowed=f"1-{MAX_COR}")
    return value


def check_emergency(rows: dict[str, dict[str, Any]], emergency: list[str], var: str) -> None:
    """Guard: no CoR of the plan bars an emergency number."""
    for num in sorted(rows, key=int):
        for number in emergency:
            prefix = bars(rows[num]["barred_digits"], number)
            if prefix is not None:
                raise InputError(
                    f"{var}: CoR {num} ({rows[num]['comment'] or 'no comment'}) would bar the emergency number "
                    f"{number} (barred digits {prefix}); emergency numbers ({', '.join(emergency)}) must stay "
                    "dialable from every CoR; nothing was changed", field=var, allowed=f"no prefix of {number}")


class CorBackend(RowsBackend):
    """Desired rows (TOLL-01 table and/or TOLL-04 public CoRs) against the controller's table."""

    form = COR_FORM

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        super().__init__(transport)
        self.emergency = _digits(EMERGENCY_VAR, "emergency numbers", params.get("emergency_numbers") or [],
                                 keep_order=True)
        self.table: dict[str, dict[str, Any]] | None = None
        if "cor_table" in params:
            self.table = self._table(params.get("cor_table") or [])
            check_emergency(self.table, self.emergency, TABLE_VAR)
        self.public: list[int] | None = None
        self.toll: list[str] = []
        self.sets = PublicSets(transport, params.get("public_phones") or [])
        if "public_phones" in params:
            self.public = sorted(set(self.sets.phones.values()))
            self.toll = _digits(TOLL_VAR, "toll prefixes", params.get("toll_prefixes") or [], keep_order=True)
            if self.public and not self.toll:
                raise InputError(f"{TOLL_VAR}: needed to deny toll access to the CoRs of {PUBLIC_VAR}", field=TOLL_VAR)
            for prefix in self.toll:
                hit = next((n for n in self.emergency if n.startswith(prefix)), None)
                if hit:
                    raise InputError(f"{TOLL_VAR}: barring toll prefix {prefix} would bar the emergency number {hit} "
                                     f"for the public phones' CoR(s) {', '.join(map(str, self.public))}; nothing was "
                                     "changed", field=TOLL_VAR, allowed=f"no prefix of {hit}")
            inventory_table = params.get("public_table")
            if inventory_table is not None:  # the inventory's table must deny them toll access too
                table = self._table(inventory_table)
                for num in self.public:
                    missing = self._toll_missing(table.get(str(num)))
                    if missing:
                        raise InputError(
                            f"{TABLE_VAR}: CoR {num} is a public phones' CoR ({PUBLIC_VAR}) but the table "
                            f"{'does not list it' if str(num) not in table else 'does not bar ' + ', '.join(missing)}"
                            "; a public phone must be denied toll access (TOLL-04); nothing was changed",
                            field=TABLE_VAR, allowed=f"barred_digits covering {', '.join(self.toll)}")

    @staticmethod
    def _table(rows: Any) -> dict[str, dict[str, Any]]:
        if not isinstance(rows, list) or len(rows) > MAX_COR:
            raise InputError(f"{TABLE_VAR}: at most {MAX_COR} Classes of Restriction (the guideline's limit); "
                             "nothing was changed", field=TABLE_VAR, allowed=f"0-{MAX_COR} rows")
        table: dict[str, dict[str, Any]] = {}
        for row in rows:
            if not isinstance(row, dict):
                raise InputError(f"{TABLE_VAR}: each row is {{number, comment, barred_digits}}", field=TABLE_VAR)
            num = str(_cor_number(TABLE_VAR, row.get("number")))
            if num in table:
                raise InputError(f"{TABLE_VAR}: CoR {num} is listed twice; nothing was changed", field=TABLE_VAR)
            comment = row.get("comment") or ""
            if not isinstance(comment, str) or len(comment) > 32:
                raise InputError(f"{TABLE_VAR}: CoR {num} comment: at most 32 characters", field=TABLE_VAR,
                                 allowed="0-32 characters")
            barred = _digits(TABLE_VAR, f"CoR {num} barred_digits", row.get("barred_digits") or [])
            table[num] = {"comment": comment, "barred_digits": barred}
        return table

    def _toll_missing(self, row: dict[str, Any] | None) -> list[str]:
        barred = (row or {}).get("barred_digits") or []
        return [t for t in self.toll if bars(barred, t) is None]

    def desired(self) -> dict[str, Any]:
        """The table after this plan's write (rows not managed keep their current value)."""
        have = self.read()
        want = dict(self.table) if self.table is not None else dict(have)
        for num in self.public or []:
            row = dict(want.get(str(num)) or {"comment": "Public (no toll)", "barred_digits": []})
            row["barred_digits"] = sorted(set(row["barred_digits"]) | set(self._toll_missing(row)))
            want[str(num)] = row
        return want

    def needs_change(self) -> bool:
        have, want = self.read(), self.desired()
        self.changes = {n: want.get(n) for n in sorted(set(have) | set(want), key=int) if have.get(n) != want.get(n)}
        written = {n: row for n, row in self.changes.items() if row is not None}
        check_emergency(written, self.emergency, TABLE_VAR if self.table is not None else PUBLIC_VAR)
        return bool(self.changes)

    def public_state(self, classes: dict[str, Any]) -> tuple[bool, str]:
        problems, parts = [], []
        for num in self.public or []:
            row = classes.get(str(num))
            missing = self._toll_missing(row)
            if row is None or missing:
                problems.append(f"CoR {num} {'does not exist' if row is None else 'allows ' + ', '.join(missing)}")
            else:
                parts.append(f"CoR {num} ({row['comment'] or 'no comment'}) bars {', '.join(self.toll)}")
        return not problems, "; ".join(problems or parts)


class PublicSets(RowsBackend):
    """TOLL-04's phones: extension -> the CoR they must have for day and both night services."""

    form = USERS_FORM
    key = "sets"

    def __init__(self, transport: Any, phones: Any) -> None:
        super().__init__(transport)
        self.phones: dict[str, int] = {}
        if not isinstance(phones, list):
            raise InputError(f"{PUBLIC_VAR}: must be a list of {{extension, cor}}", field=PUBLIC_VAR)
        for phone in phones:
            ext = str(phone.get("extension") or "") if isinstance(phone, dict) else ""
            if not ext.isascii() or not ext.isdigit() or len(ext) > 10:
                raise InputError(f"{PUBLIC_VAR}: {phone!r} needs an extension of 1-10 digits; nothing was changed",
                                 field=PUBLIC_VAR, allowed="extension: 1-10 digits, cor: 1-64")
            if ext in self.phones:
                raise InputError(f"{PUBLIC_VAR}: extension {ext} is listed twice", field=PUBLIC_VAR)
            self.phones[ext] = _cor_number(PUBLIC_VAR, phone.get("cor"))

    def check_exist(self) -> None:
        sets = self.read()
        missing = [e for e in self.phones if e not in sets]
        if missing:
            raise InputError(f"{PUBLIC_VAR}: extension {', '.join(missing)} is not programmed on the controller "
                             f"(User and Services Configuration has {', '.join(sorted(sets))}); nothing was changed",
                             field=PUBLIC_VAR, allowed=sorted(sets))

    def needs_change(self) -> bool:
        sets = self.read()
        self.changes = {e: dict.fromkeys(COR_FIELDS, cor) for e, cor in self.phones.items()
                        if any(sets[e].get(f) != cor for f in COR_FIELDS)}
        return bool(self.changes)

    def state(self, sets: dict[str, Any]) -> tuple[bool, str]:
        wrong, right = [], []
        for ext, cor in self.phones.items():
            row = sets.get(ext) or {}
            name = f"{ext} ({row.get('description') or 'no description'})"
            have = [row.get(f) for f in COR_FIELDS]
            if have != [cor] * 3:
                wrong.append(f"{name} has CoR day/night1/night2 {'/'.join(map(str, have))}, not {cor}")
            else:
                right.append(f"{name} CoR {cor} day and night")
        return not wrong, "; ".join(wrong or right)


def build_cor(plan: PlanContext, params: dict[str, Any]) -> CorBackend:
    return CorBackend(plan.transport, params)


def preflight_cor(plan: PlanContext, backend: CorBackend, ids: list[str]) -> None:
    backend.needs_change()
    if backend.sets.phones:
        backend.sets.check_exist()


def run_cor(plan: PlanContext, backend: CorBackend, ids: list[str]) -> None:
    before, change, after = write_rows(plan, backend, COR_FORM, lambda have, want: have != want)
    verb = "changed" if backend.applied else "differs"
    emergency = f"no CoR bars {', '.join(backend.emergency)}" if backend.emergency else "no emergency numbers listed"
    if "TOLL-01" in ids:
        table = backend.table or {}
        rows = {n: backend.changes[n] for n in backend.changes}
        if rows:
            diff = {"before": {f"CoR {n}": before.get(n) for n in rows}, "after": {f"CoR {n}": rows[n] for n in rows}}
            plan.out.controls["TOLL-01"] = result(
                "drift", f"{COR_FORM}: CoR {', '.join(rows)} {verb} to match {TABLE_VAR} ({len(table)} CoR(s)); "
                f"{emergency}", remediated=backend.applied, diff=diff)
        else:
            plan.out.controls["TOLL-01"] = result(
                "compliant", f"{COR_FORM}: {len(table)} CoR(s) as {TABLE_VAR}; {emergency}")
    if change:
        plan.out.changed = True
        plan.out.diffs.append({"before_header": COR_FORM, "after_header": COR_FORM,
                               "before": {n: before.get(n) for n in backend.changes}, "after": backend.changes})
    plan.out.steps.append({"step": COR_FORM, "outcome": ("changed" if backend.applied else "would change")
                           if change else "ok"})
    if "TOLL-04" in ids:
        _public_phones(plan, backend, before, after, emergency)


def _public_phones(plan: PlanContext, backend: CorBackend, before: dict[str, Any], after: dict[str, Any],
                   emergency: str) -> None:
    """TOLL-04: the phones' CoR assignment (one more form) and what their CoRs bar."""
    sets = backend.sets
    if not sets.phones:
        plan.out.controls["TOLL-04"] = result("compliant", f"no publicly accessible phones listed in {PUBLIC_VAR}; "
                                              "nothing to restrict")
        return
    sets_before, change, sets_after = write_rows(plan, sets, USERS_FORM,
                                                 lambda have, want: any((have or {}).get(f) != v
                                                                        for f, v in want.items()))
    cor_ok, cor_before = backend.public_state(before)
    set_ok, set_before = sets.state(sets_before)
    text_before = f"{set_before}; {cor_before}"
    if cor_ok and set_ok:
        plan.out.controls["TOLL-04"] = result("compliant", f"{USERS_FORM}, {COR_FORM}: {text_before}; {emergency}")
    else:
        applied = sets.applied or backend.applied
        cor_after = backend.public_state(after if backend.applied else backend.desired())
        set_after = sets.state(sets_after if sets.applied else {**sets_before, **{
            e: {**sets_before[e], **row} for e, row in sets.changes.items()}})
        text_after = f"{set_after[1]}; {cor_after[1]}"
        plan.out.controls["TOLL-04"] = result(
            "drift", f"{USERS_FORM}, {COR_FORM}: {text_before}; {'now' if applied else 'would be'}: {text_after}",
            remediated=applied and cor_after[0] and set_after[0], diff={"before": text_before, "after": text_after})
    if change:
        plan.out.changed = True
        plan.out.diffs.append({"before_header": USERS_FORM, "after_header": USERS_FORM,
                               "before": {e: sets_before[e] for e in sets.changes}, "after": sets.changes})
    plan.out.steps.append({"step": USERS_FORM, "outcome": ("changed" if sets.applied else "would change")
                           if change else "ok"})


class InterconnectBackend(FormBackend):
    """Interconnect Restriction: the whole list of [from, to] pairs (TOLL-03)."""

    form = ICR_FORM
    fields = (Field("restrictions", "TOLL-03", "unordered_list"),)

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        pairs = set()
        for item in params.get("interconnect_restrictions") or []:
            pair = (item.get("from"), item.get("to")) if isinstance(item, dict) else (None, None)
            if not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_INTERCONNECT for n in pair):
                raise InputError(f"{ICR_VAR}: {item!r} is not {{from, to}} with interconnect numbers 1-"
                                 f"{MAX_INTERCONNECT}; nothing was changed", field=ICR_VAR,
                                 allowed=f"from/to 1-{MAX_INTERCONNECT}")
            pairs.add(pair)
        super().__init__(transport, {"restrictions": [list(p) for p in sorted(pairs)]})


STEPS = (
    StepDef(
        name=COR_FORM,
        controls=(
            ControlDef("TOLL-01", COR_FORM, {"cor_table": TABLE_VAR, "emergency_numbers": EMERGENCY_VAR},
                       (TABLE_VAR,)),
            ControlDef("TOLL-04", COR_FORM, {"public_phones": PUBLIC_VAR, "toll_prefixes": TOLL_VAR,
                                             "emergency_numbers": EMERGENCY_VAR, "public_table": TABLE_VAR}),
        ),
        build=build_cor,
        run=run_cor,
        preflight=preflight_cor,
    ),
    StepDef(
        name=ICR_FORM,
        controls=(ControlDef("TOLL-03", ICR_FORM, {"interconnect_restrictions": ICR_VAR}),),
        build=lambda plan, params: InterconnectBackend(plan.transport, params),
    ),
)
