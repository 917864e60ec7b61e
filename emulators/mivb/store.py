"""On-disk state of one controller: `state.json`, PEM files, `audit.jsonl` and the audit
archive (`audit_archive/`) in its state dir.

Every write goes to a temporary file in the same directory and is renamed over the old one,
so a crash never leaves a half-written file. An empty directory means factory state.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

STATE_FILE = "state.json"
AUDIT_FILE = "audit.jsonl"
# Audit entries older than the live window (Audit Trails Logs form: "Older entries are archived
# in xml files that can be exported for off board viewing"). The emulator keeps each archive
# file as JSON lines named after the entry ids it holds: audit-<first>-<last>.jsonl.
ARCHIVE_DIR = "audit_archive"
_ARCHIVE_NAME = re.compile(r"^audit-(\d{10})-(\d{10})\.jsonl$")

class StateStore:
    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self.dir = Path(state_dir)
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.dir / name

    def _write(self, name: str, data: str, private: bool = False) -> None:
        target = self.dir / name
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            if private:
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load_state(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.path(STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save_state(self, state: dict[str, Any]) -> None:
        self._write(STATE_FILE, json.dumps(state, indent=1, sort_keys=True))

    def read_pem(self, name: str) -> str:
        try:
            return self.path(name).read_text(encoding="ascii")
        except FileNotFoundError:
            return ""

    def write_pem(self, name: str, text: str) -> None:
        if text:
            self._write(name, text, private="key" in name)  # every *key* PEM file is private (0600)
        else:
            self.path(name).unlink(missing_ok=True)

    def load_audit(self) -> list[dict[str, Any]]:
        try:
            lines = self.path(AUDIT_FILE).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue  # a torn last line after a crash
        return out

    def append_audit(self, entry: dict[str, Any]) -> None:
        with self.path(AUDIT_FILE).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, sort_keys=True) + "\n")

    def rewrite_audit(self, entries: list[dict[str, Any]]) -> None:
        self._write(AUDIT_FILE, "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))

    # -- audit archive ---------------------------------------------------------------------
    def archives(self) -> list[tuple[int, int, str]]:
        """(first id, last id, file name) of every archive file, oldest first."""
        folder = self.path(ARCHIVE_DIR)
        if not folder.is_dir():
            return []
        found = []
        for child in folder.iterdir():
            match = _ARCHIVE_NAME.match(child.name)
            if match:
                found.append((int(match.group(1)), int(match.group(2)), child.name))
        return sorted(found)

    def write_archive(self, entries: list[dict[str, Any]]) -> None:
        """One archive file for `entries` (ascending ids); atomic, so a crash leaves none or all."""
        if not entries:
            return
        self.path(ARCHIVE_DIR).mkdir(exist_ok=True)
        name = f"{ARCHIVE_DIR}/audit-{entries[0]['id']:010d}-{entries[-1]['id']:010d}.jsonl"
        self._write(name, "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))

    def read_archive(self, name: str) -> list[dict[str, Any]]:
        text = self.path(ARCHIVE_DIR).joinpath(name).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
