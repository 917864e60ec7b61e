# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.security_settings in-process (docs in plugins/modules/security_settings.py)."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_backends import SecuritySettingsBackend
from ansible_collections.voicesec.mivb.plugins.plugin_utils.mivb_action import MivbAction


class ActionModule(MivbAction):
    SPEC = mivb_specs.SECURITY_SETTINGS
    BACKEND = SecuritySettingsBackend
