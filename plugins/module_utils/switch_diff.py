"""Scoped running-vs-intended comparison on top of hier_config.

switch_config owns only some sections of a switch configuration. Everything here works
on *scoped* copies: the owned sections of the running config and of the intended config,
with the child lines a toggled-off control would own taken out of both, so hier_config's
remediation can never remove a line the collection does not own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import (
    SwitchPlatform,
    classify_child,
    hier_platform,
)

try:
    from hier_config import HConfig, WorkflowRemediation, get_hconfig
except ImportError as _import_exc:  # reported by the action plugins (requirements_error)
    HConfig = WorkflowRemediation = get_hconfig = None  # type: ignore[assignment,misc]
    HIER_CONFIG_IMPORT_ERROR: ImportError | None = _import_exc
else:
    HIER_CONFIG_IMPORT_ERROR = None

MASK = "********"
# `key`, `password`, `secret` and all that follows them on the line (type digits, the
# value, trailing options) are hidden: a hash is as sensitive as the plain value here.
_SECRET_RE = re.compile(r"(?<![\w-])(key|password|secret)(?![\w-])(?!\s+chain\b)\s+\S.*$", re.IGNORECASE)
_NOT_SECRET = re.compile(r"^\s*(no\s+)?crypto key\b", re.IGNORECASE)


def mask_line(line: str) -> str:
    if _NOT_SECRET.match(line):
        return line
    return _SECRET_RE.sub(lambda m: f"{m.group(1)} {MASK}", line)


def mask_text(text: str) -> str:
    return "\n".join(mask_line(line) for line in text.splitlines())


def has_secret(line: str) -> bool:
    return mask_line(line) != line


@dataclass
class Scope:
    """What switch_config owns (see switch_intent.managed_scope)."""

    sections: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    ignore_children: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Scope:
        data = data or {}
        sections = data.get("sections") or {}
        if isinstance(sections, list):
            sections = dict.fromkeys(sections, "")
        lines = data.get("lines") or {}
        if isinstance(lines, list):
            lines = dict.fromkeys(lines, "")
        return cls(
            sections={str(k): str(v or "") for k, v in sections.items()},
            lines={str(k): str(v or "") for k, v in lines.items()},
            ignore_children=[str(p) for p in data.get("ignore_children") or []],
            controls=[str(c) for c in data.get("controls") or []],
        )


def parse(platform: SwitchPlatform, text: str) -> HConfig:
    return get_hconfig(hier_platform(platform), text)


def _owns(scope: Scope, text: str, intended_tops: set[str]) -> bool:
    # Secret-bearing lines (AOS-CX `radius-server host X key ...`) are matched masked: the
    # device shows the key hashed, the intent has it in clear.
    return (text in scope.sections or text in intended_tops or mask_line(text) in intended_tops
            or any(text.startswith(p) for p in scope.lines))


def _prune(node: HConfig, patterns: list[str]) -> None:
    for child in tuple(node.all_children()):
        if child.depth() > 1 and any(re.search(p, child.text) for p in patterns):
            child.delete()


def scoped(config: HConfig, scope: Scope, intended_tops: Iterable[str]) -> HConfig:
    """A copy of `config` holding only the owned top-level sections/lines."""
    tops = set(intended_tops) | {mask_line(t) for t in intended_tops}
    out = HConfig(config.driver)
    for child in config.children:
        if _owns(scope, child.text, tops):
            out.add_deep_copy_of(child)
    _prune(out, scope.ignore_children)
    return out


def keep_device_secrets(running: HConfig, intended: HConfig) -> None:
    """Where the device holds a secret line for the same setting, keep its form.

    Devices show keys hashed (`key 7 ...`, `key ciphertext ...`), so an intended
    `key <plain>` never equals the running line. Without this every run would re-push
    every RADIUS key; with it a key is pushed when the line is missing, and rotated
    only with update_secrets=true.
    """
    _keep_secrets(running, intended)


def _keep_secrets(running: Any, intended: Any) -> None:
    by_mask = {mask_line(c.text): c.text for c in running.children if has_secret(c.text)}
    for child in tuple(intended.children):
        if has_secret(child.text):
            running_text = by_mask.get(mask_line(child.text))
            if running_text is not None and running_text != child.text:
                child.text = running_text
        else:
            twin = running.get_child(equals=child.text)
            if twin is not None and child.children:
                _keep_secrets(twin, child)


@dataclass
class Plan:
    """One comparison: scoped before, intended, remediation and the predicted after."""

    platform: SwitchPlatform
    before: HConfig
    intended: HConfig
    remediation: HConfig
    # The whole device config as parsed for this plan: facts reuse it instead of parsing again.
    running: HConfig | None = None

    @property
    def commands(self) -> list[str]:
        return [c.cisco_style_text() for c in self.remediation.all_children_sorted()]

    def push_lines(self) -> list[str]:
        """Commands as sent: with `exit` when leaving a nested context where the CLI needs it."""
        if not self.platform.exit_nested:
            return [line.strip() for line in self.commands]
        out: list[str] = []
        depth = 1
        for child in self.remediation.all_children_sorted():
            while depth > child.depth():
                out.append("exit")
                depth -= 1
            out.append(child.text)
            depth = child.depth() + (1 if child.children else 0)
        while depth > 1:
            out.append("exit")
            depth -= 1
        return out

    def predicted_after(self) -> HConfig:
        return self.before.future(self.remediation)


def plan(platform: SwitchPlatform, running_text: str, intended_text: str, scope: Scope,
         update_secrets: bool = False) -> Plan:
    running = parse(platform, running_text)
    intended_full = parse(platform, intended_text)
    tops = [c.text for c in intended_full.children]
    before = scoped(running, scope, tops)
    intended = scoped(intended_full, scope, tops)
    if not update_secrets:
        keep_device_secrets(before, intended)
    remediation = WorkflowRemediation(before, intended).remediation_config
    return Plan(platform, before, intended, remediation, running=running)


def rollback_plan(platform: SwitchPlatform, current_text: str, before: HConfig, intended: HConfig,
                  scope: Scope) -> Plan:
    """From whatever the device holds now back to the scoped `before` (hier_config rollback).

    Sections the failed push may have created are owned too, so they go away again.
    """
    tops = [c.text for c in before.children] + [c.text for c in intended.children]
    current = scoped(parse(platform, current_text), scope, tops)
    remediation = WorkflowRemediation(current, before).remediation_config
    return Plan(platform, current, before, remediation)


def render(config: HConfig) -> list[str]:
    return [c.cisco_style_text() for c in config.all_children_sorted()]


def unified_diff(before: HConfig, after: HConfig, label: str = "running") -> str:
    lines = difflib.unified_diff(
        [mask_line(x) for x in render(before)],
        [mask_line(x) for x in render(after)],
        fromfile=f"{label} (before)",
        tofile=f"{label} (after)",
        lineterm="",
    )
    return "\n".join(lines)


def _control_of(platform: SwitchPlatform, scope: Scope, lineage: list[str]) -> list[str]:
    top = lineage[0].removeprefix("no ")
    section_control = scope.sections.get(top)
    if section_control is None:
        section_control = next((c for p, c in scope.lines.items() if p and top.startswith(p)), None)
    if section_control is None:
        section_control = classify_child(platform, top, top=True) or ""
    control = section_control
    if len(lineage) > 1:
        if top.startswith("interface "):
            control = classify_child(platform, lineage[1]) or section_control
        elif section_control == "LOG-03 LOG-04":
            leaf = lineage[-1]
            if re.search(r"\beq 1752\b", leaf):
                control = "LOG-03"
            elif re.search(r"\beq 1753\b", leaf):
                control = "LOG-04"
    ids = control.split() or ["LAN-01"]
    return [c for c in ids if not scope.controls or c in scope.controls] or ids


def commands_by_control(plan_: Plan, scope: Scope) -> dict[str, list[str]]:
    """Remediation lines per control, each with its parent lines, masked."""
    out: dict[str, list[str]] = {}
    emitted: dict[str, set[tuple[str, ...]]] = {}
    for child in plan_.remediation.all_children_sorted():
        if child.children:
            continue  # parents are emitted with their leaves
        lineage = [c.text for c in child.lineage()]
        for control in _control_of(plan_.platform, scope, lineage):
            lines = out.setdefault(control, [])
            seen = emitted.setdefault(control, set())
            for depth in range(1, len(lineage) + 1):
                key = tuple(lineage[:depth])
                if key not in seen:
                    seen.add(key)
                    lines.append(" " * (depth - 1) + mask_line(lineage[depth - 1]))
    return out


def _leaf_count(lines: list[str]) -> int:
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    return sum(1 for i, line in enumerate(lines) if i + 1 == len(lines) or indent(lines[i + 1]) <= indent(line))


def control_results(plan_: Plan, scope: Scope, check_mode: bool, pushed: bool) -> dict[str, dict[str, Any]]:
    per_control = commands_by_control(plan_, scope)
    results: dict[str, dict[str, Any]] = {}
    for control in scope.controls or sorted(per_control):
        commands = per_control.get(control, [])
        if not commands:
            results[control] = {"status": "compliant", "commands": [], "detail": "matches intent"}
            continue
        count = _leaf_count(commands)
        if check_mode or not pushed:
            detail = f"{count} line(s) differ from intent; check mode: nothing pushed"
        else:
            detail = f"{count} line(s) differed from intent; pushed and saved"
        results[control] = {"status": "drift", "commands": commands, "remediated": pushed and not check_mode,
                            "detail": detail}
    return results
