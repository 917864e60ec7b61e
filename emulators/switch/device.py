"""One emulated switch: running/startup config, state directory, faults, stats, audit trail.

The device model: it imports nothing of the dialect, session or server layers above it
(tests/unit/emulators/test_switch_layers.py). Its platform dialect is handed in
(dialects.new_device); configuration lines are applied by engine.py."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncssh

from .lockout import LoginGuard
from .model import Node
from .nac import Client
from .spec import SwitchSpec

STARTUP_FILE = "startup-config.json"
HOST_KEY_FILE = "ssh_host_ed25519_key"
AUDIT_FILE = "audit.log"


@dataclass
class Faults:
    slow_reply_seconds: float = 0.0
    drop_after_config_lines: int | None = None
    reject_command: re.Pattern[str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "slow_reply_seconds": self.slow_reply_seconds,
            "drop_after_config_lines": self.drop_after_config_lines,
            "reject_command": self.reject_command.pattern if self.reject_command else None,
        }


class DeviceDialect(Protocol):
    """What the model itself needs of its platform dialect (dialect.Dialect implements it; the
    sessions and handlers above use the whole Dialect through `device.dialect`)."""

    def factory(self, hostname: str, ports: int) -> Node: ...


class Device:
    def __init__(self, spec: SwitchSpec, dialect: DeviceDialect) -> None:
        self.spec = spec
        self.dialect = dialect
        self.state_dir = Path(spec.state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()  # the control server and SSH sessions share the model
        self.host_key = self._host_key()
        self.startup = self._load_startup()
        self.running = self._boot_config()
        self.boot_time = time.time()
        self.last_change = self.boot_time
        self.stats = {"sessions": 0, "commands": 0, "config_lines": 0}
        self.faults = Faults()
        self.logins = LoginGuard()  # lockout policy state (login block-for / limit-login-attempts)
        # Access sessions on ports (nac.py): interface -> attached clients; RADIUS servers the
        # switch has marked dead ("address:port" -> monotonic time the deadtime ends).
        self.clients: dict[str, list[Client]] = {}
        self.radius_dead: dict[str, float] = {}
        digest = hashlib.sha256(spec.name.encode()).hexdigest()
        self.serial = "FOC" + digest[:8].upper()
        # locally administered unicast MAC, stable per switch name
        self.base_mac = "02:" + ":".join(digest[i : i + 2] for i in (8, 10, 12, 14, 16))

    # ---- persistence --------------------------------------------------------------------
    def _host_key(self) -> asyncssh.SSHKey:
        path = self.state_dir / HOST_KEY_FILE
        if path.exists():
            return asyncssh.read_private_key(str(path))
        key = asyncssh.generate_private_key("ssh-ed25519")
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(key.export_private_key())
        os.chmod(tmp, 0o600)
        tmp.replace(path)
        (self.state_dir / (HOST_KEY_FILE + ".pub")).write_bytes(key.export_public_key())
        return key

    def _load_startup(self) -> Node | None:
        path = self.state_dir / STARTUP_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return Node.from_json(data["config"])

    def _boot_config(self) -> Node:
        if self.startup is not None:
            return self.startup.clone()
        return self.dialect.factory(self.spec.name, self.spec.ports)

    def save(self) -> None:
        with self.lock:
            self.startup = self.running.clone()
            path = self.state_dir / STARTUP_FILE
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"platform": self.spec.platform, "config": self.startup.to_json()}))
            tmp.replace(path)
        self.audit("save")

    def reload(self) -> None:
        with self.lock:
            self.running = self._boot_config()
            self.boot_time = time.time()
            self.last_change = self.boot_time
        self.audit("reload")

    @property
    def unsaved(self) -> bool:
        return self.startup is None or self.startup.to_json() != self.running.to_json()

    # ---- audit trail --------------------------------------------------------------------
    def audit(self, event: str, **fields: Any) -> None:
        record = {"ts": round(time.time(), 3), "event": event, **fields}
        with open(self.state_dir / AUDIT_FILE, "a") as fh:
            fh.write(json.dumps(record) + "\n")
