"""Benchmark: wall time and device-side counts for controllers, switches and a mixed fleet.

    python scripts/bench.py [--only controllers,switches,mixed] [--controllers 20,100]
        [--switches 20,100] [--mixed 100,500] [--repeat 3] [--skip-peer] [--write-docs]

`make bench` runs every part. Each fleet runs in its own lab on loopback (127.0.41.x
controllers, 127.0.42.x+ switches); counts come from the emulators, not from the toolkit.

Controllers (`--controllers`, each size): `--repeat` rounds, each on a fresh lab (factory
state): harden from factory, no-op rerun, audit (check mode), then the raw HTTPS floor
(`scripts/bench_floor_controllers.py`: one process, 20 threads, one TLS-verified connection
per controller: login, session, every form, logout), so the four are interleaved; medians
with the spread, and audit / floor against the target (<= 3x at 100 controllers). Per
controller and run the emulator counts logins, GETs per form and writes; a no-op run or an
audit with more than 1 login, more than 1 read of a form or any write is flagged.
Switches (emulated Cisco IOS): first run, no-op rerun, audit (the last two and the floor
--repeat times, interleaved, median reported: one sample on a shared 2-core machine varies
by +-20 %); SSH sessions per switch per run counted by the emulator; in the same run, a raw netmiko floor (connect, show
running-config, disconnect; 20 threads) and the peer most teams use today
(cisco.ios.ios_config over ansible.netcommon.network_cli pushing the same lines).
Mixed fleet (`--mixed C,S`): C controllers and S IOS switches in one lab, hardened once, then
audited `--repeat` times by ONE `ansible-playbook playbooks/audit.yml` run each (target:
<= 60 s for 100 + 500 on 2 cores), with the peak RSS of the ansible-playbook parent process
(VmHWM from /proc/<pid>/status, sampled every 50 ms while it runs) and the largest RSS of
any process of the run (wait4 ru_maxrss: the parent or a forked worker).
Numbers are printed as Markdown tables; --write-docs replaces, in docs/performance.md, the
results block of each part that ran (the others are kept).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STATE = REPO / ".lab" / "bench"


def lab(name: str, controllers: int = 0, ios: int = 0) -> tuple[Path, dict[str, Any]]:
    """A fresh lab (factory state) in .lab/bench/<name>: the hosts.yml it wrote."""
    state = STATE / name
    subprocess.run(
        [sys.executable, "-m", "emulators.lab", "up", "--fresh", "--controllers", str(controllers), "--ios", str(ios),
         "--aoscx", "0", "--state", str(state), "--inventory", str(state / "inventory"),
         "--controller-net", "127.0.41", "--switch-net", "127.0.42", "--control-port", "18141"],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )
    inv = state / "inventory" / "hosts.yml"
    return state, yaml.safe_load(inv.read_text())


def lab_down(state: Path) -> None:
    subprocess.run([sys.executable, "-m", "emulators.lab", "down", "--state", str(state)], cwd=REPO,
                   check=False, stdout=subprocess.DEVNULL)


@dataclass
class Run:
    seconds: float
    parent_rss_kib: int  # peak RSS (VmHWM) of the ansible-playbook process, sampled while it ran
    max_rss_kib: int  # largest RSS of any process of the run (wait4 ru_maxrss: parent or a worker)


def _vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def playbook(name: str, state: Path, extra: list[str] | None = None) -> Run:
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               VOICESEC_REPORT_DIR=str(state / "reports"), PATH=f"{BIN}:{os.environ['PATH']}")
    cmd = [str(BIN / "ansible-playbook"), "-i", str(state / "inventory" / "hosts.yml"), str(REPO / "playbooks" / name),
           *(extra or [])]
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        hwm = 0
        while True:  # wait4, not Popen.wait: its rusage covers the whole process tree of the run
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            hwm = max(hwm, _vm_hwm_kib(proc.pid))
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            sys.stderr.write(out.read().decode(errors="replace")[-6000:])
            raise SystemExit(f"bench: {name} failed (rc {proc.returncode})")
    return Run(elapsed, hwm, usage.ru_maxrss)


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
    """Each controller's emulator counters (GET /_emulator/stats), or reset them (DELETE)."""
    cafile = inv["all"]["vars"]["lab_ca_bundle"]
    urls = [f"https://{h['ansible_host']}:{h['ansible_httpapi_port']}/_emulator/stats"
            for h in _hosts(inv, "mivb_controllers").values()]
    with ThreadPoolExecutor(20) as pool:
        return list(pool.map(lambda url: _https("DELETE" if reset else "GET", url, cafile), urls))


def switch_sessions(inv: dict[str, Any]) -> dict[str, int]:
    base = inv["all"]["vars"]["lab_switch_control_url"]
    out = {}
    for name in _hosts(inv, "ios_switches"):
        with urllib.request.urlopen(f"{base}/switches/{name}/stats", timeout=10) as resp:
            out[name] = json.loads(resp.read())["sessions"]
    return out


