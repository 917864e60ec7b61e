"""The platform dialects by name, and a device built with its dialect.

The one place that knows every dialect: the device model below takes its dialect as an
argument, the server above asks here (tests/unit/emulators/test_switch_layers.py).
"""

from __future__ import annotations

from .aoscx import ArubaAOSCX
from .device import Device
from .dialect import Dialect
from .ios import CiscoIOS
from .procurve import ArubaOSSwitch
from .spec import SwitchSpec

DIALECTS: dict[str, type[Dialect]] = {"cisco_ios": CiscoIOS, "aruba_aoscx": ArubaAOSCX, "hp_procurve": ArubaOSSwitch}

_SHARED: dict[tuple[str, str], Dialect] = {}


def shared_dialect(platform: str, family: str | None = None) -> Dialect:
    """Grammar tables are immutable after compilation: one instance per platform family is enough."""
    key = (platform, family or "")
    if key not in _SHARED:
        _SHARED[key] = DIALECTS[platform](family)
    return _SHARED[key]


def new_device(spec: SwitchSpec) -> Device:
    return Device(spec, shared_dialect(spec.platform, spec.family or None))
