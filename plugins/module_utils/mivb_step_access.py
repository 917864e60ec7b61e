# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACC-01..03: Admin Policies and User Authorization Profiles as the inventory says.

Guideline, "User Authorization Profiles" / "Admin Policies" / "Application - Login Security":
- ACC-01: the policies are the inventory's (least privilege per role). ROOT cannot be changed,
  deleted or copied; SYSTEM, REMOTE and NO ACCESS can be changed but are never deleted.
- ACC-02: the profiles are the inventory's. Temporary (maintenance) profiles carry an expiry and
  are removed once it has passed; a profile the inventory no longer lists (a leaver) is removed.
- ACC-03: a MiXML application needs a certificate and a profile with Application access only.

One GET of each list per run, writes only for differences (policies added/changed, profiles
added/changed, then profiles removed, then policies removed), verified by a fresh GET of both.
Profile passwords are secrets: compared with the controller's verify-secret (no login, so no
failed-login count), never read, never shown.

Guards, all before the first write, with the reason: the toolkit's own account (the one it is
logged in with) is never removed, demoted from ROOT, made Application-only or given an expiry;
the plan never leaves the controller without a ROOT profile; a policy is only removed when no
remaining profile uses it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError, MivbError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    PlanContext,
    StepDef,
    result,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import strong_password_problem
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import DIFF_IS_SET, DIFF_NEW_VALUE

POLICIES_VAR = "mivb_hardening_admin_policies"
POLICIES_PURGE_VAR = "mivb_hardening_admin_policies_purge"
PROFILES_VAR = "mivb_hardening_user_profiles"
PROFILES_PURGE_VAR = "mivb_hardening_user_profiles_purge"
FACTORY_POLICIES = ("ROOT", "SYSTEM", "REMOTE", "NO ACCESS")
ACCESS_LEVELS = ("Read/Write", "Read Only", "No Access")
# The SAT forms and areas an admin policy can grant (docs/management-api.md, Admin policies;
# a unit test keeps this equal to the emulator's list, the contract's).
POLICY_AREAS = (
    "system_security_management", "system_options", "smdr_options", "web_server_certificate", "device_certificate",
    "class_of_service_options", "class_of_restriction", "user_and_services_configuration",
    "interconnect_restriction", "sip_accounts", "vm_options", "wan_settings", "pptp", "port_forward_table",
    "user_profiles", "audit_trail",
)
_POLICY_NAME = re.compile(r"^[A-Za-z0-9 ._-]{1,32}$")
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_FINGERPRINT = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){31}$")
PROFILE_KEYS = ("policy", "application_access_only", "expires", "mixml_certificate_sha256")


@dataclass
class Policy:
    name: str
    default_access: str
    forms: dict[str, str]

    def view(self) -> dict[str, Any]:
        return {"default_access": self.default_access, "forms": dict(sorted(self.forms.items()))}


@dataclass
class Profile:
    username: str
    policy: str
    password: str | None
    application_access_only: bool
    expires: str | None
    mixml_certificate_sha256: str | None

    def view(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in PROFILE_KEYS}


def _iso(value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise InputError(f"{field}: {text!r} is not an ISO 8601 date or date-time (e.g. 2026-12-31T18:00:00Z); "
                         "nothing was changed", field=field, allowed="ISO 8601") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expired(expires: str | None, now: dt.datetime) -> bool:
    return bool(expires) and dt.datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC) <= now


