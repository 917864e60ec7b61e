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

from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import (
    MASK,
    has_secret,
    mask_config_line,
    secret_state,
)
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
    return get_hconfig(hier_platform(platform), dedupe(text)[0])


def dedupe(text: str) -> tuple[str, set[str]]:
    """Drop repeated sibling lines; also name the top-level sections that had them.

    A switch can hold the same child line twice (an ACE added twice with two sequence
    numbers out of band, where the CLI allows it); hier_config refuses such a tree
    ("Found a duplicate section"). The repeated line is dropped from the view and its
    section is returned, so the plan replaces that section as a whole and the device
    loses the duplicate too.
    """
    out: list[str] = []
    dirty: set[str] = set()
    stack: list[tuple[int, set[str]]] = [(-1, set())]  # (indent, child texts seen)
    top, skip_below = "", None
    for line in text.splitlines():
        body = line.strip()
        if not body or body.startswith("!"):
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        if skip_below is not None and indent > skip_below:
            continue  # below a dropped duplicate
        skip_below = None
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        if indent == 0:
            top = body
        elif body in stack[-1][1]:
            dirty.add(top)
            skip_below = indent
            continue
        stack[-1][1].add(body)
        stack.append((indent, set()))
        out.append(line)
    return "\n".join(out), dirty


def unsequenced_acls(platform: SwitchPlatform, text: str) -> set[str]:
    """ACL headers whose entries the device shows without sequence numbers (IOS).

    For those, positions in `show running-config` say nothing about the device's real
    sequence numbers (an entry added out of band as `25 permit ...` shows between 20 and
    30), so a sequence-numbered delta built from the view can hit the wrong entries.
    Such an ACL is replaced as a whole (`no <header>`, then the header and every entry
    in order) whenever it has to change.
    """
    prefix = platform.acl_header.format(name="")
    found: set[str] = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            child = lines[i + 1] if i + 1 < len(lines) else ""
            if not child.startswith(" ") or not child.strip()[:1].isdigit():
                found.add(line.strip())
    return found


def _owns(scope: Scope, text: str, intended_tops: set[str]) -> bool:
    # Secret-bearing lines (AOS-CX `radius-server host X key ...`) are matched masked: the
    # device shows the key hashed, the intent has it in clear.
    return (text in scope.sections or text in intended_tops or mask_config_line(text) in intended_tops
            or any(text.startswith(p) for p in scope.lines))


def _prune(node: HConfig, patterns: list[str]) -> None:
    for child in tuple(node.all_children()):
        if child.depth() > 1 and any(re.search(p, child.text) for p in patterns):
            child.delete()


def scoped(config: HConfig, scope: Scope, intended_tops: Iterable[str]) -> HConfig:
    """A copy of `config` holding only the owned top-level sections/lines."""
    tops = set(intended_tops) | {mask_config_line(t) for t in intended_tops}
    out = HConfig(config.driver)
    for child in config.children:
        if _owns(scope, child.text, tops):
            out.add_deep_copy_of(child)
    _prune(out, scope.ignore_children)
    return out


def keep_device_secrets(running: HConfig, intended: HConfig, update_secrets: bool = False,
                        hidden_keys: bool = False) -> list[list[str]]:
    """Decide per secret line whether the device already holds the intended secret.

    Devices show keys obfuscated (`key 7 ...`, `key ciphertext ...`), so an intended
    `key <plain>` never equals the running line. For each intended secret line with a
    running twin (same line once masked), secrets.secret_state() decides:

    - "same": the device's form is kept in the intended copy: nothing is pushed;
    - "differs" (IOS type 7 / clear text, read exactly): left as intended: the key is
      drift and is pushed;
    - "unknown" (AOS-CX ciphertext, IOS type 6): kept as the device has it, unless
      update_secrets (rotation) asks to push it anyway.

    hidden_keys: the platform does not show keys at all (ArubaOS-Switch without
    include-credentials shows `radius-server host X`): that line is the twin of the
    intent's `radius-server host X key ...`, its key "unknown".

    Returns the lineages (masked) of secret lines left "unknown" and not pushed: the
    caller reports them as not verifiable, never as compliant.
    """
    unverified: list[list[str]] = []
    _keep_secrets(running, intended, update_secrets, [], unverified, hidden_keys)
    return unverified


def _keep_secrets(running: Any, intended: Any, update_secrets: bool, parents: list[str],
                  unverified: list[list[str]], hidden_keys: bool = False) -> None:
    by_mask = {mask_config_line(c.text): c.text for c in running.children if has_secret(c.text)}
    hidden: set[str] = set()
    if hidden_keys:
        for c in running.children:
            if not c.children and not has_secret(c.text):
                by_mask.setdefault(f"{c.text} key {MASK}", c.text)
                hidden.add(c.text)
    for child in tuple(intended.children):
        if has_secret(child.text):
            running_text = by_mask.get(mask_config_line(child.text))
            if running_text is None or running_text == child.text:
                continue
            if running_text in hidden and update_secrets:
                # Rotation: the keyed line replaces the key-less one on the device; never let
                # hier_config negate the key-less line (that would delete the server).
                running.get_child(equals=running_text).delete()
                continue
            state = secret_state(running_text, child.text)
            if state == "same" or (state == "unknown" and not update_secrets):
                child.text = running_text
            if state == "unknown" and not update_secrets:
                unverified.append([*parents, mask_config_line(running_text)])
        else:
            twin = running.get_child(equals=child.text)
            if twin is not None and child.children:
                _keep_secrets(twin, child, update_secrets, [*parents, child.text], unverified, hidden_keys)


