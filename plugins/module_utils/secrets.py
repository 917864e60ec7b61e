# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What counts as a secret on each platform, and the one way the toolkit hides it.

The table (SWITCH_SECRETS, CONTROLLER_SECRET_FIELDS, SECRET_WORDS) says what is a secret;
the functions below are the only masking code in the repository (modules, action plugins,
diffs, the compliance_report callback and the emulators' audit trails all call them;
tests/unit/plugins/test_secrets.py fails when a second implementation appears):

- mask_config_line / has_secret: one switch configuration line (diffs, commands, ACL facts)
- mask_text: free text (messages, report details, diffs of any shape)
- mask_data: structured data of unknown shape, by field name
- drop_secret_fields: controller API data without its write-only fields
- mask_no_log_values: a result with every no_log argument value replaced (AnsibleModule's rule)
- secret_state: whether two RADIUS key lines hold the same key, without revealing either

Imports: the standard library and ansible.module_utils only, never ansible_collections.*,
so the emulators import this file as `plugins.module_utils.secrets` (docs/lab.md, Layers).
"""

from __future__ import annotations

import functools
import hmac
import re
from dataclasses import dataclass
from typing import Any

from ansible.module_utils.common.parameters import remove_values

MASK = "********"
# How a write-only controller secret shows in a before/after diff: whether it is set, never a value.
DIFF_IS_SET = "set"
DIFF_NOT_SET = "unset"
DIFF_NEW_VALUE = "set (new value)"

# ---- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SwitchSecrets:
    """Secret configuration lines of one switch platform (family-independent: every family of
    the platform stores secrets the same way)."""

    # `<keyword> <value>`: the value and all that follows on the line are hidden (type digits,
    # the value, trailing options: a hash is as sensitive as the plain value here).
    keywords: tuple[str, ...]
    # How the platform marks a stored secret's encoding after the keyword.
    encodings: tuple[str, ...]
    # Lines that start with one of these (optionally after `no`) hold no secret.
    not_secret_lines: tuple[str, ...] = ()
    # `<keyword> <word>` that names a thing rather than a value (`key chain NAME`).
    not_secret_after: tuple[str, ...] = ()


SWITCH_SECRETS: dict[str, SwitchSecrets] = {
    # IOS 15.2 / IOS XE command references: `enable secret [0|5|8|9] ...`, `username N secret
    # [0|5|8|9] ...`, `radius-server host ... key [0|6|7] ...`, `key chain` and `crypto key
    # generate rsa` name things, not secrets.
    "cisco_ios": SwitchSecrets(
        keywords=("key", "password", "secret"),
        encodings=("0", "5", "6", "7", "8", "9"),
        not_secret_lines=("crypto key",),
        not_secret_after=("chain",),
    ),
    # AOS-CX 10.x command reference: `radius-server host ... key plaintext|ciphertext ...`,
    # `user NAME group G password plaintext|ciphertext ...`.
    "aruba_aoscx": SwitchSecrets(
        keywords=("key", "password", "secret"),
        encodings=("plaintext", "ciphertext"),
    ),
    # ArubaOS-Switch 16.x: `radius-server host ... key "<plain>"`, `password manager ...`; with
    # encrypt-credentials the key shows as `encrypted-key "<base64>"` (masked as a `key`, so the
    # device's line and the intent's line compare equal once masked).
    "hp_procurve": SwitchSecrets(
        keywords=("key", "password", "secret", "encrypted-key"),
        encodings=("plaintext", "encrypted-key"),
    ),
}

# Write-only values of the controller API (docs/management-api.md): PATCH/POST sets them, a
# read shows at most `<name>_set`. Keyed by form (the emulator's form schema uses the same
# entries) or by the API area that takes them.
CONTROLLER_SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "system_security_management": ("phone_admin_passcode",),
    "system_options": ("set_registration_access_code",),
    "pptp": ("pptp_password",),
    "accounts": ("password", "new_password", "current_password"),
    "certificates": ("private_key_pem",),
    "session": ("token",),
}

# Data of unknown shape (report rows, free text): a field name or a config keyword with one of
# these words is a secret...
SECRET_WORDS = ("password", "passcode", "secret", "key", "token", "private")
# ...unless it is a setting *about* a secret: an AUTH-02 diff must still show Weak -> Strong.
NOT_SECRET_SUFFIXES = ("strength", "expiry", "expiry_days", "_days", "_minutes", "_set", "_enabled",
                       "_length", "_attempts", "_interval", "_type", "fingerprint", "_bits", "_size",
                       "_algorithm", "_usage")
# Configuration keywords whose next word is a secret in configuration text of any platform.
CONFIG_TEXT_KEYWORDS = ("password", "passcode", "secret", "key", "token", "community")


def _alternation(words: tuple[str, ...] | set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


_ALL_SWITCH = list(SWITCH_SECRETS.values())
_CONTROLLER_FIELDS = frozenset(f for fields in CONTROLLER_SECRET_FIELDS.values() for f in fields)

# ---- one configuration line ------------------------------------------------------------------

_LINE_SECRET_RE = re.compile(
    rf"(?<![\w-])({_alternation({k for s in _ALL_SWITCH for k in s.keywords})})(?![\w-])"
    rf"(?!\s+(?:{_alternation({w for s in _ALL_SWITCH for w in s.not_secret_after})})\b)\s+\S.*$",
    re.IGNORECASE)
_LINE_NOT_SECRET_RE = re.compile(
    rf"^\s*(no\s+)?(?:{_alternation({p for s in _ALL_SWITCH for p in s.not_secret_lines})})\b", re.IGNORECASE)


def mask_config_line(line: str) -> str:
    """`enable secret 9 $9$...` -> `enable secret ********`: the line stays recognisable (a diff
    still shows *which* line changed), the value and its encoding are gone."""
    if _LINE_NOT_SECRET_RE.match(line):
        return line
    # `encrypted-key` is ArubaOS-Switch's stored form of a `key`: shown as the key it is
    return _LINE_SECRET_RE.sub(lambda m: f"{'key' if m.group(1).lower() == 'encrypted-key' else m.group(1)} {MASK}",
                               line)


def mask_config_text(text: str) -> str:
    return "\n".join(mask_config_line(line) for line in text.splitlines())


def has_secret(line: str) -> bool:
    return mask_config_line(line) != line


# ---- free text and data of unknown shape -----------------------------------------------------

_SECRET_NAME_RE = re.compile(_alternation(SECRET_WORDS), re.IGNORECASE)
_NOT_SECRET_NAME_RE = re.compile(rf"(?:{_alternation(NOT_SECRET_SUFFIXES)})$", re.IGNORECASE)


def is_secret_key(name: str) -> bool:
    """True for a field name that holds a secret (password, passcode, radius_key, ...)."""
    return bool(_SECRET_NAME_RE.search(name)) and not _NOT_SECRET_NAME_RE.search(name)


_ENCODINGS = r"\d{1,2}|" + _alternation({e for s in _ALL_SWITCH for e in s.encodings if not e.isdigit()}
                                        | {"cleartext", "encrypted"})
_PEM_PRIVATE_RE = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)", re.DOTALL)
# Config lines such as "enable secret 9 $9$...", "username x secret 0 y", " key 7 0822...",
# "radius-server host 10.0.0.1 key plaintext abc": mask the value after the keyword (and
# after the encoding marker). With an encoding marker the pattern is unambiguous and applies
# everywhere; without one ("radius-server key abc") only in configuration text (diffs,
# commands): in prose it would eat "password expiry".
_MARKED_KEYWORDS = ({k for s in _ALL_SWITCH for k in s.keywords} | {"passcode"})
_CONFIG_MARKED_RE = re.compile(
    rf"(?P<kw>\b(?:{_alternation(_MARKED_KEYWORDS)})\s+(?:{_ENCODINGS})\s+)"
    r"(?P<val>[^\s\"',}]+)", re.IGNORECASE)
_CONFIG_SECRET_RE = re.compile(
    rf"(?P<kw>\b(?:{_alternation(CONFIG_TEXT_KEYWORDS)})\s+)"
    # prose ("the private key does not match") is not a secret: skip common words
    r"(?!(?:does|do|is|are|was|must|match\w*|not|file|the|a|an|for|of|and|or|has|have|in|from|to|"
    r"with|required|length|strength|change\w*|set|expired|expiry|invalid|mismatch)\b)"
    # already handled by _CONFIG_MARKED_RE ("secret 0 ********")
    rf"(?!(?:{_ENCODINGS})\s|\*)"
    r"(?P<val>[^\s\"',}]+)")
# JSON/YAML/kv forms: "password": "x", api_token: x, passcode=1234
_KV_SECRET_RE = re.compile(
    rf"(?P<kw>[\"']?(?P<name>[\w.-]*(?:{_alternation(SECRET_WORDS)})[\w.-]*)[\"']?\s*[:=]\s*)"
    r"(?P<val>\"[^\"]*\"|'[^']*'|[^\s,}\]]+)",
    re.IGNORECASE)


# Words each pattern below cannot match without. For ASCII text the patterns' IGNORECASE is
# plain lower-casing (its extra matches, such as the long s for 's' or the Kelvin sign for 'k',
# are non-ASCII), so a substring test decides whether a pattern can match; text with other
# characters runs every pattern. Same result, without the long patterns' backtracking on every
# detail string of every report row (docs/performance.md).
_KV_WORDS = tuple(w.lower() for w in SECRET_WORDS)
_MARKED_WORDS = tuple(sorted(w.lower() for w in _MARKED_KEYWORDS))


def _may_match(text: str, words: tuple[str, ...]) -> bool:
    if not text.isascii():
        return True
    lower = text.lower()
    return any(w in lower for w in words)


@functools.lru_cache(maxsize=8192)
def mask_text(text: str, config: bool = False) -> str:
    """Mask PEM private keys and secret values inside free text.

    config=True for configuration text (diffs, command lists): also masks the word after a
    bare secret keyword, as in "radius-server key abc" or "snmp-server community public".
    Memoized (a pure function; a fleet's reports repeat the same texts), in this process only.
    """
    if "PRIVATE KEY-----" in text:
        text = _PEM_PRIVATE_RE.sub(lambda m: f"-----BEGIN {m.group(1)}-----\n{MASK}\n-----END {m.group(1)}-----",
                                   text)
    if ("=" in text or ":" in text) and _may_match(text, _KV_WORDS):
        text = _KV_SECRET_RE.sub(lambda m: _keep_quotes(m.group("kw"), m.group("val"))
                                 if is_secret_key(m.group("name")) else m.group(0), text)
    if _may_match(text, _MARKED_WORDS):
        text = _CONFIG_MARKED_RE.sub(lambda m: m.group("kw") + MASK, text)
    if config and any(w in text for w in CONFIG_TEXT_KEYWORDS):  # that pattern is case-sensitive
        text = _CONFIG_SECRET_RE.sub(lambda m: m.group("kw") + MASK, text)
    return text


def _keep_quotes(prefix: str, value: str) -> str:
    if value.startswith(("-----BEGIN", MASK)) or value.strip("\"'") == MASK:
        return prefix + value
    if value[:1] in "\"'":
        return f"{prefix}{value[0]}{MASK}{value[0]}"
    return prefix + MASK


def mask_data(value: Any) -> Any:
    """Deep copy of value with secret-named keys replaced and text masked."""
    if isinstance(value, dict):
        return {k: (MASK if isinstance(k, str) and is_secret_key(k) and not isinstance(v, bool)
                    else mask_data(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


# ---- controller data and task results --------------------------------------------------------


def drop_secret_fields(value: Any) -> Any:
    """Controller data without its write-only fields at any depth (the `<name>_set` booleans
    stay). The API never returns them; this is defence in depth."""
    if isinstance(value, dict):
        return {k: drop_secret_fields(v) for k, v in value.items() if str(k).lower() not in _CONTROLLER_FIELDS}
    if isinstance(value, list):
        return [drop_secret_fields(v) for v in value]
    return value


def mask_no_log_values(result: dict[str, Any], no_log_values: set[str]) -> dict[str, Any]:
    """What AnsibleModule.exit_json/fail_json do: replace any no_log value, wherever it occurs,
    keeping top-level booleans and None as they are."""
    preserved = {k: v for k, v in result.items() if v is None or isinstance(v, bool)}
    masked = remove_values(result, no_log_values)
    masked.update(preserved)
    return masked


# ---- comparing a RADIUS key without revealing it ---------------------------------------------
# Switches never show a RADIUS key in clear once it is set:
# - Cisco IOS with `service password-encryption` shows `key 7 <hex>`: type 7 is a reversible
#   obfuscation (a fixed, publicly documented XOR table; Cisco calls it "not secure" in its own
#   password-types guidance), so the key can be compared exactly. Without password encryption
#   IOS shows `key <plain>` (or `key 0 <plain>`): comparable. Type 6 (AES with the device's
#   master key) cannot be read here: unknown.
# - Aruba AOS-CX shows `key ciphertext <base64>`: encrypted with a key inside the switch (or the
#   configured export password); the toolkit cannot read or recompute it: unknown.
# Only the comparison result leaves this module: the decoded key is never returned or logged.

# The constant of the type 7 algorithm (the same on every IOS device).
_TYPE7_TABLE = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
_KEY_RE = re.compile(r"(?<![\w-])key\s+(?:(0|6|7|plaintext|ciphertext)\s+)?(\S+)", re.IGNORECASE)


def _type7_decode(text: str) -> str | None:
    if len(text) < 4 or len(text) % 2 or not text[:2].isdigit():
        return None
    try:
        raw = bytes.fromhex(text[2:])
    except ValueError:
        return None
    offset = int(text[:2])
    return "".join(chr(b ^ ord(_TYPE7_TABLE[(offset + i) % len(_TYPE7_TABLE)])) for i, b in enumerate(raw))


def _readable(line: str) -> str | None:
    """The key of a config line when it can be read, else None."""
    m = _KEY_RE.search(line)
    if m is None:
        return None
    kind, value = (m.group(1) or "").lower(), m.group(2)
    if kind in ("", "0", "plaintext"):
        return value
    if kind == "7":
        return _type7_decode(value)
    return None


def secret_state(device_line: str, intended_line: str) -> str:
    """"same" / "differs" when both keys can be read, else "unknown"."""
    have, want = _readable(device_line), _readable(intended_line)
    if have is None or want is None:
        return "unknown"
    return "same" if hmac.compare_digest(have.encode(), want.encode()) else "differs"
