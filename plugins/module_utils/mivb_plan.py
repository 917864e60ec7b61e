# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One plan per controller: every enabled control, validated first, applied in a fixed order.

The role `mivb_hardening` runs this through one action task per controller
(plugins/action/controller_config.py). The order and what stops what (docs/controller-plan.md):

1. **Input**: every selected control's values are validated (the form backends' rules and
   the guards below) before the controller is contacted. One invalid value: nothing is
   sent, the control is `error` naming the variable, the others `not_evaluated`.
2. **login / AUTH-01**: one login per run. A failed login stops everything (each control is
   `error` with the reason). A controller that requires a password change (factory state or
   expired) can only be read after AUTH-01 changed it; in check mode the other controls are
   `not_evaluated` then.
3. **system_security_management** (AUTH-02..06, TLS-01, TLS-02): one PATCH for all of them,
   then a fresh read verifies it. When TLS-02 changed, a fresh handshake with the toolkit's
   own client must succeed, else the previous TLS-02 values are restored.
4. **web_server_certificate** (CERT-01): PUT when the leaf differs; a fresh handshake then
   proves the served leaf is the new one and that the toolkit's client trusts it.
5. **served certificate** (CERT-02, audit only): days left of the certificate served now.
6. **system_options** (EP-02..04, TOLL-02, SYS-01): one PATCH, verified by a fresh read.

