"""The spec of one emulated controller, as in `docs/lab.md`."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# Controller platforms (MiVB 9.4). Security Guidelines, "MiVoice Business 3300 ICP WAN Port
# Settings": "applicable only to ... AX Controller, CX-II and CXi-II Controllers, MxIII Base and
# MxIII Expanded Controllers"; only these show the WAN Settings, PPTP and Port Forward Table forms.
WAN_MODELS = ("3300 ICP AX", "3300 ICP CX-II", "3300 ICP CXi-II", "3300 ICP MxIII", "3300 ICP MxIII Expanded")
MODELS = (*WAN_MODELS, "EX Controller", "SMB Controller", "Virtual (vMiVB)", "Industry Standard Server")


@dataclass
class ControllerSpec:
    """One controller. Port 0 = any free port; `None` for a TLS port = no listener."""

    name: str
    address: str
    state_dir: str
    https_port: int = 443
    sip_tls_port: int | None = 5061
    ip_sets_tls_port: int | None = 6901
    test_hooks: bool = False
    maintenance_ssh_port: int | None = None  # MSL/MTCE shell and SFTP over SSH (LOG-05, MSL-01/02, ACC-04)
    ftp_port: int | None = None  # plain-FTP control port (ACC-04: refuses service unless the hook turns it on)
    # Controller-to-controller TLS (serves the Device Certificate, CERT-03). The number is the
    # emulator's choice: the real one is in the MiVB Engineering Guidelines, not in the seed.
    c2c_tls_port: int | None = None
    model: str = "Virtual (vMiVB)"

    @classmethod
    def from_dict(cls, data: dict[str, Any], base_dir: Path | None = None) -> ControllerSpec:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            # Other tools may keep their own keys in the lab spec: say so, do not fail.
            print(f"mivb: {data.get('name')}: ignoring unknown spec keys {sorted(unknown)}", file=sys.stderr)
        missing = {"name", "address", "state_dir"} - set(data)
        if missing:
            raise ValueError(f"controller spec: missing keys {sorted(missing)}")
        spec = cls(**{k: v for k, v in data.items() if k in known})
        if spec.model not in MODELS:
            raise ValueError(f"controller spec {spec.name}: model {spec.model!r} is not one of {', '.join(MODELS)}")
        if base_dir is not None and not Path(spec.state_dir).is_absolute():
            spec.state_dir = str(base_dir / spec.state_dir)
        return spec


    @property
    def has_wan_port(self) -> bool:
        return self.model in WAN_MODELS


def load_spec_file(path: str | Path, base_dir: Path | None = None) -> list[ControllerSpec]:
    """Read `{"controllers": [...]}`; relative state dirs resolve against `base_dir` (default: cwd)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [ControllerSpec.from_dict(item, base_dir) for item in data["controllers"]]
