# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SSH host keys of ONE host out of a known_hosts file, for netmiko / paramiko.

netmiko hands the whole file to paramiko's `HostKeys.load`, which parses the key on every
line and checks each line against all the lines before it: with a fleet's known_hosts (a
line per device) that is quadratic, ~20 ms of CPU per device and run at 100 devices
(docs/performance.md). `trust_host_keys` reads the same file with paramiko's own matching
rule (the exact host name, `[host]:port` when the port is not 22, or a hashed `|1|` entry)
and parses only the lines that name this host. What is trusted for the host is what
paramiko's load would trust: the first key of each key type, in file order
(tests/unit/plugins/test_ssh_host_keys.py compares both over a corpus). Unlike paramiko's
load, an OpenSSH `@revoked` line does not make the whole file unreadable: its key is never
trusted for the hosts it names.
"""

from __future__ import annotations

from typing import Any


def host_key_name(host: str, port: int) -> str:
    """The name a known_hosts line gives this endpoint (OpenSSH, paramiko)."""
    return host if port == 22 else f"[{host}]:{port}"


def _names_host(field: str, name: str) -> bool:
    from paramiko.hostkeys import HostKeys

    for entry in field.split(","):
        if entry == name:
            return True
        if entry.startswith("|1|") and HostKeys.hash_host(name, entry) == entry:
            return True
    return False


def host_keys_for(path: str, host: str, port: int) -> dict[str, Any]:
    """{key type: paramiko PKey} for host:port from the known_hosts file (empty: unknown host)."""
    from paramiko.hostkeys import HostKeyEntry
    from paramiko.ssh_exception import SSHException

    name = host_key_name(host, port)
    found: list[Any] = []
    revoked: set[str] = set()
    with open(path) as fh:  # as paramiko opens it
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            marker = ""
            if line.startswith("@"):  # OpenSSH markers, which paramiko's load cannot read at all
                marker, line = [*line.split(None, 1), ""][:2]
            if not line or line[0] == "#" or not _names_host(line.split(None, 1)[0], name):
                continue
            if marker == "@revoked":  # this key is never trusted for the host, whatever else says
                revoked.update(line.split()[2:3])
                continue
            if marker:  # @cert-authority: host certificates are not used here
                continue
            try:
                entry = HostKeyEntry.from_line(line, lineno)
            except SSHException:
                continue
            if entry is not None and entry.key is not None:
                found.append(entry.key)
    keys: dict[str, Any] = {}
    for key in found:
        if key.get_base64() not in revoked:
            keys.setdefault(key.get_name(), key)
    return keys


def trust_host_keys(conn: Any, path: str, host: str, port: int) -> None:
    """Make a netmiko connection (built with auto_connect=False and alt_host_keys=False) trust
    this host's keys from `path`, whatever SSH client class its platform uses."""
    make_client = conn._get_ssh_client_instance

    def client_with_keys() -> Any:
        client = make_client()
        known = client.get_host_keys()
        for kind, key in host_keys_for(path, host, port).items():
            known.add(host_key_name(host, port), kind, key)
        return client

    conn._get_ssh_client_instance = client_with_keys
