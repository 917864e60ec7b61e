"""Independent checks for Molecule verify steps.

Deliberately shares no code with the collection: raw `ssl` handshakes and `urllib`
requests, so a verify step proves what the device does rather than what the toolkit
believes it did. Every sub-command prints one JSON object.

    probe.py tls --host H --port P --version 1.0|1.1|1.2 [--cipher NAME] [--cafile F]
    probe.py login --host H --port P --user U --password-env VAR --cafile F
    probe.py readonly-forms --host H --port P --admin-user U --admin-password-env VAR --cafile F
    probe.py patch-form --host H --port P --admin-user U --admin-password-env VAR --cafile F
             --form NAME [--fields JSON]        (drift made out of band; without --fields: a raw read)
    probe.py stats --host H --port P --cafile F [--reset]   (the emulator's request counters)
    probe.py api-get --host H --port P --user U --password-env VAR --cafile F --path /user_profiles ...
             (one session of that account, a GET per path: {"login": status, "<path>": {"status", "body"}})
    probe.py switch-show --platform cisco_ios|aruba_aoscx --host H --port P --user U
             --password-env VAR --secret-env VAR --known-hosts F --command "show vlan brief" ...
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import socket
import ssl
import sys
import urllib.error
import urllib.request
import warnings
from typing import Any

# TLS 1.0/1.1 are offered on purpose, to prove the server refuses them.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=__name__)

VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2}


def tls(host: str, port: int, version: str, cipher: str | None, cafile: str | None) -> dict[str, Any]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ctx.maximum_version = VERSIONS[version]
    # Offer old protocols for real: OpenSSL 3 refuses TLS 1.0/1.1 below SECLEVEL=0, and a
    # refusal caused by our own client would prove nothing about the server.
    ctx.set_ciphers((cipher or "ALL") + ":@SECLEVEL=0")
    if cafile:
        ctx.load_verify_locations(cafile)
        ctx.check_hostname = False  # the lab addresses are in the SAN; trust is what we test here
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=5) as sock, ctx.wrap_socket(sock) as conn:
            der = conn.getpeercert(binary_form=True) or b""
            chain = conn.get_verified_chain() if cafile else []
            return {
                "handshake": True,
                "version": conn.version(),
                "cipher": conn.cipher()[0],
                "sha256": hashlib.sha256(der).hexdigest().upper(),
                "verified_chain_length": len(chain),
            }
    except (ssl.SSLError, ConnectionError, OSError) as exc:
        return {"handshake": False, "error": f"{type(exc).__name__}: {exc}"}


def _ctx(cafile: str) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    return ctx


def _call(
    base: str, method: str, path: str, cafile: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, context=_ctx(cafile), timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else {}


def login(host: str, port: int, user: str, password: str, cafile: str) -> dict[str, Any]:
    status, body = _call(
        f"https://{host}:{port}/api/v1", "POST", "/login", cafile, {"username": user, "password": password}
    )
    ok = status == 200
    if ok:
        _call(f"https://{host}:{port}/api/v1", "POST", "/logout", cafile, {}, body.get("token"))
    return {
        "accepted": ok,
        "status": status,
        "error": None if ok else body.get("error"),
        "password_change_required": body.get("password_change_required") if ok else None,
    }


def readonly_forms(host: str, port: int, admin: str, admin_password: str, cafile: str,
                   names: list[str] | None = None) -> dict[str, Any]:
    """Create a Read Only auditor account, log in as it, read the forms, prove it cannot write."""
    base = f"https://{host}:{port}/api/v1"
    status, body = _call(base, "POST", "/login", cafile, {"username": admin, "password": admin_password})
    if status != 200:
        return {"error": f"admin login failed: {status} {body.get('error')}"}
    admin_token = body["token"]
    st, body = _call(
        base, "PUT", "/admin_policies/AUDIT-RO", cafile, {"default_access": "Read Only", "forms": {}}, admin_token
    )
    if st != 200:
        return {"error": f"creating the Read Only policy failed: {st} {body}"}
    # 18 characters, >= 2 of each class: valid at any password strength.
    ro_password = "Ro" + secrets.token_hex(4) + "!x#Y7" + "zq9"
    st, body = _call(
        base,
        "PUT",
        "/user_profiles/auditor",
        cafile,
        {"policy": "AUDIT-RO", "password": ro_password, "application_access_only": False},
        admin_token,
    )
    if st != 200:
        return {"error": f"creating the auditor profile failed: {st} {body.get('message')}"}
    _call(base, "POST", "/logout", cafile, {}, admin_token)
    status, body = _call(base, "POST", "/login", cafile, {"username": "auditor", "password": ro_password})
    if status != 200:
        return {"error": f"auditor login failed: {status} {body.get('error')}"}
    token = body["token"]
    if body.get("password_change_required"):
        new = "Ro" + secrets.token_hex(4) + "!x#Y8" + "zq9"
        _call(base, "POST", "/password", cafile, {"current_password": ro_password, "new_password": new}, token)
    forms = {}
    st, listing = _call(base, "GET", "/forms", cafile, token=token)
    for name in listing.get("forms", []) if st == 200 else []:  # every form this controller (model) has
        st, form = _call(base, "GET", f"/forms/{name}", cafile, token=token)
        forms[name] = form.get("fields") if st == 200 else {"status": st}
    write_status = _call(
        base, "PATCH", "/forms/system_options", cafile, {"fields": {"disa_failed_attempts": 5}}, token
    )[0]
    _call(base, "POST", "/logout", cafile, {}, token)
    # Leave no trace: the profile and policy are the probe's, not the inventory's (ACC-01/02).
    status, body = _call(base, "POST", "/login", cafile, {"username": admin, "password": admin_password})
    cleaned = status == 200 and all(
        _call(base, "DELETE", path, cafile, token=body["token"])[0] in (200, 204)
        for path in ("/user_profiles/auditor", "/admin_policies/AUDIT-RO"))
    if status == 200:
        _call(base, "POST", "/logout", cafile, {}, body["token"])
    return {"forms": forms, "readonly_write_status": write_status, "cleaned_up": cleaned}


def switch_show(
    platform: str, host: str, port: int, user: str, password: str, secret: str, known_hosts: str, commands: list[str]
) -> dict[str, Any]:
    """A fresh SSH session (netmiko) and the community TextFSM templates (ntc-templates)."""
    from netmiko import ConnectHandler
    from ntc_templates.parse import parse_output

    conn = ConnectHandler(
        device_type=platform,
        host=host,
        port=port,
        username=user,
        password=password,
        secret=secret,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=known_hosts,
    )
    try:
        if platform == "cisco_ios":
            conn.enable()
        out: dict[str, Any] = {}
        for command in commands:
            text = conn.send_command(command)
            try:
                parsed: Any = parse_output(platform=platform, command=command, data=text)
            except Exception:  # no template for this command: hand back the text
                parsed = None
            out[command] = {"text": text, "parsed": parsed}
        return out
    finally:
        conn.disconnect()


def patch_form(host: str, port: int, admin: str, password: str, cafile: str, form: str,
               fields: dict[str, Any] | None) -> dict[str, Any]:
    base = f"https://{host}:{port}/api/v1"
    status, body = _call(base, "POST", "/login", cafile, {"username": admin, "password": password})
    if status != 200:
        return {"error": f"admin login failed: {status} {body.get('error')}"}
    token = body["token"]
    if fields is None:
        st, body = _call(base, "GET", f"/forms/{form}", cafile, token=token)
    else:
        st, body = _call(base, "PATCH", f"/forms/{form}", cafile, {"fields": fields}, token)
    _call(base, "POST", "/logout", cafile, {}, token)
    return {"status": st, "fields": body.get("fields") if st == 200 else body}


def api_get(host: str, port: int, user: str, password: str, cafile: str, paths: list[str]) -> dict[str, Any]:
    base = f"https://{host}:{port}/api/v1"
    status, body = _call(base, "POST", "/login", cafile, {"username": user, "password": password})
    out: dict[str, Any] = {"login": status}
    if status != 200:
        out["error"] = body.get("error")
        return out
    for path in paths:
        st, data = _call(base, "GET", path, cafile, token=body["token"])
        out[path] = {"status": st, "body": data}
    _call(base, "POST", "/logout", cafile, {}, body["token"])
    return out


def stats(host: str, port: int, cafile: str, reset: bool) -> dict[str, Any]:
    base = f"https://{host}:{port}/_emulator"
    if reset:
        _call(base, "DELETE", "/stats", cafile)
    return _call(base, "GET", "/stats", cafile)[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("tls")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--version", choices=sorted(VERSIONS), required=True)
    p.add_argument("--cipher")
    p.add_argument("--cafile")
    p = sub.add_parser("login")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password-env", required=True, help="environment variable holding the password")
    p.add_argument("--cafile", required=True)
    p = sub.add_parser("readonly-forms")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--admin-user", required=True)
    p.add_argument("--admin-password-env", required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--form", action="append", help="a form to read (repeatable; default: the baseline forms)")
    p = sub.add_parser("patch-form")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--admin-user", required=True)
    p.add_argument("--admin-password-env", required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--form", required=True)
    p.add_argument("--fields", help="JSON object of the fields to set (omit to read the form)")
    p = sub.add_parser("stats")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--reset", action="store_true")
    p = sub.add_parser("api-get")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password-env", required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--path", action="append", required=True)
    p = sub.add_parser("switch-show")
    p.add_argument("--platform", required=True)
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=22)
    p.add_argument("--user", required=True)
    p.add_argument("--password-env", required=True)
    p.add_argument("--secret-env", required=True)
    p.add_argument("--known-hosts", required=True)
    p.add_argument("--command", action="append", required=True)
    a = parser.parse_args()
    if a.cmd == "tls":
        out = tls(a.host, a.port, a.version, a.cipher, a.cafile)
    elif a.cmd == "patch-form":
        out = patch_form(a.host, a.port, a.admin_user, os.environ[a.admin_password_env], a.cafile, a.form,
                         json.loads(a.fields) if a.fields else None)
    elif a.cmd == "stats":
        out = stats(a.host, a.port, a.cafile, a.reset)
    elif a.cmd == "api-get":
        out = api_get(a.host, a.port, a.user, os.environ[a.password_env], a.cafile, a.path)
    elif a.cmd == "login":
        out = login(a.host, a.port, a.user, os.environ[a.password_env], a.cafile)
    elif a.cmd == "switch-show":
        out = switch_show(
            a.platform,
            a.host,
            a.port,
            a.user,
            os.environ[a.password_env],
            os.environ[a.secret_env],
            a.known_hosts,
            a.command,
        )
    else:
        out = readonly_forms(a.host, a.port, a.admin_user, os.environ[a.admin_password_env], a.cafile, a.form)
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
