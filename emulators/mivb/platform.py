"""The MSL host under the call control (model services layer): installed packages, running
processes, the plain-FTP server switch. Read over the maintenance SSH's Linux shell
(`rpm -qa`, `ps -e -o comm=`; MSL-01, MSL-02) and by the FTP listener (ACC-04).

MSL is an RPM-based Linux (Mitel Standard Linux Installation and Administration Guide), so
`rpm -qa` lists `name-version-release.arch` lines as on any RPM system. The two package
names that carry the releases (`mitel-msl-release`, `mitel-mivb`) and the version numbers
are the emulator's stand-ins, documented in docs/management-api.md; the toolkit reads them
from these names. The test hook `POST /_emulator/platform` plants an antivirus agent, changes
a release or turns the legacy plain-FTP server on (drift for MSL-01, MSL-02, ACC-04).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .errors import invalid

if TYPE_CHECKING:
    from .controller import Controller

MSL_PACKAGE = "mitel-msl-release"
MIVB_PACKAGE = "mitel-mivb"
FACTORY_PLATFORM: dict[str, Any] = {
    "packages": [
        "bash-4.2.46-35.el7_9.x86_64",
        "crontabs-1.11-6.20121102git.el7.noarch",
        "kernel-3.10.0-1160.119.1.el7.x86_64",
        "openssh-server-7.4p1-23.el7_9.x86_64",
        "rsyslog-8.24.0-57.el7_9.3.x86_64",
        "httpd-2.4.6-99.el7.x86_64",
        f"{MSL_PACKAGE}-11.0.98.0-1.el7.x86_64",
        f"{MIVB_PACKAGE}-9.4.1.24-1.el7.x86_64",
    ],
    "processes": ["systemd", "sshd", "crond", "rsyslogd", "httpd", "mivb-callctl", "mivb-dbms"],
    "plain_ftp": False,
}
_NEVRA = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9_.+]*(?:-[A-Za-z0-9_.+]+)*-[0-9][A-Za-z0-9_.+]*-[A-Za-z0-9_.+]+\.[a-z0-9_]+$"
)
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){1,4}$")
_PROCESS = re.compile(r"^[A-Za-z0-9_.:+-]{1,15}$")  # comm is at most 15 characters


def platform(ctrl: Controller) -> dict[str, Any]:
    """The host's state; older state files get the factory values."""
    if "platform" not in ctrl.state:
        ctrl.state["platform"] = copy.deepcopy(FACTORY_PLATFORM)
    return ctrl.state["platform"]


def rpm_qa(ctrl: Controller) -> str:
    return "".join(p + "\n" for p in platform(ctrl)["packages"])


def ps_comm(ctrl: Controller) -> str:
    return "".join(p + "\n" for p in platform(ctrl)["processes"])


def _set_version(packages: list[str], name: str, version: str) -> list[str]:
    out = []
    for nevra in packages:
        if nevra.startswith(name + "-") and nevra[len(name) + 1:][:1].isdigit():
            release_arch = nevra.rsplit("-", 1)[1]
            nevra = f"{name}-{version}-{release_arch}"
        out.append(nevra)
    return out


def change_platform(ctrl: Controller, body: dict[str, Any]) -> dict[str, Any]:
    """The test hook: validate everything first, then apply (caller holds the lock)."""
    adds = body.get("add_packages", [])
    procs = body.get("add_processes", [])
    if not isinstance(adds, list) or not all(isinstance(p, str) and _NEVRA.match(p) for p in adds):
        raise invalid("add_packages", "add_packages: a list of name-version-release.arch strings")
    if not isinstance(procs, list) or not all(isinstance(p, str) and _PROCESS.match(p) for p in procs):
        raise invalid("add_processes", "add_processes: a list of process names (1-15 characters)")
    versions = {key: body[key] for key in ("mivb_version", "msl_version") if key in body}
    for key, value in versions.items():
        if not isinstance(value, str) or not _VERSION.match(value):
            raise invalid(key, f"{key}: a dotted version such as 9.4.1.24")
    plain = body.get("plain_ftp")
    if plain is not None and not isinstance(plain, bool):
        raise invalid("plain_ftp", "plain_ftp: true or false", [True, False])
    host = platform(ctrl)
    host["packages"] = host["packages"] + [p for p in adds if p not in host["packages"]]
    host["processes"] = host["processes"] + [p for p in procs if p not in host["processes"]]
    if "mivb_version" in versions:
        host["packages"] = _set_version(host["packages"], MIVB_PACKAGE, versions["mivb_version"])
    if "msl_version" in versions:
        host["packages"] = _set_version(host["packages"], MSL_PACKAGE, versions["msl_version"])
    if plain is not None:
        host["plain_ftp"] = plain
    ctrl.save()
    return host