def _fingerprint_of(path: str, field: str) -> str:
    from cryptography import x509

    try:
        with open(path, "rb") as handle:
            cert = x509.load_pem_x509_certificate(handle.read())
    except (OSError, ValueError) as exc:
        raise InputError(f"{field}: cannot read a PEM certificate from {path} ({exc}); nothing was changed",
                         field=field, allowed="PEM certificate file") from None
    from cryptography.hazmat.primitives import hashes

    digest = cert.fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def check_policies(items: Any) -> dict[str, Policy]:
    if not isinstance(items, list):
        raise InputError(f"{POLICIES_VAR}: must be a list of policies (name, default_access, forms)",
                         field=POLICIES_VAR)
    out: dict[str, Policy] = {}
    for n, item in enumerate(items):
        where = f"{POLICIES_VAR}[{n}]"
        name = str((item or {}).get("name") or "")
        if not _POLICY_NAME.match(name):
            raise InputError(f"{where}.name: {name!r}: 1-32 letters, digits, space, '.', '_' or '-'; nothing was "
                             "changed", field=POLICIES_VAR, allowed="1-32 of A-Z a-z 0-9 space . _ -")
        if name.upper() == "ROOT":
            raise InputError(f"{where}.name: the ROOT policy cannot be changed, deleted or copied (guideline, Admin "
                             "Policies): leave it out; nothing was changed", field=POLICIES_VAR,
                             allowed="any name but ROOT")
        if name.upper() in (p.upper() for p in out):
            raise InputError(f"{where}.name: {name} is listed twice; nothing was changed", field=POLICIES_VAR)
        access = item.get("default_access")
        if access not in ACCESS_LEVELS:
            raise InputError(f"{where}.default_access: {access!r} is not allowed (allowed: {', '.join(ACCESS_LEVELS)})"
                             "; nothing was changed", field=POLICIES_VAR, allowed=list(ACCESS_LEVELS))
        forms = item.get("forms") or {}
        if not isinstance(forms, dict):
            raise InputError(f"{where}.forms: must be a mapping form -> access level", field=POLICIES_VAR)
        for form, level in forms.items():
            if form not in POLICY_AREAS:
                raise InputError(f"{where}.forms: unknown form {form!r} (allowed: {', '.join(POLICY_AREAS)}); "
                                 "nothing was changed", field=POLICIES_VAR, allowed=list(POLICY_AREAS))
            if level not in ACCESS_LEVELS:
                raise InputError(f"{where}.forms.{form}: {level!r} is not allowed (allowed: "
                                 f"{', '.join(ACCESS_LEVELS)}); nothing was changed", field=POLICIES_VAR,
                                 allowed=list(ACCESS_LEVELS))
        out[name] = Policy(name, str(access), {str(k): str(v) for k, v in forms.items()})
    return out


def check_profiles(items: Any, strength: str | None) -> dict[str, Profile]:
    if not isinstance(items, list):
        raise InputError(f"{PROFILES_VAR}: must be a list of profiles (username, policy, password, ...)",
                         field=PROFILES_VAR)
    out: dict[str, Profile] = {}
    for n, item in enumerate(items):
        item = item or {}
        where = f"{PROFILES_VAR}[{n}]"
        username = str(item.get("username") or "")
        if not _USERNAME.match(username):
            raise InputError(f"{where}.username: 1-32 letters, digits, '.', '_' or '-'; nothing was changed",
                             field=PROFILES_VAR, allowed="1-32 of A-Z a-z 0-9 . _ -")
        if username in out:
            raise InputError(f"{where}.username: {username} is listed twice; nothing was changed", field=PROFILES_VAR)
        policy = str(item.get("policy") or "")
        if not _POLICY_NAME.match(policy):
            raise InputError(f"{where}.policy: the admin policy name is required (1-32 letters, digits, space, '.', "
                             "'_' or '-'); nothing was changed", field=PROFILES_VAR)
        expires = _iso(item.get("expires"), f"{where}.expires")
        if item.get("temporary") and not expires:
            raise InputError(f"{where}.expires: a temporary (maintenance) profile must carry an expiry (guideline: "
                             "temporary profiles are deleted after the activities); nothing was changed",
                             field=PROFILES_VAR, allowed="ISO 8601 date-time")
        app_only = bool(item.get("application_access_only"))
        cert = item.get("mixml_certificate_sha256")
        if item.get("mixml_certificate"):
            cert = _fingerprint_of(str(item["mixml_certificate"]), f"{where}.mixml_certificate")
        if cert is not None:
            cert = str(cert).upper()
            if not _FINGERPRINT.match(cert):
                raise InputError(f"{where}.mixml_certificate_sha256: not a SHA-256 fingerprint (64 hex digits in "
                                 "colon-separated pairs); nothing was changed", field=PROFILES_VAR,
                                 allowed="AA:BB:... (32 pairs)")
        if app_only and not cert:
            raise InputError(f"{where}: an Application-only (MiXML) profile needs the application's certificate "
                             "(mixml_certificate: PEM file, or mixml_certificate_sha256) (ACC-03); nothing was "
                             "changed", field=PROFILES_VAR, allowed="mixml_certificate or mixml_certificate_sha256")
        if cert and not app_only:
            raise InputError(f"{where}: a MiXML certificate belongs to a profile with application_access_only: true "
                             "(ACC-03); nothing was changed", field=PROFILES_VAR,
                             allowed="application_access_only: true")
        if app_only and policy.upper() == "ROOT":
            raise InputError(f"{where}.policy: an Application-only (MiXML) profile must not hold the ROOT policy "
                             "(least privilege, ACC-03); nothing was changed", field=PROFILES_VAR,
                             allowed="a non-ROOT policy")
        password = item.get("password")
        if password is not None:
            password = str(password)
            problem = strong_password_problem(password) if strength == "Strong" else None
            if problem:
                # the rule, never the value
                raise InputError(f"{where}.password: does not meet the Strong rule (AUTH-02): {problem}; nothing was "
                                 "changed", field=PROFILES_VAR,
                                 allowed="15-20 characters, at least 2 each of upper, lower, digit, special")
        out[username] = Profile(username, policy, password, app_only, expires, cert)
    return out


