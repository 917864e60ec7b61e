# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the report store is: one rule for the compliance_report callback and the tasks that
write into the store (the audit-trail export of LOG-01, `<report_dir>/audit_trail/`).

`report_dir` is the callback's option (VOICESEC_REPORT_DIR, `[callback_compliance_report]
report_dir` in ansible.cfg, default `reports`); a relative one is resolved against the
repository of the playbook (docs/report-format.md).
"""

from __future__ import annotations

import os
from pathlib import Path

CALLBACK = "voicesec.mivb.compliance_report"
AUDIT_TRAIL_SUBDIR = "audit_trail"


def report_base(playbook: str, cwd: Path) -> Path:
    """Where a relative report_dir lives: the playbook's repository, never an installed collection."""
    if not playbook or "ansible_collections" in Path(playbook).parts:
        return cwd
    for parent in Path(playbook).parents:
        if any((parent / marker).exists() for marker in ("ansible.cfg", "galaxy.yml", ".git")):
            return parent
    return cwd


def report_root(configured: str | None, playbook: str, cwd: Path) -> Path:
    path = Path(os.path.expanduser(str(configured or "reports")))
    return path if path.is_absolute() else report_base(playbook, cwd) / path


def configured_report_dir() -> str:
    """The callback's report_dir as Ansible's configuration resolves it (env, ansible.cfg, default)."""
    try:
        from ansible import constants as C
        from ansible.plugins.loader import callback_loader

        callback_loader.get(CALLBACK, class_only=True)  # registers the option's definition
        value = C.config.get_config_value("report_dir", plugin_type="callback", plugin_name=CALLBACK)
    except Exception:  # the documented default when the configuration cannot tell
        value = os.environ.get("VOICESEC_REPORT_DIR")
    return str(value or "reports")


def audit_trail_dir(playbook_dir: str, cwd: Path) -> Path:
    """`<report_dir>/audit_trail` for a task of a playbook in playbook_dir."""
    playbook = os.path.join(playbook_dir, "playbook.yml") if playbook_dir else ""
    return report_root(configured_report_dir(), playbook, cwd) / AUDIT_TRAIL_SUBDIR