FORM_READ = "GET /api/v1/forms/"


@dataclass
class Counts:
    """What the emulators counted in one run, worst controller first (max per controller)."""

    logins: int
    form_reads: int  # reads of the most-read form
    forms_read: int  # distinct forms read
    other_reads: dict[str, int]  # GETs of other resources (session, form list, ...)
    writes: int
    requests: float  # mean HTTPS requests per controller

    @classmethod
    def of(cls, stats: list[dict[str, Any]]) -> Counts:
        form_gets = [{k: v for k, v in s["requests"].items() if k.startswith(FORM_READ)} for s in stats]
        other: dict[str, int] = {}
        for s in stats:
            for key, value in s["requests"].items():
                if key.startswith("GET ") and not key.startswith(FORM_READ):
                    name = key.removeprefix("GET /api/v1/") or key
                    other[name] = max(other.get(name, 0), value)
        return cls(
            logins=max((s["logins"] for s in stats), default=0),
            form_reads=max((max(g.values(), default=0) for g in form_gets), default=0),
            forms_read=max((len(g) for g in form_gets), default=0),
            other_reads=other,
            writes=max((s["writes"] for s in stats), default=0),
            requests=sum(sum(s["requests"].values()) for s in stats) / (len(stats) or 1),
        )

    def worst(self, other: Counts) -> Counts:
        return Counts(
            max(self.logins, other.logins), max(self.form_reads, other.form_reads),
            max(self.forms_read, other.forms_read),
            {k: max(self.other_reads.get(k, 0), other.other_reads.get(k, 0))
             for k in {*self.other_reads, *other.other_reads}},
            max(self.writes, other.writes), max(self.requests, other.requests),
        )

    def flags(self) -> list[str]:
        """Where a no-op run or an audit breaks the target: 1 login, <= 1 read per form, 0 writes."""
        out = []
        if self.logins > 1:
            out.append(f"{self.logins} logins")
        if self.form_reads > 1:
            out.append(f"a form read {self.form_reads} times")
        if self.writes:
            out.append(f"{self.writes} write(s)")
        return out

    def cells(self, check: bool) -> str:
        other = ", ".join(f"{k} {v}" for k, v in sorted(self.other_reads.items())) or "none"
        verdict = ("FLAG: " + "; ".join(self.flags()) if self.flags() else "ok") if check else "-"
        return (f"{self.logins} | {self.form_reads} ({self.forms_read} forms) | {other} | {self.writes} | "
                f"{self.requests:.0f} | {verdict}")


CONTROLLER_RUNS = (("harden from factory", "harden.yml"), ("no-op rerun", "harden.yml"), ("audit", "audit.yml"))
FLOOR = "raw HTTPS floor"