@dataclass
class Plan:
    """One comparison: scoped before, intended, remediation and the predicted after."""

    platform: SwitchPlatform
    before: HConfig
    intended: HConfig
    remediation: HConfig
    # The whole device config as parsed for this plan: facts reuse it instead of parsing again.
    running: HConfig | None = None
    # Secret lines whose value the device does not reveal (see keep_device_secrets), masked.
    unverified: list[list[str]] = field(default_factory=list)

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
    # Every top-level line of the intent is owned (tops): prune it in place rather than copy it.
    intended = intended_full
    _prune(intended, scope.ignore_children)
    unverified = keep_device_secrets(before, intended, update_secrets, platform.hides_keys)
    remediation = WorkflowRemediation(before, intended).remediation_config
    remediation = _replace_whole(platform, remediation, before, intended, running_text)
    return Plan(platform, before, intended, remediation, running=running, unverified=unverified)


def rollback_plan(platform: SwitchPlatform, current_text: str, before: HConfig, intended: HConfig,
                  scope: Scope) -> Plan:
    """From what a FRESH read of the device shows now back to the saved pre-run `before`.

    `current_text` must be read after the failure: nothing from the failed push's view is
    trusted. Sections the failed push may have created are owned too, so they go away
    again; ACLs whose entries carry no visible sequence numbers (and any section holding
    duplicate lines) are replaced whole from the pre-run copy rather than patched.
    """
    tops = [c.text for c in before.children] + [c.text for c in intended.children]
    current = scoped(parse(platform, current_text), scope, tops)
    remediation = WorkflowRemediation(current, before).remediation_config
    remediation = _replace_whole(platform, remediation, current, before, current_text)
    return Plan(platform, current, before, remediation)


def _children(config: HConfig, text: str) -> list[str] | None:
    node = config.get_child(equals=text)
    return None if node is None else [c.cisco_style_text() for c in node.all_children_sorted()]


def _replace_whole(platform: SwitchPlatform, remediation: HConfig, have: HConfig, want: HConfig,
                   have_text: str) -> HConfig:
    """Swap hier_config's line delta for a whole-section replace where a delta is unsafe.

    Applies to the sections named by unsequenced_acls() and to sections that held
    duplicate lines (dedupe()), when `have` and `want` differ there (or it had duplicates).
    """
    dirty = dedupe(have_text)[1]
    candidates = (unsequenced_acls(platform, have_text) | dirty) & {c.text for c in have.children}
    replace = [h for h in sorted(candidates) if h in dirty or _children(have, h) != _children(want, h)]
    if not replace:
        return remediation
    out = HConfig(remediation.driver)
    done: set[str] = set()

    def emit(header: str) -> None:
        if header in done:
            return
        done.add(header)
        out.add_child(f"no {header}")
        section = want.get_child(equals=header)
        if section is not None:
            out.add_deep_copy_of(section)

    for child in remediation.children:
        header = child.text.removeprefix("no ")
        if header in replace:
            emit(header)
        else:
            out.add_deep_copy_of(child)
    for header in replace:
        emit(header)
    return out


def render(config: HConfig) -> list[str]:
    return [c.cisco_style_text() for c in config.all_children_sorted()]


def unified_diff(before: HConfig, after: HConfig, label: str = "running") -> str:
    lines = difflib.unified_diff(
        [mask_config_line(x) for x in render(before)],
        [mask_config_line(x) for x in render(after)],
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
                    lines.append(" " * (depth - 1) + mask_config_line(lineage[depth - 1]))
    return out


def _leaf_count(lines: list[str]) -> int:
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    return sum(1 for i, line in enumerate(lines) if i + 1 == len(lines) or indent(lines[i + 1]) <= indent(line))


def control_results(plan_: Plan, scope: Scope, check_mode: bool, pushed: bool) -> dict[str, dict[str, Any]]:
    per_control = commands_by_control(plan_, scope)
    results: dict[str, dict[str, Any]] = {}
    unverified: dict[str, list[str]] = {}
    for lineage in plan_.unverified:
        for control in _control_of(plan_.platform, scope, lineage):
            unverified.setdefault(control, []).append(" / ".join(lineage))
    for control in scope.controls or sorted(set(per_control) | set(unverified)):
        commands = per_control.get(control, [])
        if not commands and control in unverified:
            results[control] = {
                "status": "manual", "commands": [], "unverified": unverified[control],
                "detail": ("matches intent except secret(s) the switch shows only encrypted (or not at all), "
                           "which could not "
                           f"be verified: {'; '.join(unverified[control])}; check by hand, or set "
                           "lan_update_secrets=true to push the inventory's key again")}
            continue
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
