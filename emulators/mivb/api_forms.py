"""Forms: list, read, PATCH (atomic), certificate installs, CSR, verify-secret."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulators import x509_builder
from plugins.module_utils.secrets import MASK

from . import access, certs, toll_forms
from .errors import ApiError, invalid
from .forms import SECRET_FIELDS, VALIDATORS, WAN_FORMS, validate_patch
from .passwords import check_secret, hash_secret
from .request import Request, body_dict
from .sessions import LOCKOUT_MINUTES, MAX_FAILURES

if TYPE_CHECKING:
    from .controller import Controller

FORMS = ("system_security_management", "system_options", "web_server_certificate", "device_certificate",
         *toll_forms.FACTORY,
         "smdr_options", "vm_options", *WAN_FORMS)


def forms_of(ctrl: Controller) -> tuple[str, ...]:
    """The forms this controller has: the WAN port's forms only on a model with a WAN port."""
    return FORMS if ctrl.spec.has_wan_port else tuple(f for f in FORMS if f not in WAN_FORMS)
_TLS_FIELDS = {"tls_security_levels", "https_tls_1_2_only", "https_cipher_suites"}


def _form_name(ctrl: Controller, req: Request) -> str:
    name = req.params["form"]
    forms = forms_of(ctrl)
    if name not in forms:
        why = f" (model {ctrl.spec.model} has no WAN port)" if name in WAN_FORMS else ""
        raise ApiError(404, "not_found", f"unknown form {name!r}{why}", allowed=list(forms))
    return name


def form_view(ctrl: Controller, form: str) -> dict[str, Any]:
    if form == "web_server_certificate":
        cert = ctrl.web_cert()
        chain_pem = ctrl.store.read_pem("web_chain.pem")
        chain = certs.load_certs(chain_pem, "chain") if chain_pem else []
        fields: dict[str, Any] = vars(certs.describe(cert)).copy()
        fields["chain_sha256"] = [certs.fingerprint(c) for c in chain]
        fields["certificate_pem"] = x509_builder.cert_pem(cert)
        fields["chain_pem"] = chain_pem
        return fields
    if form == "device_certificate":
        cert = ctrl.device_cert()
        info = certs.describe(cert)
        return {
            "type": ctrl.state["device_certificate"]["type"],
            "subject": info.subject,
            "issuer": info.issuer,
            "sha256_fingerprint": info.sha256_fingerprint,
            "not_after": info.not_after,
            "csr_pending": bool(ctrl.store.read_pem("device_csr_key.pem")),
            "certificate_pem": x509_builder.cert_pem(cert),  # public: what the c2c port serves
        }
    fields = dict(ctrl.state["forms"][form])
    for secret in SECRET_FIELDS.get(form, ()):
        fields[f"{secret}_set"] = ctrl.state["secrets"][secret] is not None
    if form == "system_security_management":
        # Hard-coded on MiVB ("The number of consecutive failed login attempts allowed is
        # hardcoded at three"): shown read-only so an audit (AUTH-07) never has to fail a login.
        fields["failed_login_attempts_before_lockout"] = MAX_FAILURES
        fields["lockout_minutes"] = LOCKOUT_MINUTES
    if form == "system_options":
        fields["srtp_encryption_effective"] = fields["voice_encryption_enabled"] and fields["srtp_encryption_enabled"]
    return fields


def list_forms(ctrl: Controller, req: Request) -> tuple[int, Any]:
    ctrl.session_for(req.token)
    return 200, {"forms": list(forms_of(ctrl))}


