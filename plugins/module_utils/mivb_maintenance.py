# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller's maintenance SSH session: the MSL Linux shell, the MTCE shell and SFTP.

One session per controller per run, shared by the steps that need it (LOG-05, MSL-01, MSL-02,
ACC-04) through the plan's SharedSessions: opened by the first of them, closed when the plan
ends. netmiko's `linux` driver (LinuxSSH: prompt ends in `$` or `#`, no paging, no enable)
drives the shell; the guideline's way in to the MTCE commands is `/sysro/bin/mtce-term`
("Occupancy Logs"), whose prompt (`<name> MTCE>`) is not a Linux one, so commands there
wait for that prompt explicitly. SFTP opens a channel on the same SSH transport (no second login).

Lockout safety: the login uses only the user name and password the controller accepted over
HTTPS earlier in this run (the same user profile, mivb_client.login_credentials), so it never
adds a failed login; host-key checking is always on (the key must be in the known_hosts file).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.ssh_host_keys import trust_host_keys

SESSION_KEY = "maintenance_ssh"
MTCE_TERM = "/sysro/bin/mtce-term"
MTCE_PROMPT = r"MTCE>\s*$"
re.compile(MTCE_PROMPT)  # into re's cache in the Ansible parent (imported there), inherited by the workers
KNOWN_HOSTS_VAR = "mivb_known_hosts_file"
SSH_PORT_VAR = "mivb_maintenance_ssh_port"


class MaintenanceError(MivbError):
    """The maintenance SSH / SFTP / FTP path failed: the controls of that step are `error`, the
    plan's HTTPS steps are not affected (not an AuthenticationFailed / ConnectionFailed of the API)."""

    code = "maintenance_ssh"


@dataclass
class MaintenanceTarget:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    known_hosts_file: str
    timeout: float = 30.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def check_known_hosts(path: str | None) -> str:
    """Input guard (no device contact): host-key checking needs an existing known_hosts file."""
    resolved = os.path.expanduser(path or "~/.ssh/known_hosts")
    if not os.path.isfile(resolved):
        raise InputError(f"{KNOWN_HOSTS_VAR}: {resolved} does not exist; the maintenance SSH host key must be "
                         "there (host-key checking is always on); nothing was sent", field=KNOWN_HOSTS_VAR)
    return resolved


def check_port(var: str, value: Any, default: int) -> int:
    port = default if value in (None, "") else value
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InputError(f"{var}: {value!r} is not a TCP port (1-65535); nothing was sent", field=var,
                         allowed="1-65535")
    return port


def target_of(plan: Any, port: int, known_hosts: str) -> MaintenanceTarget:
    """The maintenance SSH target: the controller's address, the HTTPS login's accepted credentials."""
    creds = plan.transport.login_credentials() if hasattr(plan.transport, "login_credentials") else None
    if not creds:
        raise MaintenanceError("maintenance SSH: no login was accepted over HTTPS in this run, so no password "
                               "is known to be right for the SSH login (not tried: lock-out protection)")
    return MaintenanceTarget(plan.target.host, port, creds[0], creds[1], known_hosts)


class MaintenanceShell:
    """The netmiko session; `linux()` / `mtce()` run one command each, `sftp()` a client."""

    def __init__(self, target: MaintenanceTarget) -> None:
        self.target = target
        self.conn: Any = _connect(target)
        self.in_mtce = False
        self._sftp: Any = None
        self.commands = 0

    def linux(self, command: str) -> str:
        if self.in_mtce:
            self._send("EXIT", expect=None)
            self.in_mtce = False
        return self._send(command, expect=None)

    def mtce(self, command: str) -> str:
        if not self.in_mtce:
            self._send(MTCE_TERM, expect=MTCE_PROMPT)
            self.in_mtce = True
        return self._send(command, expect=MTCE_PROMPT)

    def sftp(self) -> Any:
        """An SFTP client on the session's own SSH transport (paramiko under netmiko)."""
        if self._sftp is None:
            try:
                self._sftp = self.conn.remote_conn_pre.open_sftp()
                self._sftp.get_channel().settimeout(self.target.timeout)
            except Exception as exc:
                raise MaintenanceError(f"SFTP refused at {self.target.where}: {exc or type(exc).__name__}") from None
        return self._sftp

    def _send(self, command: str, expect: str | None) -> str:
        """One command; `expect` None = the Linux prompt read at login. Read with netmiko's
        read_until_pattern up to the prompt, again until the command's echo is in the text (the
        prompt is known, so none of send_command's prompt look-ups and 25 ms read loops: about
        10 ms per command instead of 65 ms, docs/performance.md). The pattern is the prompt
        alone, one compiled regex per session rather than one per command. Echo and prompt
        are stripped as send_command strips them."""
        self.commands += 1
        conn = self.conn
        prompt = expect or rf"{re.escape(conn.base_prompt)}[$#]\s*$"
        deadline = time.monotonic() + self.target.timeout
        try:
            conn.write_channel(command + conn.RETURN)
            raw = conn.read_until_pattern(pattern=prompt, read_timeout=self.target.timeout)
            while command not in raw:  # a prompt before the echo: not this command's output yet
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                raw += conn.read_until_pattern(pattern=prompt, read_timeout=left)
        except Exception as exc:  # netmiko ReadTimeout / a dropped session
            raise MaintenanceError(f"maintenance SSH {self.target.where}: {command.split()[0]}: "
                                   f"{type(exc).__name__}") from None
        text = conn.normalize_linefeeds(raw)
        return str(conn.strip_prompt(conn.strip_command(command, text)))

    def close(self) -> None:
        if self._sftp is not None:
            try:
                self._sftp.close()
            except Exception:  # noqa: S110 - closing what may already be gone
                pass
        # Not netmiko's disconnect(): LinuxSSH takes the root prompt (`#`) for a `sudo -s` shell,
        # sends `exit` and waits read_timeout for a prompt that never comes (the session ends).
        try:
            self.conn.write_channel(("EXIT\n" if self.in_mtce else "") + "exit\n")
        except Exception:  # noqa: S110 - the session may already be gone
            pass
        try:
            self.conn.paramiko_cleanup()
        except Exception:  # noqa: S110
            pass


