"""Applying configuration lines to the model, shared by SSH sessions and the drift hook.

Like the real CLIs: a line that does not parse in the current sub-mode is tried in the
enclosing modes (IOS and AOS-CX leave the sub-mode when you type a global command),
`no <prefix>` removes what the prefix names, and a keyed line replaces the old value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plugins.module_utils.secrets import mask_config_line

from .grammar import Match, NoMatch, ParamError, match, split_words
from .model import Node

if TYPE_CHECKING:
    from .device import Device
    from .dialect import Dialect


@dataclass
class Frame:
    mode: str
    targets: list[Node]
    label: str


@dataclass
class Outcome:
    error: NoMatch | None = None
    message: str = ""  # informational output (already platform-formatted, no prompt)
    end: bool = False  # back to privileged exec
    do_line: str | None = None  # `do <exec command>`
    refused: bool = False  # a handler refused the line with a platform message


@dataclass
class ApplyContext:
    dialect: Dialect
    root: Node
    frames: list[Frame]
    match: Match
    negate: bool
    messages: list[str] = field(default_factory=list)

    @property
    def targets(self) -> list[Node]:
        return self.frames[-1].targets


Handler = Callable[[ApplyContext], None]


class HandlerError(Exception):
    """A handler refused the line: either a parse-style error or a platform message."""

    def __init__(self, message: str = "", index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def apply_line(dialect: Dialect, root: Node, frames: list[Frame], line: str) -> Outcome:
    words, _ = split_words(line)
    if not words:
        return Outcome()
    negate = words[0].lower() == "no"
    body = words[1:] if negate else words
    offset = 1 if negate else 0
    if negate and not body:
        return Outcome(error=NoMatch("incomplete", 1))
    best: NoMatch | None = None
    for depth in range(len(frames) - 1, -1, -1):
        result = match(dialect.modes[frames[depth].mode], body, allow_prefix=negate)
        if isinstance(result, Match):
            if negate and result.rule.extra.get("no_negate"):
                result = NoMatch("invalid", 0)
            elif not negate and result.rule.extra.get("no_only"):
                result = NoMatch("incomplete" if len(body) == 1 else "invalid", len(body) if len(body) == 1 else 1)
        if isinstance(result, Match):
            saved = frames[depth + 1 :]
            del frames[depth + 1 :]
            outcome = _execute(dialect, root, frames, result, negate, offset)
            if outcome.error is not None and len(frames) == depth + 1:
                frames.extend(saved)  # a refused line leaves you where you were
            return outcome
        err = NoMatch(result.kind, result.index + offset)
        if best is None or err.index > best.index:
            best = err
    return Outcome(error=best)


def _execute(dialect: Dialect, root: Node, frames: list[Frame], m: Match, negate: bool, offset: int) -> Outcome:
    rule = m.rule
    if rule.action == "exit":
        if len(frames) > 1:
            frames.pop()
            return Outcome()
        return Outcome(end=True)
    if rule.action == "end":
        del frames[1:]
        return Outcome(end=True)
    if rule.action == "do":
        return Outcome(do_line=m.words[-1])
    if rule.action == "noop":
        return Outcome()
    if negate:
        need = rule.key if rule.key is not None else len(rule.tokens)
        if len(m.words) < need:
            return Outcome(error=NoMatch("incomplete", len(m.words) + offset))
    ctx = ApplyContext(dialect, root, frames, m, negate)
    try:
        handler: Handler | None = rule.extra.get("handler")
        if handler is not None:
            handler(ctx)
        elif rule.enters:
            _enter(ctx)
        else:
            for target in ctx.targets:
                if negate:
                    target.remove_prefix(_negation_prefix(m))
                else:
                    target.set_line(m.text, rule.key)
    except HandlerError as err:
        if err.index is not None:
            return Outcome(error=NoMatch("invalid", err.index + offset))
        return Outcome(message=err.message, refused=True)
    except ParamError as err:
        return Outcome(error=NoMatch("invalid", err.index + offset))
    return Outcome(message="".join(ctx.messages))


def _negation_prefix(m: Match) -> str:
    key = m.rule.key
    if key is not None and len(m.words) >= key:
        return " ".join(m.words[:key])
    return m.text


def section_nodes(ctx: ApplyContext) -> list[Node]:
    """Nodes a section command opens: a custom resolver or the line under each target."""
    resolver = ctx.match.rule.extra.get("section")
    if resolver is not None:
        return resolver(ctx)
    return [target.ensure(ctx.match.text) for target in ctx.targets]


def _enter(ctx: ApplyContext) -> None:
    m = ctx.match
    if ctx.negate:
        remover = m.rule.extra.get("remove")
        if remover is not None:
            remover(ctx)
            return
        for target in ctx.targets:
            target.remove_prefix(m.text)
        return
    nodes = section_nodes(ctx)
    label = m.rule.extra.get("label")
    text = label(m) if callable(label) else (label or f"config-{m.rule.enters}")
    ctx.frames.append(Frame(str(m.rule.enters), nodes, text))


def apply_commands(device: Device, commands: list[str]) -> list[dict[str, Any]]:
    """Out-of-band configuration (the control server's drift hook): each line as if typed in
    global configuration mode; the audit trail records it masked."""
    dialect: Dialect = device.dialect  # type: ignore[assignment]  # the model holds the whole dialect
    errors: list[dict[str, Any]] = []
    frames = [Frame("config", [device.running], dialect.config_mode_label)]
    with device.lock:
        for command in commands:
            frames[0].targets = [device.running]
            outcome = apply_line(dialect, device.running, frames, command)
            if outcome.error is not None or outcome.refused:
                kind = outcome.error.kind if outcome.error is not None else outcome.message.strip()
                errors.append({"command": mask_config_line(command), "error": kind})
            elif outcome.end:
                frames = [Frame("config", [device.running], dialect.config_mode_label)]
            device.audit("drift", command=mask_config_line(command))
        device.last_change = time.time()
    return errors
