"""Start and stop the emulated lab and write the inventory that matches it.

    python -m emulators.lab up [--controllers N] [--ios N] [--aoscx N] [--procurve N] [--fresh]
    python -m emulators.lab down
    python -m emulators.lab status
    python -m emulators.lab radius-stop | radius-start

One emulator process serves all controllers, one serves all switches, one is the RADIUS
server the switches' 802.1X/MAB asks (emulators/radius, on `lab_radius_address`, UDP 1812);
`radius-stop` / `radius-start` take that server away and bring it back (the RADIUS-dead case).

Device state lives
in the state directory (default `.lab/`) and survives `down`/`up`; `--fresh` wipes it.
Molecule scenarios and the benchmark run their own labs with `--state`, `--inventory`
and other loopback networks so they never collide with the demo lab.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509

from emulators.lab_ca import LabCA

REPO = Path(__file__).resolve().parent.parent
FACTORY_PASSWORD = "password"  # noqa: S105 -- the documented MiVB factory default; the lab starts there


@dataclass
class LabOptions:
    controllers: int = 2
    ios: int = 1
    aoscx: int = 1
    procurve: int = 0  # ArubaOS-Switch (ProCurve 2930F): off by default, `make demo` stays quick
    # IOS switch i emulates ios_families[(i - 1) % n] (emulators/switch/families.py); empty = default
    ios_families: tuple[str, ...] = ()
    state: Path = REPO / ".lab"
    inventory: Path = REPO / "inventory" / "lab"
    controller_net: str = "127.0.1"
    switch_net: str = "127.0.2"
    https_port: int = 8443
    sip_tls_port: int = 5061
    ip_sets_tls_port: int = 6901
    # each controller's maintenance SSH (MSL/MTCE shell, SFTP) and plain-FTP port (LOG-05, MSL-01/02, ACC-04)
    maintenance_ssh_port: int = 2022
    ftp_port: int = 2021
    # Controller-to-controller TLS (serves the device certificate, CERT-03); emulator's choice of number.
    c2c_tls_port: int = 1606
    # Controller i runs controller_models[(i - 1) % n]: the second is a 3300 ICP with a WAN port, so
    # the demo shows the WAN controls applied on it and not_applicable on the others.
    controller_models: tuple[str, ...] = ("Virtual (vMiVB)", "3300 ICP CXi-II")
    ssh_port: int = 2222
    control_port: int = 18080
    test_hooks: bool = True
    fresh: bool = False
    radius_port: int = 1812
    names: dict[str, str] = field(default_factory=lambda: {"mivb": "mivb", "ios": "sw-ios-", "aoscx": "sw-cx-",
                                                           "procurve": "sw-pc-"})


def _strong_password(length: int = 18) -> str:
    """A password that satisfies MiVB 'Strong' (15-20 chars, >= 2 of each class)."""
    rng = secrets.SystemRandom()
    specials = "!#%+-=@^_"
    chars = (
        [rng.choice(string.ascii_uppercase) for _ in range(3)]
        + [rng.choice(string.ascii_lowercase) for _ in range(3)]
        + [rng.choice(string.digits) for _ in range(3)]
        + [rng.choice(specials) for _ in range(3)]
    )
    pool = string.ascii_letters + string.digits + specials
    chars += [rng.choice(pool) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def _passcode(length: int = 10) -> str:
    """A non-trivial numeric passcode: no repeated digit next to itself, no runs."""
    rng = secrets.SystemRandom()
    while True:
        code = "".join(rng.choice(string.digits) for _ in range(length))
        steps = {int(b) - int(a) for a, b in itertools.pairwise(code)}
        if len(set(code)) >= 5 and not steps & {-1, 0, 1}:
            return code


def _load_secrets(state: Path) -> dict[str, str]:
    path = state / "secrets.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    values = {
        "lab_admin_password": _strong_password(),
        "lab_readonly_password": _strong_password(),
        "lab_switch_password": _strong_password(16),
        "lab_enable_secret": _strong_password(16),
        "lab_radius_key": _strong_password(20),
        "lab_phone_admin_passcode": _passcode(),
        "lab_set_registration_access_code": _passcode(8),
        "lab_mixml_password": _strong_password(),
    }
    if set(values) <= set(known):
        return known
    values.update(known)  # a lab made before a secret was added keeps its others
    state.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh, indent=1)
    return values


def _pid_alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return None
    try:
        # When this process started the emulator (tests, bench), an exited emulator stays a
        # zombie until reaped, and kill(pid, 0) would still find it.
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    return pid


def _address(net: str, index: int) -> str:
    """The index-th (1-based) device address from `net` ("127.0.42"): 254 hosts per /24, then
    the next /24 (127.0.42.254, then 127.0.43.1), so 500 switches fit on loopback."""
    a, b, c = (int(x) for x in net.split("."))
    c += (index - 1) // 254
    if c > 255:
        raise ValueError(f"{index} devices do not fit after {net}.0/24")
    return f"{a}.{b}.{c}.{(index - 1) % 254 + 1}"


def _raise_fd_limit() -> None:
    """Each device listens on 1-3 sockets and every live session holds one more: lift the soft
    limit on open files to the hard limit (inherited by the emulators this process starts)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


