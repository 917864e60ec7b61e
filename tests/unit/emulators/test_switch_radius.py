"""RADIUS-dead proof per family: the lab RADIUS server (emulators/radius) answers the switch's
MAB request for a phone with `device-traffic-class=voice`; with the server stopped, the phone
(re-authenticating) stays in the voice VLAN only where the configuration has the critical-voice
lines (IOS `authentication event server dead action authorize voice`, AOS-CX
critical-voice-role, ArubaOS-Switch `aaa authentication mac-based chap-radius authorized`).
Configurations come from the collection's own templates; every result is read over a fresh
SSH session (IOS table parsed by ntc-templates; the ArubaOS-Switch table and detail agree),
and the RADIUS server's own counters show the switch really asked it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
from switch_fixtures import _NET, connect, hook, start, switch_spec

from emulators.radius import start_radius
from emulators.switch.engine import apply_commands

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()
sys.path.insert(0, str(ROOT / "tests" / "unit" / "plugins"))

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import normalize_intent  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import FAMILIES  # noqa: E402
from test_switch_families import intent  # noqa: E402  (the families' test intent, one home)

RADIUS_ADDRESS = f"{_NET}.252"  # switch_fixtures hands out .1-.250; RADIUS listens on 1812 here
KEY = "Rad1us-K3y"  # test-only shared secret, the one intent() renders
PHONE = "08:00:0f:12:34:56"  # Mitel OUI: the lab server's phone policy
PC = "00:11:22:33:44:55"
FAMILY_NAMES = sorted(FAMILIES)
PHONE_PORT = {"cisco_ios": "GigabitEthernet1/0/3", "aruba_aoscx": "1/1/3", "hp_procurve": "3"}
# Each family's configuration without its RADIUS-dead voice behaviour.
NO_CRITICAL_VOICE = {
    "cisco_ios": [f"interface {PHONE_PORT['cisco_ios']}",
                  "no authentication event server dead action authorize voice"],
    "aruba_aoscx": [f"interface {PHONE_PORT['aruba_aoscx']}",
                    "no aaa authentication port-access critical-voice-role MIVB-CRITICAL-VOICE"],
    "hp_procurve": ["aaa authentication mac-based chap-radius none"],
}


@pytest.fixture(scope="module")
def radius(tmp_path_factory):
    handle = start_radius({"address": RADIUS_ADDRESS, "secret": KEY, "voice_vlan": 20,
                           "state_dir": str(tmp_path_factory.mktemp("radius"))})
    yield handle
    handle.close()


@pytest.fixture
def switch(tmp_path, radius, request):
    family = request.param
    platform = FAMILIES[family].platform
    lan = intent(family)
    lan["lan_dot1x"]["radius_servers"][0]["address"] = RADIUS_ADDRESS
    text = switch_render.render_config(normalize_intent(lan, platform))
    handle = start([switch_spec(tmp_path, family, platform, family=family)])
    device = handle.devices[family]
    assert apply_commands(device, [line for line in text.splitlines() if line.strip()]) == []
    radius.start()
    yield handle, family, platform
    radius.start()
    handle.stop()


def _read(handle, family, platform, port):
    """A fresh SSH session's view of the port's sessions: {mac: (domain, status, critical, vlan)}."""
    conn = connect(handle, family)
    try:
        if platform == "cisco_ios":
            conn.enable()
            table = conn.send_command("show authentication sessions", use_textfsm=True)
            detail = conn.send_command(f"show authentication sessions interface {port}")
            voice = conn.send_command(f"show running-config interface {port}")
            vlan = int(voice.split("switchport voice vlan ")[1].split()[0])
            out = {}
            for row in table:
                block = detail.split(f"MAC Address:  {row['mac_address']}")[1].split("Runnable methods")[0]
                critical = "Critical Authorization is in effect" in block
                out[row["mac_address"]] = (row["domain"], row["status"], critical,
                                           vlan if row["domain"] == "VOICE" else None)
            return out
        if platform == "hp_procurve":
            table = conn.send_command(f"show port-access mac-based clients {port}")
            detail = conn.send_command(f"show port-access mac-based clients {port} detailed")
            out = {}
            for block in detail.split("Client Base Details :")[1:]:
                field = {k.strip(): v.strip() for k, _, v in
                         (line.partition(" : ") for line in block.splitlines() if " : " in line)}
                digits = field["MAC Address"].replace("-", "")
                status = field["Session Status"].split()[0]
                assert f"{field['MAC Address']} {status}" in " ".join(table.split())
                tagged = field["Tagged VLANs"]
                domain = "VOICE" if tagged else ("DATA" if field["Untagged VLAN"] else "UNKNOWN")
                out[f"{digits[0:4]}.{digits[4:8]}.{digits[8:12]}"] = (
                    domain, status, field["Authorized By"].startswith("secondary method"),
                    int(tagged) if tagged else None)
            return out
        text = conn.send_command(f"show aaa authentication port-access interface {port} client-status")
        out = {}
        for block in text.split("\nClient ")[1:]:
            mac = block.split(",")[0]
            dotted = "".join(mac.split(":"))
            vlans = block.split("VLANs  : ")[1].splitlines()[0]
            role = block.split("Role   : ")[1].splitlines()[0]
            domain = "VOICE" if vlans.endswith("(tagged)") else ("DATA" if vlans else "UNKNOWN")
            out[f"{dotted[0:4]}.{dotted[4:8]}.{dotted[8:12]}"] = (
                domain, block.split("Status          : ")[1].splitlines()[0], "(critical)" in role,
                int(vlans.split()[0]) if domain == "VOICE" else None)
        return out
    finally:
        conn.disconnect()


@pytest.mark.parametrize("switch", FAMILY_NAMES, indirect=True)
def test_phone_stays_in_voice_vlan_while_radius_is_dead(switch, radius):
    handle, family, platform = switch
    port = PHONE_PORT[platform]
    asked = radius.stats.requests
    for mac, kind in ((PHONE, "phone"), (PC, "pc")):
        status, _ = hook(handle, "POST", f"/switches/{family}/clients", {"interface": port, "mac": mac, "device": kind})
        assert status == 200
    assert radius.stats.requests - asked == 2, "the switch asked the RADIUS server for each client"
    seen = _read(handle, family, platform, port)
    authorized = {"cisco_ios": "Authz Success", "aruba_aoscx": "mac-auth Authenticated",
                  "hp_procurve": "authenticated"}[platform]
    assert seen["0800.0f12.3456"] == ("VOICE", authorized, False, 20)
    assert seen["0011.2233.4455"][0] == "DATA"

    radius.stop()  # every configured RADIUS server is dead now
    assert hook(handle, "POST", f"/switches/{family}/reauthenticate", {"interface": port})[0] == 200
    phone = _read(handle, family, platform, port)["0800.0f12.3456"]
    assert phone[0] == "VOICE" and phone[2] is True and phone[3] == 20, phone

    # The same port without the critical-voice line: the phone is no longer in the voice VLAN.
    assert apply_commands(handle.devices[family], NO_CRITICAL_VOICE[platform]) == []
    hook(handle, "POST", f"/switches/{family}/reauthenticate", {"interface": port})
    phone = _read(handle, family, platform, port)["0800.0f12.3456"]
    assert phone[0] != "VOICE" and phone[3] is None, phone


def test_a_wrong_shared_secret_looks_like_a_dead_server(tmp_path, radius):
    """The server drops a request signed with another secret (RFC 2865: silently), so the
    switch hears no answer, marks the server dead and applies the critical voice action."""
    family, platform = "catalyst_2960x", "cisco_ios"
    lan = intent(family)
    lan["lan_dot1x"]["radius_servers"][0].update(address=RADIUS_ADDRESS, key="Another-K3y")
    text = switch_render.render_config(normalize_intent(lan, platform))
    handle = start([switch_spec(tmp_path, "wrongkey", platform, family=family)])
    try:
        assert apply_commands(handle.devices["wrongkey"], [x for x in text.splitlines() if x.strip()]) == []
        radius.start()
        dropped = radius.stats.dropped
        _, body = hook(handle, "POST", "/switches/wrongkey/clients",
                       {"interface": "Gi1/0/3", "mac": PHONE, "device": "phone"})
        assert radius.stats.dropped > dropped
        assert body["clients"][0]["critical"] is True and body["clients"][0]["server"] == ""
    finally:
        handle.stop()
