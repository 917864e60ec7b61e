# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""MSL-01 / MSL-02: the Mitel Standard Linux host under the call control, read over the
maintenance SSH's Linux shell (audit only: the toolkit never installs or removes software).

MSL-01, guideline "Use of Antivirus Software" / "Antivirus Protection": antivirus software on
the real-time platform "is not recommended", and Mitel support may require its removal. The
installed packages (`rpm -qa`, MSL is RPM based) and the running processes (`ps -e -o comm=`)
are matched against the agents of common Linux antivirus / endpoint products below.
MSL-02, "Software Patch Management Policy": the installed MiVB and MSL releases (the packages
`mitel-mivb` and `mitel-msl-release`) are compared with the approved ones from the inventory.
One `rpm -qa` serves both controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_maintenance import (
    SSH_PARAMS,
    MaintenanceError,
    SshAccess,
    clean,
    prefetch_step,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)

RELEASE_VAR = "mivb_hardening_approved_release"
RELEASE_PACKAGES = {"mivb": "mitel-mivb", "msl": "mitel-msl-release"}
# Package names / process names (comm, at most 15 characters) of Linux antivirus agents.
ANTIVIRUS_PACKAGES = (
    "clamav", "clamd", "clamav-server", "sophos-av", "sophos-spl", "savdi", "ds_agent", "ds-agent",
    "mdatp", "falcon-sensor", "sentinelagent", "mcafeetp", "isectp", "mfeesp", "sep", "sepap", "symcfg",
    "eea", "esets", "efs", "kesl", "klnagent", "bitdefender-security-tools", "cylanceprotect", "cbagentd",
    "cortex-agent", "traps", "trendmicro-agent", "f-secure-linuxsecurity", "drweb-filecheck",
)
ANTIVIRUS_PROCESSES = (
    "clamd", "freshclam", "savd", "savscand", "sophos_threat_d", "ds_agent", "ds_am", "wdavdaemon",
    "falcon-sensor", "falcond", "sentinelone-age", "s1-agent", "isectpd", "mfetpd", "rtvscand", "symcfgd",
    "esets_daemon", "oaeventd", "kesl", "klnagent", "bdsecd", "cylancesvc", "cbagentd", "traps_pmd",
    "fsaua", "drweb-configd",
)
_VERSION = re.compile(r"^\d+(?:\.\d+){1,4}$")
_NEVRA = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+)-(?P<release>[^-]+)\.(?P<arch>[^.]+)$")


@dataclass
class MslPlatform:
    access: SshAccess
    approved: dict[str, str]


def build(plan: PlanContext, params: dict[str, Any]) -> MslPlatform:
    approved: dict[str, str] = {}
    if "approved" in params:  # MSL-02 selected
        value = params.get("approved")
        if not isinstance(value, dict) or not value.get("mivb"):
            raise InputError(f"{RELEASE_VAR}: give at least mivb (and optionally msl), e.g. {{mivb: 9.4.1.24}}; "
                             "nothing was sent", field=RELEASE_VAR, allowed=sorted(RELEASE_PACKAGES))
        for key, version in value.items():
            if version is None:
                continue
            if not isinstance(version, str) or not _VERSION.match(version):
                raise InputError(f"{RELEASE_VAR}: {key}: {version!r} is not a dotted release such as 9.4.1.24; "
                                 "nothing was sent", field=RELEASE_VAR, allowed="digits and dots")
            approved[key] = version
    return MslPlatform(SshAccess.of(params), approved)


def packages(output: str) -> dict[str, str]:
    """name -> version of every `rpm -qa` line (name-version-release.arch)."""
    found = {}
    for line in clean(output):
        match = _NEVRA.match(line)
        if match:
            found[match["name"]] = match["version"]
    return found


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def antivirus(installed: dict[str, str], processes: list[str]) -> list[str]:
    found = [f"package {name}-{ver}" for name, ver in sorted(installed.items()) if name.lower() in ANTIVIRUS_PACKAGES]
    return found + [f"process {p}" for p in sorted(set(processes)) if p.lower() in ANTIVIRUS_PROCESSES]


def run(plan: PlanContext, backend: MslPlatform, ids: list[str]) -> None:
    shell = backend.access.shell(plan)
    installed = packages(shell.linux("rpm -qa"))
    if not installed:
        raise MaintenanceError("rpm -qa listed no package: cannot audit the MSL host")
    if "MSL-01" in ids:
        processes = clean(shell.linux("ps -e -o comm="))
        found = antivirus(installed, processes)
        read = f"{len(installed)} package(s) (rpm -qa) and {len(set(processes))} process name(s) (ps) read"
        if found:
            plan.out.controls["MSL-01"] = result(
                "drift", f"{read}; antivirus agent(s) on the call-control host: {', '.join(found)}. The guideline "
                "(Use of Antivirus Software) says not to run them on MiVB; remove them (the toolkit never "
                "uninstalls software)", remediated=False, found=found)
        else:
            plan.out.controls["MSL-01"] = result("compliant", f"{read}; no antivirus agent package or process")
    if "MSL-02" in ids:
        plan.out.controls["MSL-02"] = _release(installed, backend.approved)
    plan.out.steps.append({"step": "msl_platform", "outcome": "ok"})


def _release(installed: dict[str, str], approved: dict[str, str]) -> dict[str, Any]:
    parts, behind = [], []
    for key, version in approved.items():
        package = RELEASE_PACKAGES.get(key)
        have = installed.get(package or "")
        if package is None or have is None:
            return result("error", f"{key}: no {package or key} package in rpm -qa, so the installed release "
                          "is unknown")
        if _key(have) == _key(version):
            parts.append(f"{key} {have} (approved)")
        else:
            older = _key(have) < _key(version)
            behind.append(key)
            parts.append(f"{key} {have} {'older than' if older else 'differs from'} the approved {version}"
                         + (": patch it" if older else ": approve it in the inventory or reinstall the approved"))
    detail = "installed release " + "; ".join(parts)
    if behind:
        return result("drift", detail + " (Software Patch Management Policy; the toolkit does not upgrade)",
                      remediated=False)
    return result("compliant", detail)


STEP = StepDef(
    name="msl_platform",
    controls=(
        ControlDef("MSL-01", "msl_platform", dict(SSH_PARAMS)),
        ControlDef("MSL-02", "msl_platform", {"approved": RELEASE_VAR, **SSH_PARAMS}, (RELEASE_VAR,)),
    ),
    build=build,
    run=run,
    prefetch=prefetch_step,
)
