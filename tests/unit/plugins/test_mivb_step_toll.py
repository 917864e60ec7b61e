"""TOLL-01/03/04 (Class of Restriction, Interconnect Restriction, public phones' CoR) through the
plan: the emergency-number guard refuses before any request or write, a second account proves
what was written, check mode writes nothing."""

from __future__ import annotations

from mivb_second_account import auditor, read_form, refused_offline, run_plan

COR = "class_of_restriction"
USERS = "user_and_services_configuration"
TABLE = [{"number": 1, "comment": "Executive", "barred_digits": []},
         {"number": 2, "comment": "Staff", "barred_digits": ["011", "00", "0900", "1900"]},
         {"number": 10, "comment": "Lobby", "barred_digits": ["0", "1900"]}]
VALUES = {
    "mivb_hardening_cor_table": TABLE, "mivb_hardening_emergency_numbers": ["911", "112", "999"],
    "mivb_hardening_public_phones": [{"extension": "2000", "cor": 10}],
    "mivb_hardening_toll_prefixes": ["00", "011", "0900", "1900"],
    "mivb_hardening_interconnect_restrictions": [{"from": 3, "to": 2}, {"from": 2, "to": 3}],
}
ALL = ("TOLL-01", "TOLL-03", "TOLL-04")


def _raw_admin(ctl):
    assert ctl.raw.login("Qz7#Lm2!Vx9@Rt4%Kp") == 200
    return ctl.raw


def test_converge_then_compliant_proven_by_a_second_account(commissioned):
    ctl = commissioned
    # a CoR the inventory does not list is removed (inventory = truth)
    assert _raw_admin(ctl).call("PATCH", f"/api/v1/forms/{COR}", {"fields": {"classes": {
        "5": {"comment": "old", "barred_digits": []}}}})[0] == 200
    ctl.raw.reset_stats()
    out = run_plan(ctl, VALUES, ALL)
    for cid in ALL:
        assert out.controls[cid]["status"] == "drift" and out.controls[cid]["remediated"] is True, (cid, out.controls)
    assert "CoR 1, 2, 5, 10 changed" in out.controls["TOLL-01"]["detail"]
    assert "no CoR bars 911, 112, 999" in out.controls["TOLL-01"]["detail"]
    assert ctl.raw.stats()["writes"] == 3  # one PATCH per form
    reader = auditor(ctl)
    assert read_form(reader, COR)["classes"] == {
        "1": {"comment": "Executive", "barred_digits": []},
        "2": {"comment": "Staff", "barred_digits": ["00", "011", "0900", "1900"]},
        "10": {"comment": "Lobby", "barred_digits": ["0", "1900"]}}
    assert read_form(reader, "interconnect_restriction")["restrictions"] == [[2, 3], [3, 2]]
    lobby = read_form(reader, USERS)["sets"]["2000"]
    assert (lobby["cor_day"], lobby["cor_night1"], lobby["cor_night2"]) == (10, 10, 10)
    assert read_form(reader, USERS)["sets"]["2001"]["cor_day"] == 1  # not a public phone: untouched
    assert "2000 (Lobby) has CoR day/night1/night2 1/1/1, not 10" in out.controls["TOLL-04"]["detail"]
    ctl.raw.reset_stats()
    again = run_plan(ctl, VALUES, ALL)
    assert {c: again.controls[c]["status"] for c in ALL} == dict.fromkeys(ALL, "compliant")
    assert "2000 (Lobby) CoR 10 day and night; CoR 10 (Lobby) bars 00, 011, 0900, 1900" in \
        again.controls["TOLL-04"]["detail"]
    assert ctl.raw.stats()["writes"] == 0


def test_a_cor_barring_an_emergency_number_is_refused_before_any_request():
    table = [*TABLE[:2], {"number": 7, "comment": "Night", "barred_digits": ["9"]}]
    out = refused_offline({**VALUES, "mivb_hardening_cor_table": table}, ALL)
    detail = out.controls["TOLL-01"]["detail"]
    assert out.controls["TOLL-01"]["status"] == "error"
    assert detail.startswith("TOLL-01 mivb_hardening_cor_table: CoR 7 (Night) would bar the emergency number 911")
    assert out.controls["TOLL-03"]["status"] == "not_evaluated"


