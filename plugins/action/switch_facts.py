"""Action plugin: read a switch's running config in one SSH session and return it as data.

Runs in the controller process for the same reason as switch_config (no per-task
Python start-up or netmiko import).
"""

from __future__ import annotations

import os
import time

from ansible.plugins.action import ActionBase
from ansible_collections.voicesec.mivb.plugins.module_utils import device_lock, secrets
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_facts as sf
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_identity as sid
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_session as ss
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_args import SWITCH_FACTS_SPEC
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import SwitchPlatformError
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_target import target_from_vars

_LOADED_IN_PID = os.getpid()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        started = time.perf_counter()
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=SWITCH_FACTS_SPEC)[1]
        missing = ss.requirements_error()
        if missing:
            result.update(failed=True, msg=missing)
            return result
        try:
            platform, target = target_from_vars(task_vars or {}, self._templar.template, self._play_context)
            conn = ss.connect_once(platform, target, device_lock.RejectedLogins())
        except (SwitchPlatformError, ValueError, ss.SwitchSessionError) as exc:
            result.update(failed=True, msg=str(exc), error_kind=getattr(exc, "kind", "config"))
            return result
        try:
            running = ss.show_running(conn, platform, target.timeout)
            identity_text = ss.run_show(conn, platform.identity_command, target.timeout)
        except (ss.SwitchSessionError, *ss.SESSION_LOST) as exc:
            result.update(failed=True, msg=f"{target.where}: reading the running config failed ({exc})")
            return result
        finally:
            ss.disconnect(conn)
        # family and model as the device reports them (switch_identity reads the same output)
        family = sid.family_of(platform, identity_text)
        facts = sf.gather(platform, running, sid.parse_identity(platform, identity_text).as_dict(),
                          family.name if family else None)
        if args["include_running"]:
            facts["running_config"] = secrets.mask_config_text(running)
        result.update(
            changed=False,
            facts=facts,
            ansible_facts={"lan_switch": facts},
            timing={"preloaded": _LOADED_IN_PID != os.getpid(), "total": round(time.perf_counter() - started, 3)},
        )
        return result
