"""Benchmark: wall time and device-side counts for harden / no-op rerun / audit.

    python scripts/bench.py [--controllers 1,20] [--switches 20,100] [--skip-peer] [--repeat 3] [--write-docs]

Controllers: harden from factory, no-op rerun, audit; logins, HTTPS requests and writes
per controller per run, counted by the emulator (not by the toolkit).
Switches (emulated Cisco IOS): first run, no-op rerun, audit (the last two and the floor
--repeat times, interleaved, median reported: one sample on a shared 2-core machine varies
by +-20 %); SSH sessions per switch per run counted by the emulator; in the same run, a raw netmiko floor (connect, show
running-config, disconnect; 20 threads) and the peer most teams use today
(cisco.ios.ios_config over ansible.netcommon.network_cli pushing the same lines).
Each fleet runs in its own lab on its own loopback network. Numbers are printed as a
Markdown table; --write-docs replaces the results block in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STATE = REPO / ".lab" / "bench"


def lab(kind: str, n: int) -> tuple[Path, dict[str, Any]]:
    state = STATE / f"{kind}-{n}"
    args = ["--controllers", "0", "--ios", "0", "--aoscx", "0"]
    if kind == "controllers":
        args[1] = str(n)
    else:
        args[3] = str(n)
    subprocess.run(
        [sys.executable, "-m", "emulators.lab", "up", "--fresh", *args, "--state", str(state),
         "--inventory", str(state / "inventory"), "--controller-net", "127.0.41", "--switch-net", "127.0.42",
         "--control-port", "18141"],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )
    inv = state / "inventory" / "hosts.yml"
    return state, yaml.safe_load(inv.read_text())


def lab_down(state: Path) -> None:
    subprocess.run([sys.executable, "-m", "emulators.lab", "down", "--state", str(state)], cwd=REPO,
                   check=False, stdout=subprocess.DEVNULL)


def playbook(name: str, state: Path, extra: list[str] | None = None) -> float:
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               VOICESEC_REPORT_DIR=str(state / "reports"), PATH=f"{BIN}:{os.environ['PATH']}")
    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(state / "inventory" / "hosts.yml"), str(REPO / "playbooks" / name),
         *(extra or [])],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-2000:])
        raise SystemExit(f"bench: {name} failed (rc {proc.returncode})")
    return elapsed


def _hosts(inv: dict[str, Any], group: str) -> dict[str, Any]:
    groups = inv["all"]["children"]
    if group == "mivb_controllers":
        return groups["mivb_controllers"].get("hosts", {})
    return groups["lan_switches"]["children"]["ios_switches"]["hosts"]


def _https(method: str, url: str, cafile: str) -> Any:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else {}


def controller_stats(inv: dict[str, Any], reset: bool = False) -> list[dict[str, Any]]:
    cafile = inv["all"]["vars"]["lab_ca_bundle"]
    out = []
    for host in _hosts(inv, "mivb_controllers").values():
        url = f"https://{host['ansible_host']}:{host['ansible_httpapi_port']}/_emulator/stats"
        out.append(_https("DELETE" if reset else "GET", url, cafile))
    return out


def switch_sessions(inv: dict[str, Any]) -> dict[str, int]:
    base = inv["all"]["vars"]["lab_switch_control_url"]
    out = {}
    for name in _hosts(inv, "ios_switches"):
        with urllib.request.urlopen(f"{base}/switches/{name}/stats", timeout=10) as resp:
            out[name] = json.loads(resp.read())["sessions"]
    return out


def per_controller(stats: list[dict[str, Any]]) -> dict[str, float]:
    n = len(stats) or 1
    reads = sum(v for s in stats for k, v in s["requests"].items() if k.startswith("GET"))
    return {
        "logins": max(s["logins"] for s in stats),
        "requests": sum(sum(s["requests"].values()) for s in stats) / n,
        "reads": reads / n,
        "writes": sum(s["writes"] for s in stats) / n,
    }


def bench_controllers(n: int) -> list[str]:
    state, inv = lab("controllers", n)
    rows = []
    try:
        for label, book, in (("harden from factory", "harden.yml"), ("no-op rerun", "harden.yml"),
                             ("audit", "audit.yml")):
            controller_stats(inv, reset=True)
            seconds = playbook(book, state, ["--limit", "mivb_controllers"])
            s = per_controller(controller_stats(inv))
            rows.append(f"| {n} controllers | {label} | {seconds:.1f} s | {s['logins']:.0f} | "
                        f"{s['requests']:.1f} | {s['reads']:.1f} | {s['writes']:.1f} |")
    finally:
        lab_down(state)
    return rows


def raw_floor(inv: dict[str, Any]) -> tuple[float, str]:
    from netmiko import ConnectHandler

    secrets = yaml.safe_load((Path(inv["all"]["vars"]["lab_ca_bundle"]).parent / "group_vars" / "all" /
                              "lab_secrets.yml").read_text())
    known_hosts = inv["all"]["vars"]["lan_known_hosts_file"]

    def one(host: dict[str, Any]) -> str:
        conn = ConnectHandler(device_type="cisco_ios", host=host["ansible_host"], port=host["ansible_port"],
                              username="netops", password=secrets["lab_switch_password"],
                              secret=secrets["lab_enable_secret"], ssh_strict=True, system_host_keys=False,
                              alt_host_keys=True, alt_key_file=known_hosts)
        conn.enable()
        text = conn.send_command("show running-config")
        conn.disconnect()
        return text

    started = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        configs = list(pool.map(one, _hosts(inv, "ios_switches").values()))
    return time.monotonic() - started, configs[0]


def ios_config_peer(state: Path, running: str) -> tuple[float, int]:
    """The same lines through cisco.ios.ios_config over network_cli (a no-op: already applied)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "intended.cfg"
        # The sections switch_config owns, as the hardened switch shows them: the same
        # lines the toolkit pushed (RADIUS key in its stored form, so a no-op stays a no-op).
        owned = ("vlan ", "interface ", "ip access-list ", "aaa ", "radius server ", "dot1x ", "mls qos")
        lines, keep = [], False
        for ln in running.splitlines():
            if ln and not ln.startswith(" "):
                keep = ln.startswith(owned)
            if keep and ln.strip() and ln.strip() != "!":
                lines.append(ln)
        src.write_text("\n".join(lines) + "\n")
        book = Path(tmp) / "peer.yml"
        book.write_text(yaml.safe_dump([{
            "name": "Peer: ios_config over network_cli",
            "hosts": "ios_switches",
            "gather_facts": False,
            "tasks": [{"name": "Push the same lines", "cisco.ios.ios_config": {"src": str(src)}}],
        }]))
        # network_cli (paramiko) checks host keys against ~/.ssh/known_hosts: give it the lab's.
        home = Path(tmp) / "home"
        (home / ".ssh").mkdir(parents=True)
        (home / ".ssh" / "known_hosts").write_text((state / "inventory" / "known_hosts").read_text())
        env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), HOME=str(home),
                   ANSIBLE_PERSISTENT_COMMAND_TIMEOUT="120",
                   VOICESEC_REPORT_DIR=str(state / "peer-reports"), PATH=f"{BIN}:{os.environ['PATH']}")
        started = time.monotonic()
        proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(state / "inventory" / "hosts.yml"), str(book)],
                              cwd=REPO, env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        if proc.returncode != 0:
            sys.stderr.write("bench: ios_config peer failed:\n" + proc.stdout[-3000:] + proc.stderr[-2000:])
            return float("nan"), -1
    changed = sum(1 for ln in proc.stdout.splitlines() if " changed=" in ln and " changed=0 " not in ln)
    return elapsed, changed


