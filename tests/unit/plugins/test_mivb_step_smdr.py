"""LOG-02 in the plan: bad SMDR values refused before any request; the form set, proven by a
raw read with a second (Read Only) account; a no-op run writes nothing."""

from __future__ import annotations

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan
from conftest import MANAGED_PASSWORD, RawApi

WANT = {"station_message_detail_recording": "Yes", "program_external_smdr": "Yes",
        "extended_reporting_level_1": "Yes", "extended_reporting_level_2": "Yes"}


class Recorder:
    def __getattr__(self, name):
        raise AssertionError(f"the controller was contacted ({name}) before the input was validated")


def run(ctl, want, check=False):
    t = ctl.transport(factory=None)
    try:
        return mivb_plan.ControllerPlan(t, mivb_plan.Target(ctl.address, ctl.port, ctl.ca_path),
                                        {"mivb_hardening_smdr_options": want}, ("LOG-02",), check).run()
    finally:
        t.logout()


@pytest.mark.parametrize(("want", "words"), [
    ({"program_external_smdr": "yes"}, "mivb_hardening_smdr_options.program_external_smdr: 'yes' is not allowed "
                                       "(allowed: Yes, No)"),
    ({"smdr_everything": "Yes"}, "unknown SMDR Options field 'smdr_everything'"),
    ({"extended_reporting_level_2": "Yes"}, "needs extended_reporting_level_1: Yes"),
])
def test_bad_smdr_values_refused_before_any_request(want, words):
    out = mivb_plan.ControllerPlan(Recorder(), mivb_plan.Target("127.0.0.1", 1, None),
                                   {"mivb_hardening_smdr_options": want}, ("LOG-02",), False).run()
    assert out.controls["LOG-02"]["status"] == "error"
    assert out.controls["LOG-02"]["detail"].startswith("LOG-02 mivb_hardening_smdr_options")
    assert words in out.controls["LOG-02"]["detail"]


def test_smdr_options_set_and_read_by_a_second_account(commissioned):
    audit = run(commissioned, WANT, check=True)
    assert audit.controls["LOG-02"]["status"] == "drift"
    assert commissioned.raw.stats()["writes"] == 0
    out = run(commissioned, WANT)
    assert out.controls["LOG-02"]["status"] == "drift" and out.controls["LOG-02"]["remediated"]
    assert out.controls["LOG-02"]["diff"]["before"]["program_external_smdr"] == "No"
    raw = commissioned.raw
    assert raw.login(MANAGED_PASSWORD) == 200
    raw.call("PUT", "/api/v1/admin_policies/Billing", {"default_access": "No Access",
                                                       "forms": {"smdr_options": "Read Only"}})
    raw.call("PUT", "/api/v1/user_profiles/billing", {"policy": "Billing", "password": "B1lling!!Reader-26"})
    second = RawApi(commissioned.address, commissioned.port)
    status, data = second.call("POST", "/api/v1/login", {"username": "billing", "password": "B1lling!!Reader-26"})
    assert status == 200
    second.token = data["token"]
    fields = second.call("GET", "/api/v1/forms/smdr_options")[1]["fields"]
    assert {k: fields[k] for k in WANT} == WANT
    assert fields["program_internal_smdr"] == fields["location_based_accounting"] == "No"  # untouched factory "No"
    assert second.call("PATCH", "/api/v1/forms/smdr_options", {"fields": {"program_internal_smdr": "Yes"}})[0] == 403
    raw.reset_stats()
    assert run(commissioned, WANT).controls["LOG-02"]["status"] == "compliant"
    assert raw.stats()["writes"] == 0
