# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of switch_config / switch_facts, shared by the action plugins (which do
the work) and the module files (which carry the documentation ansible-doc shows)."""

from __future__ import annotations

SWITCH_CONFIG_SPEC: dict = {
    "intended": {"type": "str"},
    "managed": {"type": "dict"},
    "intent": {"type": "dict"},
    "intent_from_vars": {"type": "bool", "default": False},
    # None: lan_save_config / lan_update_secrets when intent_from_vars, else true / false.
    "save": {"type": "bool"},
    "update_secrets": {"type": "bool"},
    "gather_facts": {"type": "bool", "default": True},
}
SWITCH_CONFIG_RULES: dict = {
    "mutually_exclusive": [("intent", "intended"), ("intent", "managed")],
    # intent / intended / intent_from_vars=true: exactly one (checked in the action plugin,
    # because a bool option with a default always counts as given for these rules).
    "required_together": [("intended", "managed")],
}
SWITCH_FACTS_SPEC: dict = {
    "include_running": {"type": "bool", "default": False},
}
