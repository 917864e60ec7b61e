# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin: voicesec.mivb.mivb_facts in-process (docs in plugins/modules/mivb_facts.py)."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs
from ansible_collections.voicesec.mivb.plugins.plugin_utils.mivb_action import MivbAction


class ActionModule(MivbAction):
    SPEC = mivb_specs.MIVB_FACTS
    BACKEND = None  # facts: run_facts instead of a form backend
