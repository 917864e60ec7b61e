"""Per-platform facts for the switch half of the collection.

Everything platform specific that is not CLI text lives here (the CLI text lives in
templates/switch/<platform>/). Adding a platform is one more entry plus one more
template folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class SwitchPlatformError(ValueError):
    """The inventory names a platform this collection does not drive."""


@dataclass(frozen=True)
class SwitchPlatform:
    name: str  # our key and templates/switch/<name>/
    network_os: tuple[str, ...]  # ansible_network_os values that select it
    netmiko_device_type: str
    hier_platform: str  # hier_config Platform member name
    acl_header: str  # top-level line that opens an ACL named {name}
    # Output the CLI prints when it refuses a command (netmiko error_pattern).
    error_pattern: str
    save_command: str = "write memory"
    show_running: str = "show running-config"
    interface_abbreviations: dict[str, str] = field(default_factory=dict)
    # Regex of interface names the platform uses, to refuse typos before connecting.
    interface_pattern: str = r".+"
    # Child lines of owned sections that belong to one control (first match wins);
    # anything else in a port section belongs to the port role's control.
    child_controls: tuple[tuple[str, str], ...] = ()
    # Top-level line prefixes per control that the control owns outright.
    owned_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Top-level lines outside the named sections (RADIUS, AAA, global QoS) -> control.
    top_controls: tuple[tuple[str, str], ...] = ()
    # AOS-CX nests contexts (interface > port-access); leave each one explicitly.
    exit_nested: bool = False


_IOS_CHILD_CONTROLS = (
    (r"^(authentication|dot1x|mab|access-session)\b", "LAN-04"),
    (r"^(mls qos|qos|auto qos|trust)\b", "LAN-05"),
    (r"^ip access-group\b", "LOG-03 LOG-04"),
)
_AOSCX_CHILD_CONTROLS = (
    (r"^(aaa authentication port-access|port-access)\b", "LAN-04"),
    (r"^qos\b", "LAN-05"),
    (r"^apply access-list\b", "LOG-03 LOG-04"),
)

PLATFORMS: dict[str, SwitchPlatform] = {
    "cisco_ios": SwitchPlatform(
        name="cisco_ios",
        network_os=("cisco.ios.ios", "ios", "cisco_ios"),
        netmiko_device_type="cisco_ios",
        hier_platform="CISCO_IOS",
        acl_header="ip access-list extended {name}",
        error_pattern=r"^% (Invalid input|Incomplete command|Ambiguous command|Unknown command|Error)",
        interface_abbreviations={
            "Gi": "GigabitEthernet", "Te": "TenGigabitEthernet", "Fa": "FastEthernet",
            "Tw": "TwoGigabitEthernet", "Fi": "FiveGigabitEthernet", "Twe": "TwentyFiveGigE",
            "Fo": "FortyGigabitEthernet", "Hu": "HundredGigE", "Po": "Port-channel",
        },
        interface_pattern=r"^[A-Za-z-]+\d+(/\d+)*$",
        child_controls=_IOS_CHILD_CONTROLS,
        top_controls=((r"^(aaa|radius|dot1x)\b", "LAN-04"), (r"^mls qos\b", "LAN-05")),
        owned_lines={
            "LAN-04": ("aaa new-model", "aaa authentication dot1x ", "aaa authorization network ",
                       "aaa accounting dot1x ", "dot1x system-auth-control"),
            "LAN-05": ("mls qos",),
        },
    ),
    "aruba_aoscx": SwitchPlatform(
        name="aruba_aoscx",
        network_os=("arubanetworks.aoscx.aoscx", "aoscx", "aruba_aoscx"),
        netmiko_device_type="aruba_aoscx",
        hier_platform="ARUBA_AOSCX",
        acl_header="access-list ip {name}",
        error_pattern=r"^(Invalid input|% ?Command incomplete|Command incomplete|Unknown command|% ?Error)",
        interface_pattern=r"^(\d+/\d+/\d+|lag\d+)$",
        child_controls=_AOSCX_CHILD_CONTROLS,
        top_controls=((r"^(aaa|radius)", "LAN-04"), (r"^qos\b", "LAN-05")),
        exit_nested=True,
        owned_lines={
            "LAN-04": ("aaa authentication port-access dot1x authenticator",
                       "aaa authentication port-access mac-auth"),
        },
    ),
}


def supported_network_os() -> list[str]:
    return sorted(os_name for p in PLATFORMS.values() for os_name in p.network_os if "." in os_name)


def platform_for(network_os: str | None) -> SwitchPlatform:
    """Map ansible_network_os (or our own platform key) to a platform, refusing others."""
    value = (network_os or "").strip()
    for platform in PLATFORMS.values():
        if value == platform.name or value in platform.network_os:
            return platform
    raise SwitchPlatformError(
        f"unsupported switch platform ansible_network_os={value or '(unset)'!s}; "
        f"supported: {', '.join(supported_network_os())}"
    )


def hier_platform(platform: SwitchPlatform):  # noqa: ANN201 - hier_config's enum
    from hier_config import Platform

    return getattr(Platform, platform.hier_platform)


def classify_child(platform: SwitchPlatform, text: str, top: bool = False) -> str | None:
    """The control IDs (space separated) a line belongs to, when its text says so."""
    for pattern, control in platform.top_controls if top else platform.child_controls:
        if re.search(pattern, text.removeprefix("no ").strip()):
            return control
    return None
