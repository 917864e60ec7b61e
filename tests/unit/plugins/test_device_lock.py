"""device_lock: one writer per device across processes, shared readers, bounded wait,
released when the holder dies; and the per-run memo of rejected logins."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils import device_lock  # noqa: E402

HOLDER = """
import sys, time
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
from ansible_collections.voicesec.mivb.plugins.module_utils import device_lock
with device_lock.hold("switch", "10.0.0.5:22", directory=sys.argv[2], shared=sys.argv[3] == "shared",
                      purpose="holder test"):
    print("held", flush=True)
    time.sleep(float(sys.argv[4]))
"""


def _holder(tmp_path: Path, mode: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ROOT / ".venv" / "collections"), str(tmp_path),
                             mode, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_with_who_holds_it(tmp_path):
    proc = _holder(tmp_path, "exclusive", 30)
    try:
        with pytest.raises(device_lock.DeviceBusy) as err:
            with device_lock.hold("switch", "10.0.0.5:22", directory=tmp_path):
                pass
        assert f"pid {proc.pid}" in str(err.value) and "holder test" in str(err.value)
        assert err.value.kind == "busy"
        # a reader waits for a writer too
        with pytest.raises(device_lock.DeviceBusy), device_lock.hold("switch", "10.0.0.5:22", shared=True,
                                                                     directory=tmp_path):
            pass
        # another device is not affected
        with device_lock.hold("switch", "10.0.0.6:22", directory=tmp_path):
            pass
    finally:
        proc.kill()
        proc.wait()
    # the holder died without releasing: flock went with it
    with device_lock.hold("switch", "10.0.0.5:22", directory=tmp_path):
        pass


def test_readers_share_and_a_bounded_wait_gets_the_lock(tmp_path):
    proc = _holder(tmp_path, "shared", 1.0)
    try:
        with device_lock.hold("switch", "10.0.0.5:22", shared=True, directory=tmp_path):
            pass  # two audits at once are fine
        started = time.monotonic()
        with device_lock.hold("switch", "10.0.0.5:22", wait=20, directory=tmp_path):
            waited = time.monotonic() - started
        assert 0.3 < waited < 20
    finally:
        proc.wait()


def test_rejected_logins_are_per_run_and_do_not_hold_the_password(tmp_path):
    run = device_lock.RejectedLogins(tmp_path, run_key=b"k" * 32)
    assert not run.seen("switch", "10.0.0.5:22", "netops", "Wrong-1")
    run.remember("switch", "10.0.0.5:22", "netops", "Wrong-1")
    assert run.seen("switch", "10.0.0.5:22", "netops", "Wrong-1")
    assert not run.seen("switch", "10.0.0.5:22", "netops", "Right-1")
    assert not run.seen("switch", "10.0.0.6:22", "netops", "Wrong-1")
    assert not device_lock.RejectedLogins(tmp_path, run_key=b"o" * 32).seen("switch", "10.0.0.5:22", "netops",
                                                                            "Wrong-1"), "another run"
    stored = "".join(p.read_text() for p in tmp_path.glob("rejected-*"))
    assert "Wrong-1" not in stored and "netops" not in stored
    assert all(p.stat().st_mode & 0o077 == 0 for p in tmp_path.glob("rejected-*"))
