"""The controller action plugins in-process: the module's argument spec, validation before any
request, check mode, no_log masking, and the same result keys as the module path (run_task).

The full ansible-playbook path (TaskExecutor starting the persistent httpapi connection,
-vvv output free of secrets) is covered by test_mivb_playbook.py."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.plugin_utils import mivb_action
from conftest import MANAGED_PASSWORD

PASSCODE = "8302719465"
SPECS = {
    "admin_password": mivb_specs.ADMIN_PASSWORD,
    "security_settings": mivb_specs.SECURITY_SETTINGS,
    "system_options": mivb_specs.SYSTEM_OPTIONS,
    "web_certificate": mivb_specs.WEB_CERTIFICATE,
    "mivb_facts": mivb_specs.MIVB_FACTS,
}


class NoSocket:
    """A connection whose socket must not be touched (validation fails first)."""

    _shell = SimpleNamespace(tmpdir="/nonexistent")

    @property
    def socket_path(self):
        raise AssertionError("the connection was used before the arguments were validated")


class FakeSocket:
    _shell = SimpleNamespace(tmpdir="/nonexistent")
    socket_path = "/nonexistent/socket"


def action(name, args, connection, check_mode=False):
    cls = importlib.import_module(f"ansible_collections.voicesec.mivb.plugins.action.{name}").ActionModule
    task = SimpleNamespace(args=args, action=f"voicesec.mivb.{name}", async_val=0, check_mode=check_mode,
                           diff=True)
    return cls(task, connection, SimpleNamespace(check_mode=check_mode), None, None)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_action_and_module_share_one_spec(name):
    act = importlib.import_module(f"ansible_collections.voicesec.mivb.plugins.action.{name}").ActionModule
    assert act.SPEC is SPECS[name]
    module_src = (mivb_action.__file__.rsplit("/plugins/", 1)[0] + f"/plugins/modules/{name}.py")
    with open(module_src, encoding="utf-8") as fh:
        assert f"**mivb_specs.{name.upper()})" in fh.read()


@pytest.mark.parametrize(("name", "args", "msg"), [
    ("security_settings", {"password_strength": "Ultra"},
     "value of password_strength must be one of: Weak, Medium, Strong, got: Ultra"),
    ("system_options", {"disa_failed_attempts": "lots"},
     "argument 'disa_failed_attempts' is of type str and we were unable to convert to int"),
    ("system_options", {"bogus": 1}, "Unsupported parameters for (voicesec.mivb.system_options) module: bogus."),
    ("admin_password", {}, "missing required arguments: new_password"),
    ("web_certificate", {"certificate": "x"}, "parameters are required together: certificate, private_key"),
])
def test_invalid_arguments_fail_like_the_module_before_any_request(name, args, msg):
    result = action(name, args, NoSocket()).run(task_vars={})
    assert result["failed"] is True
    assert result["msg"].startswith(msg), result["msg"]


def test_no_log_values_are_masked_everywhere_in_the_result(monkeypatch, commissioned):
    monkeypatch.setattr(mivb_action, "HttpApiTransport", lambda socket_path: commissioned.transport())
    # A trivial passcode is refused by the backend; the message quotes a pattern equal to it.
    result = action("security_settings", {"phone_admin_passcode": "1234"}, FakeSocket()).run(task_vars={})
    assert result["failed"] is True and result["msg"].startswith("phone_admin_passcode: trivial passcode refused")
    assert "1234" not in repr(result) and "********" in result["msg"]
    assert result["error"]["field"] == "phone_admin_passcode"
    assert commissioned.raw.stats()["requests"] == {}  # refused before any request


def test_check_mode_then_apply_then_idempotent_with_module_result_keys(monkeypatch, commissioned):
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import SecuritySettingsBackend
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import run_task

    transport = commissioned.transport()  # one session, as the persistent connection
    monkeypatch.setattr(mivb_action, "HttpApiTransport", lambda socket_path: transport)
    args = {"password_strength": "Strong", "phone_admin_passcode": PASSCODE}
    check = action("security_settings", dict(args), FakeSocket(), check_mode=True).run(task_vars={})
    assert check["changed"] is True and commissioned.raw.stats()["writes"] == 0
    assert check["diff"]["after"] == {"password_strength": "Strong", "phone_admin_passcode": "set (new value)"}
    applied = action("security_settings", dict(args), FakeSocket()).run(task_vars={})
    assert applied["changed"] is True and commissioned.raw.stats()["writes"] == 1
    assert applied["controls"]["AUTH-02"]["status"] == "drift"
    again = action("security_settings", dict(args), FakeSocket()).run(task_vars={})
    assert again["changed"] is False and commissioned.raw.stats()["writes"] == 1
    # The module path (run_task via run_backend) returns exactly these keys for the same task.
    params = {k: args.get(k) for k in mivb_specs.SECURITY_SETTINGS["argument_spec"]}
    params["passcode_min_length"] = 10
    module_result = run_task(SecuritySettingsBackend, commissioned.transport(), params, False)
    assert sorted(module_result) == sorted(again)
    for result in (check, applied, again):
        assert PASSCODE not in repr(result) and MANAGED_PASSWORD not in repr(result)
    # Independent proof through the controller: the passcode was set to the value sent.
    assert commissioned.raw.login(MANAGED_PASSWORD) == 200
    status, data = commissioned.raw.call("POST", "/api/v1/forms/system_security_management/verify-secret",
                                         {"field": "phone_admin_passcode", "value": PASSCODE})
    assert status == 200 and data["match"] is True
