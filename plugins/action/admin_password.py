# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.admin_password in-process (docs in plugins/modules/admin_password.py)."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import AdminPasswordBackend
from ansible_collections.voicesec.mivb.plugins.plugin_utils.mivb_action import MivbAction


class ActionModule(MivbAction):
    SPEC = mivb_specs.ADMIN_PASSWORD
    BACKEND = AdminPasswordBackend
