"""EP-01 (Class of Service Options, "PC-Port on IP Device - Disable") and SYS-01 (System Options)
through the plan, proven by a second read-only account's raw reads and the write counter."""

from __future__ import annotations

from mivb_second_account import auditor, read_form, refused_offline, run_plan

COS = "class_of_service_options"
EP01 = {"mivb_hardening_pc_port_disabled_cos": [2, 1]}
SYS01 = {"mivb_hardening_send_welcome_email": False, "mivb_hardening_call_history_disable_record_generation": False,
         "mivb_hardening_call_history_default_records": 30}
TOLL02 = {"mivb_hardening_disa_failed_attempts": 3, "mivb_hardening_disa_lockout_minutes": 30}


def test_ep01_disables_the_listed_classes_only_and_names_them(commissioned):
    ctl = commissioned
    out = run_plan(ctl, EP01, ("EP-01",))
    entry = out.controls["EP-01"]
    assert entry["status"] == "drift" and entry["remediated"] is True, entry
    assert "CoS 1 (Default): PC-Port on IP Device - Disable Yes" in entry["detail"]
    assert "CoS 2 (Attendant): PC-Port on IP Device - Disable Yes" in entry["detail"]
    assert entry["diff"] == {"before": {"CoS 1": False, "CoS 2": False}, "after": {"CoS 1": True, "CoS 2": True}}
    # independent path: another account's session reads the form
    classes = read_form(auditor(ctl), COS)["classes"]
    assert {n: r["pc_port_on_ip_device_disable"] for n, r in classes.items()} == {
        "1": True, "2": True, "3": False, "4": False}
    # a second run: compliant, one read, no write
    ctl.raw.reset_stats()
    again = run_plan(ctl, EP01, ("EP-01",))
    assert again.controls["EP-01"]["status"] == "compliant"
    stats = ctl.raw.stats()
    assert stats["writes"] == 0 and stats["requests"][f"GET /api/v1/forms/{COS}"] == 1


def test_ep01_check_mode_writes_nothing(commissioned):
    out = run_plan(commissioned, EP01, ("EP-01",), check=True)
    assert out.controls["EP-01"]["status"] == "drift" and out.controls["EP-01"]["remediated"] is False
    assert commissioned.raw.stats()["writes"] == 0


def test_ep01_unknown_cos_is_refused_before_any_write(commissioned):
    values = {"mivb_hardening_pc_port_disabled_cos": [1, 9, 12], **TOLL02}
    out = run_plan(commissioned, values, ("EP-01", "TOLL-02"))
    ep01 = out.controls["EP-01"]
    assert ep01["status"] == "error"
    assert ep01["detail"].startswith("EP-01 mivb_hardening_pc_port_disabled_cos: Class of Service 9, 12 does not "
                                     "exist on the controller (programmed: 1 (Default), 2 (Attendant), 3 (Trunks), "
                                     "4 (Voice Mail Ports))"), ep01
    assert out.controls["TOLL-02"]["status"] == "not_evaluated"  # its write did not happen either
    stats = commissioned.raw.stats()
    assert stats["writes"] == 0 and not any(k.startswith("PATCH") for k in stats["requests"])


def test_ep01_bad_numbers_refused_without_contacting_the_controller():
    for bad, why in (([0], "0 outside the CoS numbers 1-96"), ([97], "97 outside"),
                     ([3, 3], "lists a CoS number twice")):
        out = refused_offline({"mivb_hardening_pc_port_disabled_cos": bad}, ("EP-01",))
        assert out.controls["EP-01"]["status"] == "error" and why in out.controls["EP-01"]["detail"]
        assert "mivb_hardening_pc_port_disabled_cos" in out.controls["EP-01"]["detail"]


def test_sys01_system_options(commissioned):
    ctl = commissioned
    out = run_plan(ctl, SYS01, ("SYS-01",))
    entry = out.controls["SYS-01"]
    assert entry["status"] == "drift" and entry["remediated"] is True
    assert entry["diff"]["before"]["send_welcome_email"] is True
    assert entry["diff"]["after"]["send_welcome_email"] is False
    fields = read_form(auditor(ctl), "system_options")
    assert fields["send_welcome_email"] is False and fields["call_history_default_records"] == 30
    assert fields["call_history_disable_record_generation"] is False
    assert run_plan(ctl, SYS01, ("SYS-01",)).controls["SYS-01"]["status"] == "compliant"
    bad = refused_offline({**SYS01, "mivb_hardening_call_history_default_records": 101}, ("SYS-01",))
    assert bad.controls["SYS-01"]["status"] == "error"
    assert "mivb_hardening_call_history_default_records" in bad.controls["SYS-01"]["detail"]
    assert "0-100" in bad.controls["SYS-01"]["detail"]
