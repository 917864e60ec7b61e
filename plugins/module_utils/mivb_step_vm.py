# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VM-01/VM-02: the Embedded Voice Mail's ESM form "VM Options".

Security Guidelines 9.4, "Embedded Voice Mail": the passcode can be 4 to 10 digits (the
baseline asks for at least 6); the mailbox lockout timer is 0-60 minutes, 0 locks the mailbox
"forever", factory 3. Forward to email supports cleartext on port 25, STARTTLS on 587 and
SSL/TLS on 465: the toolkit only ever sets an encrypted method with its port, and refuses
cleartext / port 25 before any request.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import Field, FormBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import ControlDef, StepDef
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import check_int_range

FORM = "vm_options"
# The guideline's encrypted transports and the port each one uses.
EMAIL_PORTS = {"STARTTLS": 587, "SSL/TLS": 465}
PASSCODE_BASELINE = 6  # VM-01 target: >= 6 digits (the controller itself accepts 4-10)


class VmOptionsBackend(FormBackend):
    form = FORM
    fields = (
        Field("passcode_minimum_length", "VM-01"),
        Field("mailbox_lockout_timer", "VM-01"),
        Field("forward_to_email_method", "VM-02"),
        Field("forward_to_email_port", "VM-02"),
    )

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        want = {f.name: params.get(f.name) for f in self.fields}
        if want["passcode_minimum_length"] is not None:
            check_int_range("passcode_minimum_length", want["passcode_minimum_length"], PASSCODE_BASELINE, 10)
        if want["mailbox_lockout_timer"] is not None:
            check_int_range("mailbox_lockout_timer", want["mailbox_lockout_timer"], 0, 60)
        method, port = want["forward_to_email_method"], want["forward_to_email_port"]
        allowed = [f"{m} {p}" for m, p in EMAIL_PORTS.items()]
        if method is not None and method not in EMAIL_PORTS:
            raise InputError(f"forward_to_email_method: '{method}' is not an encrypted method (allowed: "
                             f"{', '.join(EMAIL_PORTS)}); cleartext on port 25 is never set; nothing was changed",
                             field="forward_to_email_method", allowed=list(EMAIL_PORTS))
        if port is not None and (method is None or EMAIL_PORTS[method] != port):
            raise InputError(f"forward_to_email_port: {port} is not allowed with forward_to_email_method {method} "
                             f"(allowed: {', '.join(allowed)}; never 25); nothing was changed",
                             field="forward_to_email_port", allowed=allowed)
        if method is not None and port is None:
            want["forward_to_email_port"] = EMAIL_PORTS[method]
        super().__init__(transport, want)


STEP = StepDef(
    name=FORM,
    controls=(
        ControlDef("VM-01", FORM, {"passcode_minimum_length": "mivb_hardening_vm_passcode_min_length",
                                   "mailbox_lockout_timer": "mivb_hardening_vm_mailbox_lockout_minutes"}),
        ControlDef("VM-02", FORM, {"forward_to_email_method": "mivb_hardening_vm_forward_email_method",
                                   "forward_to_email_port": "mivb_hardening_vm_forward_email_port"}),
    ),
    build=lambda plan, params: VmOptionsBackend(plan.transport, params),
)
