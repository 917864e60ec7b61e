"""Fixtures for the controller-side plugin tests: the collection on sys.path, an in-process
MiVB emulator per test (127.0.5.x, port 0) and an independent raw HTTPS path to it."""

from __future__ import annotations

import itertools
import json
import ssl
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS = ROOT / ".venv" / "collections"
# Ansible's own collection loader (as ansible-playbook uses it), installed before any test
# module imports ansible_collections.*; other test modules re-install it the same way.
_AnsibleCollectionFinder(paths=[str(COLLECTIONS)])._install()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FACTORY_PASSWORD = "password"
MANAGED_PASSWORD = "Qz7#Lm2!Vx9@Rt4%Kp"
_ADDRESSES = itertools.count(1)


class RawApi:
    """Talks to the emulator without the toolkit: proves what happened independently."""

    def __init__(self, address: str, port: int) -> None:
        self.base = f"https://{address}:{port}"
        self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._ctx.check_hostname = False
        self._ctx.verify_mode = ssl.CERT_NONE
        self.token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=self._ctx, timeout=15) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def stats(self) -> dict[str, Any]:
        return self.call("GET", "/_emulator/stats")[1]

    def reset_stats(self) -> None:
        self.call("DELETE", "/_emulator/stats")

    def login(self, password: str) -> int:
        status, data = self.call("POST", "/api/v1/login", {"username": "system", "password": password})
        if status == 200:
            self.token = data["token"]
        return status

    def audit(self, password: str) -> list[dict[str, Any]]:
        """Audit trail read with a fresh session (adds its own Login entry at the end)."""
        assert self.login(password) == 200
        status, data = self.call("GET", "/api/v1/audit_trail?limit=5000")
        assert status == 200, data
        return data["entries"]


class Controller:
    def __init__(self, handle: Any, rc: Any, ca_path: str) -> None:
        self.handle = handle
        self.rc = rc
        self.address = rc.address
        self.port = rc.https_port
        self.ca_path = ca_path
        self.raw = RawApi(rc.address, rc.https_port)
        self.known_hosts = str(Path(ca_path).parent / "known_hosts")

    def maintenance_vars(self) -> dict[str, Any]:
        """The role variables that reach this controller's maintenance SSH and FTP ports."""
        return {"mivb_maintenance_ssh_port": self.rc.maintenance_ssh_port, "mivb_ftp_port": self.rc.ftp_port,
                "mivb_known_hosts_file": self.known_hosts}

    def transport(self, password: str = MANAGED_PASSWORD, factory: str | None = FACTORY_PASSWORD, **kw: Any) -> Any:
        from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import DirectTransport

        return DirectTransport(self.address, self.port, "system", password, ca_path=self.ca_path,
                               factory_password=factory, **kw)


def start_controller(tmp_path: Path, **spec: Any) -> Controller:
    """spec: extra ControllerSpec keys (model, c2c_tls_port, ...)."""
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import fetch_served_certificate

    from emulators.mivb.server import ControllerSpec, start_controllers

    # Distinct loopback address per test; port 0 so parallel workers never collide.
    address = f"127.0.5.{next(_ADDRESSES) % 250 + 1}"
    handle = start_controllers([ControllerSpec("t1", address, str(tmp_path / "state"), https_port=0,
                                               sip_tls_port=0, ip_sets_tls_port=0, test_hooks=True,
                                               **{"maintenance_ssh_port": 0, "ftp_port": 0, **spec})])
    rc = handle["t1"]
    # The maintenance SSH host key, as the lab writes it (host-key checking stays on).
    key = rc.controller.store.read_pem("ssh_host_key")
    import asyncssh

    public = asyncssh.import_private_key(key).export_public_key().decode().strip()
    (tmp_path / "known_hosts").write_text(f"[{address}]:{rc.maintenance_ssh_port} {public}\n")
    # Trust on first contact, as the lab does: pin the factory self-signed certificate.
    ca = tmp_path / "ca.pem"
    ca.write_text(fetch_served_certificate(address, rc.https_port)["certificate_pem"])
    return Controller(handle, rc, str(ca))


@pytest.fixture
def controller(tmp_path: Path):
    ctl = start_controller(tmp_path)
    try:
        yield ctl
    finally:
        ctl.handle.stop()


@pytest.fixture
def commissioned(controller: Controller) -> Controller:
    """A controller whose factory password was changed to MANAGED_PASSWORD (AUTH-01 done)."""
    commission(controller)
    return controller


def commission(controller: Controller) -> None:
    """Change the factory password to MANAGED_PASSWORD by raw API (AUTH-01 done out of band)."""
    raw = RawApi(controller.address, controller.port)
    assert raw.login(FACTORY_PASSWORD) == 200
    status, data = raw.call("POST", "/api/v1/password",
                            {"current_password": FACTORY_PASSWORD, "new_password": MANAGED_PASSWORD})
    assert status == 200, data
    controller.raw.reset_stats()


READER_PASSWORD = "Rd-Only-Audit-2026"


def reader(controller: Controller) -> RawApi:
    """A second account (REMOTE policy: read only) on a commissioned controller, logged in on its
    own session: reads through it are independent of the toolkit's session and account."""
    assert controller.raw.login(MANAGED_PASSWORD) == 200
    status, data = controller.raw.call("PUT", "/api/v1/user_profiles/auditor",
                                       {"policy": "REMOTE", "password": READER_PASSWORD})
    assert status == 200, data
    other = RawApi(controller.address, controller.port)
    status, data = other.call("POST", "/api/v1/login", {"username": "auditor", "password": READER_PASSWORD})
    assert status == 200, data
    other.token = data["token"]
    return other


def run_plan(controller: Controller, values: dict[str, Any], ids: tuple[str, ...], check: bool = False) -> Any:
    """One ControllerPlan run of `ids` against the controller, as the action plugin runs it."""
    from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan

    t = controller.transport(factory=None)
    target = mivb_plan.Target(controller.address, controller.port, controller.ca_path)
    try:
        return mivb_plan.ControllerPlan(t, target, values, ids, check).run()
    finally:
        t.logout()


class NoController:
    """A transport that fails the test on any request: proves input is refused before any."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the controller was contacted ({name}) before the input was validated")


def refused(values: dict[str, Any], ids: tuple[str, ...], cid: str) -> str:
    """The error detail of `cid` when the plan's input is refused; no request can be made."""
    from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan

    out = mivb_plan.ControllerPlan(NoController(), mivb_plan.Target("127.0.0.1", 1, None), values, ids, False).run()
    assert out.controls[cid]["status"] == "error", out.controls[cid]
    assert all(r["status"] == "not_evaluated" for c, r in out.controls.items() if c != cid)
    return out.controls[cid]["detail"]