def _connect(target: MaintenanceTarget) -> Any:
    try:
        import paramiko
        from netmiko import ConnectHandler
        from netmiko.exceptions import NetmikoAuthenticationException
    except ImportError as exc:
        raise MivbError(f"the maintenance SSH controls need netmiko and paramiko on the control node ({exc})") from None
    params = {
        "device_type": "linux",
        "host": target.host,
        "port": target.port,
        "username": target.username,
        "password": target.password,
        "ssh_strict": True,
        "system_host_keys": False,
        "alt_host_keys": False,  # the known_hosts lines of this host only: trust_host_keys below
        "allow_agent": False,
        "use_keys": False,
        "conn_timeout": min(target.timeout, 15),
        "auth_timeout": target.timeout,
        "banner_timeout": target.timeout,
    }
    try:
        # netmiko's connection (paramiko underneath, host-key policy, auth errors), without its
        # generic session preparation (a newline, 0.1 s sleeps and a prompt look-up with two
        # buffer clears: about 0.15 s per login): the shell greets with its prompt, read once.
        conn = ConnectHandler(**params, auto_connect=False)
        trust_host_keys(conn, target.known_hosts_file, target.host, target.port)
        conn.establish_connection()
        conn.ansi_escape_codes = True
        greeting = conn.read_until_pattern(pattern=r"[$#]\s*$", read_timeout=target.timeout)
        conn.base_prompt = conn.normalize_linefeeds(greeting).rstrip().splitlines()[-1].strip()[:-1]
        return conn
    except NetmikoAuthenticationException:
        raise MaintenanceError(f"maintenance SSH {target.where}: the login of {target.username!r} was refused "
                               "(a ROOT-policy user profile is needed; not retried: lock-out protection)") from None
    except paramiko.BadHostKeyException:
        raise MaintenanceError(f"maintenance SSH {target.where}: the host key does NOT match "
                               f"{target.known_hosts_file}: refusing to connect (possible man-in-the-middle, "
                               "or the controller was replaced)") from None
    except Exception as exc:
        text = str(exc)
        if "does not match" in text or isinstance(exc.__context__, paramiko.BadHostKeyException):
            raise MaintenanceError(f"maintenance SSH {target.where}: the host key does NOT match "
                                   f"{target.known_hosts_file}: refusing to connect (possible man-in-the-middle, "
                                   "or the controller was replaced)") from None
        if "not found in known_hosts" in text:
            raise MaintenanceError(f"maintenance SSH {target.where}: unknown host key: not in "
                                   f"{target.known_hosts_file} ({KNOWN_HOSTS_VAR}); add it there") from None
        first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
        raise MaintenanceError(f"maintenance SSH {target.where} unreachable: {first}") from None


def shared_shell(plan: Any, port: int, known_hosts: str) -> MaintenanceShell:
    """The run's one maintenance session (opened now if no step opened it yet)."""
    return plan.shared.get(SESSION_KEY, lambda: MaintenanceShell(target_of(plan, port, known_hosts)))


def prefetch_shell(plan: Any, port: int, known_hosts: str) -> None:
    """Start the maintenance login in the background (SharedSessions.prefetch). The target (and
    so the credentials the HTTPS login had accepted) is taken now, in the plan's thread."""
    target = target_of(plan, port, known_hosts)
    plan.shared.prefetch(SESSION_KEY, lambda: MaintenanceShell(target))


def clean(output: str) -> list[str]:
    """Output lines without blanks, prompts or the echoed command."""
    return [line.strip() for line in output.replace("\r", "").splitlines()
            if line.strip() and not re.search(r"(MTCE>|[#$])\s*$", line)]


# The ControlDef params every maintenance-SSH control carries (backend parameter -> role variable).
SSH_PARAMS = {"ssh_port": SSH_PORT_VAR, "known_hosts": KNOWN_HOSTS_VAR}


@dataclass
class SshAccess:
    """Validated connection values of a maintenance-SSH step (checked before any request)."""

    port: int
    known_hosts: str

    @classmethod
    def of(cls, params: dict[str, Any]) -> SshAccess:
        return cls(check_port(SSH_PORT_VAR, params.get("ssh_port"), 22), check_known_hosts(params.get("known_hosts")))

    def shell(self, plan: Any) -> MaintenanceShell:
        return shared_shell(plan, self.port, self.known_hosts)

    def prefetch(self, plan: Any) -> None:
        prefetch_shell(plan, self.port, self.known_hosts)


def prefetch_step(plan: Any, backend: Any) -> None:
    """StepDef.prefetch of the maintenance-SSH steps (their backends carry `access`)."""
    backend.access.prefetch(plan)
