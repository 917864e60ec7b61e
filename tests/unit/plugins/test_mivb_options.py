"""Each controller option is declared once (the mivb_options.Option rows in mivb_specs). These
tests fail when something that repeats a row disagrees with it: the DOCUMENTATION ansible-doc
reads from the module files, the module's argument spec, the mivb_hardening role's
meta/argument_specs.yml, or the limits the backends enforce before any request."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_plan, mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import (
    AdminPasswordBackend,
    SecuritySettingsBackend,
    SystemOptionsBackend,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_certs import WebCertificateBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_options import Option, documentation

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
MODULES = mivb_specs.MODULE_OPTIONS
ROLE_OPTIONS = yaml.safe_load((ROOT / "roles" / "mivb_hardening" / "meta" / "argument_specs.yml")
                              .read_text(encoding="utf-8"))["argument_specs"]["main"]["options"]
# What each module's backend needs besides the option under test.
BACKENDS: dict[str, tuple[Any, dict[str, Any]]] = {
    "security_settings": (SecuritySettingsBackend, {}),
    "system_options": (SystemOptionsBackend, {}),
    "web_certificate": (WebCertificateBackend, {}),
    "admin_password": (AdminPasswordBackend, {"new_password": "Qz7#Lm2!Vx9@Rt4%Kp"}),
}


class NoTransport:
    """A controller connection that must not be used: the limits are checked first."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the transport was used ({name}) before the input was checked")


def _spec_view(options: dict[str, Any], sub_key: str) -> dict[str, Any]:
    """What DOCUMENTATION and an argument spec both state about each option."""
    return {name: {"type": o.get("type", "str"), "required": bool(o.get("required")), "default": o.get("default"),
                   "choices": o.get("choices"), "elements": o.get("elements"),
                   "sub": _spec_view(o[sub_key], sub_key) if o.get(sub_key) else None}
            for name, o in options.items()}


