# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input rules checked before any request, so a bad value never reaches the controller.

Every failure is an InputError naming the field and what is allowed.
"""

from __future__ import annotations

import itertools
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_contract
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError

# The contract's names (mivb_contract), re-exported for the modules' option rows and the TLS-02 guard.
PASSWORD_STRENGTHS = mivb_contract.PASSWORD_STRENGTHS
GUIDELINE_CIPHERS = mivb_contract.GUIDELINE_CIPHERS
# What the controller's web server accepts (docs/management-api.md, https_cipher_suites): the
# guideline's eight, four SHA-1 suites and ECDHE-RSA-CHACHA20-POLY1305.
SUPPORTED_CIPHERS = (
    *GUIDELINE_CIPHERS,
    "AES128-SHA",
    "AES256-SHA",
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-RSA-AES256-SHA",
    "ECDHE-RSA-CHACHA20-POLY1305",
)
# The guideline's special characters (System Security Management, Strong).
SPECIALS = set("`~!@#$%^&*()-_=+")


def passcode_problem(code: str) -> str | None:
    """Why a numeric passcode is trivial, or None (AUTH-06; guideline: no 1111/1234). Never quotes digits."""
    if len(set(code)) < 3:
        return "it uses fewer than 3 distinct digits"
    for i in range(len(code) - 3):
        window = [int(c) for c in code[i : i + 4]]
        if len(set(window)) == 1:
            return "it contains 4 equal digits in a row (like 1111)"
        steps = {(b - a) % 10 for a, b in itertools.pairwise(window)}
        if steps in ({1}, {9}):
            return "it contains 4 consecutive ascending or descending digits (like 1234 or 4321)"
    for size in range(1, len(code) // 2 + 1):
        if len(code) % size == 0 and code[:size] * (len(code) // size) == code:
            return f"it repeats a block of {size} digit(s)"
    return None


def check_passcode(field: str, code: Any, min_length: int = 4) -> str:
    """Digits only, min_length..10, not trivial. The value is never put in the message."""
    text = "" if code is None else str(code)
    if not text.isdigit() or not text.isascii():
        raise InputError(
            f"{field}: digits 0-9 only (the value contains other characters); nothing was changed",
            field=field,
            allowed=f"{min_length}-10 digits",
        )
    problem = passcode_problem(text)
    if problem:
        raise InputError(
            f"{field}: trivial passcode refused because {problem}; choose 10 non-trivial digits "
            "(no repeats like 1111, no runs like 1234/4321, at least 3 distinct digits); nothing was changed",
            field=field,
            allowed="non-trivial digits",
        )
    if not min_length <= len(text) <= 10:
        raise InputError(
            f"{field}: length {len(text)} is outside {min_length}-10 digits; nothing was changed",
            field=field,
            allowed=f"{min_length}-10 digits",
        )
    return text


def check_int_range(field: str, value: Any, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{field}: must be an integer", field=field)
    if value < low or (high is not None and value > high):
        allowed = f"{low}-{high}" if high is not None else f">= {low}"
        raise InputError(
            f"{field}: {value} is outside the allowed range {allowed}; nothing was changed",
            field=field,
            allowed=allowed,
        )
    return value


def check_choice(field: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InputError(
            f"{field}: '{value}' is not allowed (allowed: {', '.join(choices)}); nothing was changed",
            field=field,
            allowed=list(choices),
        )
    return str(value)


def check_tls_justifications(field: str, exceptions: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """TLS-01: an application below High needs a written justification. `exceptions` has been
    checked against its declaration (mivb_specs: applications, levels) already."""
    out: dict[str, dict[str, str]] = {}
    for app, spec in exceptions.items():
        level = spec["level"]
        justification = str(spec.get("justification") or "").strip()
        if level != "High" and not justification:
            raise InputError(
                f"{field}.{app}.justification: a TLS-01 exception (level {level} for {app}) requires a "
                "non-empty written justification; nothing was changed",
                field=f"{field}.{app}.justification",
            )
        out[app] = {"level": level, "justification": justification}
    return out


def strong_password_problem(password: str) -> str | None:
    """AUTH-02 Strong rule: 15-20 chars, at least 2 each of upper, lower, digit, special."""
    if not 15 <= len(password) <= 20:
        return f"length {len(password)} is outside 15-20 characters"
    counts = {
        "upper-case letters": sum(c.isupper() for c in password),
        "lower-case letters": sum(c.islower() for c in password),
        "digits": sum(c.isdigit() for c in password),
        "special characters": sum(c in SPECIALS for c in password),
    }
    short = [name for name, n in counts.items() if n < 2]
    if short:
        return "fewer than 2 " + ", ".join(short)
    return None
