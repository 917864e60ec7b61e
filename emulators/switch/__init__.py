"""Emulated LAN switches (Cisco IOS, Aruba AOS-CX) over SSH, real enough for netmiko.

Public API: start_switches(specs, control=None) -> FleetHandle (see server.py), and the
CLI `python -m emulators.switch serve --spec spec.json` (see docs/lab.md).
"""

from .server import Fleet, FleetHandle, start_switches
from .spec import ControlSpec, LabSpec, SwitchSpec

__all__ = ["ControlSpec", "Fleet", "FleetHandle", "LabSpec", "SwitchSpec", "start_switches"]
