"""Helpers for the operations tests: an emulated lab of their own (own loopback nets and
control port, so no lock is needed), a clean Ansible environment, and report reading."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its Ansible settings (make exports ANSIBLE_CONFIG), the
    virtualenv's tools first on PATH, and Ansible's state under tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "VOICESEC_", "MOLECULE_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_HOME=str(tmp / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(tmp / "ansible-tmp"),
        ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=str(tmp / "pc"),
        ANSIBLE_NOCOLOR="1",
    )
    env.update(extra)
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} -> {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-3000:]}"
    return proc


@dataclass
class Lab:
    """An emulated lab started with `python -m emulators.lab up` on its own networks."""

    tmp: Path
    controllers: int
    ios: int
    aoscx: int
    controller_net: str
    switch_net: str
    control_port: int

    @property
    def state(self) -> Path:
        return self.tmp / "lab-state"

    @property
    def inventory(self) -> Path:
        return self.tmp / "lab-inventory"

    @property
    def hosts(self) -> Path:
        return self.inventory / "hosts.yml"

    def _lab(self, *args: str) -> None:
        cmd = [sys.executable, "-m", "emulators.lab", *args, "--state", str(self.state),
               "--inventory", str(self.inventory)]
        run(cmd, ROOT, clean_env(self.tmp), timeout=180)

    def up(self) -> Lab:
        self._lab("up", "--fresh", "--controllers", str(self.controllers), "--ios", str(self.ios),
                  "--aoscx", str(self.aoscx), "--controller-net", self.controller_net,
                  "--switch-net", self.switch_net, "--control-port", str(self.control_port))
        return self

    def down(self) -> None:
        self._lab("down")

    def secrets(self) -> dict[str, str]:
        return json.loads((self.state / "secrets.json").read_text())

    def inventory_data(self) -> dict[str, Any]:
        return yaml.safe_load(self.hosts.read_text())

    def playbook(self, playbook: str, reports: Path, *args: str) -> subprocess.CompletedProcess:
        """ansible-playbook from the repository (its ansible.cfg), against this lab."""
        env = clean_env(self.tmp, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), VOICESEC_REPORT_DIR=str(reports))
        return run([str(BIN / "ansible-playbook"), "-i", str(self.hosts), str(ROOT / "playbooks" / playbook), *args],
                   ROOT, env)

    def controller_api(self, name: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A raw HTTPS call to a controller with the admin account: no toolkit code involved."""
        host = self.inventory_data()["all"]["children"]["mivb_controllers"]["hosts"][name]
        base = f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}/api/v1"
        ctx = ssl.create_default_context(cafile=str(self.inventory / "ca.pem"))
        ctx.check_hostname = False

        def call(m: str, p: str, data: Any, token: str | None) -> tuple[int, Any]:
            headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
            req = urllib.request.Request(base + p, data=None if data is None else json.dumps(data).encode(),
                                         method=m, headers=headers)
            try:
                with urllib.request.urlopen(req, context=ctx, timeout=15) as resp:
                    return resp.status, json.loads(resp.read() or b"null")
            except urllib.error.HTTPError as exc:
                return exc.code, json.loads(exc.read() or b"null")

        status, login = call("POST", "/login", {"username": "system", "password": self.secrets()["lab_admin_password"]},
                             None)
        assert status == 200, login
        try:
            return call(method, path, body, login["token"])
        finally:
            call("POST", "/logout", None, login["token"])

    def switch_drift(self, name: str, commands: list[str]) -> None:
        """Change a switch behind the toolkit's back through the emulator's test hook."""
        url = f"http://127.0.0.1:{self.control_port}/switches/{name}/drift"
        req = urllib.request.Request(url, data=json.dumps({"commands": commands}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=15) as resp:
            assert resp.status == 200


def report_statuses(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    """device x control -> status, the part of a report two runs of the same fleet must agree on."""
    return {(entry["host"], entry["control"]): entry["status"] for entry in report["results"]}


def latest_report(report_dir: Path) -> dict[str, Any]:
    return json.loads((report_dir / "latest" / "report.json").read_text())


def build_collection(output: Path, env: dict[str, str]) -> Path:
    """`ansible-galaxy collection build` of the working tree; returns the tarball."""
    run([str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(output)], ROOT, env)
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    tarball = output / f"voicesec-mivb-{version}.tar.gz"
    assert tarball.is_file()
    return tarball