@pytest.fixture(scope="module")
def ansible_doc() -> dict[str, Any]:
    """The docs as ansible-doc reads them from the module files (one run for all modules)."""
    proc = subprocess.run([str(BIN / "ansible-doc"), "--json", *(f"voicesec.mivb.{m}" for m in MODULES)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    return {name.rsplit(".", 1)[1]: entry["doc"] for name, entry in json.loads(proc.stdout).items()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_ansible_doc_shows_the_declared_options_and_the_module_spec_agrees(ansible_doc, name):
    doc = ansible_doc[name]
    assert doc["module"] == name and doc["short_description"]
    assert (doc.get("options") or {}) == documentation(MODULES[name]), (
        f"{name}: DOCUMENTATION options differ from mivb_specs; run scripts/gen_module_docs.py")
    # The argument spec AnsibleModule and the action plugin get states the same as the docs.
    spec = getattr(mivb_specs, name.upper())["argument_spec"]
    assert _spec_view(spec, "options") == _spec_view(doc.get("options") or {}, "suboptions")


def _step_rows() -> list[Option]:
    """Rows of the plan steps without a module: a mivb_step_* module that declares OPTIONS."""
    return [row for step in mivb_plan.STEP_DEFS.values()
            for row in getattr(sys.modules[step.build.__module__], "OPTIONS", ())]


def _role_pairs() -> list[tuple[Option, str]]:
    """(row, role variable) for every declared option the role sets (mivb_plan's ControlDef map)."""
    rows = [row for rows in MODULES.values() for row in rows] + _step_rows()
    return sorted(((row, mivb_plan.PARAM_VAR[row.name]) for row in rows if row.name in mivb_plan.PARAM_VAR),
                  key=lambda pair: pair[1])


def _row_view(row: Option, path_type: bool = False, top: bool = True) -> dict[str, Any]:
    """path_type: the role names a file on the control node (mivb_plan.FILE_PARAMS) whose content is
    the option's value: a path, and not itself a secret."""
    return {"type": "path" if path_type else row.type, "choices": list(row.choices) if row.choices else None,
            "elements": row.elements, "no_log": bool(row.no_log) and not path_type,
            "required": None if top else row.required,
            "sub": {s.name: _row_view(s, top=False) for s in row.suboptions} or None}


def _role_view(spec: dict[str, Any], top: bool = True) -> dict[str, Any]:
    return {"type": spec.get("type", "str"), "choices": spec.get("choices"), "elements": spec.get("elements"),
            "no_log": bool(spec.get("no_log")), "required": None if top else bool(spec.get("required")),
            "sub": {k: _role_view(v, top=False) for k, v in spec["options"].items()} if spec.get("options") else None}


def test_every_parameter_of_the_core_steps_is_declared():
    """A control of the plan's core steps (those the modules share) takes only declared options."""
    declared = {row.name for rows in MODULES.values() for row in rows}
    undeclared = [f"{c.id}: {param}" for c in mivb_plan.CONTROLS if c.step not in mivb_plan.STEP_DEFS
                  for param in c.params if param not in declared]
    assert undeclared == []


@pytest.mark.parametrize(("row", "var"), _role_pairs(), ids=lambda value: getattr(value, "name", value))
def test_role_argument_specs_agree_with_the_declaration(row, var):
    assert var in ROLE_OPTIONS, f"{var} (the role variable of {row.name}) is not in the role's argument_specs"
    role = ROLE_OPTIONS[var]
    assert _role_view(role) == _row_view(row, path_type=row.name in mivb_plan.FILE_PARAMS), var
    description = " ".join(role["description"]) if isinstance(role["description"], list) else role["description"]
    if row.limits():
        assert row.limits() in description, f"{var}: the description does not state {row.limits()}"
        stated = set(re.findall(r"\b\d+-\d+\b", description))
        assert stated <= {row.limits()}, f"{var}: the description states {stated}, the declaration {row.limits()}"


def _limit_cases() -> list[tuple[str, str, Any, bool]]:
    """(module, option, value, accepted) at and beyond every declared limit."""
    cases = []
    for module in BACKENDS:
        for row in MODULES[module]:
            if row.low is not None:
                cases += [(module, row.name, row.low, True), (module, row.name, row.low - 1, False)]
                if row.high is not None:
                    cases += [(module, row.name, row.high, True), (module, row.name, row.high + 1, False)]
            if row.max_length is not None:
                cases += [(module, row.name, "x" * row.max_length, True),
                          (module, row.name, "x" * (row.max_length + 1), False)]
            if row.choices and row.type == "str":
                cases += [(module, row.name, row.choices[-1], True), (module, row.name, "Ultra", False)]
            if row.choices and row.type == "list":
                cases += [(module, row.name, list(row.choices[:2]), True), (module, row.name, ["RC4-MD5"], False)]
    return cases


@pytest.mark.parametrize(("module", "option", "value", "accepted"), _limit_cases(),
                         ids=lambda value: str(value)[:24])
def test_backends_enforce_each_declared_limit_before_any_request(module, option, value, accepted):
    backend, base = BACKENDS[module]
    params = {**base, option: value}
    if accepted:
        assert backend(NoTransport(), params) is not None
        return
    with pytest.raises(InputError) as err:
        backend(NoTransport(), params)
    assert err.value.field == option
    assert err.value.allowed, "a refusal names the allowed values"


def test_generated_docs_are_current_and_a_stale_one_is_caught():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_module_docs.py"), "--check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    spec = importlib.util.spec_from_file_location("gen_module_docs", ROOT / "scripts" / "gen_module_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = (ROOT / "plugins" / "modules" / "system_options.py").read_text(encoding="utf-8")
    edited = text.replace("Range 1-10,", "Range 1-12,", 1)
    assert edited != text
    assert gen.regenerate(edited, MODULES["system_options"]) == text


@pytest.mark.parametrize("role", ["mivb_hardening", "switch_hardening", "cert_renewal"])
def test_ansible_doc_shows_each_role(role):
    """`ansible-doc -t role` needs a description on every (sub-)option of argument_specs."""
    proc = subprocess.run([str(BIN / "ansible-doc"), "-t", "role", "--json", f"voicesec.mivb.{role}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"})
    assert proc.returncode == 0 and "ERROR" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)[f"voicesec.mivb.{role}"]
    assert doc["entry_points"]["main"]["options"]
