"""Emulated switch families: what each real model line shows and accepts.

One CLI dialect per platform (ios.py, aoscx.py); a family narrows or widens its grammar
(a table entry with `families` exists only on those families) and sets what `show version`
/ `show system` report. The references each family follows:

- catalyst_2960x: Catalyst 2960-X/2960-XR Security Configuration Guide, IOS 15.2(5)E
  ("port ACLs ... inbound only"; no `switchport trunk encapsulation`: 802.1Q only), QoS
  Configuration Guide 15.2(5)E (`mls qos`, `mls qos trust device cisco-phone`), Consolidated
  Platform Command Reference 15.2(5)E (`authentication event server dead action authorize voice`).
- catalyst_3560_3750: Catalyst 3750-X and 3560-X Switch Command Reference (OL-29704-01) and
  Software Configuration Guide 15.2(4)E: port ACLs inbound only, ISL-capable ASIC so a trunk
  needs `switchport trunk encapsulation dot1q` first (with encapsulation `negotiate`, the
  default, `switchport mode trunk` is rejected).
- catalyst_9000: Catalyst 9300 IOS XE 17.9 Security / QoS Configuration Guides: no `mls qos`
  (QoS always on, DSCP trusted by default), `trust device cisco-phone`, port ACLs both ways.
- aoscx_6100_6300: AOS-CX 10.13 ACLs and Classifier Policies Guide (ingress ACLs on layer-2
  interfaces; egress only on routed ports), Security Guide (port-access auth-mode,
  critical-voice-role, port-access role), QoS Guide (`qos trust`).
- aos_switch_2930f: ArubaOS-Switch 16.10 guides for the 2530/2930F (procurve.py lists them):
  port ACLs inbound only (`ip access-group <acl> in`), VLAN ACLs in the VLAN context,
  `aaa port-access` authenticator / mac-based per port, `voice` VLAN + LLDP-MED, `qos trust`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    platform: str
    model: str  # IOS `Model number` / AOS-CX `Product Name`
    software: tuple[str, ...]  # first lines of `show version`
    image: str = ""
    processor: str = ""


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "catalyst_2960x", "cisco_ios", "WS-C2960X-24PS-L",
            ("Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, "
             "RELEASE SOFTWARE (fc3)",),
            image="flash:c2960x-universalk9-mz.152-7.E8.bin", processor="APM86XXX",
        ),
        Family(
            "catalyst_3560_3750", "cisco_ios", "WS-C3750X-24P-S",
            ("Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, "
             "RELEASE SOFTWARE (fc2)",),
            image="flash:c3750e-universalk9-mz.152-4.E10.bin", processor="PowerPC405",
        ),
        Family(
            "catalyst_9000", "cisco_ios", "C9300-24P",
            ("Cisco IOS XE Software, Version 17.09.04a",
             "Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, "
             "RELEASE SOFTWARE (fc3)"),
            image="flash:packages.conf", processor="X86",
        ),
        Family("aoscx_6100_6300", "aruba_aoscx", "JL666A 6300F 24G CL4 PoE 4SFP56 Sw", ("FL.10.11.1021",)),
        Family("aos_switch_2930f", "hp_procurve", "JL259A 2930F-24G-4SFP+", ("WC.16.10.0012",),
               image="WC_16_10_0012.swi", processor="ARM"),
    )
}
DEFAULT = {"cisco_ios": "catalyst_2960x", "aruba_aoscx": "aoscx_6100_6300", "hp_procurve": "aos_switch_2930f"}


def family_of(platform: str, name: str | None) -> Family:
    family = FAMILIES.get(name or DEFAULT[platform])
    if family is None or family.platform != platform:
        allowed = sorted(f.name for f in FAMILIES.values() if f.platform == platform)
        raise ValueError(f"unknown {platform} family {name!r} (known: {', '.join(allowed)})")
    return family


def for_family(table: list, family: str) -> list:
    """Grammar table entries this family has (an entry with `families` exists only there)."""
    return [(pattern, opts) for pattern, opts in table if family in opts.get("families", (family,))]
