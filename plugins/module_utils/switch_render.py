"""Render templates/switch/<platform>/config.j2 from normalized intent, templates compiled once.

switch_config renders in its action plugin when the role passes `intent` instead of a
pre-rendered `intended`: the Jinja environment (and so every compiled template) is built
once in the parent process at import and inherited by every forked worker, where a
template lookup per host would compile all templates again in each worker.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

try:
    import jinja2
except ImportError as _import_exc:  # reported by the action plugins (requirements_error)
    jinja2 = None  # type: ignore[assignment]
    JINJA2_IMPORT_ERROR: ImportError | None = _import_exc
else:
    JINJA2_IMPORT_ERROR = None

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "switch"


@cache
def environment(platform: str) -> jinja2.Environment:
    # trim_blocks like Ansible's template lookup, so both paths render byte-identical text.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / platform)),
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_config(norm: dict[str, Any]) -> str:
    return environment(norm["platform"]).get_template("config.j2").render(sw=norm)


def render_parked(platform: str, interfaces: list[str], parking_vlan: int) -> str:
    """LAN-06 sections for ports the intent does not name: the same park.j2 lines ports.j2
    renders for a port with role unused."""
    template = environment(platform).get_template("park.j2")
    sw = {"vlan_ids": {"parking": parking_vlan}}
    return "".join(f"interface {name}\n" + template.render(sw=sw, port={"name": name}) for name in interfaces)


def preload(platforms: tuple[str, ...] = ("cisco_ios", "aruba_aoscx", "hp_procurve")) -> None:
    for platform in platforms:
        if (TEMPLATES / platform / "config.j2").is_file():
            env = environment(platform)
            for name in env.list_templates(extensions=["j2"]):
                env.get_template(name)
