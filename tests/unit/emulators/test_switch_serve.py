"""`python -m emulators.switch serve` and a fleet of 100 switches in one process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from switch_fixtures import connect, hook, start, switch_spec

ROOT = Path(__file__).resolve().parents[3]


def _free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def _wait_port(address: str, port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            with socket.create_connection((address, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{address}:{port} never listened")


def test_cli_serves_spec_until_sigterm(tmp_path):
    ios = switch_spec(tmp_path, "sw-ios-1")
    cx = switch_spec(tmp_path, "sw-cx-1", platform="aruba_aoscx", test_hooks=False)
    for spec in (ios, cx):
        spec["port"] = _free_port(spec["address"])
    control_port = _free_port("127.0.0.1")
    spec_file = tmp_path / "switches.json"
    spec_file.write_text(json.dumps({"control": {"address": "127.0.0.1", "port": control_port},
                                     "switches": [ios, cx]}))
    proc = subprocess.Popen([sys.executable, "-m", "emulators.switch", "serve", "--spec", str(spec_file)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        for spec in (ios, cx):
            _wait_port(spec["address"], spec["port"], proc)
        _wait_port("127.0.0.1", control_port, proc)
        from netmiko import ConnectHandler

        conn = ConnectHandler(device_type="aruba_aoscx", host=cx["address"], port=cx["port"],
                              username=cx["username"], password=cx["password"], use_keys=False, allow_agent=False)
        assert conn.find_prompt() == "sw-cx-1#"
        conn.disconnect()
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{control_port}/switches", timeout=5) as resp:
            assert json.loads(resp.read()) == {"switches": ["sw-ios-1"]}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    for name in ("sw-ios-1", "sw-cx-1"):
        assert (tmp_path / name / "ssh_host_ed25519_key").exists()
        assert (tmp_path / name / "ssh_host_ed25519_key.pub").read_text().startswith("ssh-ed25519 ")


def test_bad_spec_is_refused(tmp_path):
    spec_file = tmp_path / "bad.json"
    spec_file.write_text(json.dumps({"switches": [{"name": "x", "platform": "nxos"}]}))
    done = subprocess.run([sys.executable, "-m", "emulators.switch", "serve", "--spec", str(spec_file)],
                          cwd=ROOT, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and "bad spec" in done.stderr


@pytest.mark.slow
def test_hundred_switches_in_one_process(tmp_path):
    specs = [switch_spec(tmp_path, f"sw{i}", platform="cisco_ios" if i % 2 else "aruba_aoscx",
                         test_hooks=(i == 99)) for i in range(100)]
    handle = start(specs)
    try:
        assert len(set(handle.ports.items())) == 100
        for name in ("sw0", "sw57", "sw99"):
            conn = connect(handle, name)
            prompt = conn.find_prompt()
            assert prompt.startswith(name)
            conn.disconnect()
        status, stats = hook(handle, "GET", "/switches/sw99/stats")
        assert status == 200 and stats["sessions"] == 1
    finally:
        handle.stop()
