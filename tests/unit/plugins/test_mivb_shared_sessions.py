"""SharedSessions: a session several steps share is opened at most once per run, also when it
was prefetched in the background right after the HTTPS login (the maintenance SSH login
overlapping the HTTPS steps), and a failed opener is never called again (lock-out safety)."""

from __future__ import annotations

import threading

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import SharedSessions


class Session:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class Opener:
    """Counts its calls; blocks until released, so a test sees whether a caller waited."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.release = threading.Event()
        self.error = error
        self.threads: list[str] = []
        self.sessions: list[Session] = []

    def __call__(self) -> Session:
        self.calls += 1
        self.threads.append(threading.current_thread().name)
        assert self.release.wait(10)
        if self.error:
            raise self.error
        self.sessions.append(Session())
        return self.sessions[-1]


def test_prefetch_returns_at_once_and_get_waits_for_the_same_single_session():
    shared, opener = SharedSessions(), Opener()
    shared.prefetch("ssh", opener)  # must not block although the opener does
    shared.prefetch("ssh", opener)  # a second prefetch of the same key starts nothing
    assert not opener.release.is_set()
    opener.release.set()
    first = shared.get("ssh", opener)
    assert shared.get("ssh", opener) is first
    assert opener.calls == 1
    assert opener.threads == ["voicesec-ssh"]  # opened in the background thread, not by get()
    shared.close()
    assert first.closed


def test_a_failed_prefetch_is_raised_by_every_get_and_never_retried():
    shared = SharedSessions()
    opener = Opener(error=RuntimeError("login refused"))
    opener.release.set()
    shared.prefetch("ssh", opener)
    for _attempt in range(3):
        with pytest.raises(RuntimeError, match="login refused"):
            shared.get("ssh", opener)
    shared.prefetch("ssh", opener)  # a known failure is not prefetched again either
    assert opener.calls == 1


def test_close_waits_for_a_pending_prefetch_and_closes_what_it_opened():
    shared, opener = SharedSessions(), Opener()
    shared.prefetch("ssh", opener)
    threading.Timer(0.05, opener.release.set).start()
    shared.close()  # the plan ended before any step used the session: it is still closed
    assert opener.calls == 1 and opener.sessions[0].closed


def test_without_prefetch_get_opens_in_the_callers_thread():
    shared, opener = SharedSessions(), Opener()
    opener.release.set()
    shared.get("ssh", opener)
    assert opener.threads == [threading.current_thread().name]
