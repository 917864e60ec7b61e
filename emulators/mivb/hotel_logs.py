"""The PMS hotel occupancy logs a controller keeps (model layer; LOG-05 purges them).

Read and purged through the maintenance shell (`maintenance.py`); the test hook
`POST /_emulator/hotel_logs` adds some.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import iso

if TYPE_CHECKING:
    from .controller import Controller


def factory_hotel_logs(now: float) -> list[dict[str, Any]]:
    """Synthetic occupancy logs (the kind of personal data LOG-05 wants purged)."""
    events = ("CHECK IN", "CHECK OUT", "ROOM STATUS", "MESSAGE WAITING")
    return [
        {
            "id": i + 1,
            "time": iso(now - (24 - i) * 3600),
            "room": str(101 + i % 12),
            "event": events[i % len(events)],
            "guest": f"GUEST {i + 1:02d}",
        }
        for i in range(24)
    ]


def add_hotel_logs(ctrl: Controller, count: int) -> list[dict[str, Any]]:
    logs = hotel_logs(ctrl)
    next_id = max((e["id"] for e in logs), default=0) + 1
    now = ctrl.clock.now()
    for i in range(count):
        logs.append(
            {
                "id": next_id + i,
                "time": iso(now),
                "room": str(201 + i % 20),
                "event": "CHECK IN",
                "guest": f"GUEST {next_id + i:02d}",
            }
        )
    ctrl.save()
    return logs


def hotel_logs(ctrl: Controller) -> list[dict[str, Any]]:
    if "hotel_logs" not in ctrl.state:
        ctrl.state["hotel_logs"] = factory_hotel_logs(ctrl.clock.now())
    return ctrl.state["hotel_logs"]
