"""Spec file of the switch emulator (see docs/lab.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .families import family_of

PLATFORMS = ("cisco_ios", "aruba_aoscx", "hp_procurve")


@dataclass(frozen=True)
class SwitchSpec:
    name: str
    platform: str
    address: str
    port: int
    state_dir: str
    username: str
    password: str
    enable_secret: str = ""
    test_hooks: bool = False
    ports: int = 24  # access ports; uplinks (4) come on top
    family: str = ""  # families.py; empty = the platform's default family

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SwitchSpec:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        spec = cls(**known)
        if spec.platform not in PLATFORMS:
            raise ValueError(f"switch {spec.name}: unknown platform {spec.platform!r} (known: {PLATFORMS})")
        family_of(spec.platform, spec.family or None)  # ValueError naming the known families
        if not 8 <= spec.ports <= 48:
            raise ValueError(f"switch {spec.name}: ports must be 8-48")
        return spec

    def __repr__(self) -> str:  # secrets never reach logs
        return (f"SwitchSpec(name={self.name!r}, platform={self.platform!r}, family={self.family!r}, "
                f"address={self.address!r}, port={self.port})")


@dataclass(frozen=True)
class ControlSpec:
    address: str = "127.0.0.1"
    port: int = 18080


@dataclass(frozen=True)
class LabSpec:
    switches: tuple[SwitchSpec, ...]
    control: ControlSpec | None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabSpec:
        switches = tuple(SwitchSpec.from_dict(s) for s in data.get("switches", []))
        names = [s.name for s in switches]
        if len(set(names)) != len(names):
            raise ValueError("switch names must be unique")
        control = ControlSpec(**data["control"]) if data.get("control") else None
        return cls(switches, control)

    @classmethod
    def load(cls, path: str | Path) -> LabSpec:
        return cls.from_dict(json.loads(Path(path).read_text()))
