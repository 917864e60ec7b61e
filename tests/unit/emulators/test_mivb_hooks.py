"""Test hooks, the OpenAPI document, the CLI and multi-controller serving."""

from __future__ import annotations

import http.client
import json
import signal
import ssl
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from mivb_fixtures import ADDRESS, NEW_PASSWORD, Api, admin, start

from emulators.mivb import openapi_build
from emulators.mivb.routes import ROUTER
from emulators.mivb.server import ControllerSpec, start_controllers

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def rc(tmp_path):
    with start(tmp_path / "m1") as handle:
        yield handle["m1"]


def test_openapi_paths_match_routes(rc):
    doc = Api(rc).ok("GET", "/openapi.json")
    assert doc["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    routed = {(route.method, route.template) for route in ROUTER.routes}
    assert documented == routed
    # The committed file is what the builder produces.
    assert (REPO / "emulators/mivb/openapi.json").read_text() == openapi_build.render()


def test_faults_inject_status_then_clear(rc):
    api = admin(rc)
    path = "/api/v1/forms/system_options"
    api.ok("POST", "/_emulator/faults", {"status": 503, "method": "PATCH", "path_prefix": path, "count": 1})
    status, data = api.call("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 3}})
    assert (status, data["error"]) == (503, "internal")
    assert api.ok("GET", "/forms/system_options")["fields"]["disa_failed_attempts"] == 10  # not applied
    api.ok("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 3}})  # count used up
    # "after": the change is made but the answer is lost.
    api.ok("POST", "/_emulator/faults", {"status": 500, "path_prefix": path, "when": "after", "count": None})
    assert api.call("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 4}})[0] == 500
    assert api.call("GET", "/forms/system_options")[0] == 500
    api.ok("DELETE", "/_emulator/faults")
    assert api.ok("GET", "/forms/system_options")["fields"]["disa_failed_attempts"] == 4


def test_fault_status_zero_drops_connection(rc):
    api = admin(rc)
    api.ok("POST", "/_emulator/faults", {"status": 0, "path_prefix": "/api/v1/session"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        api.call("GET", "/session")
    assert api.ok("GET", "/session")["username"] == "system"


def test_stats_count_logins_requests_writes(rc):
    api = admin(rc)
    api.ok("DELETE", "/_emulator/stats")
    Api(rc).login("system", NEW_PASSWORD)
    api.ok("GET", "/forms/system_options")
    api.ok("GET", "/forms/system_options")
    api.ok("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 3}})
    api.call("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": 99}})  # refused: no write
    stats = api.ok("GET", "/_emulator/stats")
    assert stats["logins"] == 1 and stats["writes"] == 1
    assert stats["requests"]["GET /api/v1/forms/system_options"] == 2
    assert stats["requests"]["PATCH /api/v1/forms/system_options"] == 2
    assert not any(key.split()[1].startswith("/_emulator") for key in stats["requests"])
    assert stats["handshakes"]["https"] >= 5


def test_hooks_absent_without_test_hooks(tmp_path):
    with start(tmp_path / "m1", hooks=False) as handle:
        api = Api(handle["m1"])
        status, data = api.call("POST", "/_emulator/clock", {"advance_seconds": 3600})
        assert (status, data["error"]) == (404, "not_found")


def test_unknown_paths_and_methods(rc):
    api = admin(rc)
    assert api.call("GET", "/forms/nope")[1]["error"] == "not_found"
    assert api.call("GET", "/nothing")[0] == 404
    status, data = api.call("DELETE", "/forms/system_options")
    assert status == 405 and "PATCH" in data["allowed"]
    assert api.call("PATCH", "/forms/web_server_certificate", {"fields": {"x": 1}})[0] == 405


def test_many_controllers_in_one_process(tmp_path):
    specs = [
        ControllerSpec(
            f"c{i}", f"127.0.3.{i + 10}", str(tmp_path / f"c{i}"), https_port=0, sip_tls_port=0, ip_sets_tls_port=None
        )
        for i in range(6)
    ]
    with start_controllers(specs) as handle:
        fingerprints = set()
        for rc in handle:
            assert rc.ip_sets_tls_port is None
            api = admin(rc)
            fingerprints.add(api.ok("GET", "/forms/web_server_certificate")["fields"]["sha256_fingerprint"])
            assert api.ok("GET", "/forms/web_server_certificate")["fields"]["subject"] == f"CN={rc.spec.name}"
        assert len(fingerprints) == 6


def test_cli_serves_until_sigterm(tmp_path):
    spec = {
        "controllers": [
            {
                "name": "cli1",
                "address": "127.0.3.2",
                "https_port": 0,
                "sip_tls_port": 0,
                "ip_sets_tls_port": 0,
                "state_dir": "state/cli1",
                "test_hooks": True,
            }
        ]
    }
    (tmp_path / "mivb.json").write_text(json.dumps(spec))
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulators.mivb", "serve", "--spec", str(tmp_path / "mivb.json")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("mivb cli1: https://127.0.3.2:")
        port = int(first.split()[2].rsplit(":", 1)[1])
        assert "ready" in proc.stdout.readline()
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.3.2", port, context=ctx, timeout=10)
        conn.request("GET", "/api/v1/banner")
        assert json.loads(conn.getresponse().read()) == {"enabled": False, "text": ""}
        conn.close()
        assert (tmp_path / "state/cli1/state.json").exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        assert "stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()


def test_address_is_used(rc):
    assert rc.address == ADDRESS and rc.base_url.startswith(f"https://{ADDRESS}:")


def test_stop_closes_open_connections_and_frees_ports(tmp_path):
    with start(tmp_path / "m1") as handle:
        rc = handle["m1"]
        port = rc.https_port
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        conn = http.client.HTTPSConnection(ADDRESS, port, context=ctx, timeout=10)
        conn.request("GET", "/api/v1/banner")
        conn.getresponse().read()  # keep-alive: the server thread now waits for the next request
    conn.sock.settimeout(5)
    assert conn.sock.recv(1) == b""  # closed by stop(), not by the 30 s idle timeout
    conn.close()
    spec = ControllerSpec(
        "m1", ADDRESS, str(tmp_path / "m1"), https_port=port, sip_tls_port=None, ip_sets_tls_port=None
    )
    with start_controllers([spec]) as handle:
        assert handle["m1"].https_port == port
        assert Api(handle["m1"]).ok("GET", "/banner")["enabled"] is False


def test_busy_port_raises_and_releases_everything(tmp_path):
    with start(tmp_path / "a") as handle:
        busy = handle["m1"].https_port
        specs = [
            ControllerSpec("ok", ADDRESS, str(tmp_path / "ok"), https_port=0, sip_tls_port=0, ip_sets_tls_port=None),
            ControllerSpec(
                "clash", ADDRESS, str(tmp_path / "b"), https_port=busy, sip_tls_port=None, ip_sets_tls_port=None
            ),
        ]
        with pytest.raises(OSError):
            start_controllers(specs)


def test_concurrent_clients_are_counted_exactly(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with start(tmp_path / "m1") as handle:
        rc = handle["m1"]
        api = admin(rc)
        api.ok("DELETE", "/_emulator/stats")

        def work(i: int) -> int:
            status, _ = api.call("PATCH", "/forms/system_options", {"fields": {"disa_failed_attempts": i % 10 + 1}})
            return status

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(work, range(40)))
        assert statuses == [200] * 40
        stats = api.ok("GET", "/_emulator/stats")
        assert stats["writes"] == 40 and stats["requests"]["PATCH /api/v1/forms/system_options"] == 40
        # Every change was audited once, with consistent old -> new chains.
        changes = [e["changes"][0] for e in api.ok("GET", "/audit_trail")["entries"] if e["action"] == "Modify"]
        for before, after in pairwise(changes):
            assert before["new"] == after["old"]
