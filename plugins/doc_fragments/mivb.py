# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations


class ModuleDocFragment:
    # How every controller module connects; shown in each module's notes.
    DOCUMENTATION = r"""
options: {}
notes:
  - Runs over the persistent connection of the C(voicesec.mivb.mivb) httpapi plugin
    (C(ansible_connection=ansible.netcommon.httpapi), C(ansible_network_os=voicesec.mivb.mivb),
    C(ansible_httpapi_use_ssl=true)). One login serves every task of a play and each form is
    read at most once per play.
  - The controller certificate is validated (C(ansible_httpapi_validate_certs), default true;
    CA bundle in C(ansible_httpapi_ca_path)).
  - Inputs are validated before any request; a refused input fails the task with a message
    naming the field and nothing is sent to the controller.
  - Secrets (passwords, passcodes, private keys) are C(no_log) and never appear in results or diffs;
    write-only secrets are compared through the controller's verify-secret endpoint, never read back.
"""

    # Attributes shared by the configuration modules.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: Decides whether a change is needed and reports it without writing.
  diff_mode:
    support: full
    description: Returns parsed before/after dicts of the managed fields; secrets masked.
  platform:
    support: full
    platforms: mivb
    description: Mitel MiVoice Business controllers reached through the management API contract.
"""
