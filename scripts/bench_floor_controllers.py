"""The raw HTTPS floor for a controller audit: the least wire work an audit can do.

    python scripts/bench_floor_controllers.py --inventory .lab/bench/x/inventory/hosts.yml [--threads 20]

One process, `--threads` threads, one TLS-verified HTTPS connection (keep-alive) per
controller of the inventory's `mivb_controllers` group: POST /login, GET /session,
GET /forms, GET every form it lists, POST /logout. The certificate is verified against the
inventory's lab CA bundle (`lab_ca_bundle`), host name included. Credentials are the
inventory's (`ansible_user` of the group, `lab_admin_password` of the lab secrets); they are
never printed. When the hosts have `mivb_maintenance_ssh_port` (the lab runner writes it), the
floor also does the least wire work of LOG-05, MSL-01, MSL-02 and ACC-04: one paramiko SSH
login (host key checked against `mivb_known_hosts_file`), the MTCE `LOGS READ HOTEL ALL`, `rpm -qa`,
`ps -e -o comm=`, an SFTP listing, and the plain-FTP greeting. Prints one JSON line: controllers,
requests (SSH commands and the FTP greeting included), seconds (inside the process).
`scripts/bench.py` times this whole process (Python start-up included) as the floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

API = "/api/v1"


def _call(conn: http.client.HTTPSConnection, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, API + path, body=data, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{method} {path}: HTTP {resp.status}")
    return json.loads(raw) if raw else None


def audit_wire(host: str, port: int, ctx: ssl.SSLContext, user: str, password: str) -> int:
    """The wire work of one controller's audit; returns the number of requests made."""
    conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=30)
    try:
        token = _call(conn, "POST", "/login", body={"username": user, "password": password})["token"]
        _call(conn, "GET", "/session", token)
        forms = _call(conn, "GET", "/forms", token)["forms"]
        for form in forms:
            _call(conn, "GET", f"/forms/{form}", token)
        _call(conn, "POST", "/logout", token)
        return 4 + len(forms)
    finally:
        conn.close()


def maintenance_wire(host: str, ssh_port: int, ftp_port: int, known_hosts: str, user: str, password: str) -> int:
    """The maintenance SSH / SFTP / FTP wire work of one controller's audit; returns the commands sent."""
    import socket

    import paramiko

    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, ssh_port, username=user, password=password, allow_agent=False, look_for_keys=False,
                   timeout=30)
    try:
        for command, stdin in (("/sysro/bin/mtce-term", "LOGS READ HOTEL ALL\nEXIT\n"), ("rpm -qa", ""),
                               ("ps -e -o comm=", "")):
            chan_in, chan_out, _ = client.exec_command(command, timeout=30)
            if stdin:
                chan_in.write(stdin)
                chan_in.flush()
            chan_out.read()
        with client.open_sftp() as sftp:
            sftp.listdir(".")
    finally:
        client.close()
    with socket.create_connection((host, ftp_port), timeout=30) as sock:
        sock.recv(512)
    return 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inventory", type=Path, required=True, help="the lab's hosts.yml")
    parser.add_argument("--threads", type=int, default=20)
    args = parser.parse_args(argv)
    inv = yaml.safe_load(args.inventory.read_text())
    inv_vars = inv["all"]["vars"]
    hosts = inv["all"]["children"]["mivb_controllers"].get("hosts") or {}
    group_vars = args.inventory.parent / "group_vars"
    user = yaml.safe_load((group_vars / "mivb_controllers.yml").read_text())["ansible_user"]
    password = yaml.safe_load((group_vars / "all" / "lab_secrets.yml").read_text())["lab_admin_password"]
    ctx = ssl.create_default_context(cafile=inv_vars["lab_ca_bundle"])  # verify chain and host name

    known_hosts = inv_vars.get("mivb_known_hosts_file")

    def wire(h: dict[str, Any]) -> int:
        count = audit_wire(h["ansible_host"], h["ansible_httpapi_port"], ctx, user, password)
        if h.get("mivb_maintenance_ssh_port") and known_hosts:
            count += maintenance_wire(h["ansible_host"], h["mivb_maintenance_ssh_port"], h["mivb_ftp_port"],
                                      known_hosts, user, password)
        return count

    started = time.monotonic()
    with ThreadPoolExecutor(args.threads) as pool:
        counts = list(pool.map(wire, hosts.values()))
    seconds = time.monotonic() - started
    print(json.dumps({"controllers": len(counts), "requests": sum(counts), "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
