# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.cert_renewal_status on the control node (docs in the module file)."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible_collections.voicesec.mivb.plugins.module_utils.cert_renewal import SPEC, judge
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: Any = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        validation = ArgumentSpecValidator(SPEC).validate(dict(self._task.args))
        if validation.error_messages:
            result.update(failed=True, msg=validation.errors.msg)
            return result
        try:
            result.update(judge(validation.validated_parameters, bool(self._task.check_mode)))
        except InputError as exc:
            result.update(failed=True, msg=exc.message)
        return result
