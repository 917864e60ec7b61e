# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Form engine: want (only the fields a task sets) vs have -> minimal PATCH.

A backend follows the community.crypto shape: needs_change() decides, apply() writes (never
in check mode), dump() returns before/after with secrets masked. Write-only secrets are
never read back; the controller's verify-secret endpoint proves whether they already match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import DIFF_IS_SET, DIFF_NEW_VALUE, DIFF_NOT_SET


@dataclass(frozen=True)
class Field:
    name: str
    control: str
    kind: str = "scalar"  # scalar | secret | partial_dict | unordered_list


def _shown(value: Any) -> str:
    """A read value in a detail line (secrets are already masked as set/unset): tables by size."""
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return f"[{len(value)} entr{'y' if len(value) == 1 else 'ies'}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


class FormBackend:
    """Generic backend of one controller form; subclasses add validation and field mapping."""

    form: str = ""
    fields: tuple[Field, ...] = ()

    def __init__(self, transport: Any, want: dict[str, Any]) -> None:
        self.transport = transport
        self.want = {k: v for k, v in want.items() if v is not None}
        self.have: dict[str, Any] = {}
        self.changes: dict[str, Any] = {}
        self.after: dict[str, Any] | None = None
        self.applied = False

    def _field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def managed(self) -> list[Field]:
        return [f for f in self.fields if f.name in self.want]

    def read(self) -> None:
        self.have = self.transport.get_form(self.form)

    def needs_change(self) -> bool:
        if not self.have:
            self.read()
        self.changes = {}
        for f in self.managed():
            value = self.want[f.name]
            if f.kind == "secret":
                if not self.have.get(f"{f.name}_set") or not self.transport.verify_secret(
                    self.form, f.name, value
                ):
                    self.changes[f.name] = value
            elif f.kind == "partial_dict":
                current = dict(self.have.get(f.name) or {})
                desired = {**current, **value}
                if desired != current:
                    # The whole object is sent so that the controller's merge rules do not matter.
                    self.changes[f.name] = desired
            elif f.kind == "unordered_list":
                if sorted(value) != sorted(self.have.get(f.name) or []):
                    self.changes[f.name] = list(value)
            elif self.have.get(f.name) != value:
                self.changes[f.name] = value
        return bool(self.changes)

    def apply(self) -> None:
        if self.changes:
            self.after = self.transport.patch_form(self.form, self.changes)
            self.applied = True

    # ---- reporting ---------------------------------------------------------------------
    def _view(self, source: dict[str, Any], f: Field, predicted_change: bool) -> Any:
        if f.kind == "secret":
            if predicted_change:
                return DIFF_NEW_VALUE
            return DIFF_IS_SET if source.get(f"{f.name}_set") else DIFF_NOT_SET
        return source.get(f.name)

    def before(self) -> dict[str, Any]:
        return {f.name: self._view(self.have, f, False) for f in self.managed()}

    def after_view(self) -> dict[str, Any]:
        if self.applied and self.after is not None:
            view = {}
            for f in self.managed():
                view[f.name] = DIFF_NEW_VALUE if f.kind == "secret" and f.name in self.changes else self._view(
                    self.after, f, False
                )
            return view
        predicted = dict(self.have)
        predicted.update({k: v for k, v in self.changes.items() if self._field(k).kind != "secret"})
        return {f.name: self._view(predicted, f, f.name in self.changes) for f in self.managed()}

    def controls(self) -> dict[str, dict[str, Any]]:
        """Per control ID of the managed fields, in the report callback's vocabulary: status
        `drift` when a change was needed (remediated unless check mode), else `compliant`,
        with a detail line and, on drift, the before/after of that control's fields."""
        fields: dict[str, list[str]] = {}
        for f in self.managed():
            fields.setdefault(f.control, []).append(f.name)
        before, after = self.before(), self.after_view()
        out: dict[str, dict[str, Any]] = {}
        for cid, names in fields.items():
            changed = [n for n in names if n in self.changes]
            if not changed:
                shown = ", ".join(f"{n} {_shown(before[n])}" for n in names)
                out[cid] = {"status": "compliant", "detail": f"{self.form}: {shown} as configured"}
                continue
            verb = "changed" if self.applied else "differs"
            out[cid] = {
                "status": "drift",
                "detail": f"{self.form}: {', '.join(changed)} {verb}",
                "diff": {"before": {n: before[n] for n in names}, "after": {n: after[n] for n in names}},
            }
        return out

    def dump(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "changed_fields": sorted(self.changes),
            "controls": self.controls(),
            "before": self.before(),
            "after": self.after_view(),
        }


def execute(backend: Any, check_mode: bool) -> tuple[bool, dict[str, Any]]:
    """Decide, write unless check mode, report. Shared by every module and by the tests."""
    changed = bool(backend.needs_change())
    if changed and not check_mode:
        backend.apply()
    return changed, backend.dump()


def run_task(backend_factory: Any, transport: Any, params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    """Validate (in the backend constructor) -> execute -> the task result, or a failure result.

    Shared by the modules (run_backend) and the action plugins, so both return the same keys.
    """
    try:
        changed, result = execute(backend_factory(transport, params), check_mode)
    except MivbError as exc:
        return {"failed": True, "msg": exc.message, "error": exc.to_dict()}
    return dict(changed=changed, diff={"before": result["before"], "after": result["after"]}, **result)


def run_backend(module: Any, backend_factory: Any) -> None:
    """Shared main() body of the module files."""
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import HttpApiTransport

    result = run_task(backend_factory, HttpApiTransport(module), module.params, module.check_mode)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
