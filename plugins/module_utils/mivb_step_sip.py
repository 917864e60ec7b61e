# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TOLL-05 (audit only): SIP trunk and SIP device credentials are not simple.

Guideline, "Prevention of Toll Abuse": KMS HO1180 "Simple SIP Passwords and Impersonation" and
HO916 "General Guidelines to Secure SIP trunks". For every account of the controller's SIP list
(SIP Peer Profiles and SIP devices) the controller is asked whether its password equals one of
the candidates (the account's user name, its name, its extension, the common-password list) or
is shorter than `mivb_hardening_sip_password_min_length`. The controller compares them with the
digest it keeps and answers one boolean; no password is ever read, and the candidates are never
reported. Offenders are reported by account name only: `drift`, never remediated (the account's
owner must change the password on the controller and on the far end, which the toolkit cannot do).
"""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)

STEP = "sip_accounts"
MIN_VAR = "mivb_hardening_sip_password_min_length"
LIST_VAR = "mivb_hardening_sip_common_passwords"
# Passwords seen in SIP brute-force dictionaries (short numeric runs, vendor and protocol words).
COMMON_PASSWORDS = (
    "password", "Password", "password1", "Password1", "P@ssw0rd", "Passw0rd", "passw0rd", "pass", "secret",
    "admin", "admin123", "administrator", "root", "user", "guest", "test", "test123", "default", "changeme",
    "welcome", "letmein", "qwerty", "abc123", "iloveyou", "mitel", "Mitel", "mitel123", "3300", "sip", "voip",
    "asterisk", "phone", "trunk", "0000", "1111", "1234", "4321", "9999", "00000", "12345", "000000", "111111",
    "123123", "123456", "654321", "666666", "888888", "1234567", "12345678", "123456789", "1234567890",
    "87654321", "11111111", "0987654321",
)
MAX_CANDIDATES = 500


def candidates(account: dict[str, Any], extra: list[str]) -> list[str]:
    """What a simple password of this account would be (HO1180: user name, extension, common words)."""
    base = [account.get("user_name"), account.get("name"), account.get("extension")]
    out: list[str] = []
    for word in [*(b for b in base if b), *COMMON_PASSWORDS, *extra]:
        for variant in (word, word.lower(), word.upper(), word + word if len(word) <= 6 else None):
            if variant and variant not in out:
                out.append(variant)
    return out[:MAX_CANDIDATES]


class SipAccountsAudit:
    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        self.transport = transport
        minimum = params.get("sip_password_min_length")
        minimum = 10 if minimum is None else minimum
        if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 64:
            raise InputError(f"{MIN_VAR}: {minimum!r} is outside 1-64; nothing was changed", field=MIN_VAR,
                             allowed="1-64")
        extra = params.get("sip_common_passwords") or []
        if not isinstance(extra, list) or not all(isinstance(w, str) and w for w in extra):
            raise InputError(f"{LIST_VAR}: must be a list of non-empty strings", field=LIST_VAR)
        self.min_length = minimum
        self.extra = extra

    def offenders(self) -> tuple[int, list[str]]:
        accounts = (self.transport.send_request("GET", "/sip_accounts") or {}).get("accounts") or []
        bad = []
        for account in accounts:
            answer = self.transport.send_request(
                "POST", f"/sip_accounts/{account['name']}/verify-secret",
                {"candidates": candidates(account, self.extra), "min_length": self.min_length}) or {}
            if answer.get("match") or answer.get("shorter_than_min_length"):
                bad.append(account["name"])
        return len(accounts), bad


def run(plan: PlanContext, backend: SipAccountsAudit, ids: list[str]) -> None:
    total, bad = backend.offenders()
    rule = (f"equal to the user name, name or extension, in the common-password list, or shorter than "
            f"{backend.min_length} characters")
    if bad:
        plan.out.controls["TOLL-05"] = result(
            "drift", f"sip_accounts: {len(bad)} of {total} SIP account(s) have a simple password ({rule}): "
            f"{', '.join(bad)}; remediation is manual: the account's owner changes the password on the controller "
            "and on the far end (passwords are never read or reported)", remediated=False, offenders=bad)
    else:
        plan.out.controls["TOLL-05"] = result(
            "compliant", f"sip_accounts: none of {total} SIP account(s) (SIP Peer Profiles and SIP devices) has a "
            f"simple password ({rule}); checked by the controller against its stored digests", offenders=[])
    plan.out.steps.append({"step": STEP, "outcome": "ok", "accounts": total, "offenders": len(bad)})


STEP_DEF = StepDef(
    name=STEP,
    controls=(ControlDef("TOLL-05", STEP, {"sip_password_min_length": MIN_VAR, "sip_common_passwords": LIST_VAR}),),
    build=lambda plan, params: SipAccountsAudit(plan.transport, params),
    run=run,
)
