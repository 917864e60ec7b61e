# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""netmiko's read filters, run once on canned text in the Ansible parent process.

Every netmiko read goes through strip_ansi_escape_codes (about 40 regular expressions) and
normalize_linefeeds. Run here, before the workers fork, their compiled patterns sit in `re`'s
cache that every worker inherits, instead of being compiled again per device
(switch_warmup for the switches, controller_config for the maintenance SSH session).
"""

from __future__ import annotations

from types import SimpleNamespace


def warm_netmiko_filters() -> None:
    """The two text filters every netmiko read goes through (used by the controllers'
    maintenance SSH session too); they use nothing of a session but its line ending."""
    try:
        from netmiko.base_connection import BaseConnection
    except ImportError:  # reported by the action plugins (requirements_error / MivbError)
        return
    channel = SimpleNamespace(RESPONSE_RETURN="\n", RETURN="\n")
    BaseConnection.normalize_linefeeds(channel, BaseConnection.strip_ansi_escape_codes(channel, "x\x1b[0m\r\n"))  # type: ignore[arg-type]