class LabError(RuntimeError):
    """The lab did not come up as asked: the message says what and how to fix it."""


def _answers(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


def _refuse_occupied(endpoints: list[tuple[str, int, str]]) -> None:
    """Before starting: nothing else may listen where a device of this lab will."""
    taken = [f"{address}:{port} ({what})" for address, port, what in endpoints if _answers(address, port)]
    if taken:
        raise LabError(
            "address already in use by another process: " + ", ".join(taken) + ". Stop that process, or "
            "start this lab elsewhere with --controller-net / --switch-net / --control-port (docs/lab.md)")


def _log_tail(state: Path, kind: str, lines: int = 8) -> str:
    try:
        text = (state / f"{kind}.log").read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _wait_ready(kind: str, endpoints: list[tuple[str, int, str]], state: Path, timeout: float = 60.0) -> None:
    """Every endpoint answers AND the emulator that should serve them is still alive."""
    deadline = time.monotonic() + timeout
    pending = list(endpoints)
    while True:
        if _pid_alive(state / f"{kind}.pid") is None:
            raise LabError(f"the {kind} emulator exited while starting; last lines of {state / (kind + '.log')}:\n"
                           + _log_tail(state, kind))
        pending = [e for e in pending if not _answers(e[0], e[1])]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise LabError(f"the {kind} emulator did not open " + ", ".join(f"{a}:{p} ({w})" for a, p, w in pending)
                           + f" within {timeout:.0f}s; see {state / (kind + '.log')}")
        time.sleep(0.1)


def _check_host_keys(switches: list[dict[str, Any]], known_hosts: list[str]) -> None:
    """The SSH server at each switch address is OUR emulated switch: same host key as its state."""
    for spec, line in zip(switches, known_hosts, strict=True):
        pub = Path(spec["state_dir"]) / "ssh_host_ed25519_key.pub"
        ours = pub.read_text().split()[1] if pub.exists() else None
        if ours is None or line.split()[2] != ours:
            raise LabError(f"{spec['address']}:{spec['port']} answers with a host key that is not switch "
                           f"{spec['name']}'s: another SSH server answers there")


def _check_controller_host_keys(controllers: list[dict[str, Any]], known_hosts: list[str]) -> None:
    """The maintenance SSH at each controller address is OUR emulated controller's (its state's key)."""
    import asyncssh

    for spec, line in zip(controllers, known_hosts, strict=True):
        pem = Path(spec["state_dir"]) / "ssh_host_key"
        ours = asyncssh.import_private_key(pem.read_text()).export_public_key().decode().split()[1] \
            if pem.exists() else None
        if ours is None or line.split()[2] != ours:
            raise LabError(f"{spec['address']}:{spec['maintenance_ssh_port']} answers with a host key that is not "
                           f"controller {spec['name']}'s: another SSH server answers there")


def _start(kind: str, spec: dict[str, Any], state: Path) -> None:
    _raise_fd_limit()
    spec_path = state / f"{kind}.json"
    spec_path.write_text(json.dumps(spec, indent=1))
    log = (state / f"{kind}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", f"emulators.{kind}", "serve", "--spec", str(spec_path)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # detached: the lab outlives the command that started it
    )
    (state / f"{kind}.pid").write_text(str(proc.pid))


def _served_certificate(address: str, port: int) -> x509.Certificate:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # we fetch the certificate to pin it, not to trust it
    # Generous: on a fresh start the first handshake waits for the factory RSA key (docs/performance.md).
    with socket.create_connection((address, port), timeout=30) as sock, ctx.wrap_socket(sock) as tls:
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def _host_key_line(address: str, port: int) -> str:
    import paramiko  # netmiko's transport; imported here to keep `lab down` light

    with socket.create_connection((address, port), timeout=5) as sock:
        transport = paramiko.Transport(sock)
        try:
            transport.start_client(timeout=10)
            key = transport.get_remote_server_key()
        finally:
            transport.close()
    host = address if port == 22 else f"[{address}]:{port}"
    return f"{host} {key.get_name()} {key.get_base64()}"


def up(opts: LabOptions) -> dict[str, Any]:
    state, inv = opts.state.resolve(), opts.inventory.resolve()
    down(opts, quiet=True)
    if opts.fresh and state.exists():
        shutil.rmtree(state)
    state.mkdir(parents=True, exist_ok=True)
    lab_secrets = _load_secrets(state)
    ca = LabCA(state / "ca")
    ca.ensure()

    controllers = [
        {
            "name": f"{opts.names['mivb']}{i}",
            "address": _address(opts.controller_net, i),
            "https_port": opts.https_port,
            "sip_tls_port": opts.sip_tls_port,
            "ip_sets_tls_port": opts.ip_sets_tls_port,
            "maintenance_ssh_port": opts.maintenance_ssh_port,
            "ftp_port": opts.ftp_port,
            "c2c_tls_port": opts.c2c_tls_port,
            "model": opts.controller_models[(i - 1) % len(opts.controller_models)],
            "state_dir": str(state / f"{opts.names['mivb']}{i}"),
            "test_hooks": opts.test_hooks,
        }
        for i in range(1, opts.controllers + 1)
    ]
    switches: list[dict[str, Any]] = []
    for platform, count, prefix in (
        ("cisco_ios", opts.ios, opts.names["ios"]),
        ("aruba_aoscx", opts.aoscx, opts.names["aoscx"]),
        ("hp_procurve", opts.procurve, opts.names["procurve"]),
    ):
        for i in range(1, count + 1):
            switches.append(
                {
                    "name": f"{prefix}{i}",
                    "platform": platform,
                    "address": _address(opts.switch_net, len(switches) + 1),
                    "port": opts.ssh_port,
                    "state_dir": str(state / f"{prefix}{i}"),
                    "username": "netops",
                    "password": lab_secrets["lab_switch_password"],
                    "enable_secret": lab_secrets["lab_enable_secret"],
                    "test_hooks": opts.test_hooks,
                    "family": opts.ios_families[(i - 1) % len(opts.ios_families)]
                    if platform == "cisco_ios" and opts.ios_families else "",
                }
            )
    # The switches' RADIUS server: the address after the last switch (unique per lab, since
    # labs use distinct switch networks); the inventory's lan_dot1x names it.
    radius: dict[str, Any] | None = None
    if switches:
        lab_vars = yaml.safe_load((REPO / "inventory" / "lab" / "group_vars" / "lan_switches.yml").read_text())
        radius = {"address": _address(opts.switch_net, len(switches) + 1), "port": opts.radius_port,
                  "secret": lab_secrets["lab_radius_key"], "voice_vlan": lab_vars["lan_vlans"]["voice"]["id"],
                  "state_dir": str(state / "radius")}
    mivb_endpoints = [(c["address"], c[port], f"{c['name']} {port}") for c in controllers
                      for port in ("https_port", "sip_tls_port", "ip_sets_tls_port", "maintenance_ssh_port",
                                   "ftp_port", "c2c_tls_port")]
    switch_endpoints = [(s["address"], s["port"], f"{s['name']} ssh") for s in switches]
    if switches and opts.test_hooks:
        switch_endpoints.append(("127.0.0.1", opts.control_port, "switch test hooks"))
    _refuse_occupied(mivb_endpoints + switch_endpoints)
    if controllers:
        _start("mivb", {"controllers": controllers}, state)
    if switches:
        _start("switch", {"control": {"address": "127.0.0.1", "port": opts.control_port}, "switches": switches}, state)
    if controllers:
        # fleets of hundreds of devices start in over a minute on a busy 2-core host
        _wait_ready("mivb", mivb_endpoints, state, timeout=60.0 + 0.5 * len(mivb_endpoints))
    if switches:
        _wait_ready("switch", switch_endpoints, state, timeout=60.0 + 0.2 * len(switch_endpoints))
    if radius is not None:
        _start_radius(radius, state)

    inv.mkdir(parents=True, exist_ok=True)
    # Trust: the lab CA, plus each controller's factory self-signed certificate pinned on
    # first contact (what an installer does before the CA-signed certificate is in place).
    bundle = [ca.bundle_pem()]
    from cryptography.hazmat.primitives import serialization

    for c in controllers:
        served = _served_certificate(c["address"], c["https_port"])
        if served.issuer == served.subject:
            bundle.append(served.public_bytes(serialization.Encoding.PEM))
    (inv / "ca.pem").write_bytes(b"".join(bundle))
    known_hosts = [_host_key_line(s["address"], s["port"]) for s in switches]
    _check_host_keys(switches, known_hosts)
    # The controllers' maintenance SSH keys too: the toolkit checks them (mivb_known_hosts_file).
    controller_keys = [_host_key_line(c["address"], c["maintenance_ssh_port"]) for c in controllers]
    _check_controller_host_keys(controllers, controller_keys)
    (inv / "known_hosts").write_text("".join(line + "\n" for line in known_hosts + controller_keys))

    hosts_controllers: dict[str, Any] = {}
    for c in controllers:
        issued = ca.issue(
            inv / "certs" / c["name"], f"{c['name']}.lab.example", [c["address"], f"{c['name']}.lab.example"]
        )
        hosts_controllers[c["name"]] = {
            "ansible_host": c["address"],
            "ansible_httpapi_port": c["https_port"],
            "mivb_sip_tls_port": c["sip_tls_port"],
            "mivb_ip_sets_tls_port": c["ip_sets_tls_port"],
            "mivb_maintenance_ssh_port": c["maintenance_ssh_port"],
            "mivb_ftp_port": c["ftp_port"],
            "mivb_c2c_tls_port": c["c2c_tls_port"],
            "mivb_controller_model": c["model"],
            "mivb_web_certificate_path": str(issued.cert_path),
            "mivb_web_private_key_path": str(issued.key_path),
            "mivb_web_chain_path": str(issued.chain_path),
        }
    groups: dict[str, Any] = {
        "mivb_controllers": {"hosts": hosts_controllers} if hosts_controllers else {},
        "lan_switches": {
            "children": {
                "ios_switches": {
                    "hosts": {
                        s["name"]: {"ansible_host": s["address"], "ansible_port": s["port"],
                                    **({"lan_switch_family": s["family"]} if s["family"] else {})}
                        for s in switches
                        if s["platform"] == "cisco_ios"
                    }
                },
                "aoscx_switches": {
                    "hosts": {
                        s["name"]: {"ansible_host": s["address"], "ansible_port": s["port"]}
                        for s in switches
                        if s["platform"] == "aruba_aoscx"
                    }
                },
                "procurve_switches": {
                    "hosts": {
                        s["name"]: {"ansible_host": s["address"], "ansible_port": s["port"]}
                        for s in switches
                        if s["platform"] == "hp_procurve"
                    }
                },
            }
        },
    }
    hosts_yaml = {
        "all": {
            "vars": {
                "lab_ca_dir": str(state / "ca"),
                # The lab CA for the renewal job (roles/cert_renewal, ownca back-end): the root
                # the served chain must verify to, and the issuing CA that signs the CSRs.
                "lab_ca_root": str(ca.root_cert_path),
                "lab_ca_issuing_certificate": str(ca.int_cert_path),
                "lab_ca_issuing_key": str(ca.int_key_path),
                "lab_switch_control_url": f"http://127.0.0.1:{opts.control_port}",
                "lab_ca_bundle": str(inv / "ca.pem"),
                "lan_known_hosts_file": str(inv / "known_hosts"),
                "mivb_known_hosts_file": str(inv / "known_hosts"),
                "lan_controller_addresses": [c["address"] for c in controllers] or ["127.0.1.1"],
                **({"lab_radius_address": radius["address"]} if radius else {}),
            },
            "children": groups,
        }
    }
    header = "# Written by `python -m emulators.lab up`: matches the running emulated lab. Do not edit.\n"
    (inv / "hosts.yml").write_text(header + yaml.safe_dump(hosts_yaml, sort_keys=False))
    lab_vars = REPO / "inventory" / "lab" / "group_vars"
    if inv != lab_vars.parent:
        for f in lab_vars.glob("*.yml"):
            (inv / "group_vars").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, inv / "group_vars" / f.name)
    secrets_dir = inv / "group_vars" / "all"
    secrets_dir.mkdir(parents=True, exist_ok=True)
    secret_vars = dict(lab_secrets, lab_factory_password=FACTORY_PASSWORD)
    path = secrets_dir / "lab_secrets.yml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("# Generated lab secrets (a real inventory keeps these in ansible-vault).\n")
        fh.write(yaml.safe_dump(secret_vars, sort_keys=True))
    return {"controllers": controllers, "switches": switches, "inventory": str(inv / "hosts.yml")}


