"""Faults while fixing a drifted ACL, on both platforms, against the switch emulator.

The SSH session is dropped after N configuration lines, for every N from 1 to the length
of the plan, and switch_rollback.restore (what switch_config runs after a failed push)
must bring the device back: proven by an independent SSH session whose `show
running-config` equals the one read before the run. A normal run afterwards must
converge (no "Found a duplicate section"). A duplicate ACE added out of band is
remediated, not a crash.

Addresses 127.0.13.x (IOS) / 127.0.14.x (AOS-CX), ports picked by the OS.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()
sys.path.insert(0, str(ROOT))

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff as sd  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_errors as se  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_render, switch_rollback  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_session as ss  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import normalize_intent  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import platform_for  # noqa: E402

from emulators.lab import _host_key_line  # noqa: E402
from emulators.switch.engine import apply_commands  # noqa: E402
from emulators.switch.server import start_switches  # noqa: E402

PASSWORD, ENABLE = "Fault-pass-7", "Fault-enable-7"
NETS = {"cisco_ios": "127.0.13", "aruba_aoscx": "127.0.14"}
PORTS = {"cisco_ios": ["Gi1/0/1-2", "Gi1/0/3-4", "Gi1/0/5", "Gi1/0/6"],
         "aruba_aoscx": ["1/1/1-1/1/2", "1/1/3-1/1/4", "1/1/5", "1/1/6"]}
# Out-of-band drift of the SMDR/PMS ACL: the collector's permit removed, a stranger's
# permit inserted between two entries (a sequence number the view cannot show on IOS).
DRIFT = {
    "cisco_ios": ["ip access-list extended MIVB-SMDR-PMS", "no permit tcp host 10.0.1.1 eq 1752 host 10.30.0.50",
                  "25 permit tcp host 10.0.1.1 eq 1752 host 10.99.0.9", "end"],
    "aruba_aoscx": ["access-list ip MIVB-SMDR-PMS", "no 10", "15 permit tcp 10.0.1.1 eq 1752 10.99.0.9", "end"],
}
# The same ACE twice (two sequence numbers): both emulated CLIs accept it out of band.
DUPLICATE = {
    # the ACL filters the controller's replies (inbound on its port): source 10.0.1.1 eq 1753
    "cisco_ios": ["ip access-list extended MIVB-SMDR-PMS", "45 permit tcp host 10.0.1.1 eq 1753 host 10.30.0.60",
                  "end"],
    "aruba_aoscx": ["access-list ip MIVB-SMDR-PMS", "45 permit tcp 10.0.1.1 eq 1753 10.30.0.60", "end"],
}
_STAMP = re.compile(r"^(! Last configuration change|! NVRAM|Current configuration)")


def intent(platform: str) -> dict:
    ports = PORTS[platform]
    return {
        "lan_vlans": {"controllers": {"id": 10, "name": "MIVB-CONTROLLERS"}, "voice": {"id": 20, "name": "VOICE"},
                      "data": {"id": 30, "name": "DATA"}, "parking": {"id": 999, "name": "PARKING-UNUSED"}},
        "lan_port_roles": [{"interfaces": [ports[0]], "role": "controller"},
                           {"interfaces": [ports[1]], "role": "phone"},
                           {"interfaces": [ports[2]], "role": "uplink"},
                           {"interfaces": [ports[3]], "role": "unused"}],
        "lan_dot1x": {"enabled": False},
        "lan_smdr_collectors": ["10.30.0.50"], "lan_pms_hosts": ["10.30.0.60"],
        "lan_controller_addresses": ["10.0.1.1"],
    }


class Bench:
    """One emulated switch, converged once; each case starts from the drifted state."""

    def __init__(self, platform_name: str, tmp: Path) -> None:
        address = f"{NETS[platform_name]}.1"
        self.handle = start_switches([{"name": "sw", "platform": platform_name, "address": address, "port": 0,
                                       "state_dir": str(tmp / "state"), "username": "netops",
                                       "password": PASSWORD, "enable_secret": ENABLE, "test_hooks": True}])
        self.device = self.handle.devices["sw"]
        known_hosts = tmp / "known_hosts"
        known_hosts.write_text(_host_key_line(address, self.handle.ports["sw"]) + "\n")
        self.platform = platform_for(platform_name)
        # A short timeout: a dropped session is noticed in 3 s instead of 30.
        self.target = ss.Target(address, self.handle.ports["sw"], "netops", PASSWORD, ENABLE, str(known_hosts),
                                True, 3)
        norm = normalize_intent(intent(platform_name), self.platform.name)
        self.intended = switch_render.render_config(norm)
        self.scope = sd.Scope.from_dict(norm["managed"])
        self.converge()
        self.converged = self.device.running.clone()

    def converge(self) -> sd.Plan:
        conn = ss.connect(self.platform, self.target)
        try:
            plan = sd.plan(self.platform, ss.show_running(conn, self.platform), self.intended, self.scope)
            if plan.commands:
                ss.push(conn, self.platform, plan.push_lines(), self.target.timeout)
            return plan
        finally:
            ss.disconnect(conn)

    def reset(self, drift: list[str]) -> None:
        with self.device.lock:
            self.device.running = self.converged.clone()
        assert apply_commands(self.device, drift) == []

    def fresh_read(self) -> str:
        """An independent netmiko session (not the toolkit's) reads the running config."""
        from netmiko import ConnectHandler

        conn = ConnectHandler(device_type=self.platform.name, host=self.target.host, port=self.target.port,
                              username="netops", password=PASSWORD, secret=ENABLE, ssh_strict=True,
                              alt_host_keys=True, alt_key_file=self.target.known_hosts_file)
        try:
            conn.enable()
            text = conn.send_command("show running-config")
        finally:
            conn.disconnect()
        return "\n".join(line for line in text.splitlines() if not _STAMP.match(line))

    def plan_now(self) -> sd.Plan:
        conn = ss.connect(self.platform, self.target)
        try:
            return sd.plan(self.platform, ss.show_running(conn, self.platform), self.intended, self.scope)
        finally:
            ss.disconnect(conn)


@pytest.fixture(scope="module", params=["cisco_ios", "aruba_aoscx"])
def bench(request, tmp_path_factory):
    bench = Bench(request.param, tmp_path_factory.mktemp(f"faults-{request.param}"))
    yield bench
    bench.handle.stop()


def test_the_drifted_acl_plan_is_as_long_as_the_sweep(bench):
    # The sweep below hard-codes N up to 8: prove that covers the whole plan on each platform.
    bench.reset(DRIFT[bench.platform.name])
    lines = bench.plan_now().push_lines()
    assert 1 < len(lines) <= 8, lines
    if bench.platform.name == "cisco_ios":
        # IOS shows ACEs without sequence numbers: the ACL is replaced whole, never patched by
        # sequence numbers the view cannot know.
        assert lines[0] == "no ip access-list extended MIVB-SMDR-PMS", lines


@pytest.mark.parametrize("drop_after", range(1, 9))
def test_drop_after_n_lines_is_rolled_back_to_the_pre_run_read(bench, drop_after):
    bench.reset(DRIFT[bench.platform.name])
    pre_run = bench.fresh_read()
    plan = bench.plan_now()
    lines = plan.push_lines()
    if drop_after > len(lines):
        drop_after = len(lines)  # the plan is shorter on this platform: drop after the last line
    box = [ss.connect(bench.platform, bench.target)]
    try:
        bench.device.faults.drop_after_config_lines = drop_after
        with pytest.raises((se.SwitchError, *ss.SESSION_LOST)):
            ss.push(box[0], bench.platform, lines, bench.target.timeout)
        assert bench.device.faults.drop_after_config_lines is None, "the fault fired"
        switch_rollback.restore(box, bench.platform, bench.target, plan, bench.scope)
    finally:
        bench.device.faults.drop_after_config_lines = None
        ss.disconnect(box[0])
    assert bench.fresh_read() == pre_run
    # ... and the next run converges: nothing left that hier_config cannot read.
    bench.converge()
    assert bench.plan_now().commands == []


def test_out_of_band_duplicate_ace_is_remediated_not_a_crash(bench):
    bench.reset(DUPLICATE[bench.platform.name])
    shown = bench.fresh_read()
    ace = "permit tcp host 10.0.1.1 eq 1753 host 10.30.0.60" if bench.platform.name == "cisco_ios" \
        else "permit tcp 10.0.1.1 eq 1753 10.30.0.60"
    assert len(re.findall(re.escape(ace), shown)) == 2, "the duplicate is on the device"
    plan = bench.converge()
    assert plan.commands, "the duplicate is drift"
    shown = bench.fresh_read()
    assert len(re.findall(re.escape(ace), shown)) == 1
    assert bench.plan_now().commands == []


def test_rollback_that_cannot_reach_the_switch_says_so(bench):
    bench.reset(DRIFT[bench.platform.name])
    plan = bench.plan_now()
    dead = ss.Target(bench.target.host, 1, "netops", PASSWORD, ENABLE, bench.target.known_hosts_file, True, 2)

    class Gone:
        def is_alive(self) -> bool:
            return False

        def disconnect(self) -> None:
            return None

    with pytest.raises(se.RollbackFailed) as err:
        switch_rollback.restore([Gone()], bench.platform, dead, plan, bench.scope)
    assert "unreachable" in str(err.value)


def _another_key(kind: str) -> str:
    """A fresh public key of the given SSH type, as known_hosts holds it (RSA / EC keys from
    the project's one key builder)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from emulators import x509_builder as xb

    private = {"ssh-ed25519": ed25519.Ed25519PrivateKey.generate, "ecdsa-sha2-nistp256": xb.new_ec_key,
               "ssh-rsa": xb.new_key}[kind]()
    return private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                             serialization.PublicFormat.OpenSSH).decode().split()[1]


def test_a_changed_host_key_refuses_the_session_whatever_other_lines_hold(bench, tmp_path):
    """ssh_host_keys trusts only the switch's own known_hosts lines: a wrong key there refuses the
    session (HostKeyMismatch) even when another host's line holds the switch's real key."""
    from ansible_collections.voicesec.mivb.plugins.module_utils.ssh_host_keys import host_key_name

    kind, real = Path(bench.target.known_hosts_file).read_text().split()[1:3]
    other = tmp_path / "known_hosts"
    name = host_key_name(bench.target.host, bench.target.port)
    other.write_text(f"[10.9.9.9]:22 {kind} {real}\n{name} {kind} {_another_key(kind)}\n")
    target = ss.Target(bench.target.host, bench.target.port, "netops", PASSWORD, ENABLE, str(other), True, 3)
    with pytest.raises(se.HostKeyMismatch):
        ss.connect(bench.platform, target)
    other.write_text(f"{name} {kind} {real}\n")  # the right line: the session opens
    ss.disconnect(ss.connect(bench.platform, target))