def controller_floor(state: Path) -> float:
    """Wall time of the whole floor process (Python start-up included), as a user would time it."""
    started = time.monotonic()
    subprocess.run([sys.executable, str(REPO / "scripts" / "bench_floor_controllers.py"), "--inventory",
                    str(state / "inventory" / "hosts.yml"), "--threads", "20"],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def bench_controllers(n: int, repeat: int) -> list[str]:
    """`repeat` rounds on a fresh lab each: harden from factory, no-op, audit, floor (interleaved)."""
    times: dict[str, list[float]] = {}
    counts: dict[str, Counts] = {}
    for _ in range(repeat):
        state, inv = lab(f"controllers-{n}", controllers=n)
        try:
            for label, book in CONTROLLER_RUNS:
                controller_stats(inv, reset=True)
                times.setdefault(label, []).append(playbook(book, state, ["--limit", "mivb_controllers"]).seconds)
                got = Counts.of(controller_stats(inv))
                counts[label] = counts[label].worst(got) if label in counts else got
            controller_stats(inv, reset=True)
            times.setdefault(FLOOR, []).append(controller_floor(state))
            got = Counts.of(controller_stats(inv))
            counts[FLOOR] = counts[FLOOR].worst(got) if FLOOR in counts else got
        finally:
            lab_down(state)
    rows = [f"| {n} controllers | {label} | {_spread(times[label])} | {counts[label].cells(label in CHECKED)} |"
            for label in (*(r[0] for r in CONTROLLER_RUNS), FLOOR)]
    audit, floor = statistics.median(times["audit"]), statistics.median(times[FLOOR])
    target = ("met" if audit / floor <= 3 else "MISSED") if n >= 100 else "applies at 100 controllers"
    rows.append(f"| {n} controllers | audit / floor (medians) | {audit / floor:.1f}x | target <= 3x: {target} "
                "| | | | | |")
    return rows


CHECKED = ("no-op rerun", "audit")


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
    state, inv = lab(f"switches-{n}", ios=n)
    rows = []
    try:
        timings: dict[str, list[float]] = {}
        runs = [("first run", "harden.yml")] + [("no-op rerun", "harden.yml"), ("audit", "audit.yml")] * repeat
        sessions: dict[str, int] = {}
        for label, book in runs:
            before = switch_sessions(inv)
            timings.setdefault(label, []).append(playbook(book, state, ["--limit", "lan_switches"]).seconds)
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


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def bench_mixed(controllers: int, switches: int, repeat: int) -> list[str]:
    """One lab with both fleets: hardened once, then audited `repeat` times, each by ONE playbook run."""
    fleet = f"{controllers} controllers + {switches} IOS switches"
    state, inv = lab(f"mixed-{controllers}-{switches}", controllers=controllers, ios=switches)
    audits: list[Run] = []
    counts: Counts | None = None
    sessions = 0
    try:
        harden = playbook("harden.yml", state)
        for _ in range(repeat):
            controller_stats(inv, reset=True)
            before = switch_sessions(inv)
            audits.append(playbook("audit.yml", state))
            got = Counts.of(controller_stats(inv))
            counts = counts.worst(got) if counts else got
            after = switch_sessions(inv)
            sessions = max(sessions, *(after[k] - before[k] for k in after))
    finally:
        lab_down(state)
    assert counts is not None
    median = statistics.median(r.seconds for r in audits)
    target = "met" if median <= 60 else "MISSED"
    if (controllers, switches) != (100, 500):
        target += " (the target is stated for 100 + 500)"
    flags = counts.flags()
    return [
        f"| {fleet} | harden (once, to reach the steady state) | {harden.seconds:.1f} s | "
        f"{_mib(harden.parent_rss_kib)} | {_mib(harden.max_rss_kib)} | - |",
        f"| {fleet} | audit, one ansible-playbook run | {_spread([r.seconds for r in audits])} | "
        f"{_mib(max(r.parent_rss_kib for r in audits))} | {_mib(max(r.max_rss_kib for r in audits))} | "
        f"target <= 60 s: {target}; per controller {counts.logins} login(s), a form read at most "
        f"{counts.form_reads} time(s), {counts.writes} write(s){' FLAG: ' + '; '.join(flags) if flags else ''}; "
        f"{sessions} SSH session(s) per switch |",
    ]


HEADERS = {
    "controllers": ["| fleet | run | time | logins / controller | reads of one form (max) | other reads "
                    "| writes / controller | HTTPS requests / controller | no-op check |",
                    "|---|---|---|---|---|---|---|---|---|"],
    "switches": ["| fleet | run | time | note |", "|---|---|---|---|"],
    "mixed": ["| fleet | run | time | peak RSS, ansible-playbook parent | largest process of the run | note |",
              "|---|---|---|---|---|---|"],
}


def _sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def write_docs(parts: dict[str, str]) -> None:
    """Replace each part's block (<!-- bench:<part>:start/end -->) in docs/performance.md."""
    doc = REPO / "docs" / "performance.md"
    body = doc.read_text() if doc.exists() else ""
    for part, text in parts.items():
        start, end = f"<!-- bench:{part}:start -->", f"<!-- bench:{part}:end -->"
        if start in body:
            body = body[: body.index(start)] + start + "\n" + text + "\n" + body[body.index(end):]
        else:
            body += f"\n{start}\n{text}\n{end}\n"
    doc.write_text(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="controllers,switches,mixed",
                        help="comma-separated parts to run: controllers, switches, mixed (default: all)")
    parser.add_argument("--controllers", default="20,100", help="controller fleet sizes")
    parser.add_argument("--switches", default="20,100", help="switch fleet sizes")
    parser.add_argument("--mixed", default="100,500", help="mixed fleet: CONTROLLERS,SWITCHES")
    parser.add_argument("--skip-peer", action="store_true", help="skip the ios_config peer (slow)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per measurement (medians reported)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(only) - set(HEADERS))
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(unknown)}; allowed: {', '.join(HEADERS)}")
    mixed = _sizes(args.mixed)
    if len(mixed) != 2:
        parser.error("--mixed: CONTROLLERS,SWITCHES (e.g. 100,500)")
    repeat = max(1, args.repeat)
    parts: dict[str, str] = {}
    for part in HEADERS:
        if part not in only:
            continue
        rows = [f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, forks 20 (ansible.cfg).", "",
                *HEADERS[part]]
        if part == "controllers":
            for n in _sizes(args.controllers):
                rows += bench_controllers(n, repeat)
        elif part == "switches":
            for n in _sizes(args.switches):
                rows += bench_switches(n, peer=not args.skip_peer, repeat=repeat)
        else:
            rows += bench_mixed(mixed[0], mixed[1], repeat)
        parts[part] = "\n".join(rows)
        print(parts[part] + "\n", flush=True)
    if args.write_docs:
        write_docs(parts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