class AccessBackend:
    """The wanted policies/profiles (validated) and, after run(), what was read and done."""

    def __init__(self, plan: PlanContext, params: dict[str, Any]) -> None:
        strength = plan.values.get("mivb_hardening_password_strength")
        self.me = plan.target.username
        self.policies = check_policies(params["admin_policies"] or []) if "admin_policies" in params else None
        self.purge_policies = bool(params.get("purge_policies", True))
        listed = params.get("user_profiles", params.get("application_profiles"))
        self.profiles = check_profiles(listed or [], strength) if listed is not None or "user_profiles" in params \
            else None
        self.purge_profiles = "user_profiles" in params and bool(params.get("purge_profiles", True))
        if "user_profiles" in params and not self.profiles:
            raise InputError(f"{PROFILES_VAR}: empty: ACC-02 makes the controller's profiles exactly this list, so "
                             "it needs at least the toolkit's own account (policy ROOT); list the profiles or set "
                             "mivb_hardening_acc_02: false; nothing was changed", field=PROFILES_VAR)
        if self.profiles is not None and "user_profiles" in params:
            self.check_own_account(self.me)
        # ACC-02 is validated alone too: it carries the policy list to check its references
        known = check_policies(params["known_policies"] or []) if "known_policies" in params else self.policies
        purge_known = params.get("known_policies_purge", self.purge_policies)
        if known is not None and self.profiles is not None and purge_known:
            for p in self.profiles.values():
                if p.policy not in known and p.policy not in FACTORY_POLICIES:
                    raise InputError(f"{PROFILES_VAR}: profile {p.username} uses policy {p.policy}, which is neither "
                                     f"in {POLICIES_VAR} nor a default policy; nothing was changed",
                                     field=PROFILES_VAR, allowed=sorted({*known, *FACTORY_POLICIES}))

    def check_own_account(self, me: str) -> None:
        """Guards on the toolkit's own account and on ROOT; raise before any write."""
        profiles = self.profiles or {}
        mine = profiles.get(me) if me else None
        if me and mine is None and self.purge_profiles:
            raise InputError(f"{PROFILES_VAR}: the toolkit's own account {me!r} is not listed, so ACC-02 would delete "
                             f"the account this run is logged in with; list it with policy ROOT (or set "
                             f"{PROFILES_PURGE_VAR}: false); nothing was changed", field=PROFILES_VAR)
        if mine is not None:
            problem = ("policy ROOT (it manages the admin policies: anything else demotes it)"
                       if mine.policy != "ROOT" else
                       "no expiry (it would lock the toolkit out)" if mine.expires else
                       "application_access_only: false" if mine.application_access_only else
                       "no password here (AUTH-01 manages it through mivb_admin_password)"
                       if mine.password is not None else "")
            if problem:
                raise InputError(f"{PROFILES_VAR}: the toolkit's own account {me!r} must keep {problem}; nothing was "
                                 "changed", field=PROFILES_VAR)
        if self.purge_profiles and not any(p.policy == "ROOT" and not p.expires for p in profiles.values()):
            raise InputError(f"{PROFILES_VAR}: no listed profile keeps the ROOT policy without an expiry: ACC-02 "
                             "would delete the last ROOT profile; nothing was changed", field=PROFILES_VAR)


def _build(plan: PlanContext, params: dict[str, Any]) -> AccessBackend:
    return AccessBackend(plan, params)


# ---- the run ---------------------------------------------------------------------------------


@dataclass
class Changes:
    policy_puts: list[str]
    policy_deletes: list[str]
    profile_puts: dict[str, set[str]]  # username -> changed keys ("password", "created", ...)
    profile_deletes: dict[str, str]  # username -> reason
    app_problems: list[str]

    def any(self) -> bool:
        return bool(self.policy_puts or self.policy_deletes or self.profile_puts or self.profile_deletes)


