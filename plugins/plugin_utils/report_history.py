# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report directory across runs: run directories, retention, drift history, index.html.

Layout under the report root (docs/report-format.md):
  <run_id>/report.json|html, junit.xml   one run (run_id = UTC timestamp, "-2" on a clash)
  <run_id>/remediation/...               the harden record when the run also audited (site.yml)
  latest -> <run_id>
  history.jsonl                          one line per device x control x run (SIEM)
  history-state.json                     last status and drift episodes per device x control
  index.html                             the history for a person
Writers are called with the root locked (fcntl), so two runs ending together do not interleave.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HISTORY_SCHEMA = "voicesec.mivb/history/v1"
RUN_RE = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")
FINDINGS = ("error", "drift")
EVALUATED = ("error", "drift", "compliant")
MAX_EPISODES = 10  # per device x control in history-state.json (history.jsonl has every run)
DETAIL_CHARS = 500


class ReportStore:
    def __init__(self, root: Path, keep_runs: int = 0, keep_days: int = 0) -> None:
        self.root = root
        self.keep_runs = keep_runs
        self.keep_days = keep_days
        self.state_path = root / "history-state.json"
        self.history_path = root / "history.jsonl"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def new_run_dir(self, now: datetime.datetime | None = None) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
        target, n = self.root / stamp, 1
        while True:  # two runs in one second (tests, chained playbooks): mkdir decides
            try:
                target.mkdir()
                return target
            except FileExistsError:
                n += 1
                target = self.root / f"{stamp}-{n}"

    # --- state -----------------------------------------------------------------------------

    def load_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        state.setdefault("runs", [])
        state.setdefault("keys", {})
        return state

    def compare(self, report: dict[str, Any], state: dict[str, Any]) -> None:
        """Annotate entries with the previous run's status; report["changes"]: new and resolved findings.

        Previous = the last run that reported this device and control (a --limit run keeps the
        others' history). A finding is new when the device had no open finding of that status.
        """
        keys = state["keys"]
        new, resolved = [], []
        for entry in report["results"]:
            old = keys.get(_key(entry))
            if old:
                entry["previous_status"] = old["status"]
                entry["previous_run"] = old["run"]
            open_status = (old or {}).get("open", {}).get("status")
            if entry["status"] in FINDINGS and open_status != entry["status"]:
                new.append(_brief(entry))
            elif entry["status"] == "compliant" and open_status:
                resolved.append(_brief(entry))
        runs = state["runs"]
        report["changes"] = {"previous_run": runs[-1]["run_id"] if runs else None, "new": new, "resolved": resolved}

    def _advance(self, report: dict[str, Any], run_id: str, state: dict[str, Any]) -> list[dict[str, Any]]:
        """Fold the run's final record into the state; the history lines of this run."""
        when, lines = report["generated"], []
        for entry in report["results"]:
            key = _key(entry)
            old = state["keys"].get(key) or {"episodes": []}
            current = dict(old)
            current.update(status=entry["status"], run=run_id, time=when)
            episode = old.get("open")
            status, change = entry["status"], "none"
            if status in FINDINGS:
                if episode is None or episode["status"] != status:
                    if episode is not None:  # drift -> error or back: one episode ends, one starts
                        current["episodes"] = _close(old, episode, when, run_id, "changed")
                    episode = {"status": status, "opened": when, "opened_run": run_id}
                    change = "new"
                else:
                    change = "open"
                current["open"] = episode
            elif status == "compliant":
                if episode is not None or entry.get("remediated"):
                    episode = episode or {"status": "drift", "opened": when, "opened_run": run_id}
                    how = "remediated" if entry.get("remediated") else "resolved"
                    current["episodes"] = _close(old, episode, when, run_id, how)
                    current.pop("open", None)
                    change = how
            # not evaluated / manual / ...: the device's state is unknown, an open finding stays open
            state["keys"][key] = current
            lines.append({
                "schema": HISTORY_SCHEMA, "@timestamp": when, "id": f"{run_id}/{entry['host']}/{entry['control']}",
                "run_id": run_id, "mode": report["mode"], "playbook": report.get("playbook", ""),
                "host": entry["host"], "control": entry["control"], "family": entry["control"].rpartition("-")[0],
                "title": entry["title"], "area": entry["area"], "status": status,
                "previous_status": entry.get("previous_status"), "change": change,
                "remediated": bool(entry.get("remediated")),
                "open_since": (current.get("open") or {}).get("opened"),
                "detail": str(entry.get("detail", ""))[:DETAIL_CHARS],
            })
        counts = {k: v for k, v in report["summary"].items() if k != "hosts"}
        mode = "harden+audit" if report.get("remediation") else report["mode"]
        state["runs"].append({"run_id": run_id, "time": when, "mode": mode,
                              "playbook": report.get("playbook", ""), "counts": counts,
                              "hosts": len(report["summary"].get("hosts", {})),
                              "new": len(report.get("changes", {}).get("new", [])),
                              "resolved": len(report.get("changes", {}).get("resolved", []))})
        return lines

    def record_run(self, report: dict[str, Any], run_dir: Path, now: datetime.datetime | None = None,
                   ) -> dict[str, Any]:
        """After the run's files are written: history line per entry, state, retention. Returns the state."""
        state = self.load_state()
        lines = self._advance(report, run_dir.name, state)
        with open(self.history_path, "a", encoding="utf-8") as handle:
            handle.writelines(json.dumps(line, sort_keys=True) + "\n" for line in lines)
        self._prune(state, run_dir.name, now or datetime.datetime.now(datetime.UTC))
        write_atomic(self.state_path, json.dumps(state, indent=1, sort_keys=True) + "\n")
        return state

    # --- retention ---------------------------------------------------------------------------

    def run_dirs(self) -> list[Path]:
        return sorted((p for p in self.root.iterdir() if p.is_dir() and RUN_RE.match(p.name)),
                      key=lambda p: _run_sort_key(p.name))

    def _prune(self, state: dict[str, Any], current: str, now: datetime.datetime) -> None:
        runs = self.run_dirs()
        drop: set[str] = set()
        if self.keep_runs > 0:
            drop |= {p.name for p in runs[:-self.keep_runs]}
        if self.keep_days > 0:
            cutoff = now - datetime.timedelta(days=self.keep_days)
            drop |= {p.name for p in runs if _run_time(p.name) < cutoff}
        drop.discard(current)
        for path in runs:
            if path.name in drop:
                shutil.rmtree(path)
        kept = {p.name for p in runs} - drop
        state["runs"] = [r for r in state["runs"] if r["run_id"] in kept]
        self._prune_history(kept)

    def _prune_history(self, kept: set[str]) -> None:
        """Drop history lines of runs no longer kept; the file is rewritten only when needed."""
        try:
            with open(self.history_path, encoding="utf-8") as handle:
                first = json.loads(handle.readline() or "{}")
        except (OSError, ValueError):
            return
        if first.get("run_id") in kept:
            return  # lines are in run order: nothing older to drop
        tmp = self.history_path.with_name(f".history-{os.getpid()}.jsonl")
        with open(self.history_path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
            for line in src:
                try:
                    if json.loads(line).get("run_id") in kept:
                        dst.write(line)
                except ValueError:
                    continue
        os.replace(tmp, self.history_path)

    # --- views -----------------------------------------------------------------------------

    def history_view(self, state: dict[str, Any]) -> dict[str, Any]:
        """What index.html shows: runs (trend), open findings, closed drift episodes."""
        runs = []
        for run in state["runs"]:
            counts = run["counts"]
            evaluated = sum(counts.get(s, 0) for s in EVALUATED)
            runs.append({**run, "evaluated": evaluated,
                         "percent": round(100 * counts.get("compliant", 0) / evaluated) if evaluated else None,
                         "has_report": (self.root / run["run_id"] / "report.html").exists()})
        open_findings, episodes = [], []
        for key, value in sorted(state["keys"].items()):
            host, control = key.split("|", 1)
            if value.get("open"):
                open_findings.append({"host": host, "control": control, "status": value["open"]["status"],
                                      "since": value["open"]["opened"], "since_run": value["open"]["opened_run"],
                                      "last_seen": value["time"], "last_status": value["status"]})
            for episode in value.get("episodes", []):
                episodes.append({"host": host, "control": control, **episode})
        episodes.sort(key=lambda e: e["closed"], reverse=True)
        return {"runs": list(reversed(runs)), "open_findings": open_findings, "episodes": episodes,
                "keep_runs": self.keep_runs, "keep_days": self.keep_days}

    def set_latest(self, run_dir: Path) -> None:
        latest = self.root / "latest"
        tmp = self.root / f".latest-{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(run_dir.name)
        os.replace(tmp, latest)  # atomic: readers never see a missing link


def _key(entry: dict[str, Any]) -> str:
    return f"{entry['host']}|{entry['control']}"


def _brief(entry: dict[str, Any]) -> dict[str, Any]:
    return {"host": entry["host"], "control": entry["control"], "title": entry["title"],
            "status": entry["status"], "previous_status": entry.get("previous_status"),
            "detail": str(entry.get("detail", ""))[:DETAIL_CHARS]}


def _close(old: dict[str, Any], episode: dict[str, Any], when: str, run_id: str, how: str) -> list[dict[str, Any]]:
    closed = {**episode, "closed": when, "closed_run": run_id, "closed_by": how}
    return [*old.get("episodes", []), closed][-MAX_EPISODES:]


def _run_time(name: str) -> datetime.datetime:
    return datetime.datetime.strptime(name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)


def _run_sort_key(name: str) -> tuple[str, int]:
    stamp, dash, n = name.partition("-")
    return stamp, int(n) if dash else 1


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
