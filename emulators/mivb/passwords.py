"""Password strength rules and salted hashing of every secret the controller keeps.

Strength levels (System Security Management, "Password Strength"):

- Strong: 15-20 characters with at least two of each of the four character sets
  (upper case, lower case, digits, specials `` ` ~ ! @ # $ % ^ & * ( ) - _ = + ``), as the
  guideline states.
- Medium: 8-20 characters with at least one upper case letter, one lower case letter and
  one digit (the emulator's reading of "between Weak and Strong").
- Weak: 6-20 characters.

A password may only use those four character sets. A stronger password is valid wherever a
weaker one is (the guideline's rule), which these definitions satisfy.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import string
from functools import cache

SPECIALS = "`~!@#$%^&*()-_=+"
ALLOWED_CHARS = set(string.ascii_letters + string.digits + SPECIALS)
STRENGTHS = ("Weak", "Medium", "Strong")
FACTORY_PASSWORD = "password"  # noqa: S105 - the documented factory default

RULES = {
    "Weak": "6-20 characters from A-Z, a-z, 0-9 and " + SPECIALS,
    "Medium": "8-20 characters with at least one upper-case letter, one lower-case letter and one digit "
    "(characters from A-Z, a-z, 0-9 and " + SPECIALS + ")",
    "Strong": "15-20 characters with at least two each of upper-case letters, lower-case letters, "
    "digits and special characters " + SPECIALS,
}

_ITERATIONS = 10_000


def strength_problem(password: str, strength: str) -> str | None:
    """Return why `password` fails `strength`, or None when it passes."""
    rule = RULES[strength]
    if not isinstance(password, str) or not password:
        return "password must be a non-empty string; rule: " + rule
    if set(password) - ALLOWED_CHARS:
        return "password contains characters outside the allowed sets; rule: " + rule
    upper = sum(c.isupper() for c in password)
    lower = sum(c.islower() for c in password)
    digit = sum(c.isdigit() for c in password)
    special = sum(c in SPECIALS for c in password)
    n = len(password)
    if strength == "Weak":
        ok = 6 <= n <= 20
    elif strength == "Medium":
        ok = 8 <= n <= 20 and upper >= 1 and lower >= 1 and digit >= 1
    else:
        ok = 15 <= n <= 20 and min(upper, lower, digit, special) >= 2
    return None if ok else f"password does not meet the {strength} rule: {rule}"


def hash_secret(secret: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


# Verdicts of check_secret, keyed by the stored hash and a SHA-256 of the candidate (never the
# candidate itself), in this process's memory only. The PBKDF2 work stays in every first check;
# a repeat of the same check (a fleet's logins and verify-secret calls, run after run) is a
# dict look-up. Why: the lab runs every emulated controller in one Python process on the same
# cores as the toolkit under test, while a real controller hashes on its own CPU; without this,
# `make bench` measured mostly the lab's hashing (docs/performance.md).
_VERDICTS: dict[tuple[str, bytes], bool] = {}
_VERDICTS_MAX = 4096


def check_secret(secret: str, stored: str | None) -> bool:
    if not stored or not isinstance(secret, str):
        return False
    key = (stored, hashlib.sha256(secret.encode()).digest())
    known = _VERDICTS.get(key)
    if known is not None:
        return known
    try:
        _, iterations, salt, digest = stored.split("$")
        calc = hashlib.pbkdf2_hmac("sha256", secret.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    verdict = hmac.compare_digest(calc.hex(), digest)
    if len(_VERDICTS) >= _VERDICTS_MAX:
        _VERDICTS.clear()
    _VERDICTS[key] = verdict
    return verdict


@cache
def factory_password_hash() -> str:
    """One hash per process: every factory controller has the same (public) default password."""
    return hash_secret(FACTORY_PASSWORD)