def _spread(samples: list[float]) -> str:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return f"{ordered[0]:.1f} s"
    return f"{statistics.median(ordered):.1f} s (median of {len(ordered)}: {ordered[0]:.1f}-{ordered[-1]:.1f})"


def bench_switches(n: int, peer: bool, repeat: int) -> list[str]:
    """First run once; no-op rerun, audit and the floor `repeat` times each (median reported)."""
    state, inv = lab("switches", n)
    rows = []
    try:
        timings: dict[str, list[float]] = {}
        runs = [("first run", "harden.yml")] + [("no-op rerun", "harden.yml"), ("audit", "audit.yml")] * repeat
        sessions: dict[str, int] = {}
        for label, book in runs:
            before = switch_sessions(inv)
            timings.setdefault(label, []).append(playbook(book, state, ["--limit", "lan_switches"]))
            after = switch_sessions(inv)
            sessions[label] = max(sessions.get(label, 0), max(after[k] - before[k] for k in after))
        floors, sample = [], ""
        for _ in range(repeat):
            seconds, sample = raw_floor(inv)
            floors.append(seconds)
        for label in ("first run", "no-op rerun", "audit"):
            rows.append(f"| {n} IOS switches | {label} | {_spread(timings[label])} | "
                        f"{sessions[label]} SSH session(s) per switch |")
        audit, floor = statistics.median(timings["audit"]), statistics.median(floors)
        rows.append(f"| {n} IOS switches | raw netmiko floor (connect, show run, disconnect) | {_spread(floors)} | "
                    f"audit / floor = {audit / floor:.1f}x (medians) |")
        if peer:
            peer_s, peer_changed = ios_config_peer(state, sample)
            ratio = peer_s / statistics.median(timings["no-op rerun"])
            rows.append(f"| {n} IOS switches | cisco.ios.ios_config over network_cli, same lines | {peer_s:.1f} s | "
                        f"{peer_changed} switch(es) changed; peer / our no-op = {ratio:.1f}x |")
    finally:
        lab_down(state)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--controllers", default="1,20")
    parser.add_argument("--switches", default="20,100")
    parser.add_argument("--skip-peer", action="store_true", help="skip the ios_config peer (slow)")
    parser.add_argument("--repeat", type=int, default=3, help="no-op, audit and floor runs per switch fleet")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    out = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, forks 20 (ansible.cfg).", "",
           "| fleet | run | time | logins / controller | HTTPS requests / controller | reads | writes |",
           "|---|---|---|---|---|---|---|"]
    for n in (int(x) for x in args.controllers.split(",") if x):
        out += bench_controllers(n)
    out += ["", "| fleet | run | time | note |", "|---|---|---|---|"]
    for n in (int(x) for x in args.switches.split(",") if x):
        out += bench_switches(n, peer=not args.skip_peer, repeat=max(1, args.repeat))
    text = "\n".join(out)
    print(text)
    if args.write_docs:
        doc = REPO / "docs" / "performance.md"
        body = doc.read_text() if doc.exists() else ""
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        if start in body:
            body = body[: body.index(start)] + start + "\n" + text + "\n" + body[body.index(end):]
        else:
            body += f"\n{start}\n{text}\n{end}\n"
        doc.write_text(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
