# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control catalog (meta/controls.yml) and the rules every consumer shares.

One place for: loading the catalog, deriving control IDs from task names, ranking
statuses ("worst wins") and masking secrets before anything is written to a report.
Used on the controller side only (callback plugin, scripts, tests), never shipped to
a managed node, so it may import PyYAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

try:
    import yaml
except ImportError:  # only the controller needs the catalog; module_utils must still import anywhere
    yaml = None

# meta/controls.yml relative to this file: plugins/module_utils/ -> collection root.
CATALOG_PATH = Path(__file__).resolve().parents[2] / "meta" / "controls.yml"

AREAS: dict[str, str] = {
    "certificates/tls": "Controller: certificates and TLS",
    "identity": "Controller: identity, authentication, access",
    "audit": "Controller: audit, SMDR, PMS",
    "lan": "LAN (switches)",
    "wan": "3300 ICP WAN port (AX, CX-II/CXi-II, MxIII only)",
    "endpoints": "Endpoints and encryption",
    "toll_fraud": "Toll fraud",
    "voicemail": "Voicemail",
    "platform": "Platform (Mitel Standard Linux) and process",
    "manual": "Manual controls (the toolkit cannot push these)",
}
APPLIES_TO = ("controller", "switch")
CATALOG_STATUSES = ("implemented", "manual", "planned")
FIELDS = ("id", "title", "area", "applies_to", "guideline_section", "target", "factory", "limits",
          "verify", "status")

# Report statuses, worst first. Only the first three come from evaluation; the rest
# describe why a control was not evaluated: not_evaluated (tags, limit, toggle, or a
# control this run could not reach because an earlier step failed: the detail says which),
# not_applicable (the device has no such feature, e.g. WAN controls on a controller model
# without a WAN port), manual (the toolkit cannot push it), not_implemented (planned).
REPORT_STATUSES = ("error", "drift", "compliant", "not_evaluated", "not_applicable", "manual", "not_implemented")
# Statuses a module may return per control in its `controls` result.
# `manual`: evaluated, but a part only a person can check (a switch key shown encrypted).
MODULE_STATUSES = ("error", "drift", "compliant", "not_evaluated", "not_applicable", "manual")
_RANK = {"error": 4, "drift": 3, "manual": 2, "compliant": 1}

# "TLS-01 | PATCH | ..." or "LOG-03, LOG-04 | AUDIT | ...": one or more IDs, then the kind.
TASK_NAME_RE = re.compile(r"^((?:[A-Z]+-\d+[ ,]*)+) \| (PATCH|AUDIT) \|")
CONTROL_ID_RE = re.compile(r"[A-Z]+-\d+")

# Group names and ansible_network_os values that decide which controls a host gets.
CONTROLLER_GROUPS = frozenset({"mivb_controllers"})
CONTROLLER_NETWORK_OS = frozenset({"voicesec.mivb.mivb", "mivb"})
SWITCH_GROUPS = frozenset({"lan_switches"})
SWITCH_NETWORK_OS = frozenset({"cisco.ios.ios", "arubanetworks.aoscx.aoscx", "ios", "aoscx",
                               "arubanetworks.aos_switch.arubaoss", "arubaoss"})


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    area: str
    applies_to: str
    guideline_section: str
    target: str
    factory: str
    limits: str
    verify: str
    status: str


class CatalogError(ValueError):
    """The catalog file is malformed (missing field, unknown area/status, duplicate ID)."""


def load_catalog(path: str | Path | None = None) -> list[Control]:
    """Read and validate the catalog; order is the file's order."""
    if yaml is None:
        raise CatalogError("reading the control catalog needs PyYAML (pip install pyyaml)")
    data = yaml.safe_load(Path(path or CATALOG_PATH).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("controls"), list):
        raise CatalogError("catalog must be a mapping with a 'controls' list")
    controls: list[Control] = []
    seen: set[str] = set()
    for entry in data["controls"]:
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise CatalogError(f"control {entry.get('id', '?')}: missing {', '.join(missing)}")
        control = Control(**{f: str(entry[f]) for f in FIELDS})
        if not CONTROL_ID_RE.fullmatch(control.id):
            raise CatalogError(f"bad control id {control.id!r}")
        if control.id in seen:
            raise CatalogError(f"duplicate control id {control.id}")
        if control.area not in AREAS:
            raise CatalogError(f"{control.id}: unknown area {control.area!r}")
        if control.applies_to not in APPLIES_TO:
            raise CatalogError(f"{control.id}: applies_to must be one of {APPLIES_TO}")
        if control.status not in CATALOG_STATUSES:
            raise CatalogError(f"{control.id}: status must be one of {CATALOG_STATUSES}")
        seen.add(control.id)
        controls.append(control)
    return controls


def control_ids_from_task_name(name: str | None) -> list[str]:
    """Control IDs a task name carries, or [] if it is not a control task."""
    match = TASK_NAME_RE.match(name or "")
    return CONTROL_ID_RE.findall(match.group(1)) if match else []


def worse(a: str | None, b: str) -> str:
    """The worse of two evaluated statuses (error > drift > manual > compliant)."""
    if a is None:
        return b
    return a if _RANK.get(a, 0) >= _RANK.get(b, 0) else b


def host_roles(groups: set[str], network_os: str | None) -> set[str]:
    """Which catalog `applies_to` values a host takes, from its groups and network OS."""
    roles: set[str] = set()
    if groups & CONTROLLER_GROUPS or network_os in CONTROLLER_NETWORK_OS:
        roles.add("controller")
    if groups & SWITCH_GROUPS or network_os in SWITCH_NETWORK_OS:
        roles.add("switch")
    return roles
