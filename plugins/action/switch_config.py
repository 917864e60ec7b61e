"""Action plugin: the whole switch in one SSH session, in the controller process.

Why an action plugin: a module would pay Python start-up plus the netmiko import per
switch per task (docs/performance.md). The linear strategy loads this class in the parent
process (action_loader.get(..., class_only=True)), so the imports below happen once and
every forked worker inherits them; `timing.preloaded` in the result proves it.
"""

from __future__ import annotations

import os
import time

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import connection_loader
from ansible.template import is_trusted_as_template

# Heavy imports at module top on purpose (see the module docstring).
from ansible_collections.voicesec.mivb.plugins.module_utils import (
    device_lock,
    secrets,
    switch_render,
    switch_rollback,
    switch_warmup,
)
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff as sd
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_errors as se
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_facts as sf
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_identity as sid
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_session as ss
from ansible_collections.voicesec.mivb.plugins.module_utils.role_vars import resolve
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_args import SWITCH_CONFIG_RULES, SWITCH_CONFIG_SPEC
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import (
    CONTROL_IDS,
    SwitchIntentError,
    complete_from_device,
    device_interfaces,
    normalize_intent,
    park_unnamed,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import SwitchPlatformError
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_role_vars import (
    RoleVars,
    RoleVarsError,
    load_role_spec,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_target import target_from_vars

_LOADED_IN_PID = os.getpid()
switch_render.preload()  # compiled once here, inherited by every forked worker
switch_warmup.warm_up()  # the regexes of every switch read, compiled here once (not per worker)
connection_loader.get("ansible.builtin.local", class_only=True)  # the role's connection, loaded here once
_ROLE_VARS = RoleVars(load_role_spec())  # the role's argument_specs, read once here too
# With intent_from_vars, options the task leaves unset come from the role's variables.
_OPTION_FROM_ROLE_VAR = {"save": "lan_save_config", "update_secrets": "lan_update_secrets"}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        started = time.perf_counter()
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=SWITCH_CONFIG_SPEC, **SWITCH_CONFIG_RULES)[1]
        missing = ss.requirements_error()
        if missing:
            raise AnsibleError(missing)
        scope = sd.Scope.from_dict(args["managed"] or {"controls": list(CONTROL_IDS)})
        given = (["intent_from_vars=true"] if args["intent_from_vars"] else []) + (
            ["intended"] if args["intended"] is not None else [])
        if len(given) != 1:
            return self._fail(result, scope, "switch_config needs exactly one of intent_from_vars=true or "
                              f"intended with managed (got: {' and '.join(given) or 'neither'})", kind="arguments")
        try:
            intent = None
            if args["intent_from_vars"]:
                intent = _ROLE_VARS.read(task_vars or {}, self._templar.template, is_trusted_as_template)
                for option, var in _OPTION_FROM_ROLE_VAR.items():
                    if args[option] is None:
                        args[option] = intent[var]
            variables = task_vars or {}

            def render(value: object) -> object:  # `{{ name }}` without a template compile (role_vars.resolve)
                return resolve(value, self._templar.template, variables, is_trusted_as_template)

            platform, target = target_from_vars(variables, render, self._play_context)
            self._norm = None
            if intent is not None:
                # Validate and render here: no connection is made for invalid intent.
                norm = normalize_intent(intent, platform.name)
                args["intended"] = switch_render.render_config(norm)
                scope = sd.Scope.from_dict(norm["managed"])
                self._norm = norm
                self._expect = _expected_identity(intent, task_vars or {})
                if not norm["controls"]:  # --tags / --skip-tags / toggles left nothing: no SSH session
                    result.update(changed=False, platform=platform.name, family=norm["family"],
                                  controls=norm["not_evaluated"], msg="no switch control selected in this run")
                    return result
        except (SwitchPlatformError, SwitchIntentError, RoleVarsError, ValueError) as exc:
            return self._fail(result, scope, str(exc), kind="intent")
        args["save"] = True if args["save"] is None else args["save"]
        args["update_secrets"] = bool(args["update_secrets"])
        check = bool(self._task.check_mode)
        timing = {"preloaded": _LOADED_IN_PID != os.getpid()}
        # One run at a time per device: a writer holds it exclusively, audits (check mode)
        # share it. Held from the first read to the last verify/rollback.
        try:
            with device_lock.hold("switch", target.where, wait=target.lock_wait, shared=check,
                                  purpose=f"switch_config{' --check' if check else ''}"):
                return self._run_locked(result, platform, target, args, scope, check, started, timing)
        except device_lock.DeviceBusy as exc:
            return self._fail(result, scope, str(exc), kind=exc.kind)

    def _run_locked(self, result, platform, target, args, scope, check, started, timing):
        try:
            conn = ss.connect_once(platform, target, device_lock.RejectedLogins())
        except se.SwitchError as exc:
            return self._fail(result, scope, str(exc), kind=exc.kind)
        timing["connect"] = round(time.perf_counter() - started, 3)
        self._conn_box = [conn]  # the rollback may replace a dropped session
        try:
            outcome = self._converge(conn, platform, target, args, scope, check)
        except (sid.SwitchGuardError, SwitchIntentError) as exc:  # before any write
            return self._fail(result, self._scope or scope, f"{target.where}: {exc}", kind="guard")
        except (se.SwitchError, *ss.SESSION_LOST) as exc:
            return self._fail(
                result,
                scope,
                f"{target.where}: {secrets.mask_config_text(str(exc)) or type(exc).__name__}",
                kind=getattr(exc, "kind", se.SessionLost.kind),
            )
        finally:
            ss.disconnect(self._conn_box[0])
        timing["total"] = round(time.perf_counter() - started, 3)
        outcome["timing"] = timing
        if self._norm is not None:  # controls this run leaves out, with the reason
            outcome["controls"] = {**self._norm["not_evaluated"], **_with_device(outcome)}
        result.update(outcome)
        return result

    def _converge(self, conn, platform, target, args, scope, check):
        identity = None
        if self._norm is not None:  # the device must be the one the inventory names
            identity = sid.verify(conn, platform, sid.FAMILIES[self._norm["family"]], *self._expect, target.timeout)
        running = ss.show_running(conn, platform, target.timeout)
        self._scope = None
        if self._norm is not None:  # roles on missing interfaces refused; ports without a role parked
            norm = complete_from_device(self._norm, device_interfaces(running, platform), platform)
            self._parked = norm.get("parked", [])
            args["intended"] = switch_render.render_config(norm)
            scope = self._scope = sd.Scope.from_dict(norm["managed"])
        elif args["managed"]:  # pre-rendered: ports without a role parked too (LAN-06)
            args["intended"], managed, self._parked = park_unnamed(
                args["intended"], args["managed"], device_interfaces(running), platform)
            scope = self._scope = sd.Scope.from_dict(managed)
        plan = sd.plan(platform, running, args["intended"], scope, args["update_secrets"])
        out = {
            "changed": False,
            "platform": platform.name,
            "commands": [secrets.mask_config_line(c) for c in plan.commands],
            "before": "\n".join(secrets.mask_config_line(x) for x in sd.render(plan.before)),
        }
        if identity is not None:
            out.update(family=self._norm["family"], model=identity.model, identity=identity.as_dict())
        out["parked"] = self._parked
        if args["gather_facts"]:
            out["facts"] = sf.gather(platform, plan.running, out.get("identity"), out.get("family"))
        if not plan.commands:
            out.update(
                after=out["before"],
                diff={"prepared": ""},
                saved=False,
                controls=sd.control_results(plan, scope, check_mode=check, pushed=False),
            )
            return out
        if check:
            predicted = plan.predicted_after()
            out.update(
                changed=True,
                saved=False,
                after="\n".join(secrets.mask_config_line(x) for x in sd.render(predicted)),
                diff={"prepared": sd.unified_diff(plan.before, predicted)},
                controls=sd.control_results(plan, scope, check_mode=True, pushed=False),
            )
            return out
        try:
            ss.push(conn, platform, plan.push_lines(), target.timeout)
            after_text = ss.show_running(conn, platform, target.timeout)
            # Verify as an audit would: a rotated key the switch shows only encrypted cannot be
            # read back (its line is there, masked alike); a readable one must match.
            left = sd.plan(platform, after_text, args["intended"], scope, update_secrets=False)
            if left.commands:
                raise se.VerifyFailed(
                    "after the push the running config still differs from intent: "
                    + "; ".join(secrets.mask_config_line(c.strip()) for c in left.commands[:5]),
                )
        except (se.SwitchError, *ss.SESSION_LOST) as exc:
            typed = exc if isinstance(exc, se.SwitchError) else se.SessionLost(
                f"the SSH session dropped during the push ({type(exc).__name__})")
            return self._rolled_back(plan, platform, target, scope, str(typed), out, typed.kind)
        saved = False
        if args["save"]:
            ss.save(self._conn_box[0], platform)
            saved = True
        # The verify plan already parsed and scoped the re-read config: it is the after state,
        # and the facts describe the device as it is now, not as it was before the push.
        after_scoped = left.before
        if args["gather_facts"]:
            out["facts"] = sf.gather(platform, left.running, out.get("identity"), out.get("family"))
        out.update(
            changed=True,
            saved=saved,
            after="\n".join(secrets.mask_config_line(x) for x in sd.render(after_scoped)),
            diff={"prepared": sd.unified_diff(plan.before, after_scoped)},
            controls=sd.control_results(plan, scope, check_mode=False, pushed=True),
        )
        return out

    def _rolled_back(self, plan, platform, target, scope, reason, out, kind):
        """Put back the saved pre-run `before` (switch_rollback.restore), verify, and fail saying so."""
        pushed = len(plan.commands)
        try:
            rollback = switch_rollback.restore(self._conn_box, platform, target, plan, scope)
        except se.RollbackFailed as exc:
            msg = (
                f"push to {target.where} failed ({reason}) and the ROLLBACK FAILED too ({exc}): the "
                "device may be partly changed (running config only, nothing was saved); "
                "check it by hand"
            )
            out.update(
                failed=True,
                changed=True,
                msg=msg,
                rolled_back=False,
                error_kind=se.RollbackFailed.kind,
                controls={c: {"status": "error", "detail": msg} for c in scope.controls},
            )
            return out
        msg = (
            f"push to {target.where} failed ({reason}); rolled back {len(rollback.commands)} line(s) "
            f"from a fresh read to the saved pre-run config: the device is back as it was before this run "
            f"(verified by a fresh read of the running config; startup config not touched). "
            f"{pushed} line(s) were planned."
        )
        out.update(
            failed=True,
            changed=False,
            msg=msg,
            rolled_back=True,
            error_kind=kind,
            rollback_commands=[secrets.mask_config_line(c) for c in rollback.commands],
            controls={c: {"status": "error", "detail": msg} for c in scope.controls},
        )
        return out

    _norm = None
    _scope = None
    _parked: list = []
    _expect = (None, None)

    @staticmethod
    def _fail(result, scope, msg, kind="config"):
        result.update(
            failed=True,
            msg=msg,
            error_kind=kind,
            controls={c: {"status": "error", "detail": msg} for c in scope.controls},
        )
        return result


def _expected_identity(intent, task_vars):
    """(hostname, serial) the inventory names: lan_switch_hostname or the inventory name."""
    return (intent.get("lan_switch_hostname") or task_vars.get("inventory_hostname"),
            intent.get("lan_switch_serial"))


def _with_device(outcome):
    """Per-control entries naming the device they were evaluated on (family and model), so
    the report shows them per switch."""
    device = f"{outcome.get('family')} {outcome.get('model')}" if outcome.get("family") else None
    controls = outcome.get("controls", {})
    if device:
        for entry in controls.values():
            entry["device"] = device
            entry["detail"] = f"{entry.get('detail') or ''} [{device}]".strip()
    return controls
