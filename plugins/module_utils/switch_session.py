"""One netmiko SSH session to a switch: connect (host key checked), read, push, save.

Errors are the typed classes of switch_errors, with a message an operator can act on; passwords
and secrets never appear in them.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_errors as se
from ansible_collections.voicesec.mivb.plugins.module_utils.device_lock import RejectedLogins
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import mask_config_line
from ansible_collections.voicesec.mivb.plugins.module_utils.ssh_host_keys import trust_host_keys
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import SwitchPlatform

try:
    import paramiko
    from netmiko import ConnectHandler
    from netmiko.exceptions import (
        ConfigInvalidException,
        NetmikoAuthenticationException,
        NetmikoBaseException,
        NetmikoTimeoutException,
        ReadException,
    )
except ImportError as _import_exc:  # reported by the action plugins (requirements_error)
    NETMIKO_IMPORT_ERROR: ImportError | None = _import_exc

    class _Missing(Exception):
        """Stands in for netmiko/paramiko exception classes when they are not installed."""

    ConfigInvalidException = NetmikoAuthenticationException = NetmikoBaseException = _Missing
    NetmikoTimeoutException = ReadException = _Missing
    ConnectHandler = None
    paramiko = None
    _SSH_ERRORS: tuple[type[BaseException], ...] = ()
else:
    NETMIKO_IMPORT_ERROR = None
    _SSH_ERRORS = (paramiko.SSHException,)

# Anything that means "the session is gone": reconnect before rolling back.
SESSION_LOST = (OSError, EOFError, socket.timeout, *_SSH_ERRORS, NetmikoTimeoutException, ReadException)


def requirements_error() -> str | None:
    """The switch modules' Python requirements on the control node, or None when all import."""
    from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff, switch_render

    missing = [str(e) for e in (switch_diff.HIER_CONFIG_IMPORT_ERROR, switch_render.JINJA2_IMPORT_ERROR,
                                NETMIKO_IMPORT_ERROR) if e is not None]
    if not missing:
        return None
    return ("voicesec.mivb switch modules need netmiko, paramiko, hier_config and jinja2 on the Ansible "
            "control node (pip install netmiko hier-config): " + "; ".join(missing))


# The older names, kept for callers written before switch_errors existed.
SwitchSessionError = se.SwitchError
CommandRejected = se.CommandRejected


@dataclass
class Target:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    enable_secret: str = field(repr=False)
    known_hosts_file: str
    host_key_checking: bool = True
    timeout: float = 30.0
    lock_wait: float = 0.0  # seconds to wait for another run's lock on this device (device_lock)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def connect(platform: SwitchPlatform, target: Target) -> Any:
    """Open the session, privileged (enable) when an enable secret is given."""
    known_hosts = os.path.expanduser(target.known_hosts_file or "~/.ssh/known_hosts")
    if target.host_key_checking and not os.path.isfile(known_hosts):
        raise se.HostKeyMismatch(
            f"host key checking is on but the known_hosts file {known_hosts} does not exist; "
            "add the switch's key there (lan_known_hosts_file) or set lan_host_key_checking: false",
        )
    params: dict[str, Any] = {
        "device_type": platform.netmiko_device_type,
        "host": target.host,
        "port": target.port,
        "username": target.username,
        "password": target.password,
        "secret": target.enable_secret,
        "ssh_strict": target.host_key_checking,
        "system_host_keys": False,
        "alt_host_keys": False,  # the known_hosts lines of this switch only: trust_host_keys below
        "allow_agent": False,
        "use_keys": False,
        "conn_timeout": min(target.timeout, 15),
        "auth_timeout": target.timeout,
        "banner_timeout": target.timeout,
        "read_timeout_override": None,
    }
    try:
        conn = ConnectHandler(**params, auto_connect=False)
        if target.host_key_checking:
            trust_host_keys(conn, known_hosts, target.host, target.port)
        conn._open()  # what auto_connect does: establish_connection + session preparation
    except NetmikoAuthenticationException:
        raise se.AuthenticationFailed(
            f"authentication failed for user {target.username!r} at {target.where} "
            "(not retried, to avoid a lock-out)") from None
    except paramiko.BadHostKeyException:
        raise se.HostKeyMismatch(_changed_key(target, known_hosts)) from None
    except (paramiko.SSHException, NetmikoBaseException, OSError, ValueError) as exc:
        # netmiko wraps paramiko's host-key refusal in its own timeout exception: read the text.
        text = str(exc)
        if "not found in known_hosts" in text:
            raise se.HostKeyMismatch(
                f"unknown SSH host key for {target.where}: not in {known_hosts}; add it there "
                "or set lan_host_key_checking: false") from None
        if "does not match" in text or "BadHostKey" in text:
            raise se.HostKeyMismatch(_changed_key(target, known_hosts)) from None
        first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
        raise se.Unreachable(f"switch {target.where} unreachable: {first}") from None
    if target.enable_secret:
        try:
            conn.enable()  # checks the mode itself first: no second check of our own (one round trip less)
        except (ValueError, NetmikoBaseException, *SESSION_LOST):
            disconnect(conn)
            raise se.EnableRefused(
                f"enable (privileged mode) refused at {target.where}: check the enable secret "
                "(ansible_become_password)") from None
    return conn