A failing form step (HTTP 5xx, refused value) makes its own controls `error`; the later
independent steps still run. A write whose answer was lost is re-read: "outcome unknown,
a fresh read shows ...". A step that cannot run because the session is gone leaves its
controls `not_evaluated` with the reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import (
    AdminPasswordBackend,
    SecuritySettingsBackend,
    SystemOptionsBackend,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import (
    FORM as WEB_CERT_FORM,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import (
    WebCertificateBackend,
    describe_pem,
    general_name,
    read_pem_file,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import (
    AccountLocked,
    AuthenticationFailed,
    ConnectionFailed,
    InputError,
    MivbError,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import (
    ControlDef,
    Outcome,
    SharedSessions,
    Stop,
    Target,
    result,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_steps import EXTRA_STEPS
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import GUIDELINE_CIPHERS

__all__ = ["CONTROLS", "CONTROL_IDS", "STEPS", "ControlDef", "ControllerPlan", "Outcome", "Target",
           "check_certificate_for_target"]

SSM = "system_security_management"
OPTIONS = "system_options"


# The plan's order: steps run in this order, controls inside a step share one request.
# The core steps are run by ControllerPlan itself; the others come from the step registry.
STEP_DEFS = {s.name: s for s in EXTRA_STEPS}
STEPS = ("login", SSM, WEB_CERT_FORM, "served_certificate", OPTIONS, *STEP_DEFS)
CONTROLS: tuple[ControlDef, ...] = (
    ControlDef("AUTH-01", "login", {"new_password": "mivb_admin_password"}, ("mivb_admin_password",)),
    ControlDef("AUTH-02", SSM, {"password_strength": "mivb_hardening_password_strength"}),
    ControlDef("AUTH-03", SSM, {"session_inactivity_minutes": "mivb_hardening_session_inactivity_minutes"}),
    ControlDef("AUTH-04", SSM, {"password_expiry_days": "mivb_hardening_password_expiry_days"}),
    ControlDef("AUTH-05", SSM, {"login_banner_enabled": "mivb_hardening_login_banner_enabled",
                                "login_banner_text": "mivb_hardening_login_banner_text"}),
    ControlDef("AUTH-06", SSM, {"phone_admin_passcode": "mivb_phone_admin_passcode",
                                "passcode_min_length": "mivb_hardening_passcode_min_length"},
               ("mivb_phone_admin_passcode",)),
    ControlDef("TLS-01", SSM, {"tls_security_levels": "mivb_hardening_tls_security_levels",
                               "tls_exceptions": "mivb_hardening_tls_exceptions"}),
    ControlDef("TLS-02", SSM, {"https_tls_1_2_only": "mivb_hardening_https_tls_1_2_only",
                               "https_cipher_suites": "mivb_hardening_https_cipher_suites"}),
    ControlDef("CERT-01", WEB_CERT_FORM, {"certificate": "mivb_web_certificate_path",
                                          "private_key": "mivb_web_private_key_path",
                                          "intermediate": "mivb_web_chain_path",
                                          "allow_self_signed": "mivb_hardening_cert_allow_self_signed"},
               ("mivb_web_certificate_path", "mivb_web_private_key_path")),
    ControlDef("CERT-02", "served_certificate", {"renew_within_days": "mivb_hardening_cert_renew_days"}),
    ControlDef("EP-02", OPTIONS, {"set_registration_access_code": "mivb_set_registration_access_code",
                                  "set_registration_attempts": "mivb_hardening_set_registration_attempts"},
               ("mivb_set_registration_access_code",)),
    ControlDef("EP-03", OPTIONS, {"voice_encryption_enabled": "mivb_hardening_voice_encryption_enabled"}),
    ControlDef("EP-04", OPTIONS, {"srtp_encryption_enabled": "mivb_hardening_srtp_encryption_enabled"}),
    ControlDef("TOLL-02", OPTIONS, {"disa_failed_attempts": "mivb_hardening_disa_failed_attempts",
                                    "disa_lockout_minutes": "mivb_hardening_disa_lockout_minutes"}),
    ControlDef("SYS-01", OPTIONS, {"send_welcome_email": "mivb_hardening_send_welcome_email",
                                   "call_history_disable_record_generation":
                                       "mivb_hardening_call_history_disable_record_generation",
                                   "call_history_default_records": "mivb_hardening_call_history_default_records"}),
    *(c for s in EXTRA_STEPS for c in s.controls),
)
BY_ID = {c.id: c for c in CONTROLS}
CONTROL_IDS = tuple(c.id for c in CONTROLS)
# The certificate parameters are file paths on the control node; the plan reads the files.
FILE_PARAMS = frozenset({"certificate", "private_key", "intermediate"})
# Role variable of every backend parameter, for messages that name what the user sets.
PARAM_VAR = {param: var for c in CONTROLS for param, var in c.params.items()}
ROLE_VARS = frozenset(PARAM_VAR.values())
# Write-only values: compared with verify-secret, never read, masked everywhere.
TLS02_EXCEPTION_VAR = "mivb_hardening_tls_02_cipher_exception"


def _named(cid: str, exc: MivbError) -> str:
    """An input error with the role variable named next to the control ID."""
    field_name = str(exc.field or "").split(".", maxsplit=1)[0]
    var = field_name if field_name in ROLE_VARS else PARAM_VAR.get(field_name)
    if not var:
        return f"{cid}: {exc.message}"
    message = exc.message[len(var) + 2:] if exc.message.startswith(var + ": ") else exc.message
    return f"{cid} {var}: {message}"


# ---- input -----------------------------------------------------------------------------------


def params_for(cdef: ControlDef, values: Mapping[str, Any]) -> dict[str, Any]:
    """The backend parameters of one control from the role's validated variables."""
    for var in cdef.required:
        if values.get(var) in (None, ""):
            raise InputError(f"{var}: required when {cdef.id} runs (set it in inventory/vault, or set "
                             f"{cdef.toggle}: false); nothing was changed", field=var)
    out: dict[str, Any] = {}
    for param, var in cdef.params.items():
        value = values.get(var)
        if isinstance(value, dict):
            # the argument_spec validator fills every declared sub-option; unset ones are None
            value = {k: v for k, v in value.items() if v is not None}
        if param in FILE_PARAMS and value:
            value = read_pem_file(var, str(value))
        out[param] = value
    return out


@functools.cache
def client_ciphers() -> frozenset[str]:
    """TLS 1.2 suites the toolkit's own client offers: create_default_context keeps the
    SSLContext defaults for ciphers, so a bare client context (without loading the system CA
    store, about 0.1 s) tells the same. Computed once per process (the parent, before forks)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return frozenset(c["name"] for c in ctx.get_ciphers() if c.get("protocol") == "TLSv1.2")


def check_cipher_plan(suites: list[str] | None, exception: str | None) -> None:
    """TLS-02 guard: a list the toolkit cannot negotiate, or one beyond the guideline's eight
    without a written exception, is refused before anything is written."""
    if not suites:
        return
    outside = [s for s in suites if s not in GUIDELINE_CIPHERS]
    if outside and not (exception or "").strip():
        raise InputError(
            f"https_cipher_suites: {', '.join(outside)} not among the guideline's eight suites; a list beyond "
            f"them needs a written exception in {TLS02_EXCEPTION_VAR}; nothing was changed",
            field="https_cipher_suites", allowed=list(GUIDELINE_CIPHERS))
    usable = sorted(set(suites) & client_ciphers())
    if not usable:
        raise InputError(
            "https_cipher_suites: the toolkit's own TLS client cannot negotiate any suite of this list, so every "
            "later run (and the rollback) would fail the handshake; keep at least one of "
            f"{', '.join(sorted(set(GUIDELINE_CIPHERS) & client_ciphers()))}; nothing was changed",
            field="https_cipher_suites", allowed=sorted(set(GUIDELINE_CIPHERS) & client_ciphers()))


def check_certificate_for_target(leaf: Any, chain: list[Any], target: Target, now: dt.datetime | None = None) -> None:
    """CERT-01 guard: the new certificate must verify, for the address the toolkit connects to,
    against the CA bundle it trusts (strict RFC 5280 checks, as Python 3.13 makes them: SAN,
    Authority Key Identifier, basic constraints). Otherwise installing it locks the toolkit out."""
    from cryptography import x509
    from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

    if not target.validate_certs:
        return
    if not target.ca_path:
        raise InputError("certificate: cannot prove the toolkit will trust the new certificate: "
                         "ansible_httpapi_ca_path is not set; nothing was pushed", field="certificate")
    try:
        with open(target.ca_path, "rb") as handle:
            roots = x509.load_pem_x509_certificates(handle.read())
    except (OSError, ValueError) as exc:
        raise InputError(f"certificate: the CA bundle {target.ca_path} cannot be read ({exc}); nothing was pushed",
                         field="certificate") from None
    builder = PolicyBuilder().store(Store(roots)).time(now or dt.datetime.now(dt.UTC))
    try:
        builder.build_server_verifier(general_name(target.host)).verify(leaf, chain)
    except (VerificationError, ValueError) as exc:
        raise InputError(
            f"certificate: the toolkit would not trust it at {target.host} ({exc}); installing it would lock "
            "this toolkit (and browsers using the same CA) out of the controller. The certificate must name "
            f"{target.host} in its subjectAltName, carry an Authority Key Identifier and chain to a CA in "
            "ansible_httpapi_ca_path; nothing was pushed", field="certificate") from None


# ---- the plan --------------------------------------------------------------------------------


class ControllerPlan:
    """Validate all selected controls, then run the steps in order against one transport."""

    def __init__(self, transport: Any, target: Target, values: Mapping[str, Any], selected: tuple[str, ...],
                 check_mode: bool, handshake: Callable[[], dict[str, Any]] | None = None) -> None:
        self.transport = transport
        self.target = target
        self.values = values
        self.selected = tuple(cid for cid in CONTROL_IDS if cid in selected)
        self.check = check_mode
        # A fresh TLS handshake with the toolkit's own verifying client (tests may replace it).
        self.handshake = handshake or self._handshake
        self.out = Outcome()
        self.shared = SharedSessions()  # sessions steps share (maintenance SSH), closed by run()
        self.backends: dict[str, Any] = {}
        self.validated = False

    # -- 1. input ------------------------------------------------------------------------------
    def validate(self) -> bool:
        """Build every step's backend (their constructors validate) and run the input guards."""
        by_step: dict[str, dict[str, Any]] = {}
        bad: dict[str, str] = {}
        for cid in self.selected:
            cdef = BY_ID[cid]
            step_def = STEP_DEFS.get(cdef.step)
            why = step_def.not_applicable(self.values) if step_def and step_def.not_applicable else None
            if why:
                self.out.controls[cid] = result("not_applicable", why)
                continue
            try:
                params = params_for(cdef, self.values)
                self._guard_input(cid, params)
                # Each control is validated alone first, so an error names the right control.
                self._build(cdef.step, params, cid)
            except MivbError as exc:
                bad[cid] = _named(cid, exc)
                continue
            by_step.setdefault(cdef.step, {}).update(params)
        # Controls that do not apply to this controller are reported and leave the plan.
        self.selected = tuple(cid for cid in self.selected if cid not in self.out.controls)
        self.validated = not bad
        if bad:
            for cid in self.selected:
                self.out.controls[cid] = (result("error", bad[cid]) if cid in bad else result(
                    "not_evaluated", "not evaluated: nothing was sent to the controller because the input of "
                    f"{', '.join(bad)} is invalid (all input is validated before the first write)"))
            self.out.input_errors = list(bad.values())
            return False
        for step, params in by_step.items():
            self.backends[step] = self._build(step, params, None)
        return True

    def _build(self, step: str, params: dict[str, Any], cid: str | None) -> Any:
        if step == "login":
            strength = self.values.get("mivb_hardening_password_strength") if "AUTH-02" in self.selected else None
            return AdminPasswordBackend(self.transport, {**params, "password_strength": strength})
        if step == SSM:
            return SecuritySettingsBackend(self.transport, params)
        if step == WEB_CERT_FORM:
            # the private key's full consistency check runs only if it is uploaded
            backend = WebCertificateBackend(self.transport, params, key_consistency=False)
            check_certificate_for_target(backend.leaf, backend.chain, self.target)
            return backend
        if step == OPTIONS:
            return SystemOptionsBackend(self.transport, params)
        if step in STEP_DEFS:
            return STEP_DEFS[step].build(self, params)
        days = params.get("renew_within_days")
        if days is not None and not 1 <= int(days) <= 3650:
            raise InputError(f"renew_within_days: {days} is outside 1-3650; nothing was changed",
                             field="renew_within_days", allowed="1-3650")
        return params

    def _guard_input(self, cid: str, params: dict[str, Any]) -> None:
        factory = self.values.get("mivb_factory_password")
        if cid == "AUTH-01" and factory and params.get("new_password") == factory:
            raise InputError("new_password: must differ from the factory password (AUTH-01 proves the factory "
                             "password no longer works); nothing was changed", field="new_password")
        if cid == "TLS-02":
            check_cipher_plan(params.get("https_cipher_suites"), self.values.get(TLS02_EXCEPTION_VAR))

    # -- 2..6. the steps -----------------------------------------------------------------------
    def run(self) -> Outcome:
        """Validate (unless done already), then the steps. Validation needs no device: callers
        may run it first, before taking the device's lock."""
        if not self.selected or not (self.validated or self.validate()):
            return self.out
        try:
            started = time.perf_counter()
            if not self._login() or not self._preflight():
                return self.out
            self._took("login", started)
            self._prefetch()
            for step in STEPS[1:]:
                ids = self._ids(step)
                if not ids:
                    continue
                started = time.perf_counter()
                custom = STEP_DEFS[step].run if step in STEP_DEFS else None
                if step == "served_certificate":
                    self._served_certificate(ids)
                elif step == WEB_CERT_FORM:
                    self._form_step(step, ids, self._certificate)
                elif custom is not None:
                    self._form_step(step, ids, functools.partial(custom, self))
                else:
                    self._form_step(step, ids, self.field_form)
                self._took(step, started)
        except Stop as stop:
            for cid in self.selected:
                self.out.controls.setdefault(cid, result(stop.status, stop.reason))
        finally:
            self.shared.close()
        return self.out

    def _took(self, step: str, started: float) -> None:
        self.out.seconds[step] = round(time.perf_counter() - started, 3)

    def _ids(self, step: str) -> list[str]:
        return [cid for cid in self.selected if BY_ID[cid].step == step]

    def _login(self) -> bool:
        """AUTH-01 and the one login of the run. False when nothing else can be evaluated."""
        backend = self.backends.get("login")
        try:
            if backend is not None:
                change = backend.needs_change()  # logs in and reads the session once
                state = backend.state
            else:
                change, state = False, self.transport.session_state()
        except (AuthenticationFailed, AccountLocked, ConnectionFailed) as exc:
            for cid in self.selected:
                self.out.controls[cid] = result("error", f"not evaluated: {exc.message}")
            self.out.steps.append({"step": "login", "outcome": "failed", "error": exc.code})
            return False
        except MivbError as exc:
            self.out.controls["AUTH-01"] = result("error", _named("AUTH-01", exc))
            return self._blocked("AUTH-01 failed", True)
        must_change = bool(state.get("password_change_required"))
        if backend is None:
            self.out.steps.append({"step": "login", "outcome": "ok"})
            return self._blocked("AUTH-01 is not selected in this run", must_change)
        try:
            if change and not self.check:
                backend.apply()
        except MivbError as exc:
            self.out.controls["AUTH-01"] = result("error", _named("AUTH-01", exc))
            return self._blocked("AUTH-01 failed", must_change)
        dump = backend.dump()
        entry = dict(dump["controls"]["AUTH-01"])
        if change:
            entry["remediated"] = backend.applied
            entry["diff"] = {"before": dump["before"], "after": dump["after"]}
            self.out.changed = True
            self.out.diffs.append({"before_header": "admin password (AUTH-01)", "after_header": "AUTH-01",
                                   "before": dump["before"], "after": dump["after"]})
        self.out.controls["AUTH-01"] = entry
        self.out.steps.append({"step": "login", "outcome": ("changed" if backend.applied else "would change")
                               if change else "ok", "login_password_source": dump.get("login_password_source")})
        return self._blocked("", must_change and not backend.applied)

    def _preflight(self) -> bool:
        """Input checks of the steps that need a read (StepDef.preflight), before the first write:
        a refusal leaves the controller untouched, like invalid input. Other read failures are left
        to the step itself (it reads again and reports them)."""
        for step, sdef in STEP_DEFS.items():
            ids = self._ids(step)
            if not ids or sdef.preflight is None:
                continue
            try:
                sdef.preflight(self, self.backends[step], ids)
            except InputError as exc:
                var = exc.field if exc.field in ROLE_VARS else PARAM_VAR.get(str(exc.field))
                named = [cid for cid in ids if var in BY_ID[cid].params.values()] or ids
                for cid in self.selected:
                    self.out.controls.setdefault(cid, result("error", _named(cid, exc)) if cid in named else result(
                        "not_evaluated", f"not evaluated: nothing was written because the input of {', '.join(named)} "
                        "was refused after reading the controller (checked before the first write)"))
                self.out.input_errors.append(_named(named[0], exc))
                self.out.steps.append({"step": step, "outcome": "refused", "error": exc.code})
                return False
            except MivbError:
                continue
        return True

    def _prefetch(self) -> None:
        """Let the selected steps start their out-of-band sessions now (StepDef.prefetch)."""
        for step, sdef in STEP_DEFS.items():
            if sdef.prefetch is not None and self._ids(step):
                try:
                    sdef.prefetch(self, self.backends[step])
                except MivbError:
                    continue  # the step meets the same error when it runs, and reports it

    def _blocked(self, why: str, must_change: bool) -> bool:
        if not must_change:
            return True
        reason = ("not evaluated: the controller requires its password to be changed first (factory state or "
                  "expired); only AUTH-01 can run before that")
        if why:
            reason += f" ({why})"
        elif self.check:
            reason += " (check mode: run the harden playbook to commission it)"
        status = "not_evaluated" if self.check and not why else "error"
        for cid in self.selected:
            self.out.controls.setdefault(cid, result(status, reason))
        return False

    def _form_step(self, step: str, ids: list[str], body: Callable[[Any, list[str]], None]) -> None:
        backend = self.backends[step]
        try:
            body(backend, ids)
        except (AuthenticationFailed, AccountLocked) as exc:
            raise Stop("error", f"not evaluated: the session was lost ({exc.message})") from None
        except ConnectionFailed as exc:
            if exc.details.get("outcome_unknown"):
                self._unknown_outcome(step, backend, ids, exc)
                return
            for cid in ids:
                self.out.controls[cid] = result("error", f"{step}: {exc.message}")
            if exc.details.get("tls_verify"):
                raise Stop("not_evaluated", f"not evaluated: {step} made the controller unreachable for the "
                           f"toolkit ({exc.message})") from None
            raise Stop("not_evaluated", f"not evaluated: the controller stopped answering during {step} "
                       f"({exc.message})") from None
        except MivbError as exc:
            # A refused value or a 5xx on this form: its controls fail, the next steps still run.
            for cid in ids:
                self.out.controls[cid] = result("error", _named(cid, exc) if isinstance(exc, InputError)
                                                else f"{step}: {exc.message}")
            self.out.steps.append({"step": step, "outcome": "failed", "error": exc.code})

    def _unknown_outcome(self, step: str, backend: Any, ids: list[str], exc: MivbError) -> None:
        """The write may have been applied: read the form again on a new connection and say what it shows."""
        try:
            self.transport.close()
            backend.have = self.transport.reread_form(step)
            left = backend.needs_change() if hasattr(backend, "changes") else True
        except MivbError as again:
            for cid in ids:
                self.out.controls[cid] = result("error", f"{step}: outcome unknown: {exc.message}; a fresh read "
                                                f"failed too ({again.message})")
            raise Stop("not_evaluated", f"not evaluated: the controller stopped answering during {step}") from None
        shows = "the intended values" if not left else "values that still differ from the intent"
        for cid in ids:
            self.out.controls[cid] = result("compliant" if not left else "error",
                                            f"{step}: outcome unknown ({exc.message}); a fresh read shows {shows}",
                                            remediated=not left)
        self.out.changed = True
        self.out.steps.append({"step": step, "outcome": "unknown", "reread": "as intended" if not left else "differs"})

    def field_form(self, backend: Any, ids: list[str]) -> None:
        form = backend.form
        change = backend.needs_change()
        before_tls = {k: backend.have.get(k) for k in ("https_tls_1_2_only", "https_cipher_suites")}
        if change and not self.check:
            backend.apply()
            self.verify_written(backend)
            if form == SSM and {"https_tls_1_2_only", "https_cipher_suites"} & set(backend.changes):
                self._prove_tls(backend, before_tls)
        dump = backend.dump()
        for cid, entry in dump["controls"].items():
            if entry["status"] == "drift":
                entry["remediated"] = backend.applied
            self.out.controls[cid] = entry
        for warning in dump.get("warnings", []):
            self.out.warnings.append(warning)
        if change:
            self.out.changed = True
            self.out.diffs.append({"before_header": form, "after_header": form,
                                   "before": dump["before"], "after": dump["after"]})
        self.out.steps.append({"step": form, "outcome": ("changed" if backend.applied else "would change")
                               if change else "ok", "changed_fields": dump["changed_fields"]})

    def verify_written(self, backend: Any) -> None:
        """A fresh read (not the PATCH answer) must show the intent."""
        written, before = dict(backend.changes), backend.have
        fresh = self.transport.reread_form(backend.form)
        backend.have = fresh
        left = sorted(backend.changes) if backend.needs_change() else []
        backend.have, backend.changes, backend.after = before, written, fresh
        if left:
            raise MivbError(f"{backend.form}: after the write a fresh read still differs in {', '.join(left)}")

    def _prove_tls(self, backend: Any, previous: dict[str, Any]) -> None:
        """TLS-02 changed: a new handshake with the toolkit's client must work, else restore."""
        self.transport.close()
        try:
            self.handshake()
            return
        except (OSError, ssl.SSLError, MivbError) as exc:
            failure = str(exc)
        # Restore over a connection opened before the change is impossible (it is closed); the
        # admin port refuses the toolkit now, so the restore can only be attempted, then reported.
        try:
            self.transport.patch_form(backend.form, previous)
            restored = "restored the previous TLS-02 values"
        except MivbError as exc:
            restored = f"the restore of the previous TLS-02 values failed too ({exc.message}): fix it out of band"
        raise MivbError(f"after the TLS-02 change the toolkit's TLS client could not connect ({failure}); {restored}")

    def _certificate(self, backend: Any, ids: list[str]) -> None:
        change = backend.needs_change()
        if change and not self.check:
            backend.apply()
            self.transport.close()
            try:
                served = self.handshake()
            except (OSError, ssl.SSLError) as exc:
                raise MivbError(f"CERT-01: the certificate was installed, but a fresh handshake by the toolkit's "
                                f"client fails ({exc}); the toolkit cannot restore the previous one (the controller "
                                "never returns private keys): install it out of band") from None
            from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import fingerprint, normalise_fp

            if normalise_fp(describe_pem(served["certificate_pem"])["sha256_fingerprint"]) != normalise_fp(
                    fingerprint(backend.leaf)):
                raise MivbError("CERT-01: the certificate was installed but the controller still serves another "
                                "leaf (verified by a fresh TLS handshake)")
        dump = backend.dump()
        entry = dict(dump["controls"].get("CERT-01") or result("compliant", "installed"))
        if entry["status"] == "drift":
            entry["remediated"] = backend.applied
            self.out.changed = True
            self.out.diffs.append({"before_header": WEB_CERT_FORM, "after_header": WEB_CERT_FORM,
                                   "before": dump["before"], "after": dump["after"]})
        self.out.controls["CERT-01"] = entry
        self.out.steps.append({"step": WEB_CERT_FORM, "outcome": ("changed" if backend.applied else "would change")
                               if change else "ok"})

    def _served_certificate(self, ids: list[str]) -> None:
        days_window = int(self.backends["served_certificate"].get("renew_within_days") or 30)
        try:
            served = describe_pem(self.transport.served_certificate()["certificate_pem"])
        except MivbError as exc:
            self.out.controls["CERT-02"] = result("error", f"served certificate: {exc.message}")
            return
        days = served["days_remaining"]
        text = (f"served certificate expires {served['not_after']} ({days} day(s) left, renewal window "
                f"{days_window} day(s)); leaf {served['sha256_fingerprint']}")
        if days < days_window:
            self.out.controls["CERT-02"] = result(
                "drift", text + "; renewal due: run playbooks/cert_renew.yml", remediated=False,
                not_after=served["not_after"], days_remaining=days)
        else:
            self.out.controls["CERT-02"] = result("compliant", text, not_after=served["not_after"],
                                                  days_remaining=days)
        self.out.steps.append({"step": "served_certificate", "outcome": "ok", "days_remaining": days})

    def _handshake(self) -> dict[str, Any]:
        """Connect like the next run will (verifying, SNI = the inventory address) and return what is served."""
        import socket

        ctx = self.transport.ssl_context()
        with socket.create_connection((self.target.host, self.target.port), timeout=10) as sock:
            with ctx.wrap_socket(sock, server_hostname=self.target.host) as tls:
                der = tls.getpeercert(binary_form=True)
        return {"certificate_pem": ssl.DER_cert_to_PEM_cert(der)}
