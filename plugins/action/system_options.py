# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.system_options in-process (docs in plugins/modules/system_options.py)."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import SystemOptionsBackend
from ansible_collections.voicesec.mivb.plugins.plugin_utils.mivb_action import MivbAction


class ActionModule(MivbAction):
    SPEC = mivb_specs.SYSTEM_OPTIONS
    BACKEND = SystemOptionsBackend
