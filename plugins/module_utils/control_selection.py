# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which controls a one-task-per-device run evaluates: tags and toggles, per control.

A role that converges a whole device in one task cannot let Ansible decide by tags: the
task carries every control of the device, so `--skip-tags LAN-04` would skip all of them.
The role task is therefore tagged `always` plus its device tag, and the action plugin asks
this module, per control, with the run's `ansible_run_tags` / `ansible_skip_tags`:

* `--tags X` selects a control when X is its ID, its device tag (`controller`, `switch`)
  or `all`; `tagged` / `untagged` behave as for a task tagged with the ID;
* `--skip-tags X` drops a control when X is its ID or its device tag (or `tagged`);
* a toggle variable set false drops it.

A control that is not selected is reported `not_evaluated` with the reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Selection:
    selected: tuple[str, ...]
    reasons: dict[str, str]  # control ID -> why it is not evaluated in this run

    def not_evaluated(self) -> dict[str, dict[str, str]]:
        """The `controls` entries of the controls this run leaves out."""
        return {cid: {"status": "not_evaluated", "detail": why} for cid, why in self.reasons.items()}


def _tags(value: Any) -> set[str]:
    if not value:
        return set()
    if isinstance(value, str):
        return {t.strip() for t in value.split(",") if t.strip()}
    return {str(t) for t in value}


def select(
    control_ids: Iterable[str],
    device_tag: str,
    task_vars: Mapping[str, Any],
    toggles: Mapping[str, bool] | None = None,
    toggle_names: Mapping[str, str] | None = None,
) -> Selection:
    """Split control_ids (in their order) into selected and not evaluated (with the reason).

    toggles maps a control ID to its enabled flag (a missing ID counts as enabled);
    toggle_names maps it to the variable the user sets, so the reason can name it.
    """
    run_tags = _tags(task_vars.get("ansible_run_tags")) or {"all"}
    skip_tags = _tags(task_vars.get("ansible_skip_tags"))
    selected: list[str] = []
    reasons: dict[str, str] = {}
    for cid in control_ids:
        own = {cid, device_tag}
        if not (run_tags & ({"all", "tagged"} | own)):
            reasons[cid] = f"not evaluated in this run: --tags {','.join(sorted(run_tags))} does not select it"
        elif skip_tags & (own | {"tagged"}):
            hit = sorted(skip_tags & (own | {"tagged"}))
            reasons[cid] = f"not evaluated in this run: --skip-tags {','.join(hit)}"
        elif toggles is not None and not toggles.get(cid, True):
            name = (toggle_names or {}).get(cid, "its toggle variable")
            reasons[cid] = f"not evaluated in this run: disabled by {name}: false"
        else:
            selected.append(cid)
    return Selection(tuple(selected), reasons)
