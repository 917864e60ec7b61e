"""WAN-01/02/03 through the plan: applied on a 3300 ICP CXi-II (WAN port), not_applicable with
the reason on a model without one (nothing read), bad input refused before any request."""

from __future__ import annotations

import pytest
from conftest import MANAGED_PASSWORD, commission, reader, refused, run_plan, start_controller

IDS = ("WAN-01", "WAN-02", "WAN-03")
PPTP_PASSWORD = "Vp-Tunnel-88!Strong"
FORWARDS = [
    {"protocol": "UDP", "external_port": 5060, "internal_ip_address": "10.1.0.20", "internal_port": 5060},
    {"protocol": "TCP", "external_port": 8443, "internal_ip_address": "10.1.0.21", "internal_port": 443},
]
WAN = {
    "mivb_admin_password": MANAGED_PASSWORD, "mivb_controller_model": "3300 ICP CXi-II",
    "mivb_hardening_wan_used": False, "mivb_hardening_pptp_enabled": False, "mivb_hardening_port_forwards": FORWARDS,
}


@pytest.fixture
def cxi(tmp_path):
    ctl = start_controller(tmp_path, model="3300 ICP CXi-II")
    commission(ctl)
    try:
        yield ctl
    finally:
        ctl.handle.stop()


def test_wan_controls_converge_on_a_wan_model(cxi):
    out = run_plan(cxi, WAN, IDS, check=True)
    assert {c: out.controls[c]["status"] for c in IDS} == {"WAN-01": "drift", "WAN-02": "compliant",
                                                           "WAN-03": "drift"}
    assert out.controls["WAN-01"]["diff"] == {"before": {"wan_access": "Enabled"}, "after": {"wan_access": "Disabled"}}
    assert cxi.raw.stats()["writes"] == 0
    out = run_plan(cxi, WAN, IDS)
    assert out.controls["WAN-01"]["remediated"] and out.controls["WAN-03"]["remediated"]
    other = reader(cxi)
    assert other.call("GET", "/api/v1/forms/wan_settings")[1]["fields"]["wan_access"] == "Disabled"
    table = other.call("GET", "/api/v1/forms/port_forward_table")[1]["fields"]["entries"]
    assert sorted(table, key=lambda e: e["external_port"]) == sorted(FORWARDS, key=lambda e: e["external_port"])
    # the table in another order is the same table: no write
    cxi.raw.reset_stats()
    out = run_plan(cxi, dict(WAN, mivb_hardening_port_forwards=list(reversed(FORWARDS))), IDS)
    assert {out.controls[c]["status"] for c in IDS} == {"compliant"} and not out.changed
    assert cxi.raw.stats()["writes"] == 0
    # an entry removed from the inventory is removed from the table
    run_plan(cxi, dict(WAN, mivb_hardening_port_forwards=FORWARDS[:1]), IDS)
    assert other.call("GET", "/api/v1/forms/port_forward_table")[1]["fields"]["entries"] == FORWARDS[:1]


def test_pptp_enabled_needs_a_strong_password_set_write_only(cxi):
    values = dict(WAN, mivb_hardening_pptp_enabled=True, mivb_pptp_password=PPTP_PASSWORD)
    out = run_plan(cxi, values, IDS)
    entry = out.controls["WAN-02"]
    assert entry["remediated"] and entry["diff"]["after"]["pptp_password"] == "set (new value)"
    assert PPTP_PASSWORD not in repr(out.controls) + repr(out.diffs)
    # proven through the second account (access) and verify-secret (the value), not by the plan's answer
    other = reader(cxi)
    assert other.call("GET", "/api/v1/forms/pptp")[1]["fields"] == {"pptp_access": "Enabled",
                                                                    "pptp_password_set": True}
    assert cxi.raw.call("POST", "/api/v1/forms/pptp/verify-secret",
                        {"field": "pptp_password", "value": PPTP_PASSWORD})[1]["match"] is True
    assert run_plan(cxi, values, IDS).controls["WAN-02"]["status"] == "compliant"


def test_not_applicable_on_a_model_without_a_wan_port_reads_nothing(commissioned):
    out = run_plan(commissioned, dict(WAN, mivb_controller_model="Virtual (vMiVB)"), IDS)
    for cid in IDS:
        assert out.controls[cid]["status"] == "not_applicable"
        assert out.controls[cid]["detail"].startswith("mivb_controller_model is Virtual (vMiVB): the guideline's "
                                                      "WAN Port Settings apply only to the 3300 ICP AX")
    assert not [k for k in commissioned.raw.stats()["requests"] if k.startswith("GET /api/v1/forms/")]


def test_inventory_model_with_a_wan_port_on_a_controller_without_one_is_an_error(commissioned):
    out = run_plan(commissioned, dict(WAN, mivb_controller_model="3300 ICP AX"), IDS)
    assert out.controls["WAN-01"]["status"] == "error"
    assert "has no WAN port" in out.controls["WAN-01"]["detail"]


def test_bad_input_is_refused_before_any_request():
    assert refused(dict(WAN, mivb_controller_model=None), ("WAN-01",), "WAN-01").startswith(
        "WAN-01: mivb_controller_model: required when WAN-01 runs")
    detail = refused(dict(WAN, mivb_hardening_pptp_enabled=True, mivb_pptp_password="tunnel123"), IDS,
                     "WAN-02")
    assert detail.startswith("WAN-02 mivb_pptp_password: pptp_password: not a strong "
                             "password") and "tunnel123" not in detail
    assert refused(dict(WAN, mivb_hardening_pptp_enabled=True), IDS, "WAN-02").startswith(
        "WAN-02 mivb_pptp_password: pptp_password: PPTP remote access is enabled")
    many = [dict(FORWARDS[0], external_port=1000 + i) for i in range(41)]
    assert refused(dict(WAN, mivb_hardening_port_forwards=many), IDS, "WAN-03").startswith(
        "WAN-03 mivb_hardening_port_forwards: port_forwards: 41 entries; the Port Forward Table holds at most 40")
    bad_ip = [dict(FORWARDS[0], internal_ip_address="10.1.0")]
    assert refused(dict(WAN, mivb_hardening_port_forwards=bad_ip), IDS, "WAN-03").startswith(
        "WAN-03 mivb_hardening_port_forwards: port_forwards[0].internal_ip_address: '10.1.0' is not an IPv4")
    twice = [FORWARDS[0], dict(FORWARDS[0], internal_port=5070)]
    detail = refused(dict(WAN, mivb_hardening_port_forwards=twice), IDS, "WAN-03")
    assert "UDP port 5060 is forwarded twice" in detail
    bad_protocol = [dict(FORWARDS[0], protocol="ICMP")]
    assert "(allowed: TCP, UDP)" in refused(dict(WAN, mivb_hardening_port_forwards=bad_protocol), IDS,
                                            "WAN-03")
