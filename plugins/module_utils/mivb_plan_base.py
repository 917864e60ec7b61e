# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan's vocabulary, shared by the plan engine (mivb_plan) and its step modules.

Layering (one way): mivb_plan_base <- mivb_step_* <- mivb_steps (the registry) <- mivb_plan.
A step module declares its controls and how to build (validate) and run its step; it never
imports mivb_plan. docs/controller-plan.md says how to add one.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ControlDef:
    """One controller control of the role: its toggle, its step and where its values come from."""

    id: str
    step: str
    params: Mapping[str, str]  # backend parameter -> role variable
    required: tuple[str, ...] = ()  # role variables that must be set when the control runs

    @property
    def toggle(self) -> str:
        return "mivb_hardening_" + self.id.lower().replace("-", "_")


@dataclass
class Target:
    """Where the toolkit connects: the guards check that a change keeps this working."""

    host: str
    port: int
    ca_path: str | None
    validate_certs: bool = True
    username: str = ""  # the account the toolkit logs in with: guards never remove or demote it


@dataclass
class Outcome:
    controls: dict[str, dict[str, Any]] = field(default_factory=dict)
    diffs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    changed: bool = False
    warnings: list[str] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per step (login, each form step)

    @property
    def failed(self) -> bool:
        return any(r["status"] == "error" for r in self.controls.values())


def result(status: str, detail: str, **extra: Any) -> dict[str, Any]:
    """One control's report entry."""
    return {"status": status, "detail": detail, **extra}


class Stop(Exception):
    """The rest of the plan cannot run; the remaining controls get this status and reason."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SharedSessions:
    """Sessions several steps of one run share (the maintenance SSH session of LOG-05, MSL-01,
    MSL-02 and ACC-04): opened by the first step that asks, closed when the plan ends. An opener
    that failed is not called again in the run (a refused login is never repeated).

    prefetch() starts an opener in a background thread right after the HTTPS login, so the
    maintenance SSH login (key exchange, authentication, prompt) overlaps the HTTPS steps that
    run before the first SSH step (docs/performance.md); get() then waits for it. Either way
    the session is opened at most once per run."""

    def __init__(self) -> None:
        self._open: dict[str, Any] = {}
        self._failed: dict[str, Exception] = {}
        self._pending: dict[str, tuple[threading.Thread, dict[str, Any]]] = {}

    def prefetch(self, key: str, opener: Callable[[], Any]) -> None:
        if key in self._open or key in self._failed or key in self._pending:
            return
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["session"] = opener()
            except Exception as exc:  # kept for the step that needs the session: it reports it
                box["error"] = exc

        thread = threading.Thread(target=work, name=f"voicesec-{key}", daemon=True)
        self._pending[key] = (thread, box)
        thread.start()

    def _settle(self, key: str) -> None:
        thread, box = self._pending.pop(key)
        thread.join()  # the opener has its own connect and login timeouts
        if "error" in box:
            self._failed[key] = box["error"]
        else:
            self._open[key] = box["session"]

    def get(self, key: str, opener: Callable[[], Any]) -> Any:
        if key in self._pending:
            self._settle(key)
        if key in self._failed:
            raise self._failed[key]
        if key not in self._open:
            try:
                self._open[key] = opener()
            except Exception as exc:
                self._failed[key] = exc
                raise
        return self._open[key]

    def close(self) -> None:
        for key in list(self._pending):
            self._settle(key)
        while self._open:
            _name, session = self._open.popitem()
            with contextlib.suppress(Exception):
                session.close()


class PlanContext(Protocol):
    """What a step sees of the running plan (mivb_plan.ControllerPlan provides it)."""

    transport: Any
    target: Target
    values: Mapping[str, Any]
    check: bool
    out: Outcome
    shared: SharedSessions

    def field_form(self, backend: Any, ids: list[str]) -> None:
        """Read, PATCH the difference (not in check mode), verify by a fresh read, report."""

    def verify_written(self, backend: Any) -> None:
        """A fresh read (not the write's answer) must show the intent."""


@dataclass(frozen=True)
class StepDef:
    """A step of the plan: its controls share one read and at most one write.

    build(plan, params): validates the step's parameters (raise mivb_errors.InputError naming
        the field and the allowed values) and returns its backend. Called once per control
        (params of that control only) and once for the step (all its selected controls), all
        before the first request to the controller. Must not contact the controller.
    run(plan, backend, ids): reads, decides, writes unless plan.check, verifies, and sets
        plan.out.controls[cid] for each of `ids`. None: the backend is a mivb_forms.FormBackend
        and the plan's generic field-form runner does it.
    not_applicable(values): a reason when the step does not apply to this controller (e.g. its
        model has no WAN port): its controls are reported `not_applicable` with it, unvalidated.
    preflight(plan, backend, ids): input checks that need a read of the controller (e.g. that a
        listed number exists there). Runs after login, before the first write of the whole plan;
        an InputError refuses the plan like invalid input (nothing is written).
    prefetch(plan, backend): called once after the login and the preflight checks, before the
        first step runs: starts, in the background, what the step will need from outside the HTTPS
        session (plan.shared.prefetch, e.g. the maintenance SSH login). Must not write anything.
    """

    name: str
    controls: tuple[ControlDef, ...]
    build: Callable[[PlanContext, dict[str, Any]], Any]
    run: Callable[[PlanContext, Any, list[str]], None] | None = None
    not_applicable: Callable[[Mapping[str, Any]], str | None] | None = None
    preflight: Callable[[PlanContext, Any, list[str]], None] | None = None
    prefetch: Callable[[PlanContext, Any], None] | None = None