def _stop_kind(state: Path, kind: str, quiet: bool) -> None:
    pid_file = state / f"{kind}.pid"
    pid = _pid_alive(pid_file)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _pid_alive(pid_file) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(pid_file):
            os.kill(pid, signal.SIGKILL)
        if not quiet:
            print(f"lab: stopped {kind} emulator (pid {pid})")
    pid_file.unlink(missing_ok=True)


def down(opts: LabOptions, quiet: bool = False) -> None:
    state = opts.state.resolve()
    for kind in ("mivb", "switch", "radius"):
        _stop_kind(state, kind, quiet)


def _radius_answers(spec: dict[str, Any]) -> bool:
    """A MAB Access-Request signed with the lab's secret gets an answer (accept or reject)."""
    import asyncio

    from emulators.radius.protocol import Server, authenticate_mab

    server = Server(spec["address"], spec["port"], spec["secret"], timeout=0.5, retransmit=0)
    answer, _ = asyncio.run(authenticate_mab([server], "00:00:5e:00:53:00", "127.0.0.1", "lab-check"))
    return answer.reachable


def _start_radius(spec: dict[str, Any], state: Path, timeout: float = 30.0) -> None:
    _start("radius", spec, state)
    deadline = time.monotonic() + timeout
    while not _radius_answers(spec):
        if _pid_alive(state / "radius.pid") is None:
            raise LabError("the radius emulator exited while starting (is UDP "
                           f"{spec['address']}:{spec['port']} taken?); last lines of {state / 'radius.log'}:\n"
                           + _log_tail(state, "radius"))
        if time.monotonic() > deadline:
            raise LabError(f"the radius emulator did not answer on {spec['address']}:{spec['port']} "
                           f"within {timeout:.0f}s; see {state / 'radius.log'}")


