# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The switch_hardening role's inventory interface (the lan_* variables), read per host.

`switch_config intent_from_vars=true` reads each `lan_*` variable the role documents in
`roles/switch_hardening/meta/argument_specs.yml`, templates it on its own (plain data
costs nothing to template; one large nested template per switch costs Jinja compilation
in every forked worker, docs/performance.md), validates the set against that same argument
spec (ansible-core's ArgumentSpecValidator: types, choices, required sub-options,
defaults) and returns the intent dict `switch_intent.normalize_intent` takes.

So the role's argument_specs are enforced on every path, including playbooks that import
the role with `rolespec_validate: false` to save Ansible's implicit validation task
(one more forked task per switch; docs/performance.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.voicesec.mivb.plugins.module_utils import role_vars as _role_vars

ROLE = "voicesec.mivb.switch_hardening"
ROLE_SPEC_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "roles", "switch_hardening", "meta", "argument_specs.yml",
)


# Spec loading and validator shaping live in role_vars (shared with the controller role).
RoleVarsError = _role_vars.RoleVarsError


def load_role_spec(path: str = ROLE_SPEC_PATH) -> dict[str, Any]:
    """The `main` entry point's options, as the role documents them."""
    return _role_vars.load_options(path)


class RoleVars:
    """Reads and validates one host's lan_* variables against the role's argument spec."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.names = tuple(options)
        self.validator = ArgumentSpecValidator(_role_vars.validator_spec(options))

    def read(self, task_vars: Mapping[str, Any], render: Callable[[Any], Any],
             trusted: Callable[[Any], bool] | None = None) -> dict[str, Any]:
        """Template each documented variable that is set, validate, return the intent dict.

        `render` is the action plugin's templar (it resolves `{{ vault_radius_key }}` and
        the like), `trusted` Ansible's is_trusted_as_template (role_vars.resolve); variables
        that are not set get the argument spec's defaults.
        """
        provided = {name: _role_vars.resolve(task_vars[name], render, task_vars, trusted) for name in self.names
                    if task_vars.get(name) is not None}
        result = self.validator.validate(provided)
        if result.error_messages:
            raise RoleVarsError(
                f"the lan_* variables do not match the argument_specs of {ROLE}:\n- "
                + "\n- ".join(result.error_messages)
            )
        intent = dict(result.validated_parameters)
        # --tags LAN-04 / --skip-tags LAN-04 narrow what is rendered and owned.
        intent["lan_run_tags"] = list(task_vars.get("ansible_run_tags") or ["all"])
        intent["lan_skip_tags"] = list(task_vars.get("ansible_skip_tags") or [])
        return intent
