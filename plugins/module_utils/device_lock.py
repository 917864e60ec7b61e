# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run at a time per managed device: an advisory lock file per device (fcntl.flock).

Two playbook runs against the same switch or controller (a cron job and an operator, two
AWX jobs) would otherwise both read the same "before", both push, and each one's verify or
rollback would fight the other's changes. Every writer takes the device's lock for the
whole read-plan-push-verify(-rollback) cycle:

    with device_lock.hold("switch", "10.0.0.5:22", wait=0) as lock:
        ...  # only this process talks config to 10.0.0.5:22 now

- The lock is keyed by what is actually connected to (address and port), not by the
  inventory name: two inventory names for one device share one lock.
- `shared=True` takes a shared lock (read-only audits/check mode: any number at once, but
  never while a writer holds the device); writers take it exclusively.
- `wait` seconds: 0 fails at once, N polls up to N seconds. Then DeviceBusy says who holds
  it (pid, host, since, what for), read from the lock file.
- flock locks die with the process, so a crashed run never leaves a stale lock; the file
  stays (it is tiny and reused).
- Lock directory: the `directory` argument, else $VOICESEC_LOCK_DIR, else
  <tempdir>/voicesec-locks-<uid>. Processes on one control node share it; runs from two
  control nodes against the same device are not covered (use one AWX instance or one cron
  host per device group).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ENV_DIR = "VOICESEC_LOCK_DIR"
_POLL = 0.2


class DeviceBusy(Exception):
    """Another run holds the device's lock; `holder` is what that run wrote (may be empty)."""

    kind = "busy"  # the `error_kind` the action plugins return

    def __init__(self, message: str, holder: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}


def lock_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    if directory:
        return Path(os.path.expanduser(str(directory)))
    if os.environ.get(ENV_DIR):
        return Path(os.path.expanduser(os.environ[ENV_DIR]))
    return Path(tempfile.gettempdir()) / f"voicesec-locks-{os.getuid()}"


def lock_path(kind: str, device: str, directory: str | os.PathLike[str] | None = None) -> Path:
    """`kind` (switch, controller) plus the device address make one file name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{kind}-{device}").strip("_")
    return lock_dir(directory) / f"{safe}.lock"


def _holder(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


def _busy_message(kind: str, device: str, holder: dict[str, Any], waited: float) -> str:
    who = ""
    if holder:
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(holder.get("since", 0)))
        who = (f" (held by pid {holder.get('pid')} on {holder.get('host')} since {since}"
               f"{', ' + str(holder['purpose']) if holder.get('purpose') else ''})")
    waited_text = f" after waiting {waited:g} s" if waited else ""
    return (f"{kind} {device} is locked by another run{who}{waited_text}: nothing was read or changed; "
            "run again when that run has finished")


@contextmanager
def hold(kind: str, device: str, *, wait: float = 0, shared: bool = False, purpose: str = "",
         directory: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """Hold the device's lock for the `with` block; raise DeviceBusy if it cannot be had."""
    path = lock_path(kind, device, directory)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + max(0.0, float(wait))
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    raise DeviceBusy(_busy_message(kind, device, holder, float(wait)), holder) from None
                time.sleep(_POLL)
        if not shared:
            record = {"pid": os.getpid(), "host": socket.gethostname(), "since": round(time.time(), 3),
                      "purpose": purpose}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock


# ---- credentials a device rejected in this run ---------------------------------------------
# Made once when this module is first imported: in ansible-playbook that is the parent
# process (the action plugins are loaded there), so every forked worker of one run shares
# it and no other run can recompute it.
RUN_KEY = os.urandom(32)
_MAX_AGE = 86400.0


class RejectedLogins:
    """Which credentials a device has refused in this run, so they are never tried twice.

    A switch or controller with a lockout policy (IOS `login block-for`, AOS-CX
    `limit-login-attempts`, the MiVB account lock) counts every failed login; a run that
    tries a rejected password again, task after task, locks the account. The memo is one
    file per run and device in the lock directory holding an HMAC (keyed by RUN_KEY) of
    user and password: neither can be read back from it, and it means nothing to another
    run. Files older than a day are removed.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, run_key: bytes = RUN_KEY) -> None:
        self.directory = lock_dir(directory)
        self._key = run_key
        self._run = hmac.new(run_key, b"run-id", hashlib.sha256).hexdigest()[:16]

    def _path(self, kind: str, device: str) -> Path:
        return lock_path(f"rejected-{self._run}-{kind}", device, self.directory)

    def _mark(self, user: str, secret: str) -> str:
        return hmac.new(self._key, f"{user}\0{secret}".encode(), hashlib.sha256).hexdigest()

    def seen(self, kind: str, device: str, user: str, secret: str) -> bool:
        try:
            marks = self._path(kind, device).read_text().split()
        except OSError:
            return False
        return self._mark(user, secret) in marks

    def remember(self, kind: str, device: str, user: str, secret: str) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self._path(kind, device), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (self._mark(user, secret) + "\n").encode())
        finally:
            os.close(fd)
        now = time.time()
        for old in self.directory.glob("rejected-*.lock"):
            try:
                if now - old.stat().st_mtime > _MAX_AGE:
                    old.unlink()
            except OSError:
                pass
