# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A role's inventory interface, read per host by its one action task.

The one-task-per-device roles (mivb_hardening, switch_hardening) declare their variables in
`meta/argument_specs.yml`. Their action plugin reads each declared variable that is set,
templates it on its own (plain data costs nothing to template), validates the set with
ansible-core's ArgumentSpecValidator against that same spec (types, choices, sub-options,
defaults) and gets the validated values plus the no_log values to mask.

So the role's argument_specs are enforced on every path, also when a playbook imports the
role with `rolespec_validate: false` to save Ansible's implicit validation task.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

ROLES_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles"
)


class RoleVarsError(ValueError):
    """The role's variables do not match its argument_specs."""


def role_spec_path(role: str) -> str:
    return os.path.join(ROLES_DIR, role, "meta", "argument_specs.yml")


def load_options(path: str) -> dict[str, Any]:
    """The `main` entry point's options, as the role documents them."""
    import yaml  # ansible-core's own dependency; imported here to keep module_utils light

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    try:
        return dict(data["argument_specs"]["main"]["options"])
    except (KeyError, TypeError) as exc:
        raise RoleVarsError(f"{path}: no argument_specs.main.options ({exc})") from None


def native(value: Any) -> Any:
    """The templated value as plain Python data (dict, list, str, int, float, bool, None).

    Templated values carry Ansible's data tags (str, dict and list subclasses);
    ArgumentSpecValidator deep-copies what it validates, and deep-copying tagged values goes
    through their pickling protocol: about ten times the cost of plain data, per host
    (docs/performance.md). Values of other types (a vaulted string, a date) are kept as they
    are, for the validator to convert as before."""
    if isinstance(value, Mapping):
        return {native(key): native(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [native(item) for item in value]
    if isinstance(value, str):
        return str.__str__(value)  # the same object for a plain str, a plain copy of a tagged one
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


_JINJA_MARKERS = ("{{", "{%", "{#")
# `{{ name }}` and nothing else: the value of one variable (the usual inventory indirection,
# `password: "{{ vault_password }}"`).
_BARE_REFERENCE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_MISSING = object()
_MAX_INDIRECTION = 20


def _referenced(value: str, variables: Mapping[str, Any] | None, trusted: Callable[[Any], bool] | None) -> Any:
    """The scalar a trusted `{{ name }}` stands for, or _MISSING when the templar must decide
    (anything else: filters, an undefined or special name, a container, a vaulted value)."""
    if variables is None or trusted is None:
        return _MISSING
    match = _BARE_REFERENCE.fullmatch(value)
    if match is None or match.group(1) == "omit" or not trusted(value):
        return _MISSING
    target = variables.get(match.group(1), _MISSING)
    if target is None or isinstance(target, (str, bool, int, float)):
        return target
    return _MISSING


def resolve(value: Any, render: Callable[[Any], Any], variables: Mapping[str, Any] | None = None,
            trusted: Callable[[Any], bool] | None = None, _depth: int = 0) -> Any:
    """native(render(value)), with the templar called only on the strings that can hold a
    template (and on values of other types, such as a vaulted string). The templar leaves a
    string without Jinja markers as it is, but costs ~0.1 ms per call on a role's ~100
    variables per host, and compiling a template ~1 ms per string and worker
    (docs/performance.md). With the host's `variables` and Ansible's trust test, a trusted
    `{{ name }}` whose variable holds a scalar is that scalar (resolved the same way), as the
    templar would give it (tests/unit/plugins/test_parent_preload.py compares both); anything
    else goes to the templar. Dict keys are data, as Ansible treats them."""
    if isinstance(value, str):
        if any(marker in value for marker in _JINJA_MARKERS):
            target = _referenced(value, variables, trusted) if _depth < _MAX_INDIRECTION else _MISSING
            if target is not _MISSING:
                return resolve(target, render, variables, trusted, _depth + 1)
            return native(render(value))
        return native(value)
    if isinstance(value, Mapping):
        return {native(key): resolve(item, render, variables, trusted) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(item, render, variables, trusted) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return native(value)
    return native(render(value))


def validator_spec(options: Mapping[str, Any]) -> dict[str, Any]:
    """Role argument_specs carry documentation keys the validator does not take."""
    out: dict[str, Any] = {}
    for name, option in options.items():
        entry = {k: v for k, v in option.items() if k not in ("description", "version_added")}
        if "options" in entry:
            entry["options"] = validator_spec(entry["options"])
        out[name] = entry
    return out


class RoleInterface:
    """Reads and validates one host's role variables against the role's argument spec."""

    def __init__(self, role: str, options: Mapping[str, Any] | None = None) -> None:
        self.role = role
        self.options = dict(options if options is not None else load_options(role_spec_path(role)))
        self.names = tuple(self.options)
        self.validator = ArgumentSpecValidator(validator_spec(self.options))

    def read(self, task_vars: Mapping[str, Any], render: Callable[[Any], Any],
             trusted: Callable[[Any], bool] | None = None) -> tuple[dict[str, Any], set[str]]:
        """(validated values, no_log values). `render` is the action plugin's templar and
        `trusted` Ansible's is_trusted_as_template (for resolve's `{{ name }}` short cut);
        unset variables get the spec's defaults. Raises RoleVarsError naming every bad variable."""
        provided = {name: resolve(task_vars[name], render, task_vars, trusted)
                    for name in self.names if task_vars.get(name) is not None}
        result = self.validator.validate(provided)
        if result.error_messages:
            raise RoleVarsError(
                f"the role variables do not match the argument_specs of voicesec.mivb.{self.role} "
                "(nothing was sent to the device):\n- " + "\n- ".join(result.error_messages)
            )
        return dict(result.validated_parameters), set(result._no_log_values)
