# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of the plan's steps after the core ones (login, System Security Management,
certificates, System Options), in the order they run. One line per step module; each module
declares its controls and behaviour as a mivb_plan_base.StepDef."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import (
    mivb_step_device_cert,
    mivb_step_vm,
    mivb_step_wan,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import StepDef

EXTRA_STEPS: tuple[StepDef, ...] = (
    mivb_step_device_cert.STEP,
    mivb_step_vm.STEP,
    *mivb_step_wan.STEPS,
)
