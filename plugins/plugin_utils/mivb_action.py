# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared base of the controller action plugins: a module's work inside the Ansible worker.

Why: as a module every controller task paid AnsibleZ packaging, a fresh Python and the
imports, per controller and task (docs/performance.md). The action plugin validates the task with the
module's own argument spec (module_utils/mivb_specs.py), then runs the same backend from
module_utils over the same persistent httpapi connection (JSON-RPC on its socket), so the
login, the form cache and every result key stay exactly as with the module.

The linear strategy loads action classes in the parent process before forking, so the
imports at the top of this file (and of the action files) are paid once per run.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import run_facts
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import HttpApiTransport
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import run_task
from ansible_collections.voicesec.mivb.plugins.module_utils.secrets import mask_no_log_values


def preload(*names: str) -> None:
    """Import modules the task body imports lazily, so forked workers inherit them loaded.
    A missing optional library is reported by the code that needs it, at use."""
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def preload_jinja_plugins() -> None:
    """Load Ansible's filter and test plugins (and the crypt library lookup the core filters
    do at import, which spawns ldconfig) in the parent process. Inventories template their
    variables ("{{ vault_x }}", "{{ path | dirname }}"); the first filter a worker meets would
    otherwise make every forked worker import and wrap all of them again (about 0.3 s of CPU
    per host, docs/performance.md)."""
    from ansible.plugins.loader import filter_loader, test_loader

    for loader in (filter_loader, test_loader):
        try:
            for _plugin in loader.all():
                pass
        except Exception:  # noqa: S110 - a broken third-party plugin is reported where it is used
            pass


preload("ansible.module_utils.connection")  # HttpApiTransport's JSON-RPC client

NO_CONNECTION = (
    "{name} needs the persistent httpapi connection to the controller: set ansible_connection="
    "ansible.netcommon.httpapi and ansible_network_os=voicesec.mivb.mivb"
)


class MivbAction(ActionBase):
    """Subclasses set SPEC (a mivb_specs entry) and BACKEND (a backend class; None = facts)."""

    TRANSFERS_FILES = False
    SPEC: ClassVar[dict[str, Any]] = {}
    BACKEND: ClassVar[Any] = None

    def run(self, tmp: Any = None, task_vars: Any = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        # Same validator and messages as AnsibleModule, before anything is sent.
        validation = ArgumentSpecValidator(**self.SPEC).validate(dict(self._task.args))
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = f"Unsupported parameters for ({self._task.action}) module: {msg}"
            out: dict[str, Any] = {"failed": True, "msg": msg}
        elif not getattr(self._connection, "socket_path", None):
            out = {"failed": True, "msg": NO_CONNECTION.format(name=self._task.action)}
        else:
            transport = HttpApiTransport(socket_path=self._connection.socket_path)
            params = validation.validated_parameters
            if self.BACKEND is None:
                out = run_facts(transport, params)
            else:
                out = run_task(self.BACKEND, transport, params, bool(self._task.check_mode))
        result.update(mask_no_log_values(out, validation._no_log_values))
        return result
