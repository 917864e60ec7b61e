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
    # Front-panel ports LAN-06 parks when they have no role (not SVIs, LAGs, management ports).
    physical_port_pattern: str = r"^$"
    # Exec command whose output names the model, the hostname and the serial number.
    identity_command: str = "show version"
    # Child lines of owned sections that belong to one control (first match wins);
    # anything else in a port section belongs to the port role's control.
    child_controls: tuple[tuple[str, str], ...] = ()
    # Top-level line prefixes per control that the control owns outright.
    owned_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Top-level lines outside the named sections (RADIUS, AAA, global QoS) -> control.
    top_controls: tuple[tuple[str, str], ...] = ()
    # AOS-CX nests contexts (interface > port-access); leave each one explicitly.
    exit_nested: bool = False
    # Child lines of owned sections left alone (regexes; `{vlan_ids}` / `{vlan_names}` are
    # filled with the intent's VLAN ids / quoted names, `|`-joined).
    ignore_children: tuple[str, ...] = ()
    # The running config lists ports only in VLAN membership (`untagged 1-28`), not as
    # `interface N` blocks (ArubaOS-Switch shows a port block only when it carries config).
    ports_in_vlans: bool = False
    # `show running-config` shows no RADIUS key at all (ArubaOS-Switch without
    # include-credentials): the key-less line stands for the keyed one, its key unknown.
    hides_keys: bool = False


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
        # `Command rejected: ...` is how the 3560-X/3750-X refuses a trunk without encapsulation.
        error_pattern=(r"^(% (Invalid input|Incomplete command|Ambiguous command|Unknown command|Error)"
                       r"|Command rejected)"),
        interface_abbreviations={
            "Gi": "GigabitEthernet", "Te": "TenGigabitEthernet", "Fa": "FastEthernet",
            "Tw": "TwoGigabitEthernet", "Fi": "FiveGigabitEthernet", "Twe": "TwentyFiveGigE",
            "Fo": "FortyGigabitEthernet", "Hu": "HundredGigE", "Po": "Port-channel",
        },
        interface_pattern=r"^[A-Za-z-]+\d+(/\d+)*$",
        physical_port_pattern=(r"^(FastEthernet|GigabitEthernet|TwoGigabitEthernet|FiveGigabitEthernet|"
                               r"TenGigabitEthernet|TwentyFiveGigE|FortyGigabitEthernet)\d+/\d+/\d+$"),
        child_controls=_IOS_CHILD_CONTROLS,
        top_controls=((r"^(aaa|radius|dot1x)\b", "LAN-04"), (r"^mls qos\b", "LAN-05"), (r"^lldp run$", "LAN-03")),
        owned_lines={
            "LAN-03": ("lldp run",),
            "LAN-04": ("aaa new-model", "aaa authentication dot1x ", "aaa authorization network ",
                       "aaa accounting dot1x ", "dot1x system-auth-control", "radius-server dead-criteria ",
                       "radius-server deadtime "),
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
        physical_port_pattern=r"^\d+/\d+/\d+$",
        identity_command="show system",
        child_controls=_AOSCX_CHILD_CONTROLS,
        top_controls=((r"^(aaa|radius|port-access role)", "LAN-04"), (r"^qos\b", "LAN-05")),
        exit_nested=True,
        owned_lines={
            "LAN-04": ("aaa authentication port-access dot1x authenticator",
                       "aaa authentication port-access mac-auth"),
        },
    ),
    # HPE ArubaOS-Switch (ProCurve; 2530/2930F, 16.x): hier_config's HP_PROCURVE driver moves
    # VLAN membership (`vlan N` / `untagged 1-5`) under `interface N` as `untagged vlan N`,
    # expands `aaa port-access authenticator 3-16` into one line per port and drops `;` lines.
    # Ports are numbers (1-28) on fixed switches, letter+number (A1) on modular chassis and
    # member/port (1/1) in a stack. References: emulators/switch/procurve.py.
    "hp_procurve": SwitchPlatform(
        name="hp_procurve",
        network_os=("arubanetworks.aos_switch.arubaoss", "arubaoss", "hp_procurve"),
        netmiko_device_type="hp_procurve",
        hier_platform="HP_PROCURVE",
        acl_header='ip access-list extended "{name}"',
        # "incomplete|ambiguous command" as well: HPE Aruba's own Ansible collection for these
        # switches treats those spellings as errors too (plugins/terminal/arubaoss.py).
        error_pattern=(r"^(Invalid input|Incomplete (?:input|command)|Ambiguous (?:input|command)|Unknown command"
                       r"|Module not present for port|VLAN \d+ not configured|Duplicate sequence)"),
        interface_pattern=r"^(\d+|[A-Z]\d+|\d+/[A-Z]?\d+|Trk\d+)$",
        physical_port_pattern=r"^(\d+|[A-Z]\d+|\d+/[A-Z]?\d+)$",
        identity_command="show system",
        child_controls=(
            (r"^(qos trust)\b", "LAN-05"),
            (r"^ip access-group\b", "LOG-03 LOG-04"),
        ),
        top_controls=((r"^(aaa|radius-server)\b", "LAN-04"),),
        owned_lines={
            "LAN-04": ("radius-server host ", "aaa authentication port-access ",
                       "aaa authentication mac-based ", "aaa port-access "),
        },
        # A VLAN's IP settings (the management VLAN's address) and a port's membership in VLANs
        # the intent does not name (an uplink's native/management VLAN) are not ours: leave
        # them. A port `name` is its description; VLAN names the intent sets are still owned.
        ignore_children=(r"^(no )?ip address\b", r"^ipv6\b", r"^ip helper-address\b",
                         r"^(untagged|tagged) vlan (?!({vlan_ids})$)", r'^name (?!"({vlan_names})"$)'),
        ports_in_vlans=True,
        hides_keys=True,
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


_DRIVERS: dict[str, object] = {}


def hier_platform(platform: SwitchPlatform):  # noqa: ANN201 - hier_config's driver
    """hier_config's driver for the platform (one per process), with our ordering rules.

    IOS: hier_config orders `switchport mode` first in an interface (weight -10); on the
    3560-X/3750-X a trunk needs `switchport trunk encapsulation dot1q` before it, or the
    switch answers `Command rejected: ... "Auto" can not be configured to "trunk" mode.`
    """
    if platform.name not in _DRIVERS:
        from hier_config import Platform, get_hconfig_driver
        from hier_config.models import MatchRule, OrderingRule

        driver = get_hconfig_driver(getattr(Platform, platform.hier_platform))
        _one_line_filter(driver.rules.per_line_sub)
        if platform.name == "cisco_ios":
            driver.rules.ordering.append(OrderingRule(
                match_rules=(MatchRule(startswith="interface"),
                             MatchRule(startswith="switchport trunk encapsulation ")),
                weight=-20,
            ))
        if platform.name == "hp_procurve":
            from hier_config.models import PerLineSubRule

            # Every ArubaOS-Switch context block ends with `exit`: structure, not configuration.
            driver.rules.per_line_sub.append(PerLineSubRule(search=r"^\s*exit\s*$", replace=""))
        _DRIVERS[platform.name] = driver
    return _DRIVERS[platform.name]


def _one_line_filter(rules: list) -> None:
    """hier_config applies each per-line rule with its own `re.sub` to every line it parses
    (IOS: 16 rules, all anchored at the line start, all deleting what they match): about two
    thirds of the parse time of a switch config. One compiled alternation does the same in one
    pass (IOS `show running-config`: 10.6 ms -> 3.3 ms per parse; docs/performance.md).
    Only when every rule deletes (replace ""); tests/unit/plugins/test_switch_parse_rules.py
    proves the parsed trees equal the stock driver's."""
    if len(rules) < 2 or any(rule.replace != "" or not rule.search.startswith("^") for rule in rules):
        return
    from hier_config.models import PerLineSubRule

    rules[:] = [PerLineSubRule(search="|".join(f"(?:{rule.search})" for rule in rules), replace="")]


def classify_child(platform: SwitchPlatform, text: str, top: bool = False) -> str | None:
    """The control IDs (space separated) a line belongs to, when its text says so."""
    for pattern, control in platform.top_controls if top else platform.child_controls:
        if re.search(pattern, text.removeprefix("no ").strip()):
            return control
    return None


# ---- platform families ------------------------------------------------------------------
# What a switch model line accepts and enforces, as data. The templates branch on these
# capabilities (never on model names); switch_config checks the family the inventory names
# (lan_switch_family) against `show version` before any write. docs/switch-acl.md and
# emulators/switch/README.md cite the vendor references each entry follows.


@dataclass(frozen=True)
class SwitchFamily:
    name: str  # the lan_switch_family value
    platform: str  # key of PLATFORMS (CLI dialect, netmiko device_type, hier_config platform)
    title: str
    # `show version` must match this (model number line or software line) for the family.
    version_pattern: str
    # Directions a port ACL (ACL on a layer-2 switchport) is enforced in.
    port_acl_directions: tuple[str, ...]
    # "mls": global `mls qos` + per-port `mls qos trust ...` (Catalyst IOS 15.x);
    # "mqc": IOS-XE Catalyst 9000, QoS on and DSCP trusted by default, `trust device`;
    # "aoscx": per-port `qos trust {none|cos|dscp}`; "procurve": per-port `qos trust {dot1p|dscp}`.
    qos_model: str
    # `switchport trunk encapsulation dot1q` must precede `switchport mode trunk` (ISL-capable ASICs).
    trunk_encapsulation: bool
    # "ios_legacy": authentication/dot1x/mab interface commands with `authentication event
    # server dead action authorize voice` (critical voice VLAN); "aoscx": port-access
    # authenticators with critical voice role; "procurve": global `aaa port-access authenticator
    # <port>` / `mac-based <port>` lines with `eap-radius authorized` (RADIUS-dead access).
    dot1x_syntax: str
    reference: str


FAMILIES: dict[str, SwitchFamily] = {
    family.name: family
    for family in (
        SwitchFamily(
            name="catalyst_2960x", platform="cisco_ios",
            title="Cisco Catalyst 2960-X/2960-XR, IOS 15.2",
            version_pattern=r"(WS-C2960X|WS-C2960XR|C2960X Software)",
            port_acl_directions=("in",), qos_model="mls", trunk_encapsulation=False,
            dot1x_syntax="ios_legacy",
            reference="Catalyst 2960-X Security Configuration Guide, Cisco IOS Release 15.2(5)E "
                      "(port ACLs: inbound only); Consolidated Platform Command Reference 15.2(5)E",
        ),
        SwitchFamily(
            name="catalyst_3560_3750", platform="cisco_ios",
            title="Cisco Catalyst 3560-X/3750-X, IOS 15.2",
            version_pattern=r"(WS-C3560|WS-C3750|C3560E? Software|C3750E? Software)",
            port_acl_directions=("in",), qos_model="mls", trunk_encapsulation=True,
            dot1x_syntax="ios_legacy",
            reference="Catalyst 3750-X and 3560-X Switch Software Configuration Guide, 15.2(4)E "
                      "(port ACLs inbound only; switchport trunk encapsulation); Command Reference OL-29704-01",
        ),
        SwitchFamily(
            name="catalyst_9000", platform="cisco_ios",
            title="Cisco Catalyst 9200/9300, IOS-XE 17.x",
            version_pattern=r"(C9200|C9300|Cisco IOS XE Software)",
            port_acl_directions=("in", "out"), qos_model="mqc", trunk_encapsulation=False,
            dot1x_syntax="ios_legacy",
            reference="Catalyst 9300 Security Configuration Guide, IOS XE 17.9 (port ACLs); "
                      "QoS Configuration Guide 17.9 (no mls qos, trust device cisco-phone)",
        ),
        SwitchFamily(
            name="aoscx_6100_6300", platform="aruba_aoscx",
            title="HPE Aruba Networking CX 6100/6300, AOS-CX 10.x",
            version_pattern=r"(6100|6300|JL6[5-9]\d[A-Z]|ArubaOS-CX|AOS-CX)",
            port_acl_directions=("in",), qos_model="aoscx", trunk_encapsulation=False,
            dot1x_syntax="aoscx",
            reference="AOS-CX 10.13 ACLs and Classifier Policies Guide (6100: ingress only; "
                      "6300 egress on routed ports only); AOS-CX 10.13 Security Guide (port-access, "
                      "critical voice role); AOS-CX 10.13 QoS Guide (qos trust)",
        ),
        SwitchFamily(
            name="aos_switch_2930f", platform="hp_procurve",
            title="HPE Aruba Networking 2530/2930F (ProCurve), ArubaOS-Switch 16.x",
            version_pattern=r"(2930F|2530|JL2[5-6]\d[A-Z]|J97[7-8]\d[A-Z]|WC\.16\.|YA\.16\.|YB\.16\.)",
            port_acl_directions=("in",), qos_model="procurve", trunk_encapsulation=False,
            dot1x_syntax="procurve",
            reference="ArubaOS-Switch 16.10 Access Security Guide for 2530/2930F (aaa port-access "
                      "authenticator / mac-based, unauth-vid, `eap-radius authorized` when RADIUS is "
                      "unavailable, include-credentials); 16.10 ACL guide (port ACLs: `ip access-group "
                      "<acl> in`); 16.10 Advanced Traffic Management Guide (voice VLAN, LLDP-MED, qos trust)",
        ),
    )
}
# The family a platform gets when the inventory does not name one (the emulator's default).
DEFAULT_FAMILY = {"cisco_ios": "catalyst_2960x", "aruba_aoscx": "aoscx_6100_6300", "hp_procurve": "aos_switch_2930f"}


def family_for(platform: SwitchPlatform, name: str | None) -> SwitchFamily:
    """The family lan_switch_family names (or the platform's default), refusing others."""
    value = (name or DEFAULT_FAMILY[platform.name]).strip()
    family = FAMILIES.get(value)
    allowed = [f.name for f in FAMILIES.values() if f.platform == platform.name]
    if family is None or family.platform != platform.name:
        raise SwitchPlatformError(
            f"lan_switch_family={value!r} is not a {platform.name} family; allowed: {', '.join(allowed)}"
        )
    return family
