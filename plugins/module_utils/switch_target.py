"""Connection details for switch_config / switch_facts, the way Ansible gives them.

Credentials come from the task's play context first: it holds what `-u`,
`--ask-pass` / `--connection-password-file`, `--ask-become-pass` /
`--become-password-file`, an AWX/AAP Machine credential, and the connection variables
(ansible_user, ansible_password, ansible_become_password) resolved with Ansible's own
precedence. The inventory variables are the fallback when there is no play context
(a direct call) or it holds nothing. Also read: ansible_host, ansible_port,
ansible_network_os, lan_known_hosts_file / lan_host_key_checking / lan_ssh_timeout, and
lan_lock_wait (seconds to wait for another run's device lock, default 0).
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


def _from_context(play_context: Any, *fields: str) -> str:
    for name in fields:
        value = getattr(play_context, name, None) if play_context is not None else None
        if value:
            return str(value)
    return ""


def target_from_vars(task_vars: dict[str, Any], render: Callable[[Any], Any],
                     play_context: Any = None) -> tuple[SwitchPlatform, Target]:
    """`render` templates one variable value (the action plugin's templar).

    `play_context` is the action plugin's self._play_context. With connection `local`
    Ansible replaces remote_user by the local login and keeps the given one in
    connection_user, hence that field first.
    """

    def var(*names: str, default: Any = None) -> Any:
        for name in names:
            if name in task_vars and task_vars[name] is not None:
                return render(task_vars[name])
        return default

    platform = platform_for(var("ansible_network_os"))
    target = Target(
        host=str(var("ansible_host", "inventory_hostname")),
        port=int(var("ansible_port", "ansible_ssh_port", default=22)),
        username=_from_context(play_context, "connection_user", "remote_user")
        or str(var("ansible_user", "ansible_ssh_user", default="") or ""),
        password=_from_context(play_context, "password")
        or str(var("ansible_password", "ansible_ssh_pass", default="") or ""),
        enable_secret=_from_context(play_context, "become_pass")
        or str(var("ansible_become_password", "ansible_become_pass", "ansible_enable_password", default="") or ""),
        known_hosts_file=str(var("lan_known_hosts_file", default="~/.ssh/known_hosts")),
        host_key_checking=var("lan_host_key_checking", default=True) not in _FALSE,
        timeout=float(var("lan_ssh_timeout", default=30)),
        lock_wait=float(var("lan_lock_wait", default=0)),
    )
    return platform, target
