# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""LOG-02: the SMDR Options form as the inventory (the call-accounting vendor) requires.

Guideline, "SMDR Options": the form selects Station Message Detail Recording, Program External
SMDR, Program Internal SMDR and Location Based Accounting; a Yes/No option left empty is "No".
The management API names the fields after them (docs/management-api.md, smdr_options). The
plan's generic field-form runner reads the form once, PATCHes the difference, verifies by a
fresh read.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_contract import SMDR_FIELDS, YES_NO
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import Field, FormBackend
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_plan_base import ControlDef, PlanContext, StepDef

VAR = "mivb_hardening_smdr_options"


class SmdrOptionsBackend(FormBackend):
    """SMDR Options form (LOG-02): Yes/No fields."""

    form = "smdr_options"
    fields = tuple(Field(name, "LOG-02") for name in SMDR_FIELDS)

    def __init__(self, transport: Any, params: dict[str, Any]) -> None:
        super().__init__(transport, check_smdr_options(params.get("smdr_options") or {}))


def check_smdr_options(options: Any) -> dict[str, str]:
    if not isinstance(options, dict):
        raise InputError(f"{VAR}: must be a mapping of SMDR Options field -> Yes/No; nothing was changed",
                         field=VAR, allowed=list(SMDR_FIELDS))
    for name, value in options.items():
        if name not in SMDR_FIELDS:
            raise InputError(f"{VAR}: unknown SMDR Options field {name!r} (allowed: {', '.join(SMDR_FIELDS)}); "
                             "nothing was changed", field=f"{VAR}.{name}", allowed=list(SMDR_FIELDS))
        if value not in YES_NO:
            raise InputError(f"{VAR}.{name}: {value!r} is not allowed (allowed: Yes, No); nothing was changed",
                             field=f"{VAR}.{name}", allowed=list(YES_NO))
    if options.get("extended_reporting_level_2") == "Yes" and options.get("extended_reporting_level_1") != "Yes":
        raise InputError(f"{VAR}.extended_reporting_level_2: Yes needs extended_reporting_level_1: Yes (Level 2 "
                         "extends Level 1); nothing was changed", field=f"{VAR}.extended_reporting_level_2",
                         allowed=["No"])
    return dict(options)


def _build(plan: PlanContext, params: dict[str, Any]) -> SmdrOptionsBackend:
    return SmdrOptionsBackend(plan.transport, params)


STEP = StepDef(
    name="smdr_options",
    controls=(ControlDef("LOG-02", "smdr_options", {"smdr_options": VAR}),),
    build=_build,
)
