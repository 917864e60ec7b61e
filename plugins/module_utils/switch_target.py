"""Connection details for switch_config / switch_facts from the standard inventory variables.

ansible_host, ansible_port, ansible_user, ansible_password (ansible_ssh_pass),
ansible_become_password (the enable secret) and ansible_network_os, as a cisco.ios
inventory has them, plus lan_known_hosts_file / lan_host_key_checking / lan_ssh_timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (
    SwitchPlatform,
    platform_for,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_session import Target

_FALSE = (False, "false", "False", "no", "0", 0, "off")


def target_from_vars(task_vars: dict[str, Any], render: Callable[[Any], Any]) -> tuple[SwitchPlatform, Target]:
    """`render` templates one variable value (the action plugin's templar)."""

    def var(*names: str, default: Any = None) -> Any:
        for name in names:
            if name in task_vars and task_vars[name] is not None:
                return render(task_vars[name])
        return default

    platform = platform_for(var("ansible_network_os"))
    target = Target(
        host=str(var("ansible_host", "inventory_hostname")),
        port=int(var("ansible_port", "ansible_ssh_port", default=22)),
        username=str(var("ansible_user", "ansible_ssh_user", "ansible_ssh_user", default="")),
        password=str(var("ansible_password", "ansible_ssh_pass", default="") or ""),
        enable_secret=str(var("ansible_become_password", "ansible_become_pass", "ansible_enable_password",
                              default="") or ""),
        known_hosts_file=str(var("lan_known_hosts_file", default="~/.ssh/known_hosts")),
        host_key_checking=var("lan_host_key_checking", default=True) not in _FALSE,
        timeout=float(var("lan_ssh_timeout", default=30)),
    )
    return platform, target
