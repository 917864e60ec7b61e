"""Test hooks under /_emulator/ (routed only when the spec enables test_hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import iso
from .errors import invalid
from .faults import Fault, Stats
from .hotel_logs import add_hotel_logs as add
from .platform import change_platform
from .request import Request, body_dict

if TYPE_CHECKING:
    from .controller import Controller


def add_fault(ctrl: Controller, req: Request) -> tuple[int, Any]:
    body = body_dict(req, {"status", "method", "path_prefix", "count", "delay_seconds", "when"})
    status = body.get("status", 500)
    if status is not None and (not isinstance(status, int) or not (status == 0 or 400 <= status <= 599)):
        raise invalid("status", "status: 400-599, 0 (drop the connection) or null (delay only)")
    count = body.get("count", 1)
    if count is not None and (not isinstance(count, int) or count < 1):
        raise invalid("count", "count: a positive integer or null (until cleared)")
    delay = body.get("delay_seconds", 0)
    if not isinstance(delay, int | float) or not 0 <= delay <= 120:
        raise invalid("delay_seconds", "delay_seconds: 0-120")
    when = body.get("when", "before")
    if when not in ("before", "after"):
        raise invalid(
            "when",
            "when: before (request not processed) or after (processed, answer lost)",
            ["before", "after"],
        )
    method = body.get("method")
    fault = Fault(status, method.upper() if method else None, body.get("path_prefix", "/"), count, delay, when)
    ctrl.faults.append(fault)
    return 200, {"faults": [vars(f) for f in ctrl.faults]}


def clear_faults(ctrl: Controller, req: Request) -> tuple[int, Any]:
    ctrl.faults.clear()
    return 200, {"faults": []}


def get_clock(ctrl: Controller, req: Request) -> tuple[int, Any]:
    return 200, {"now": iso(ctrl.clock.now()), "offset_seconds": ctrl.clock.offset}


def advance_clock(ctrl: Controller, req: Request) -> tuple[int, Any]:
    body = body_dict(req, {"advance_seconds"}, {"advance_seconds"})
    seconds = body["advance_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise invalid("advance_seconds", "advance_seconds must be a number >= 0 (the clock never goes back)")
    ctrl.clock.advance(seconds)
    return get_clock(ctrl, req)


def get_stats(ctrl: Controller, req: Request) -> tuple[int, Any]:
    return 200, ctrl.stats.as_dict()


def reset_stats(ctrl: Controller, req: Request) -> tuple[int, Any]:
    ctrl.stats = Stats()
    return 200, ctrl.stats.as_dict()


def add_hotel_logs(ctrl: Controller, req: Request) -> tuple[int, Any]:
    body = body_dict(req, {"count"}, {"count"})
    count = body["count"]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        raise invalid("count", "count: 1-1000", {"min": 1, "max": 1000})
    return 200, {"hotel_logs": len(add(ctrl, count))}


def add_audit_entries(ctrl: Controller, req: Request) -> tuple[int, Any]:
    """Synthetic provisioning entries, as a busy controller writes them (tests of the archive)."""
    body = body_dict(req, {"count"}, {"count"})
    count = body["count"]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 20000:
        raise invalid("count", "count: 1-20000", {"min": 1, "max": 20000})
    first = ctrl.state["audit_next_id"]
    entries = [
        {
            "id": first + n,
            "time": iso(ctrl.clock.now()),
            "severity": "Info",
            "user": "provisioning",
            "source_ip": "",
            "interface": "Group Administration Tool",
            "category": "Configuration Change",
            "action": "Modify",
            "form": None,
            "changes": [],
            "message": f"synthetic provisioning change {n + 1} of {count}",
        }
        for n in range(count)
    ]
    ctrl.state["audit_next_id"] = first + count
    ctrl.append_audit(entries)
    ctrl.save()
    return 200, {"newest_id": ctrl.state["audit_next_id"] - 1}
def set_platform(ctrl: Controller, req: Request) -> tuple[int, Any]:
    body = body_dict(req, {"add_packages", "add_processes", "mivb_version", "msl_version", "plain_ftp"})
    host = change_platform(ctrl, body)
    return 200, {"packages": list(host["packages"]), "processes": list(host["processes"]),
                 "plain_ftp": host["plain_ftp"]}