def connect_once(platform: SwitchPlatform, target: Target, memo: RejectedLogins | None) -> Any:
    """connect(), but never with a username/password this switch already refused in this run."""
    if memo is not None and memo.seen("switch", target.where, target.username, target.password):
        raise se.AuthenticationFailed(
            f"authentication for user {target.username!r} at {target.where} was already refused earlier in "
            "this run: not tried again (lock-out protection); fix the credentials and run again")
    try:
        return connect(platform, target)
    except se.AuthenticationFailed as exc:
        if memo is not None and not isinstance(exc, se.EnableRefused):
            memo.remember("switch", target.where, target.username, target.password)
        raise


def _changed_key(target: Target, known_hosts: str) -> str:
    return (f"host key of {target.where} does NOT match {known_hosts}: refusing to connect "
            "(possible man-in-the-middle, or the switch was replaced)")


def disconnect(conn: Any) -> None:
    try:
        conn.disconnect()
    except Exception:  # noqa: S110 - closing a dead session must not mask the real error
        pass


def prompt_pattern(conn: Any, command: str) -> str:
    """The switch's prompt as a whole line (exec, enable or a config context), from the base
    prompt netmiko learnt at login, after the echo of `command`. A line that merely contains
    the hostname (`hostname sw1`) does not match, nor does a prompt still buffered from before
    the command (netmiko's is_alive() sends a NUL, which some CLIs answer with a new prompt)."""
    # netmiko keeps only the first 16 characters of a Cisco hostname as the base prompt
    prompt = rf"^{re.escape(conn.base_prompt)}[^\s#>()]*(?:\([^)\r\n]*\))?[>#]\s*$"
    return rf"(?ms){re.escape(command)}.*?{prompt}"


def run_show(conn: Any, command: str, timeout: float = 60) -> str:
    """One exec command's output. netmiko's send_command looks the prompt up again before
    every command (a newline and a read: about half the time of a short command); the prompt
    is known since login, so it is given instead (docs/performance.md)."""
    return conn.send_command(command, read_timeout=timeout, expect_string=prompt_pattern(conn, command),
                             auto_find_prompt=False)


def show_running(conn: Any, platform: SwitchPlatform, timeout: float = 60) -> str:
    return run_show(conn, platform.show_running, timeout)


def push(conn: Any, platform: SwitchPlatform, lines: list[str], timeout: float = 60) -> str:
    """Send the delta in config mode; a line the CLI refuses raises CommandRejected."""
    try:
        return conn.send_config_set(lines, error_pattern=platform.error_pattern, read_timeout=timeout,
                                    cmd_verify=True)
    except ConfigInvalidException as exc:
        try:
            conn.exit_config_mode()
        except Exception:  # noqa: S110 - the rollback reconnects if this session is unusable
            pass
        rejected = _rejected_line(str(exc), lines)
        raise CommandRejected(f"the switch rejected {rejected!r}") from None


def _rejected_line(output: str, lines: list[str]) -> str:
    last = ""
    for row in output.splitlines():
        for line in lines:
            if line and line.strip() in row:
                last = mask_config_line(line.strip())
    return last or "a command"


def save(conn: Any, platform: SwitchPlatform) -> str:
    return conn.save_config(cmd=platform.save_command) if platform.save_command else ""
