"""VM-01/VM-02 through the plan against the emulator: ESM VM Options converged, proven by a
second account's read; cleartext forwarding (port 25) and short passcodes refused before any request."""

from __future__ import annotations

from conftest import MANAGED_PASSWORD, reader, refused, run_plan

VM = {
    "mivb_admin_password": MANAGED_PASSWORD, "mivb_hardening_vm_passcode_min_length": 8,
    "mivb_hardening_vm_mailbox_lockout_minutes": 0, "mivb_hardening_vm_forward_email_method": "SSL/TLS",
    "mivb_hardening_vm_forward_email_port": 465,
}
IDS = ("VM-01", "VM-02")


def test_vm_options_converge_check_mode_and_idempotence(commissioned):
    out = run_plan(commissioned, VM, IDS, check=True)
    assert {c: out.controls[c]["status"] for c in IDS} == {"VM-01": "drift", "VM-02": "drift"}
    assert out.controls["VM-02"]["diff"] == {
        "before": {"forward_to_email_method": "Cleartext", "forward_to_email_port": 25},
        "after": {"forward_to_email_method": "SSL/TLS", "forward_to_email_port": 465}}
    assert commissioned.raw.stats()["writes"] == 0
    out = run_plan(commissioned, VM, IDS)
    assert all(out.controls[c]["remediated"] for c in IDS)
    # independent: a second account reads what the controller now holds
    fields = reader(commissioned).call("GET", "/api/v1/forms/vm_options")[1]["fields"]
    assert fields == {"passcode_minimum_length": 8, "mailbox_lockout_timer": 0,
                      "forward_to_email_method": "SSL/TLS", "forward_to_email_port": 465}
    commissioned.raw.reset_stats()
    out = run_plan(commissioned, VM, IDS)
    assert {out.controls[c]["status"] for c in IDS} == {"compliant"} and not out.changed
    stats = commissioned.raw.stats()
    assert stats["writes"] == 0 and stats["requests"]["GET /api/v1/forms/vm_options"] == 1
    # STARTTLS without a port: the method's port 587 is set
    out = run_plan(commissioned, dict(VM, mivb_hardening_vm_forward_email_method="STARTTLS",
                                      mivb_hardening_vm_forward_email_port=None), IDS)
    assert out.controls["VM-02"]["diff"]["after"] == {"forward_to_email_method": "STARTTLS",
                                                      "forward_to_email_port": 587}


def test_cleartext_port_25_and_short_passcodes_are_refused_before_any_request():
    detail = refused(dict(VM, mivb_hardening_vm_forward_email_method="Cleartext"), IDS, "VM-02")
    assert detail.startswith("VM-02 mivb_hardening_vm_forward_email_method: forward_to_email_method: "
                             "'Cleartext' is not an encrypted "
                             "method (allowed: STARTTLS, SSL/TLS)")
    detail = refused(dict(VM, mivb_hardening_vm_forward_email_method="STARTTLS",
                          mivb_hardening_vm_forward_email_port=25), IDS, "VM-02")
    assert detail.startswith("VM-02 mivb_hardening_vm_forward_email_port: forward_to_email_port: 25 "
                             "is not allowed with "
                             "forward_to_email_method STARTTLS (allowed: STARTTLS 587, SSL/TLS 465; never 25)")
    detail = refused(dict(VM, mivb_hardening_vm_forward_email_port=587), IDS, "VM-02")
    assert "587 is not allowed with forward_to_email_method SSL/TLS" in detail
    detail = refused(dict(VM, mivb_hardening_vm_passcode_min_length=4), IDS, "VM-01")
    assert detail.startswith("VM-01 mivb_hardening_vm_passcode_min_length: passcode_minimum_length: 4 is outside "
                             "the allowed range 6-10")
    detail = refused(dict(VM, mivb_hardening_vm_mailbox_lockout_minutes=61), IDS, "VM-01")
    assert "mivb_hardening_vm_mailbox_lockout_minutes" in detail and "0-60" in detail