def _read(plan: PlanContext, acc: AccessBackend, ids: list[str]) -> tuple[dict[str, Policy], dict[str, Profile]]:
    have_pol: dict[str, Policy] = {}
    if "ACC-01" in ids:
        for p in plan.transport.send_request("GET", "/admin_policies").get("policies", []):
            have_pol[p["name"]] = Policy(p["name"], p["default_access"], dict(p.get("forms") or {}))
    have_prof: dict[str, Profile] = {}
    if "ACC-02" in ids or "ACC-03" in ids:
        for p in plan.transport.send_request("GET", "/user_profiles").get("profiles", []):
            have_prof[p["username"]] = Profile(p["username"], p["policy"], None, bool(p["application_access_only"]),
                                               p.get("expires"), p.get("mixml_certificate_sha256"))
    return have_pol, have_prof


def _decide(plan: PlanContext, acc: AccessBackend, ids: list[str], have_pol: dict[str, Policy],
            have_prof: dict[str, Profile], now: dt.datetime, verify: bool) -> Changes:
    ch = Changes([], [], {}, {}, [])
    if "ACC-01" in ids and acc.policies is not None:
        ch.policy_puts = [n for n, p in acc.policies.items() if n not in have_pol or have_pol[n].view() != p.view()]
        if acc.purge_policies:
            ch.policy_deletes = [n for n in have_pol if n not in acc.policies and n not in FACTORY_POLICIES]
    want = acc.profiles or {}
    manage = "ACC-02" in ids
    for name, p in want.items():
        if not manage and not p.application_access_only:
            continue  # ACC-03 alone manages only the Application-only profiles
        have = have_prof.get(name)
        if _expired(p.expires, now):
            if have is not None and manage:
                ch.profile_deletes[name] = "expired"
            continue
        if have is None:
            ch.profile_puts[name] = {"created"}
            continue
        keys = {k for k in PROFILE_KEYS if getattr(have, k) != getattr(p, k)}
        if not manage:
            keys &= {"application_access_only", "mixml_certificate_sha256"}
        if verify and p.password is not None and name != acc.me and not _password_matches(plan, name, p.password):
            keys.add("password")
        if keys:
            ch.profile_puts[name] = keys
    if manage:
        for name, have in have_prof.items():
            if name in want or name == acc.me:
                continue
            if acc.purge_profiles:
                ch.profile_deletes[name] = "expired" if _expired(have.expires, now) else "not in the inventory"
            elif _expired(have.expires, now):
                ch.profile_deletes[name] = "expired"
    for name, have in have_prof.items():
        if have.application_access_only and not have.mixml_certificate_sha256 and name not in ch.profile_deletes \
                and not (name in want and name in ch.profile_puts):
            ch.app_problems.append(name)
    return ch


def _password_matches(plan: PlanContext, username: str, password: str) -> bool:
    data = plan.transport.send_request("POST", f"/user_profiles/{quote(username, safe='')}/verify-secret",
                                       {"field": "password", "value": password})
    return bool(isinstance(data, dict) and data.get("match"))


def _guard_after(acc: AccessBackend, ch: Changes, have_pol: dict[str, Policy], have_prof: dict[str, Profile],
                 me: str, now: dt.datetime, ids: list[str]) -> None:
    """What the controller would look like after the writes must keep the toolkit and ROOT working."""
    after = {n: p for n, p in have_prof.items() if n not in ch.profile_deletes}
    for name in ch.profile_puts:
        after[name] = (acc.profiles or {})[name]
    if me in ch.profile_deletes or (me in have_prof and me not in after):
        raise InputError(f"{PROFILES_VAR}: the plan would delete the toolkit's own account {me!r} "
                         f"({ch.profile_deletes.get(me, 'removed')}); nothing was changed", field=PROFILES_VAR)
    if me in after and after[me].policy != "ROOT":
        raise InputError(f"{PROFILES_VAR}: the plan would demote the toolkit's own account {me!r} to policy "
                         f"{after[me].policy}; nothing was changed", field=PROFILES_VAR)
    if have_prof and not any(p.policy == "ROOT" and not _expired(p.expires, now) for p in after.values()):
        raise InputError(f"{PROFILES_VAR}: the plan would leave no usable ROOT profile (the last ROOT profile is "
                         "deleted, demoted or expired); nothing was changed", field=PROFILES_VAR)
    if "ACC-01" in ids:
        kept = ({*have_pol, *(acc.policies or {})} - set(ch.policy_deletes))
        users = {n: p.policy for n, p in after.items()} if have_prof else {}
        for name in ch.policy_deletes:
            using = sorted(u for u, pol in users.items() if pol == name)
            if using:
                raise InputError(f"{POLICIES_VAR}: policy {name} is not listed but profile(s) {', '.join(using)} "
                                 f"keep using it: list it, or reassign/remove those profiles (ACC-02); nothing was "
                                 "changed", field=POLICIES_VAR)
        for user, pol in users.items():
            if pol not in kept and pol not in FACTORY_POLICIES:
                raise InputError(f"{PROFILES_VAR}: profile {user} uses policy {pol}, which would not exist; nothing "
                                 "was changed", field=PROFILES_VAR)


