"""Token grammar: explicit command tables per dialect and CLI mode.

A command is a sequence of tokens. Literal keywords may be abbreviated to any unique prefix
(as on IOS and AOS-CX); parameters validate and normalise a word; a "rest" token hands the
remaining words to a function (ACL entries, interface ranges, free text). Matching walks
all rules of a mode word by word, so an invalid command fails at the exact word where
the real CLI puts its caret, and a prefix of a valid command is "incomplete".
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Words = Sequence[str]


class ParamError(Exception):
    """A rest-token parser rejected a word (index relative to the words it was given)."""

    def __init__(self, index: int, incomplete: bool = False) -> None:
        super().__init__(index)
        self.index = index
        self.incomplete = incomplete


@dataclass(frozen=True)
class Token:
    kind: str  # "lit" | "param" | "rest"
    text: str = ""  # literal keyword, or param name for docs
    check: Callable[[str], str | None] | None = None  # param: normalised value or None
    rest: Callable[[Words], str] | None = None  # rest: canonical text or ParamError

    def __str__(self) -> str:
        return self.text if self.kind == "lit" else f"<{self.text}>"


@dataclass
class Rule:
    """One accepted command form.

    key: how many leading canonical words identify the setting; a new line with the same
    key replaces the old one ("switchport access vlan 20" replaces "... vlan 10").
    None means the whole line is its own identity (ACEs, flags).
    enters: the CLI mode this command opens (its line becomes a section).
    action: name of an exec/special handler instead of a config line.
    """

    pattern: str
    tokens: tuple[Token, ...]
    key: int | None = None
    enters: str | None = None
    action: str | None = None
    rank: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Match:
    rule: Rule
    words: list[str]  # canonical words

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class NoMatch:
    kind: str  # "invalid" | "incomplete" | "ambiguous"
    index: int  # word index where the error is


# ---- parameter checks --------------------------------------------------------------------

def p_int(lo: int, hi: int) -> Callable[[str], str | None]:
    def check(word: str) -> str | None:
        if word.isdigit() and lo <= int(word) <= hi:
            return str(int(word))
        return None

    return check


def p_word(word: str) -> str | None:
    return word


def p_ipv4(word: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(word))
    except ValueError:
        return None


def p_prefix(word: str) -> str | None:
    try:
        return str(ipaddress.IPv4Interface(word))
    except ValueError:
        return None


_VLAN_LIST = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def p_vlan_list(word: str) -> str | None:
    if not _VLAN_LIST.match(word):
        return None
    ids = expand_vlan_list(word)
    if not ids or min(ids) < 1 or max(ids) > 4094:
        return None
    return compress_vlan_list(ids)


def expand_vlan_list(text: str) -> list[int]:
    ids: set[int] = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        ids.update(range(int(lo), int(hi or lo) + 1))
    return sorted(ids)


def compress_vlan_list(ids: Sequence[int]) -> str:
    out: list[str] = []
    ordered = sorted(set(ids))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def rest_line(words: Words) -> str:
    """Free text to the end of the line (description, name, remark)."""
    if not words:
        raise ParamError(0, incomplete=True)
    return " ".join(words)


# ---- rule compilation ---------------------------------------------------------------------

ParamTable = dict[str, Token]


def _expand(pattern: str) -> list[list[str]]:
    """Expand "{a|b}" alternatives and "[opt]" optional single tokens into plain forms."""
    forms: list[list[str]] = [[]]
    for part in pattern.split():
        if part.startswith("{"):
            alts = part[1:-1].split("|")
            forms = [[*f, a] for f in forms for a in alts]
        elif part.startswith("["):
            opt = part[1:-1]
            forms = [[*f, opt] for f in forms] + forms
        else:
            forms = [[*f, part] for f in forms]
    return forms


def compile_rules(table: Sequence[tuple[str, dict[str, Any]]], params: ParamTable) -> list[Rule]:
    rules: list[Rule] = []
    for rank, (pattern, opts) in enumerate(table):
        for form in _expand(pattern):
            toks: list[Token] = []
            for word in form:
                if word.startswith("<"):
                    toks.append(params[word[1:-1]])
                else:
                    toks.append(Token("lit", word))
            rules.append(
                Rule(
                    pattern=pattern,
                    tokens=tuple(toks),
                    key=opts.get("key"),
                    enters=opts.get("enters"),
                    action=opts.get("action"),
                    rank=rank,
                    extra={k: v for k, v in opts.items() if k not in ("key", "enters", "action")},
                )
            )
    return rules


def match(rules: Sequence[Rule], words: Words, allow_prefix: bool = False) -> Match | NoMatch:
    """Match words against rules; allow_prefix accepts a leading part (for `no` forms)."""
    alive: list[tuple[Rule, list[str]]] = [(r, []) for r in rules]
    rest_done: list[Match] = []
    rest_error: NoMatch | None = None
    for i, word in enumerate(words):
        lits: dict[str, list[tuple[Rule, list[str]]]] = {}
        params: list[tuple[Rule, list[str]]] = []
        for rule, canon in alive:
            if i >= len(rule.tokens):
                continue
            tok = rule.tokens[i]
            if tok.kind == "lit":
                if tok.text.startswith(word.lower()):
                    lits.setdefault(tok.text, []).append((rule, [*canon, tok.text]))
            elif tok.kind == "param":
                assert tok.check is not None
                value = tok.check(word)
                if value is not None:
                    params.append((rule, [*canon, value]))
            else:
                assert tok.rest is not None
                try:
                    rest_done.append(Match(rule, [*canon, tok.rest(words[i:])]))
                except ParamError as err:
                    cand = NoMatch("incomplete" if err.incomplete else "invalid", i + err.index)
                    if rest_error is None or cand.index > rest_error.index:
                        rest_error = cand
        if word.lower() in lits:
            chosen = lits[word.lower()]
        elif len(lits) == 1:
            chosen = next(iter(lits.values()))
        elif len(lits) > 1 and not params:
            return NoMatch("ambiguous", i)
        else:
            chosen = []
        alive = chosen + params
        if not alive:
            if rest_done:
                return _best(rest_done)
            if rest_error is not None and rest_error.index >= i:
                return rest_error
            return NoMatch("invalid", i)
    if not words:
        return NoMatch("incomplete", 0)
    complete = [Match(r, c) for r, c in alive if len(r.tokens) == len(words)]
    if complete:
        return _best(complete)
    if rest_done:
        return _best(rest_done)
    if allow_prefix and alive:
        return _best([Match(r, c) for r, c in alive])
    longer = [r for r, _ in alive if len(r.tokens) > len(words)]
    if rest_error is not None:
        return rest_error
    if longer:
        # a rest token waiting for its first word is as incomplete as a missing keyword
        return NoMatch("incomplete", len(words))
    return NoMatch("invalid", len(words))


def _best(matches: list[Match]) -> Match:
    return min(matches, key=lambda m: m.rule.rank)


def unquote(text: str) -> str:
    """A quoted word without its quotes (ArubaOS-Switch shows names and keys quoted)."""
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text


def split_words(line: str) -> tuple[list[str], list[int]]:
    """Words of a command line and the column where each starts."""
    words: list[str] = []
    cols: list[int] = []
    for m in re.finditer(r"\S+", line):
        words.append(m.group())
        cols.append(m.start())
    return words, cols
