"""Helpers for the switch emulator tests: start a fleet, open netmiko sessions, call hooks."""

from __future__ import annotations

import itertools
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from netmiko import ConnectHandler

from emulators.switch import FleetHandle, start_switches

USERNAME = "netops"
PASSWORD = "Sw1tch-Pass!"  # test-only credentials
ENABLE = "En4ble-Secret"

# distinct loopback addresses per xdist worker keep parallel runs apart from each other and the lab
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
_NET = f"127.0.{3 + int(_WORKER) % 6}"
_HOST = itertools.count(1)


def switch_spec(tmp: Path, name: str, platform: str = "cisco_ios", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "platform": platform,
        "address": f"{_NET}.{next(_HOST) % 250 + 1}",
        "port": 0,
        "state_dir": str(tmp / name),
        "username": USERNAME,
        "password": PASSWORD,
        "enable_secret": ENABLE,
        "test_hooks": True,
        **extra,
    }


def start(specs: list[dict[str, Any]], control: bool = True) -> FleetHandle:
    return start_switches(specs, control={"address": "127.0.0.1", "port": 0} if control else None)


def restart_same_port(handle: FleetHandle, specs: list[dict[str, Any]]) -> FleetHandle:
    """Stop a fleet and start it again on the same address/port with the same state dirs."""
    pinned = [dict(s, port=handle.ports[s["name"]]) for s in specs]
    handle.stop()
    return start(pinned)


def connect(handle: FleetHandle, name: str, **kwargs: Any) -> Any:
    device = handle.devices[name]
    params: dict[str, Any] = {
        "device_type": device.spec.platform,
        "host": device.spec.address,
        "port": handle.ports[name],
        "username": USERNAME,
        "password": PASSWORD,
        "secret": ENABLE,
        "fast_cli": True,
        "conn_timeout": 10,
        "auth_timeout": 10,
        "banner_timeout": 10,
        "use_keys": False,
        "allow_agent": False,
    }
    params.update(kwargs)
    return ConnectHandler(**params)


def hook(handle: FleetHandle, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    assert handle.control_url is not None
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(handle.control_url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def wait_dropped(conn: Any) -> None:
    """Read until the switch closes the SSH channel (reload, dropped connection), then let go."""
    chan = conn.remote_conn
    chan.settimeout(10)
    while chan.recv(4096):
        pass
    conn.remote_conn_pre.close()
