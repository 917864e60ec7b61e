# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Can the toolkit tell whether the switch holds the intended RADIUS key?

Switches never show a RADIUS key in clear once it is set:

- Cisco IOS with `service password-encryption` shows `key 7 <hex>`: type 7 is a
  reversible obfuscation (a fixed, publicly documented XOR table, Cisco calls it "not
  secure" in its own password-types guidance), so the key can be compared exactly.
  Without password encryption IOS shows `key <plain>` (or `key 0 <plain>`): comparable.
  Type 6 (AES with the device's master key) cannot be read here: unknown.
- Aruba AOS-CX shows `key ciphertext <base64>`: encrypted with a key inside the switch
  (or the configured export password); the toolkit cannot read or recompute it: unknown.

secret_state() says "same", "differs" or "unknown"; the comparison result is the only
thing that leaves this module: the decoded key is never returned or logged.
"""

from __future__ import annotations

import hmac
import re

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
