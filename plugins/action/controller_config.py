# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: the whole controller baseline in one task, over one HTTPS connection.

Why in-process and without the httpapi connection: every task on a persistent connection
starts an `ansible-connection` helper, and one task per control made an audit many times
slower than the raw HTTPS work (docs/performance.md). This plugin reads the role's variables, decides
per control (tags, toggles), validates every value, then runs mivb_plan.ControllerPlan over
one kept-alive, certificate-verified HTTPS connection: one login, each form read once.

The linear strategy loads this class in the parent process, so the imports below (and the
preloads) are paid once per run and inherited by every forked worker.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ansible.plugins.action import ActionBase
from ansible.plugins.loader import connection_loader
from ansible.template import is_trusted_as_template
from ansible_collections.voicesec.mivb.plugins.module_utils import device_lock, mivb_plan
from ansible_collections.voicesec.mivb.plugins.module_utils.control_selection import select
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import (
    FACTORY_DEFAULT_PASSWORD,
    DirectTransport,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_login_guard import LoginGuard, guard_key
from ansible_collections.voicesec.mivb.plugins.module_utils.netmiko_warmup import warm_netmiko_filters
from ansible_collections.voicesec.mivb.plugins.module_utils.role_vars import RoleInterface, RoleVarsError, resolve
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import mask_no_log_values
from ansible_collections.voicesec.mivb.plugins.plugin_utils.mivb_action import preload, preload_jinja_plugins
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_location import audit_trail_dir

preload(
    "http.client",
    "cryptography.x509",
    "cryptography.x509.verification",
    "cryptography.hazmat.primitives.hashes",
    "cryptography.hazmat.primitives.serialization",
    "cryptography.hazmat.primitives.asymmetric.rsa",
    # the maintenance SSH / SFTP / FTP controls (LOG-05, MSL-01/02, ACC-04): netmiko and
    # paramiko are ~0.4 s of CPU to import, paid per controller when a worker imported them
    "paramiko",
    "netmiko",
    "ftplib",
)
preload_jinja_plugins()
warm_netmiko_filters()  # the maintenance SSH reads' regexes, compiled here once (not per worker)
for _name in ("ansible.builtin.local", "ansible.netcommon.httpapi"):
    # The worker builds the inventory's connection object before it learns this plugin needs
    # none; loaded here, the class is inherited instead of imported per host.
    try:
        connection_loader.get(_name, class_only=True)
    except Exception:  # noqa: S110 - netcommon missing only costs that import later
        pass
_LOADED_IN_PID = os.getpid()
_ROLE = RoleInterface("mivb_hardening")  # the role's argument_specs, read once here
mivb_plan.client_ciphers()  # the TLS-02 guard's view of the toolkit's client, computed once here
_FALSE = (False, "false", "False", "no", "0", 0, "off")


class _Refused(Exception):
    """The plan's input was refused: nothing to lock, nothing to send."""


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: Any = None) -> dict[str, Any]:
        started = time.perf_counter()
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        if self._task.args:
            return self._failed(result, "voicesec.mivb.controller_config takes no options: it reads the "
                                "mivb_hardening role's variables (see ansible-doc voicesec.mivb.controller_config)")
        render = self._templar.template
        toggles = {c.id: c.toggle for c in mivb_plan.CONTROLS}
        try:
            values, no_log = _ROLE.read(task_vars, render, is_trusted_as_template)
        except RoleVarsError as exc:
            return self._failed(result, str(exc), {cid: {"status": "error", "detail": str(exc)}
                                                   for cid in mivb_plan.CONTROL_IDS})
        # LOG-01 exports into the report store the compliance_report callback writes (unless set)
        if not values.get("mivb_hardening_audit_trail_dir"):
            values["mivb_hardening_audit_trail_dir"] = str(audit_trail_dir(str(task_vars.get("playbook_dir") or ""),
                                                                           Path.cwd()))
        values["inventory_hostname"] = str(task_vars.get("inventory_hostname") or "")
        selection = select(mivb_plan.CONTROL_IDS, "controller", task_vars,
                           {cid: bool(values.get(var, True)) for cid, var in toggles.items()}, toggles)
        target, transport, guard = self._connect_from_vars(task_vars, render, values)
        no_log = (no_log | set(transport.password_values())) - {FACTORY_DEFAULT_PASSWORD, ""}
        check = bool(self._task.check_mode)
        plan = mivb_plan.ControllerPlan(transport, target, values, selection.selected, check)
        # One run at a time per controller (keyed by address:port): a writer holds it
        # exclusively, audits share it; held from the login to the last verify. Input is
        # validated first: refused input needs no device and no lock.
        try:
            if not selection.selected or not plan.validate():
                raise _Refused

            with device_lock.hold("controller", f"{target.host}:{target.port}", shared=check,
                                  wait=float(values.get("mivb_hardening_lock_wait") or 0),
                                  purpose=f"controller_config{' --check' if check else ''}"):
                try:
                    with guard:
                        outcome = plan.run()
                finally:
                    transport.logout()
        except _Refused:
            outcome = plan.out
        except device_lock.DeviceBusy as exc:
            return self._failed(result, str(exc), {cid: {"status": "error", "detail": str(exc)}
                                                   for cid in selection.selected})
        controls = {**selection.not_evaluated(), **outcome.controls}
        failed = outcome.failed
        errors = [f"{cid}: {r['detail']}" for cid, r in controls.items() if r["status"] == "error"]
        out: dict[str, Any] = {
            "changed": outcome.changed,
            "controls": controls,
            "selected": list(selection.selected),
            "plan": outcome.steps,
            "stats": dict(transport.stats, connections=transport.connections),
            "timing": {"preloaded": _LOADED_IN_PID != os.getpid(),
                       "total": round(time.perf_counter() - started, 3), "steps": outcome.seconds},
        }
        if outcome.diffs:
            out["diff"] = outcome.diffs
        if outcome.warnings:
            out["warnings"] = outcome.warnings
        if failed:
            out["failed"] = True
            out["msg"] = "; ".join(errors)
        else:
            counts: dict[str, int] = {}
            for r in controls.values():
                counts[r["status"]] = counts.get(r["status"], 0) + 1
            out["msg"] = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        # Input errors are the validators' own words, which never quote a secret: masking them
        # would garble rules such as "(like 1234)" when a secret happens to be 1234.
        keep = {cid: r["detail"] for cid, r in controls.items() if r["detail"] in outcome.input_errors}
        masked = mask_no_log_values(out, no_log)
        for cid, detail in keep.items():
            masked["controls"][cid]["detail"] = detail
        if outcome.input_errors and failed:
            masked["msg"] = "; ".join(outcome.input_errors)
        result.update(masked)
        return result

    def _connect_from_vars(self, task_vars: dict[str, Any], render: Any,
                           values: dict[str, Any]) -> tuple[mivb_plan.Target, Any, Any]:
        """The controller's address and credentials the way the httpapi connection reads them
        (ansible_host, ansible_httpapi_port, ansible_user/-u, ansible_password/-k or an AWX
        machine credential, ansible_httpapi_ca_path, ansible_httpapi_validate_certs)."""

        def var(*names: str, default: Any = None) -> Any:
            for name in names:
                if task_vars.get(name) is not None:
                    return resolve(task_vars[name], render, task_vars, is_trusted_as_template)
            return default

        pc = self._play_context
        host = str(var("ansible_host", default=task_vars.get("inventory_hostname")))
        port = int(var("ansible_httpapi_port", "ansible_port", default=443))
        # -u / an AWX machine credential: with no connection Ansible keeps it in connection_user
        user = str(var("ansible_user", default=None) or getattr(pc, "connection_user", None) or pc.remote_user or "")
        password = str(var("ansible_password", "ansible_httpapi_pass", default=None) or pc.password or "")
        validate = var("ansible_httpapi_validate_certs", default=True) not in _FALSE
        ca_path = var("ansible_httpapi_ca_path", default=None)
        factory = var("ansible_httpapi_mivb_factory_password", "mivb_factory_password", default=None) or None
        target = mivb_plan.Target(host=host, port=port, ca_path=str(ca_path) if ca_path else None,
                                  validate_certs=validate, username=user)
        guard = LoginGuard(
            state_dir=str(var("mivb_hardening_state_dir", default="") or ""),
            key=guard_key(host, port, user),
            commission=bool(values.get("mivb_hardening_commission")),
        )
        transport = DirectTransport(host, port, user, password, ca_path=target.ca_path,
                                    factory_password=factory, validate_certs=validate,
                                    timeout=float(var("ansible_httpapi_timeout", default=30)))
        guard.bind(transport)
        return target, transport, guard

    @staticmethod
    def _failed(result: dict[str, Any], msg: str, controls: dict[str, Any] | None = None) -> dict[str, Any]:
        result.update(failed=True, msg=msg, controls=controls or {})
        return result
