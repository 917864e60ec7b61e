# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""WAN-01/02/03: the 3300 ICP WAN port's SAT forms (WAN Settings, PPTP, Port Forward Table).

Security Guidelines 9.4, "MiVoice Business 3300 ICP WAN Port Settings": "applicable only to
the following platforms: AX Controller, CX-II and CXi-II Controllers, MxIII Base and MxIII
Expanded Controllers". The model comes from the inventory (mivb_controller_model); on any
other model the three controls are reported not_applicable with that reason and nothing is
read. Each form is its own step (one read, at most one write, verified by a fresh read).

- WAN Settings: "The default setting for WAN Access is 'Enabled'"; "If the WAN interface is
  not going to be used, then the interface should be set to 'Disabled'."
- PPTP: "The default setting for PPTP is disabled and the default password setting is blank.
  If the administrator decides to enable PPTP access, then a strong password should be used."
- Port Forward Table: "can contain up to 40 entries. Each entry consists of a protocol (TCP
  or UDP) and port number combination on the Internet Gateway (WAN interface) as well as an IP
  address and port number combination on the internal network." The inventory is the truth.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import Field, FormBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import ControlDef, StepDef
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import (
    check_choice,
    check_int_range,
    strong_password_problem,
)

MODEL_VAR = "mivb_controller_model"
WAN_MODELS = ("3300 ICP AX", "3300 ICP CX-II", "3300 ICP CXi-II", "3300 ICP MxIII", "3300 ICP MxIII Expanded")
# Every model the role accepts (roles/mivb_hardening/meta/argument_specs.yml lists the same).
MODELS = (*WAN_MODELS, "EX Controller", "SMB Controller", "Virtual (vMiVB)", "Industry Standard Server")
PORT_FORWARD_MAX = 40
PROTOCOLS = ("TCP", "UDP")
ENTRY_KEYS = ("protocol", "external_port", "internal_ip_address", "internal_port")


def not_applicable(values: Mapping[str, Any]) -> str | None:
    """The reason the WAN controls do not apply, or None (also when the model is not set:
    the control's required variable then names what is missing)."""
    model = values.get(MODEL_VAR)
    if model in (None, "") or model in WAN_MODELS:
        return None
    return (f"{MODEL_VAR} is {model}: the guideline's WAN Port Settings apply only to the 3300 ICP AX, "
            "CX-II/CXi-II and MxIII controllers, which have a WAN port")


class WanSettingsBackend(FormBackend):
    form = "wan_settings"
    fields = (Field("wan_access", "WAN-01"),)

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        used = params.get("wan_used")
        super().__init__(transport, {"wan_access": None if used is None else ("Enabled" if used else "Disabled")})


class PptpBackend(FormBackend):
    form = "pptp"
    fields = (Field("pptp_access", "WAN-02"), Field("pptp_password", "WAN-02", "secret"))

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        enabled = params.get("pptp_enabled")
        want: dict[str, Any] = {"pptp_access": None if enabled is None else ("Enabled" if enabled else "Disabled")}
        if enabled:
            password = params.get("pptp_password")
            if not password:
                raise InputError("pptp_password: PPTP remote access is enabled (mivb_hardening_pptp_enabled) and "
                                 "needs a strong password from the vault; nothing was changed", field="pptp_password",
                                 allowed="15-20 characters, at least 2 each of upper, lower, digit, special")
            problem = strong_password_problem(str(password))
            if problem:
                raise InputError(f"pptp_password: not a strong password ({problem}); nothing was changed",
                                 field="pptp_password",
                                 allowed="15-20 characters, at least 2 each of upper, lower, digit, special")
            want["pptp_password"] = str(password)
        super().__init__(transport, want)


def _entry(i: int, entry: Any) -> dict[str, Any]:
    where = f"port_forwards[{i}]"
    if not isinstance(entry, Mapping) or set(entry) - set(ENTRY_KEYS) or not all(entry.get(k) for k in ENTRY_KEYS):
        raise InputError(f"{where}: an entry needs exactly {', '.join(ENTRY_KEYS)}; nothing was changed",
                         field="port_forwards", allowed=list(ENTRY_KEYS))
    try:
        address = str(ipaddress.IPv4Address(str(entry["internal_ip_address"])))
    except ValueError:
        raise InputError(f"{where}.internal_ip_address: '{entry['internal_ip_address']}' is not an IPv4 address; "
                         "nothing was changed", field="port_forwards", allowed="IPv4 address") from None
    return {
        "protocol": check_choice(f"{where}.protocol", str(entry["protocol"]).upper(), PROTOCOLS),
        "external_port": check_int_range(f"{where}.external_port", entry["external_port"], 1, 65535),
        "internal_ip_address": address,
        "internal_port": check_int_range(f"{where}.internal_port", entry["internal_port"], 1, 65535),
    }


def canonical(entries: Any) -> list[dict[str, Any]]:
    """The table in one order (the controller keeps its own), so equal tables compare equal."""
    return sorted((dict(e) for e in entries or []), key=lambda e: (e["protocol"], e["external_port"]))


class PortForwardBackend(FormBackend):
    form = "port_forward_table"
    fields = (Field("entries", "WAN-03"),)

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        wanted = params.get("port_forwards")
        if wanted is not None:
            if len(wanted) > PORT_FORWARD_MAX:
                raise InputError(f"port_forwards: {len(wanted)} entries; the Port Forward Table holds at most "
                                 f"{PORT_FORWARD_MAX}; nothing was changed", field="port_forwards",
                                 allowed=f"0-{PORT_FORWARD_MAX} entries")
            try:
                entries = [_entry(i, e) for i, e in enumerate(wanted)]
            except InputError as exc:  # name the role variable, not the entry's sub-field
                raise InputError(exc.message, field="port_forwards", allowed=exc.allowed) from None
            seen: set[tuple[str, int]] = set()
            for e in entries:
                key = (e["protocol"], e["external_port"])
                if key in seen:
                    raise InputError(f"port_forwards: {key[0]} port {key[1]} is forwarded twice; nothing was changed",
                                     field="port_forwards", allowed="one entry per protocol and WAN port")
                seen.add(key)
            wanted = canonical(entries)
        super().__init__(transport, {"entries": wanted})

    def needs_change(self) -> bool:
        if not self.have:
            self.read()
        self.have = {**self.have, "entries": canonical(self.have.get("entries"))}
        return super().needs_change()


def _step(name: str, control: ControlDef, backend: type[FormBackend]) -> StepDef:
    return StepDef(name=name, controls=(control,), build=lambda plan, params: backend(plan.transport, params),
                   not_applicable=not_applicable)


STEPS: tuple[StepDef, ...] = (
    _step("wan_settings", ControlDef("WAN-01", "wan_settings", {"wan_used": "mivb_hardening_wan_used"},
                                     (MODEL_VAR,)), WanSettingsBackend),
    _step("pptp", ControlDef("WAN-02", "pptp", {"pptp_enabled": "mivb_hardening_pptp_enabled",
                                                "pptp_password": "mivb_pptp_password"}, (MODEL_VAR,)), PptpBackend),
    _step("port_forward_table", ControlDef("WAN-03", "port_forward_table",
                                           {"port_forwards": "mivb_hardening_port_forwards"}, (MODEL_VAR,)),
          PortForwardBackend),
)