def _apply(plan: PlanContext, acc: AccessBackend, ch: Changes) -> None:
    t = plan.transport
    for name in ch.policy_puts:
        p = (acc.policies or {})[name]
        t.send_request("PUT", f"/admin_policies/{quote(name, safe='')}", {"default_access": p.default_access,
                                                                          "forms": p.forms})
    for name, keys in ch.profile_puts.items():
        p = (acc.profiles or {})[name]
        body: dict[str, Any] = p.view()
        if ("created" in keys or "password" in keys) and p.password is not None:
            body["password"] = p.password
        elif "created" in keys:
            raise InputError(f"{PROFILES_VAR}: profile {name} does not exist on the controller and has no password in "
                             "the inventory", field=PROFILES_VAR)
        t.send_request("PUT", f"/user_profiles/{quote(name, safe='')}", body)
    for name in ch.profile_deletes:
        t.send_request("DELETE", f"/user_profiles/{quote(name, safe='')}")
    for name in ch.policy_deletes:
        t.send_request("DELETE", f"/admin_policies/{quote(name, safe='')}")


def _run(plan: PlanContext, acc: AccessBackend, ids: list[str]) -> None:
    me = acc.me or str(plan.transport.session_state().get("username") or "")
    if me != acc.me and acc.profiles is not None and "ACC-02" in ids:
        acc.me = me
        acc.check_own_account(me)
    now = dt.datetime.now(dt.UTC)
    have_pol, have_prof = _read(plan, acc, ids)
    ch = _decide(plan, acc, ids, have_pol, have_prof, now, verify=True)
    # every profile that must be created needs its password: refused before the first write
    missing = [n for n, k in ch.profile_puts.items() if "created" in k and (acc.profiles or {})[n].password is None]
    if missing:
        raise InputError(f"{PROFILES_VAR}: profile(s) {', '.join(missing)} do not exist on the controller and have no "
                         "password in the inventory; nothing was changed", field=PROFILES_VAR)
    _guard_after(acc, ch, have_pol, have_prof, me, now, ids)
    applied = False
    if ch.any() and not plan.check:
        _apply(plan, acc, ch)
        applied = True
        fresh_pol, fresh_prof = _read(plan, acc, ids)
        left = _decide(plan, acc, ids, fresh_pol, fresh_prof, now, verify=False)
        for name, keys in ch.profile_puts.items():
            p = (acc.profiles or {})[name]
            if keys & {"password", "created"} and p.password is not None and not _password_matches(plan, name,
                                                                                                   p.password):
                left.profile_puts.setdefault(name, set()).add("password")
        if left.any():
            raise MivbError("access: after the writes a fresh read still differs: " + _summary(left))
        plan.out.changed = True
    _report(plan, acc, ids, ch, have_pol, have_prof, applied)


def _summary(ch: Changes) -> str:
    parts = []
    if ch.policy_puts:
        parts.append("policies " + ", ".join(ch.policy_puts))
    if ch.policy_deletes:
        parts.append("policies to remove " + ", ".join(ch.policy_deletes))
    if ch.profile_puts:
        parts.append("profiles " + ", ".join(f"{n} ({', '.join(sorted(k))})" for n, k in ch.profile_puts.items()))
    if ch.profile_deletes:
        parts.append("profiles to remove " + ", ".join(ch.profile_deletes))
    return "; ".join(parts)


def _profile_view(p: Profile | None, password: str) -> dict[str, Any] | None:
    return None if p is None else {**p.view(), "password": password}