def test_inconsistent_toll_input_is_refused_before_any_request():
    # a toll prefix that is the start of an emergency number
    out = refused_offline({**VALUES, "mivb_hardening_toll_prefixes": ["1"]}, ("TOLL-04",))
    assert "barring toll prefix 1 would bar the emergency number 112" in out.controls["TOLL-04"]["detail"]
    # the public phones' CoR in the table leaves toll numbers open
    table = [TABLE[0], {"number": 10, "comment": "Lobby", "barred_digits": ["00"]}]
    out = refused_offline({**VALUES, "mivb_hardening_cor_table": table}, ALL)
    assert out.controls["TOLL-04"]["detail"].startswith(
        "TOLL-04 mivb_hardening_cor_table: CoR 10 is a public phones' CoR (mivb_hardening_public_phones) but the "
        "table does not bar 011, 0900, 1900")
    for bad, text in (([{"number": 65, "barred_digits": []}], "CoR 65 is outside 1-64"),
                      ([{"number": 3, "barred_digits": ["0x"]}], "is not 1-20 dialled digits"),
                      ([{"number": n, "barred_digits": []} for n in range(1, 66)], "at most 64")):
        out = refused_offline({**VALUES, "mivb_hardening_cor_table": bad}, ("TOLL-01",))
        assert out.controls["TOLL-01"]["status"] == "error" and text in out.controls["TOLL-01"]["detail"], bad
    out = refused_offline({**VALUES, "mivb_hardening_interconnect_restrictions": [{"from": 0, "to": 3}]},
                          ("TOLL-03",))
    assert "mivb_hardening_interconnect_restrictions" in out.controls["TOLL-03"]["detail"]
    for phones, text in (([{"extension": "20a0", "cor": 10}], "needs an extension of 1-10 digits"),
                         ([{"extension": "2000", "cor": 65}], "CoR 65 is outside 1-64"),
                         ([{"extension": "2000", "cor": 10}] * 2, "extension 2000 is listed twice")):
        out = refused_offline({**VALUES, "mivb_hardening_public_phones": phones}, ("TOLL-04",))
        assert out.controls["TOLL-04"]["status"] == "error" and text in out.controls["TOLL-04"]["detail"], phones


def test_an_unknown_public_extension_is_refused_before_any_write(commissioned):
    values = {**VALUES, "mivb_hardening_public_phones": [{"extension": "2000", "cor": 10},
                                                         {"extension": "2999", "cor": 10}]}
    out = run_plan(commissioned, values, ALL)
    assert out.controls["TOLL-04"]["status"] == "error"
    assert out.controls["TOLL-04"]["detail"].startswith(
        "TOLL-04 mivb_hardening_public_phones: extension 2999 is not programmed on the controller (User and Services "
        "Configuration has 2000, 2001, 2002, 2100)")
    assert {out.controls[c]["status"] for c in ("TOLL-01", "TOLL-03")} == {"not_evaluated"}
    assert commissioned.raw.stats()["writes"] == 0


def test_public_cor_alone_bars_toll_and_the_guard_reads_the_controller_first(commissioned):
    ctl = commissioned
    values = {k: v for k, v in VALUES.items() if k != "mivb_hardening_cor_table"}
    # TOLL-04 without TOLL-01: the missing toll prefixes are added to the existing row
    _raw_admin(ctl).call("PATCH", f"/api/v1/forms/{COR}", {"fields": {"classes": {
        "10": {"comment": "Lobby", "barred_digits": ["00"]}}}})
    ctl.raw.reset_stats()
    check = run_plan(ctl, values, ("TOLL-04",), check=True)
    assert check.controls["TOLL-04"]["status"] == "drift" and check.controls["TOLL-04"]["remediated"] is False
    assert "CoR 10 allows 011, 0900, 1900" in check.controls["TOLL-04"]["detail"]
    assert ctl.raw.stats()["writes"] == 0
    out = run_plan(ctl, values, ("TOLL-04",))
    assert out.controls["TOLL-04"]["remediated"] is True
    assert read_form(auditor(ctl), COR)["classes"]["10"]["barred_digits"] == ["00", "011", "0900", "1900"]
    # the row bars "9" on the controller: writing it again would keep 911 barred -> refused before any write
    _raw_admin(ctl).call("PATCH", f"/api/v1/forms/{COR}", {"fields": {"classes": {
        "10": {"comment": "Lobby", "barred_digits": ["9"]}}}})
    ctl.raw.reset_stats()
    refused = run_plan(ctl, {**values, "mivb_hardening_disa_failed_attempts": 3,
                             "mivb_hardening_disa_lockout_minutes": 30}, ("TOLL-02", "TOLL-04"))
    assert refused.controls["TOLL-04"]["status"] == "error"
    assert "CoR 10 (Lobby) would bar the emergency number 911" in refused.controls["TOLL-04"]["detail"]
    assert refused.controls["TOLL-02"]["status"] == "not_evaluated"
    assert ctl.raw.stats()["writes"] == 0
