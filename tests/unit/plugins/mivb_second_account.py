"""An independent path for the call-control tests: a second, read-only account of the
controller (its own login, its own session) and a runner for a plan of selected controls."""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan
from conftest import MANAGED_PASSWORD, Controller, RawApi

AUDITOR = "auditor"
AUDITOR_PASSWORD = "Aud1t0r#Read-0nly"


def auditor(ctl: Controller) -> RawApi:
    """Create (once) a profile with a Read Only policy and log it in on a new session."""
    admin = RawApi(ctl.address, ctl.port)
    assert admin.login(MANAGED_PASSWORD) == 200
    admin.call("PUT", "/api/v1/admin_policies/AUDIT", {"default_access": "Read Only"})
    status, data = admin.call("PUT", f"/api/v1/user_profiles/{AUDITOR}",
                              {"policy": "AUDIT", "password": AUDITOR_PASSWORD})
    assert status == 200, data
    reader = RawApi(ctl.address, ctl.port)
    status, data = reader.call("POST", "/api/v1/login", {"username": AUDITOR, "password": AUDITOR_PASSWORD})
    assert status == 200, data
    reader.token = data["token"]
    return reader


def read_form(reader: RawApi, form: str) -> dict[str, Any]:
    status, data = reader.call("GET", f"/api/v1/forms/{form}")
    assert status == 200, data
    return data["fields"]


def run_plan(ctl: Controller, values: dict[str, Any], selected: tuple[str, ...], check: bool = False,
             transport: Any = None) -> mivb_plan.Outcome:
    t = transport or ctl.transport(factory=None)
    target = mivb_plan.Target(ctl.address, ctl.port, ctl.ca_path)
    try:
        return mivb_plan.ControllerPlan(t, target, values, selected, check).run()
    finally:
        if transport is None:
            t.logout()


class Recorder:
    """A transport that fails the test on any request: proves validation happens first."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the controller was contacted ({name}) before the input was validated")


def refused_offline(values: dict[str, Any], selected: tuple[str, ...]) -> mivb_plan.Outcome:
    plan = mivb_plan.ControllerPlan(Recorder(), mivb_plan.Target("127.0.0.1", 1, None), values, selected, False)
    return plan.run()
