#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: report_gate
short_description: Publish the run's compliance summary as Ansible stats, or fail the run on its findings
version_added: 0.1.0
author: voicesec maintainers (@voicesec)
description:
  - Reads the summary of the current run that the C(voicesec.mivb.compliance_report) callback
    prepares when this task starts (every control task before it counted), so it must be the
    last task of the run; C(playbooks/audit.yml) (and so C(site.yml)) ends with it.
  - O(enforce=false) returns the summary and publishes it as Ansible stats under
    C(voicesec_compliance) (what C(ansible.builtin.set_stats) does) - ansible-runner and AWX
    keep them as the job's artifacts.
  - O(enforce=true) fails the task, and so the run (exit status 2), when the findings the
    callback's C(fail_on) option names (or O(fail_on)) are present. Failed tasks publish no
    stats, hence two tasks.
  - A callback cannot change ansible-playbook's exit status; this task is how a scheduled run
    (cron, systemd C(OnFailure=)) or a CI gate sees drift and errors.
  - Without the callback (no summary) the task is skipped, or fails when a gate was asked for
    (O(fail_on) or C(VOICESEC_REPORT_FAIL_ON) set) with O(enforce=true).
  - Runs on the controller only (an action plugin; delegate it to C(localhost) with C(run_once)).
options:
  enforce:
    description: Fail on the findings (true), or publish the summary as stats and never fail (false).
    type: bool
    default: true
  fail_on:
    description:
      - Overrides the callback's C(fail_on) option (env C(VOICESEC_REPORT_FAIL_ON)) for this task.
        C(error), C(drift) - any such finding; C(new) - drift or errors the previous run did not have.
    type: list
    elements: str
    choices: [error, drift, new]
attributes:
  check_mode:
    support: full
    description: Reads only; the same in check mode.
  diff_mode:
    support: none
    description: Nothing to diff.
  platform:
    support: full
    platforms: posix
    description: Runs on the Ansible controller.
"""

EXAMPLES = r"""
- name: Compliance summary of this run (Ansible stats, AWX job artifacts)
  voicesec.mivb.report_gate:
    enforce: false
  run_once: true
  delegate_to: localhost

- name: Fail the run on drift or errors
  voicesec.mivb.report_gate:
    fail_on: [drift, error]
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
summary:
  description:
    - The run summary (docs/report-format.md, schema C(voicesec.mivb/summary/v1)).
    - Counts per status, new findings, report path.
  returned: always
  type: dict
reasons:
  description: Why the gate failed (one item per matched C(fail_on) entry); empty when it passed.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    # Only reached when the action plugin is missing: the summary lives in the controller process.
    module = AnsibleModule(argument_spec=dict(
        enforce=dict(type="bool", default=True),
        fail_on=dict(type="list", elements="str", choices=["error", "drift", "new"]),
    ), supports_check_mode=True)
    module.fail_json(msg="voicesec.mivb.report_gate is an action plugin: it runs on the controller "
                         "with the voicesec.mivb.compliance_report callback enabled")


if __name__ == "__main__":
    main()