def _report(plan: PlanContext, acc: AccessBackend, ids: list[str], ch: Changes, have_pol: dict[str, Policy],
            have_prof: dict[str, Profile], applied: bool) -> None:
    verb = "" if applied else "to be "
    if "ACC-01" in ids:
        if ch.policy_puts or ch.policy_deletes:
            names = [*ch.policy_puts, *ch.policy_deletes]
            before = {n: have_pol[n].view() if n in have_pol else None for n in names}
            after = {n: (acc.policies or {})[n].view() if n in ch.policy_puts else None for n in names}
            plan.out.controls["ACC-01"] = result(
                "drift", "admin policies: " + "; ".join(filter(None, [
                    f"{verb}added/changed {', '.join(ch.policy_puts)}" if ch.policy_puts else "",
                    f"{verb}removed {', '.join(ch.policy_deletes)} (not in {POLICIES_VAR})" if ch.policy_deletes
                    else ""])) + "; ROOT untouched", remediated=applied, diff={"before": before, "after": after})
            plan.out.diffs.append({"before_header": "admin_policies", "after_header": "admin_policies",
                                   "before": before, "after": after})
        else:
            plan.out.controls["ACC-01"] = result(
                "compliant", f"admin policies: {', '.join(sorted(have_pol))} as the inventory says (ROOT untouched; "
                "SYSTEM, REMOTE, NO ACCESS kept)")
        broad = [n for n, p in (acc.policies or {}).items() if p.default_access == "Read/Write"]
        if broad:
            plan.out.warnings.append(f"ACC-01: policy {', '.join(broad)} grants Read/Write on every form by default; "
                                     "least privilege grants it per form")
    for cid in ("ACC-02", "ACC-03"):
        if cid not in ids:
            continue
        app = cid == "ACC-03"
        puts = {n: k for n, k in ch.profile_puts.items()
                if not app or (acc.profiles or {})[n].application_access_only or "application_access_only" in k}
        deletes = {} if app else ch.profile_deletes
        if puts or deletes or (app and ch.app_problems):
            names = [*puts, *deletes]
            before = {n: _profile_view(have_prof.get(n), DIFF_IS_SET) for n in names}
            after = {n: _profile_view((acc.profiles or {})[n], DIFF_NEW_VALUE if puts[n] & {"password", "created"}
                                      else DIFF_IS_SET) if n in puts else None for n in names}
            what = [f"{verb}{'created' if 'created' in k else 'updated (' + ', '.join(sorted(k)) + ')'} {n}"
                    for n, k in puts.items()]
            what += [f"{verb}removed {n} ({why})" for n, why in deletes.items()]
            if app and ch.app_problems:
                what.append(f"Application-only profile(s) without a MiXML certificate: {', '.join(ch.app_problems)} "
                            f"(list them in {PROFILES_VAR} with the certificate, or let ACC-02 remove them)")
            label = "Application (MiXML) profiles" if app else "user profiles"
            plan.out.controls[cid] = result("drift", f"{label}: " + "; ".join(what),
                                            remediated=applied and not (app and ch.app_problems),
                                            diff={"before": before, "after": after})
            if names:
                plan.out.diffs.append({"before_header": f"user_profiles ({cid})", "after_header": cid,
                                       "before": before, "after": after})
        elif app:
            apps = sorted(n for n, p in have_prof.items() if p.application_access_only)
            plan.out.controls[cid] = result("compliant", "Application-only (MiXML) profiles: " + (", ".join(
                f"{n} (certificate {have_prof[n].mixml_certificate_sha256[:11]}...)" for n in apps) if apps else
                "none") + "; each has a MiXML certificate")
        else:
            temp = sorted(n for n, p in have_prof.items() if p.expires)
            plan.out.controls[cid] = result(
                "compliant", f"user profiles: exactly the inventory's {len(have_prof)} ({', '.join(sorted(have_prof))})"
                + (f"; temporary until their expiry: {', '.join(temp)}" if temp else "") + "; passwords verified "
                "without a login")
    plan.out.steps.append({"step": "access", "outcome": ("changed" if applied else "would change") if ch.any()
                           else "ok"})


STEP = StepDef(
    name="access",
    controls=(
        ControlDef("ACC-01", "access", {"admin_policies": POLICIES_VAR, "purge_policies": POLICIES_PURGE_VAR}),
        ControlDef("ACC-02", "access", {"user_profiles": PROFILES_VAR, "purge_profiles": PROFILES_PURGE_VAR,
                                        "known_policies": POLICIES_VAR, "known_policies_purge": POLICIES_PURGE_VAR}),
        ControlDef("ACC-03", "access", {"application_profiles": PROFILES_VAR}),
    ),
    build=_build,
    run=_run,
)