def radius_stop(opts: LabOptions, quiet: bool = False) -> None:
    """Take the lab's RADIUS server away (every switch's RADIUS server is dead)."""
    _stop_kind(opts.state.resolve(), "radius", quiet)


def radius_start(opts: LabOptions) -> None:
    """Bring the lab's RADIUS server back, with the spec `up` wrote."""
    state = opts.state.resolve()
    path = state / "radius.json"
    if not path.exists():
        raise LabError(f"no {path}: start the lab (with switches) first")
    if _pid_alive(state / "radius.pid") is None:
        _start_radius(json.loads(path.read_text()), state)


def status(opts: LabOptions) -> int:
    state = opts.state.resolve()
    running = 0
    for kind in ("mivb", "switch", "radius"):
        pid = _pid_alive(state / f"{kind}.pid")
        print(f"{kind}: {f'running (pid {pid})' if pid else 'stopped'}")
        running += pid is not None
    return 0 if running else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulators.lab", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "status", "radius-stop", "radius-start"])
    parser.add_argument("--controllers", type=int, default=2)
    parser.add_argument("--ios", type=int, default=1, help="emulated Cisco IOS switches")
    parser.add_argument("--aoscx", type=int, default=1, help="emulated Aruba AOS-CX switches")
    parser.add_argument("--procurve", type=int, default=0, help="emulated ArubaOS-Switch (ProCurve 2930F) switches")
    parser.add_argument("--ios-family", action="append", default=[], dest="ios_families",
                        help="IOS switch family (repeat: switch i gets the i-th); default catalyst_2960x")
    parser.add_argument("--controller-model", action="append", default=[], dest="controller_models",
                        help="controller model (repeat: controller i gets the i-th, cycling); default "
                        + ", ".join(repr(m) for m in LabOptions.controller_models))
    parser.add_argument("--state", type=Path, default=LabOptions.state)
    parser.add_argument("--inventory", type=Path, default=LabOptions.inventory)
    parser.add_argument("--controller-net", default="127.0.1", help="first three octets for controllers")
    parser.add_argument("--switch-net", default="127.0.2", help="first three octets for switches")
    parser.add_argument("--control-port", type=int, default=18080, help="switch emulator test-hook port")
    parser.add_argument("--fresh", action="store_true", help="discard device state: factory defaults")
    args = parser.parse_args(argv)
    opts = LabOptions(
        controllers=args.controllers,
        ios=args.ios,
        aoscx=args.aoscx,
        procurve=args.procurve,
        ios_families=tuple(args.ios_families),
        controller_models=tuple(args.controller_models) or LabOptions.controller_models,
        state=args.state,
        inventory=args.inventory,
        controller_net=args.controller_net,
        switch_net=args.switch_net,
        control_port=args.control_port,
        fresh=args.fresh,
    )
    if args.command == "down":
        down(opts)
        return 0
    if args.command == "status":
        return status(opts)
    if args.command == "radius-stop":
        radius_stop(opts)
        return 0
    if args.command == "radius-start":
        try:
            radius_start(opts)
        except LabError as exc:
            print(f"lab: FAILED: {exc}", file=sys.stderr)
            return 1
        print("lab: radius emulator started")
        return 0
    started = time.monotonic()
    try:
        lab = up(opts)
    except LabError as exc:
        down(opts, quiet=True)  # nothing half-started is left behind
        print(f"lab: FAILED: {exc}", file=sys.stderr)
        return 1
    print(
        f"lab: {len(lab['controllers'])} controller(s), {len(lab['switches'])} switch(es) up in "
        f"{time.monotonic() - started:.1f}s; inventory {lab['inventory']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
