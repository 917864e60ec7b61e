# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CERT-02 judgement of the certificate renewal job (roles/cert_renewal).

Pure logic on PEM text and the outcome of the TLS handshakes that community.crypto.get_certificate
made: whether the served certificate is due for renewal, whether a renewal is proven (the served
leaf is the new one), and the CERT-02 report entry. Certificate parsing reuses mivb_certs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import (
    days_remaining,
    fingerprint,
    is_self_signed,
    iso,
    load_certs,
    normalise_fp,
    not_after,
)

# The argument spec of voicesec.mivb.cert_renewal_status (module and action plugin).
SPEC: dict[str, Any] = {
    "served": {"type": "str", "required": True},
    "trusted": {"type": "bool", "required": True},
    "trust_error": {"type": "str"},
    "renew_days": {"type": "int", "required": True},
    "new_certificate": {"type": "str"},
    "problem": {"type": "str"},
}


def describe(pem: str, field: str, now: dt.datetime) -> dict[str, Any]:
    """The facts of one leaf certificate (the first in the PEM text)."""
    cert = load_certs(field, pem)[0]
    return {
        "sha256_fingerprint": fingerprint(cert),
        "serial_number": cert.serial_number,
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_after": iso(not_after(cert)),
        "days_left": days_remaining(cert, now),
        "self_signed": is_self_signed(cert),
    }


def renewal_reasons(served: dict[str, Any], trusted: bool, trust_error: str | None, renew_days: int) -> list[str]:
    """Why the served certificate must be renewed; empty when it need not be."""
    reasons: list[str] = []
    if served["days_left"] < renew_days:
        reasons.append(f"{served['days_left']} day(s) left, fewer than {renew_days}")
    if served["self_signed"]:
        reasons.append("self-signed")
    if not trusted:
        why = f" ({trust_error})" if trust_error else ""
        reasons.append(f"not issued by the inventory's CA: the chain does not verify to the CA bundle{why}")
    return reasons


def proof_failures(served: dict[str, Any], new: dict[str, Any], trusted: bool, trust_error: str | None,
                   renew_days: int) -> list[str]:
    """What is wrong after an install: the served leaf must be the new one, trusted, and not due."""
    failures: list[str] = []
    if normalise_fp(served["sha256_fingerprint"]) != normalise_fp(new["sha256_fingerprint"]):
        failures.append(f"the controller serves {served['sha256_fingerprint']} (serial {served['serial_number']}), "
                        f"not the new certificate {new['sha256_fingerprint']} (serial {new['serial_number']})")
    elif served["serial_number"] != new["serial_number"]:
        failures.append(f"served serial {served['serial_number']} is not the new serial {new['serial_number']}")
    if not trusted:
        failures.append("the served chain does not verify to the inventory CA bundle"
                        + (f" ({trust_error})" if trust_error else ""))
    if served["days_left"] < renew_days:
        failures.append(f"the served certificate has {served['days_left']} day(s) left, fewer than {renew_days}")
    return failures


def expiry_text(served: dict[str, Any]) -> str:
    return f"served certificate expires {served['not_after']}, {served['days_left']} day(s) left"


def judge(params: dict[str, Any], check_mode: bool, now: dt.datetime | None = None) -> dict[str, Any]:
    """The cert_renewal_status result: facts, reasons, CERT-02 entry, changed/failed."""
    now = now or dt.datetime.now(dt.UTC)
    renew_days = int(params["renew_days"])
    trusted = bool(params.get("trusted"))
    trust_error = params.get("trust_error") or None
    served = describe(params["served"], "served", now)
    reasons = renewal_reasons(served, trusted, trust_error, renew_days)
    result: dict[str, Any] = {"served": served, "issued_by_ca": trusted, "renewal_due": bool(reasons),
                              "reasons": reasons, "changed": False, "failed": False}
    problem = params.get("problem")
    new_pem = params.get("new_certificate")
    if new_pem:
        new = describe(new_pem, "new_certificate", now)
        failures = proof_failures(served, new, trusted, trust_error, renew_days)
        # The served certificate decides: an install whose answer was lost still counts once the
        # new leaf is proven served; otherwise the install's own error comes first.
        if problem and failures:
            failures.insert(0, str(problem))
        result.update(new_certificate=new, proven=not failures, failures=failures)
        if failures:
            detail = "renewal not proven: " + "; ".join(failures) + f"; {expiry_text(served)}"
            result.update(failed=True, msg=detail, controls={"CERT-02": {"status": "error", "detail": detail}})
        else:
            note = f" (the install answered: {problem}; the new certificate is served all the same)" if problem else ""
            detail = (f"renewed (serial {new['serial_number']}, SHA-256 {new['sha256_fingerprint']}){note}: "
                      f"{expiry_text(served)}")
            result.update(changed=True, msg=detail,
                          controls={"CERT-02": {"status": "drift", "remediated": True, "detail": detail}})
        return result
    if problem:
        detail = f"{problem}; {expiry_text(served)}"
        result.update(failed=True, msg=detail, controls={"CERT-02": {"status": "error", "detail": detail}})
    elif reasons:
        detail = "renewal due (" + "; ".join(reasons) + f"): {expiry_text(served)}"
        # In check mode this is the audit's drift; outside it the role renews before judging again.
        result.update(changed=check_mode, msg=detail, controls={"CERT-02": {"status": "drift", "detail": detail}})
    else:
        detail = expiry_text(served)
        result.update(msg=detail, controls={"CERT-02": {"status": "compliant", "detail": detail}})
    return result
