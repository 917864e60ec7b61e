"""CERT-02 judgement of the renewal job (module_utils/cert_renewal.py): when a served
certificate is due, when a renewal is proven, and the report entry it gives."""

from __future__ import annotations

import datetime as dt

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.cert_renewal import judge
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from cryptography.hazmat.primitives import hashes
from mivb_certgen import NOW, issue


def _days_left(bundle) -> int:
    return (bundle.leaf_obj.not_valid_after_utc - NOW).days


def _expires(bundle) -> str:
    return bundle.leaf_obj.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _fp(bundle) -> str:
    return bundle.leaf_obj.fingerprint(hashes.SHA256()).hex(":").upper()


def _params(bundle, **extra):
    return {"served": bundle.leaf, "trusted": True, "renew_days": 30, **extra}


def test_certificate_with_many_days_left_is_compliant_and_reports_expiry() -> None:
    bundle = issue(end=NOW + dt.timedelta(days=200))
    out = judge(_params(bundle), check_mode=False, now=NOW)
    assert out["renewal_due"] is False and out["reasons"] == []
    assert out["changed"] is False and out["failed"] is False
    assert out["controls"]["CERT-02"] == {
        "status": "compliant",
        "detail": f"served certificate expires {_expires(bundle)}, {_days_left(bundle)} day(s) left",
    }
    assert out["served"]["sha256_fingerprint"] == _fp(bundle)
    assert out["served"]["serial_number"] == bundle.leaf_obj.serial_number


@pytest.mark.parametrize("check_mode", [True, False])
def test_certificate_expiring_in_ten_days_is_due(check_mode: bool) -> None:
    bundle = issue(end=NOW + dt.timedelta(days=10))
    out = judge(_params(bundle), check_mode=check_mode, now=NOW)
    assert out["renewal_due"] is True
    assert out["reasons"] == [f"{_days_left(bundle)} day(s) left, fewer than 30"]
    assert out["controls"]["CERT-02"]["status"] == "drift"
    assert f"{_days_left(bundle)} day(s) left" in out["controls"]["CERT-02"]["detail"]
    # an audit (check mode) reports the drift as a change; a renewal run judges again after renewing
    assert out["changed"] is check_mode
    assert out["failed"] is False


def test_threshold_from_the_command_line_forces_a_renewal() -> None:
    bundle = issue(end=NOW + dt.timedelta(days=80))
    assert judge(_params(bundle), check_mode=False, now=NOW)["renewal_due"] is False
    forced = judge(_params(bundle, renew_days="85"), check_mode=False, now=NOW)
    assert forced["renewal_due"] is True


def test_self_signed_and_untrusted_certificates_are_due_whatever_their_expiry() -> None:
    bundle = issue(self_signed=True)
    out = judge(_params(bundle, trusted=False, trust_error="certificate verify failed"), check_mode=False, now=NOW)
    assert out["renewal_due"] is True
    assert "self-signed" in out["reasons"]
    assert any("not issued by the inventory's CA" in r and "certificate verify failed" in r for r in out["reasons"])
    assert out["issued_by_ca"] is False


def test_renewal_is_proven_when_the_new_leaf_is_served_trusted_and_not_due() -> None:
    bundle = issue(end=NOW + dt.timedelta(days=90))
    out = judge(_params(bundle, new_certificate=bundle.leaf), check_mode=False, now=NOW)
    assert out["proven"] is True and out["failures"] == []
    assert out["changed"] is True and out["failed"] is False
    entry = out["controls"]["CERT-02"]
    assert entry["status"] == "drift" and entry["remediated"] is True
    assert str(bundle.leaf_obj.serial_number) in entry["detail"]
    assert entry["detail"].endswith(f"served certificate expires {_expires(bundle)}, {_days_left(bundle)} day(s) left")


def test_renewal_is_not_proven_when_the_old_certificate_is_still_served() -> None:
    old, new = issue(end=NOW + dt.timedelta(days=10)), issue(end=NOW + dt.timedelta(days=90))
    out = judge(_params(old, new_certificate=new.leaf, problem="install refused: HTTP 500"), check_mode=False, now=NOW)
    assert out["proven"] is False and out["failed"] is True
    assert out["failures"][0] == "install refused: HTTP 500"
    assert any(_fp(old) in f and _fp(new) in f for f in out["failures"])
    assert any("fewer than 30" in f for f in out["failures"])
    assert out["controls"]["CERT-02"]["status"] == "error"
    assert out["msg"].startswith("renewal not proven: install refused: HTTP 500")


def test_an_install_whose_answer_was_lost_counts_once_the_new_leaf_is_served() -> None:
    bundle = issue(end=NOW + dt.timedelta(days=90))
    out = judge(_params(bundle, new_certificate=bundle.leaf, problem="install refused: connection dropped"),
                check_mode=False, now=NOW)
    assert out["proven"] is True and out["failed"] is False
    assert "connection dropped" in out["controls"]["CERT-02"]["detail"]


def test_renewal_is_not_proven_when_the_served_chain_is_not_trusted() -> None:
    bundle = issue(end=NOW + dt.timedelta(days=90))
    out = judge(_params(bundle, new_certificate=bundle.leaf, trusted=False), check_mode=False, now=NOW)
    assert out["proven"] is False
    assert out["failures"] == ["the served chain does not verify to the inventory CA bundle"]


def test_a_problem_without_a_new_certificate_fails_with_it_as_the_detail() -> None:
    bundle = issue(end=NOW + dt.timedelta(days=10))
    out = judge(_params(bundle, problem="CSR written to /x/mivb1.csr"), check_mode=False, now=NOW)
    assert out["failed"] is True
    assert out["controls"]["CERT-02"]["status"] == "error"
    assert out["controls"]["CERT-02"]["detail"].startswith("CSR written to /x/mivb1.csr; served certificate expires")


def test_served_text_that_is_not_a_certificate_is_refused_naming_the_field() -> None:
    with pytest.raises(InputError, match="served: not a PEM certificate"):
        judge({"served": "garbage", "trusted": True, "renew_days": 30}, check_mode=False, now=NOW)
