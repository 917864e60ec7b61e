"""Per-control tag and toggle selection of the one-task-per-device roles."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils.control_selection import select

IDS = ("AUTH-01", "TLS-01", "CERT-01")


def test_no_tags_selects_everything():
    sel = select(IDS, "controller", {"ansible_run_tags": ["all"], "ansible_skip_tags": []})
    assert sel.selected == IDS and sel.reasons == {}


def test_tags_select_one_control_and_report_the_rest():
    sel = select(IDS, "controller", {"ansible_run_tags": ["TLS-01"]})
    assert sel.selected == ("TLS-01",)
    assert set(sel.reasons) == {"AUTH-01", "CERT-01"}
    assert "--tags TLS-01" in sel.reasons["AUTH-01"]
    assert sel.not_evaluated()["CERT-01"]["status"] == "not_evaluated"


def test_skip_tags_drop_one_control_only():
    sel = select(IDS, "controller", {"ansible_run_tags": ["all"], "ansible_skip_tags": ["CERT-01"]})
    assert sel.selected == ("AUTH-01", "TLS-01")
    assert sel.reasons == {"CERT-01": "not evaluated in this run: --skip-tags CERT-01"}


def test_device_tag_selects_and_skips_the_device():
    assert select(IDS, "controller", {"ansible_run_tags": ["controller"]}).selected == IDS
    assert select(IDS, "controller", {"ansible_run_tags": ["switch"]}).selected == ()
    assert select(IDS, "controller", {"ansible_skip_tags": ["controller"]}).selected == ()


def test_toggle_names_the_variable():
    sel = select(IDS, "controller", {}, {"TLS-01": False}, {"TLS-01": "mivb_hardening_tls_01"})
    assert sel.selected == ("AUTH-01", "CERT-01")
    assert sel.reasons["TLS-01"] == "not evaluated in this run: disabled by mivb_hardening_tls_01: false"


def test_comma_separated_tags_string():
    sel = select(IDS, "controller", {"ansible_run_tags": "AUTH-01, CERT-01"})
    assert sel.selected == ("AUTH-01", "CERT-01")