def get_form(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    form = _form_name(ctrl, req)
    access.require(ctrl, session, form, write=False)
    return 200, {"form": form, "fields": form_view(ctrl, form)}


def patch_form(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    form = _form_name(ctrl, req)
    access.require(ctrl, session, form, write=True)
    if form not in VALIDATORS:
        raise ApiError(405, "method_not_allowed", f"{form} is changed with PUT", allowed=["GET", "PUT"])
    body = body_dict(req, {"fields"}, {"fields"})
    current = ctrl.state["forms"][form]
    new = validate_patch(form, body["fields"], current)
    changes = []
    for name, value in new.items():
        if name in SECRET_FIELDS.get(form, ()):
            stored = ctrl.state["secrets"][name]
            if not check_secret(value, stored):
                ctrl.state["secrets"][name] = hash_secret(value)
                changes.append({"field": name, "old": MASK if stored else None, "new": MASK})
        elif current[name] != value:
            if form in toll_forms.FACTORY:
                changes.extend(toll_forms.table_changes(name, current[name], value))
            else:
                changes.append({"field": name, "old": current[name], "new": value})
            current[name] = value
    if changes:
        ctrl.audit(
            "Modify",
            session.username,
            req.client_ip,
            form=form,
            changes=changes,
            message=f"{form}: {len(changes)} field(s) changed",
        )
        if _TLS_FIELDS & {c["field"] for c in changes}:
            ctrl.tls_changed()
    return 200, {"form": form, "fields": form_view(ctrl, form)}


def verify_secret(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    form = _form_name(ctrl, req)
    access.require(ctrl, session, form, write=False)
    body = body_dict(req, {"field", "value"}, {"field", "value"})
    secrets = SECRET_FIELDS.get(form, ())
    if body["field"] not in secrets:
        raise invalid("field", f"{form} has no write-only secret {body['field']!r}", list(secrets))
    match = check_secret(body["value"], ctrl.state["secrets"][body["field"]])
    ctrl.audit(
        "Verify Secret",
        session.username,
        req.client_ip,
        form=form,
        message=f"verify-secret {body['field']} value={MASK} match={str(match).lower()}",
    )
    return 200, {"field": body["field"], "match": match}


def put_form(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    form = _form_name(ctrl, req)
    access.require(ctrl, session, form, write=True)
    if form == "web_server_certificate":
        changes = _install_web_certificate(ctrl, req)
    elif form == "device_certificate":
        changes = _install_device_certificate(ctrl, req)
    else:
        raise ApiError(405, "method_not_allowed", f"{form} is changed with PATCH", allowed=["GET", "PATCH"])
    ctrl.audit(
        "Certificate Install",
        session.username,
        req.client_ip,
        form=form,
        changes=changes,
        message=f"{form}: certificate installed",
    )
    ctrl.tls_changed()
    return 200, {"form": form, "fields": form_view(ctrl, form)}


def _leaf_and_chain(ctrl: Controller, body: dict[str, Any]) -> tuple[Any, list[Any]]:
    leaf_list = certs.load_certs(body["certificate_pem"], "certificate_pem")
    if len(leaf_list) != 1:
        raise invalid(
            "certificate_pem",
            "certificate_pem must hold exactly one certificate (the leaf); put intermediates in intermediate_pem",
        )
    chain = certs.load_certs(body["intermediate_pem"], "intermediate_pem") if body.get("intermediate_pem") else []
    return leaf_list[0], chain


def _install_web_certificate(ctrl: Controller, req: Request) -> list[dict[str, Any]]:
    body = body_dict(
        req,
        {"certificate_pem", "private_key_pem", "intermediate_pem"},
        {"certificate_pem", "private_key_pem"},
    )
    leaf, chain = _leaf_and_chain(ctrl, body)
    key = certs.load_private_key(body["private_key_pem"], "private_key_pem")
    if not certs.same_public_key(leaf, key.public_key()):
        raise invalid("private_key_pem", "private_key_pem does not match the certificate's public key")
    certs.check_chain(leaf, chain, "intermediate_pem")
    certs.check_validity(leaf, ctrl.clock.now_dt(), "certificate_pem")
    old = certs.fingerprint(ctrl.web_cert())
    ctrl.store.write_pem("web_key.pem", x509_builder.key_pem(key))
    ctrl.store.write_pem("web_cert.pem", x509_builder.cert_pem(leaf))
    ctrl.store.write_pem("web_chain.pem", "".join(x509_builder.cert_pem(c) for c in chain))
    return [
        {"field": "sha256_fingerprint", "old": old, "new": certs.fingerprint(leaf)},
        {"field": "private_key_pem", "old": MASK, "new": MASK},
    ]


def _install_device_certificate(ctrl: Controller, req: Request) -> list[dict[str, Any]]:
    body = body_dict(req, {"certificate_pem", "intermediate_pem", "reuse_web_certificate"})
    old_type = ctrl.state["device_certificate"]["type"]
    old_fp = certs.fingerprint(ctrl.device_cert())
    if "reuse_web_certificate" in body:
        if body["reuse_web_certificate"] is not True or len(body) != 1:
            raise invalid("reuse_web_certificate", 'send {"reuse_web_certificate": true} alone', [True])
        ctrl.state["device_certificate"]["type"] = "web_certificate"
    else:
        if "certificate_pem" not in body:
            raise invalid("certificate_pem", "certificate_pem (or reuse_web_certificate) is required")
        leaf, chain = _leaf_and_chain(ctrl, body)
        csr_key_pem = ctrl.store.read_pem("device_csr_key.pem")
        if not csr_key_pem:
            raise invalid("certificate_pem", "no pending CSR: POST /forms/device_certificate/csr first")
        csr_key = certs.load_private_key(csr_key_pem, "device_csr_key")
        if not certs.same_public_key(leaf, csr_key.public_key()):
            raise invalid("certificate_pem", "certificate_pem does not match the key of the pending CSR")
        certs.check_chain(leaf, chain, "intermediate_pem")
        certs.check_validity(leaf, ctrl.clock.now_dt(), "certificate_pem")
        ctrl.store.write_pem("device_key.pem", csr_key_pem)
        ctrl.store.write_pem("device_cert.pem", x509_builder.cert_pem(leaf))
        ctrl.store.write_pem("device_chain.pem", "".join(x509_builder.cert_pem(c) for c in chain))
        ctrl.store.write_pem("device_csr_key.pem", "")
        ctrl.state["device_certificate"]["type"] = "ca_signed"
    return [
        {"field": "type", "old": old_type, "new": ctrl.state["device_certificate"]["type"]},
        {"field": "sha256_fingerprint", "old": old_fp, "new": certs.fingerprint(ctrl.device_cert())},
    ]


def device_csr(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require(ctrl, session, "device_certificate", write=True)
    body = body_dict(req, {"common_name", "subject_alt_names"}, {"common_name"})
    cn, sans = body["common_name"], body.get("subject_alt_names", [])
    if not isinstance(cn, str) or not cn or len(cn) > 64:
        raise invalid("common_name", "common_name must be a string of 1-64 characters")
    if not isinstance(sans, list) or not all(isinstance(s, str) and s for s in sans):
        raise invalid("subject_alt_names", "subject_alt_names must be a list of DNS names / IP addresses")
    key = x509_builder.new_key()
    csr_pem = x509_builder.csr_pem(x509_builder.csr(key, cn, sans))
    ctrl.store.write_pem("device_csr_key.pem", x509_builder.key_pem(key))
    ctrl.audit(
        "CSR Generate",
        session.username,
        req.client_ip,
        form="device_certificate",
        message=f"device certificate CSR generated for CN={cn} SAN={','.join(sans)}",
    )
    return 200, {"csr_pem": csr_pem}
