"""`python -m emulators.lab up` must fail loudly when its devices do not come up as its own."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from emulators import lab

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_lab_up_fails_when_a_switch_address_is_taken(tmp_path):
    squatter = socket.socket()
    squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    squatter.bind(("127.0.17.1", 2222))  # where --switch-net 127.0.17 puts the first switch
    squatter.listen()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "emulators.lab", "up", "--controllers", "0", "--ios", "1", "--aoscx", "0",
             "--switch-net", "127.0.17", "--control-port", str(_free_port()),
             "--state", str(tmp_path / "state"), "--inventory", str(tmp_path / "inv")],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    finally:
        squatter.close()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stderr and "127.0.17.1:2222" in proc.stderr and "already in use" in proc.stderr
    assert "up in" not in proc.stdout
    assert not (tmp_path / "inv" / "hosts.yml").exists(), "no inventory for a lab that is not there"
    assert lab.status(lab.LabOptions(state=tmp_path / "state")) == 3, "nothing left running"


def test_an_emulator_that_exits_while_starting_is_reported_with_its_log(tmp_path):
    # The race the pre-check cannot see: the port was free, the emulator died anyway.
    (tmp_path / "switch.log").write_text("OSError: [Errno 98] address already in use\n")
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    proc.wait()
    (tmp_path / "switch.pid").write_text(str(proc.pid))
    with pytest.raises(lab.LabError, match=r"(?s)exited while starting.*Errno 98"):
        lab._wait_ready("switch", [("127.0.17.2", _free_port(), "sw ssh")], tmp_path, timeout=5)


def test_a_foreign_ssh_server_at_a_switch_address_is_refused(tmp_path):
    state = tmp_path / "sw"
    state.mkdir()
    (state / "ssh_host_ed25519_key.pub").write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAOURS\n")
    spec = {"name": "sw-ios-1", "address": "127.0.17.3", "port": 2222, "state_dir": str(state)}
    with pytest.raises(lab.LabError, match="not switch sw-ios-1's"):
        lab._check_host_keys([spec], ["[127.0.17.3]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAATHEIRS"])
