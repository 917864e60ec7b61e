"""One interactive CLI session: modes, prompts, enable, confirmations, pipes, faults.

The session is transport-free: `handle_line` returns what the switch prints and whether
the session ends, so the SSH layer (server.py) only moves bytes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from plugins.module_utils.secrets import mask_config_line

from .device import Device
from .engine import Frame, HandlerError, apply_line
from .grammar import Match, NoMatch, match, split_words


@dataclass
class Reply:
    text: str = ""
    close: bool = False  # polite logout
    drop: bool = False  # fault: connection torn down without a reply


Pending = Callable[[str], Reply]


class CliSession:
    def __init__(self, device: Device, peer: str = "") -> None:
        self.device = device
        self.dialect = device.dialect
        self.mode = self.dialect.user_mode_after_login  # user | enable | config
        self.frames: list[Frame] = []
        self.pending: Pending | None = None
        self.enable_tries = 0
        self.config_lines = 0
        self.peer = peer
        # ArubaOS-Switch: the banner ends with "Press any key to continue", then the prompt;
        # its output pages at the terminal length until `no page`.
        self.page_lines = 24 if getattr(self.dialect, "pager", "") else 0
        if getattr(self.dialect, "press_any_key", False):
            self.pending = lambda line: Reply()

    # ---- prompts -------------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        host = self.dialect.hostname(self.device.running)
        if self.mode == "config":
            return self.dialect.prompt(host, "config", self.frames[-1].label)
        return self.dialect.prompt(host, self.mode, None)

    @property
    def echo_input(self) -> bool:
        return not (self.pending is not None and getattr(self.pending, "secret", False))

    def greeting(self) -> str:
        return self.dialect.login_banner(self.device) + ("" if self.pending is not None else self.prompt)

    # ---- input -------------------------------------------------------------------------
    def handle_line(self, raw: str) -> Reply:
        line = raw.replace("\t", " ")
        if self.pending is not None:
            pending, self.pending = self.pending, None
            return pending(line)
        if line.strip():
            self.device.stats["commands"] += 1
        faults = self.device.faults
        if faults.reject_command is not None and line.strip() and faults.reject_command.search(line):
            return Reply(self._error(NoMatch("invalid", 0), line))
        if self.mode == "config":
            if "\x1a" in line:
                return self._leave_config()
            return self._config_line(line)
        return self._exec_line(line)

    def _error(self, err: NoMatch, line: str) -> str:
        return self.dialect.format_error(err, self.prompt, line)

    # ---- configuration mode ------------------------------------------------------------
    def _config_line(self, line: str) -> Reply:
        if not line.strip():
            return Reply()
        prompt = self.prompt
        with self.device.lock:
            frames = self.frames
            frames[0].targets = [self.device.running]  # a reload may have swapped the tree
            outcome = apply_line(self.dialect, self.device.running, frames, line)
        if outcome.do_line is not None:
            return self._exec_line(outcome.do_line, from_config=True)
        if outcome.error is not None and self.dialect.exec_in_config:
            words, _ = split_words(line.partition("|")[0])
            found = match(self.dialect.modes["enable"], words)
            if isinstance(found, Match) and str(found.rule.action).startswith(self.dialect.exec_in_config):
                return self._exec_line(line, from_config=True)
        self.device.stats["config_lines"] += 1
        self.config_lines += 1
        if outcome.error is not None:
            return Reply(self.dialect.format_error(outcome.error, prompt, line))
        if outcome.refused:
            return Reply(outcome.message)
        self.device.last_change = time.time()
        self.device.audit("config", user=self.device.spec.username, peer=self.peer,
                          command=mask_config_line(line.strip()))
        limit = self.device.faults.drop_after_config_lines
        if limit is not None and self.config_lines >= limit:
            self.device.faults.drop_after_config_lines = None  # one-shot, so a restore can succeed
            self.device.audit("fault_drop", after_lines=self.config_lines)
            return Reply(drop=True)
        if outcome.end:
            return self._leave_config(message=outcome.message)
        return Reply(outcome.message)

    def _leave_config(self, message: str = "") -> Reply:
        self.mode = "enable"
        self.frames = []
        return Reply(message)

    # ---- exec mode -------------------------------------------------------------------------
    def _exec_line(self, line: str, from_config: bool = False) -> Reply:
        command, _, pipe = line.partition("|")
        words, _ = split_words(command)
        if not words:
            return Reply()
        mode = "enable" if from_config else self.mode
        result = match(self.dialect.modes[mode], words)
        if isinstance(result, Match) and result.rule.extra.get("privileged") and mode == "user":
            result = NoMatch("invalid", 1)
        if isinstance(result, NoMatch):
            return Reply(self._error(result, line))
        action = str(result.rule.action)
        if action.startswith("show"):
            try:
                out = self.dialect.run_exec(self.device, result)
            except HandlerError as err:
                return Reply(self._error(NoMatch("invalid", err.index or 0), line))
            return self._paged(_apply_pipe(out, pipe) if pipe.strip() else out)
        handler = getattr(self, f"_do_{action}")
        reply: Reply = handler(result)
        return reply

    def _do_noop(self, m: Match) -> Reply:
        return Reply()

    # ---- paging (ArubaOS-Switch) --------------------------------------------------------
    def _do_nopage(self, m: Match) -> Reply:
        self.page_lines = 0
        return Reply()

    def _do_page(self, m: Match) -> Reply:
        self.page_lines = 24
        return Reply()

    def _do_terminal_length(self, m: Match) -> Reply:
        self.page_lines = int(m.words[-1])
        return Reply()

    def _paged(self, out: str) -> Reply:
        """One screen at a time behind the dialect's pager prompt; any key shows the next."""
        lines = out.split("\r\n")
        size = self.page_lines - 1
        if size <= 0 or len(lines) <= size + 1:
            return Reply(out)

        def more(rest: list[str]) -> Reply:
            if len(rest) <= size + 1:
                return Reply("\r" + "\r\n".join(rest))
            self.pending = lambda line: more(rest[size:])
            return Reply("\r" + "\r\n".join(rest[:size]) + "\r\n" + self.dialect.pager)  # type: ignore[attr-defined]

        self.pending = lambda line: more(lines[size:])
        return Reply("\r\n".join(lines[:size]) + "\r\n" + self.dialect.pager)  # type: ignore[attr-defined]

    def _do_logout_ask(self, m: Match) -> Reply:
        """ArubaOS-Switch asks before it logs you out (and first offers to save a changed config)."""
        texts = self.dialect.logout_questions  # type: ignore[attr-defined]

        def confirm(line: str) -> Reply:
            if line.strip().lower() in ("y", "yes"):
                return Reply(close=True)
            return Reply()

        def save_first(line: str) -> Reply:
            if line.strip().lower() in ("y", "yes"):
                self.device.save()
            self.pending = confirm
            return Reply(texts["confirm"])

        if self.device.unsaved and self.device.startup is not None:
            self.pending = save_first
            return Reply(texts["save"])
        self.pending = confirm
        return Reply(texts["confirm"])

    def _do_privilege(self, m: Match) -> Reply:
        level = 1 if self.mode == "user" else 15
        return Reply(f"Current privilege level is {level}\r\n")

    def _do_logout(self, m: Match) -> Reply:
        return Reply(close=True)

    def _do_disable(self, m: Match) -> Reply:
        self.mode = "user"
        return Reply()

    def _do_configure(self, m: Match) -> Reply:
        self.mode = "config"
        self.frames = [Frame("config", [self.device.running], self.dialect.config_mode_label)]
        return Reply(self.dialect.configure_banner)

    def _do_enable(self, m: Match) -> Reply:
        if self.mode != "user":
            return Reply()
        if not self.device.spec.enable_secret:
            return Reply("% No password set\r\n")
        self.enable_tries = 0
        return self._ask_secret()

    def _ask_secret(self) -> Reply:
        def check(line: str) -> Reply:
            if line == self.device.spec.enable_secret:
                self.mode = "enable"
                self.device.audit("enable", user=self.device.spec.username, peer=self.peer, result="ok")
                return Reply("\r\n")
            self.enable_tries += 1
            if self.enable_tries >= 3:
                self.device.audit("enable", user=self.device.spec.username, peer=self.peer, result="denied")
                return Reply("\r\n% Bad secrets\r\n\r\n")
            reply = self._ask_secret()
            reply.text = "\r\n" + reply.text
            return reply

        check.secret = True  # type: ignore[attr-defined]
        self.pending = check
        return Reply("Password: ")

    def _do_save(self, m: Match) -> Reply:
        self.device.save()
        return Reply(self.dialect.save_output)

    def _do_copy_run_start(self, m: Match) -> Reply:
        question = self.dialect.copy_question
        if not question:
            return self._do_save(m)

        def answer(line: str) -> Reply:
            if line.strip() not in ("", "startup-config"):
                return Reply("%Error opening " + line.strip() + " (Invalid argument)\r\n")
            self.device.save()
            return Reply(self.dialect.save_output)

        self.pending = answer
        return Reply(question)

    def _do_reload(self, m: Match) -> Reply:
        texts = self.dialect.reload_questions

        def proceed(line: str) -> Reply:
            if line.strip().lower() not in ("", "y", "yes"):
                return Reply()
            self.device.reload()
            return Reply(close=True, drop=True)

        def save_first(line: str) -> Reply:
            answer = line.strip().lower()
            if answer in ("y", "yes"):
                self.device.save()
            elif answer not in ("n", "no"):
                return Reply("% Please answer 'yes' or 'no'.\r\n")
            self.pending = proceed
            return Reply(texts["confirm"])

        if self.device.unsaved and texts.get("save"):
            self.pending = save_first
            return Reply(texts["save"])
        self.pending = proceed
        return Reply(texts["confirm"])


def _apply_pipe(output: str, pipe: str) -> str:
    words = pipe.strip().split(None, 1)
    if len(words) < 2:
        return output
    op, pattern = words[0].lower(), words[1]
    try:
        regex = re.compile(pattern)
    except re.error:
        regex = re.compile(re.escape(pattern))
    lines = output.split("\r\n")
    if "include".startswith(op):
        kept = [ln for ln in lines if regex.search(ln)]
    elif "exclude".startswith(op):
        kept = [ln for ln in lines if not regex.search(ln)]
    elif "begin".startswith(op):
        start = next((i for i, ln in enumerate(lines) if regex.search(ln)), len(lines))
        kept = lines[start:]
    elif "section".startswith(op):
        kept = []
        keep = False
        for ln in lines:
            if ln and not ln.startswith(" "):
                keep = bool(regex.search(ln))
            if keep and ln:
                kept.append(ln)
    else:
        return output
    return "".join(ln + "\r\n" for ln in kept if ln != "" or op.startswith("b"))
