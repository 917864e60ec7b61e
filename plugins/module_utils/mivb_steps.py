# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of the plan's steps after the core ones (login, System Security Management,
certificates, System Options), in the order they run. One line per step module; each module
declares its controls and behaviour as a mivb_plan_base.StepDef."""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import (
    mivb_step_cos,
    mivb_step_device_cert,
    mivb_step_ftp_access,
    mivb_step_msl_platform,
    mivb_step_pms_logs,
    mivb_step_sip,
    mivb_step_toll,
    mivb_step_vm,
    mivb_step_wan,
)
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import StepDef
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_step_access import STEP as ACCESS_STEP
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_step_audit import STEP as AUDIT_TRAIL_STEP
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_step_smdr import STEP as SMDR_STEP

# The audit-trail export runs last, so it carries the entries of this run's own writes.
EXTRA_STEPS: tuple[StepDef, ...] = (
    mivb_step_cos.STEP,
    *mivb_step_toll.STEPS,
    mivb_step_sip.STEP_DEF,
    ACCESS_STEP,
    SMDR_STEP,
    mivb_step_device_cert.STEP,
    mivb_step_vm.STEP,
    *mivb_step_wan.STEPS,
    mivb_step_pms_logs.STEP,
    mivb_step_msl_platform.STEP,
    mivb_step_ftp_access.STEP,
    AUDIT_TRAIL_STEP,
)
