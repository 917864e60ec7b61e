# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is the switch at this address the one the inventory names? Checked before any write.

An IOS intent pushed to the AOS-CX switch at a swapped address is refused by the switch
line by line (and rolled back); an intent for a 2960-X pushed to a Catalyst 9300 is
partly accepted. So switch_config reads the platform's identity command first (IOS
`show version`, AOS-CX `show system`) and compares family, hostname and, where the
inventory has it, the serial number. A mismatch is a SwitchGuardError naming what the
inventory says and what the device says; nothing has been written then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (
    FAMILIES,
    SwitchFamily,
    SwitchPlatform,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_session import run_show


class SwitchGuardError(ValueError):
    """A guard refused the run before any write (wrong device, unknown interface, ...)."""


@dataclass(frozen=True)
class Identity:
    hostname: str | None
    model: str | None
    serial: str | None
    software: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"hostname": self.hostname, "model": self.model, "serial": self.serial, "software": self.software}


def _first(patterns: tuple[str, ...], text: str) -> str | None:
    for pattern in patterns:
        found = re.search(pattern, text, flags=re.MULTILINE | re.IGNORECASE)
        if found:
            return found.group(1).strip()
    return None


# ArubaOS-Switch `show system` names no product: the software revision's two letters name
# the hardware line it runs on (WC: 2930F, YA/YB: 2530, KB: 3810M/5400R).
_AOS_SWITCH_LINES = {"WC": "Aruba 2930F", "YA": "Aruba 2530", "YB": "Aruba 2530", "KB": "Aruba 3810M/5400R"}


def parse_identity(platform: SwitchPlatform, text: str) -> Identity:
    """Hostname, model, serial and software line from `show version` / `show system`."""
    if platform.name == "hp_procurve":
        software = _first((r"Software revision\s*:\s*(\S+)",), text)
        line = _AOS_SWITCH_LINES.get((software or "")[:2])
        return Identity(
            hostname=_first((r"System Name\s*:\s*(\S+)",), text),
            model=f"{line} ({software})" if line else None,
            serial=_first((r"Serial Number\s*:\s*(\S+)",), text),
            software=software,
        )
    if platform.name == "aruba_aoscx":
        return Identity(
            hostname=_first((r"^Hostname\s*:\s*(\S+)",), text),
            model=_first((r"^Product Name\s*:\s*(.+)$",), text),
            serial=_first((r"^Chassis Serial Nbr\s*:\s*(\S+)",), text),
            software=_first((r"^ArubaOS-CX Version\s*:\s*(\S+)", r"^System Description\s*:\s*(\S+)"), text),
        )
    return Identity(
        hostname=_first((r"^(\S+) uptime is ",), text),
        model=_first((r"^Model number\s*:\s*(\S+)", r"^cisco (\S+) \("), text),
        serial=_first((r"^System serial number\s*:\s*(\S+)", r"^Processor board ID (\S+)"), text),
        software=_first((r"^(Cisco IOS.*)$",), text),
    )


def family_of(platform: SwitchPlatform, text: str) -> SwitchFamily | None:
    """The first family of this platform whose version pattern the output matches."""
    for family in FAMILIES.values():
        if family.platform == platform.name and re.search(family.version_pattern, text):
            return family
    return None


def check(platform: SwitchPlatform, family: SwitchFamily, text: str, hostname: str | None,
          serial: str | None = None) -> Identity:
    """Compare the identity output with the inventory; SwitchGuardError on any mismatch."""
    found = parse_identity(platform, text)
    problems = []
    seen = family_of(platform, text)
    if seen is None or seen.name != family.name:
        problems.append(
            f"lan_switch_family={family.name} ({family.title}) but the device reports "
            f"{found.model or 'an unknown model'} ({found.software or 'unknown software'})"
            + (f", which is family {seen.name}" if seen else f", which is not a {platform.name} family")
        )
    want_host = (hostname or "").split(".")[0]
    if want_host and (found.hostname or "").lower() != want_host.lower():
        problems.append(f"the inventory names {want_host!r} but the device's hostname is {found.hostname!r} "
                        "(set lan_switch_hostname if the inventory name differs)")
    if serial and (found.serial or "").upper() != serial.strip().upper():
        problems.append(f"lan_switch_serial={serial} but the device's serial number is {found.serial}")
    if problems:
        raise SwitchGuardError(
            "this is not the switch the inventory names; nothing was written: " + "; ".join(problems)
        )
    return found


def verify(conn: Any, platform: SwitchPlatform, family: SwitchFamily, hostname: str | None,
           serial: str | None, timeout: float) -> Identity:
    """Read the identity command over the open session and check it."""
    return check(platform, family, run_show(conn, platform.identity_command, timeout), hostname, serial)
