# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of switch_config / switch_facts, shared by the action plugins (which do
the work) and the module files (which carry the documentation ansible-doc shows)."""

from __future__ import annotations

# Two input modes: intent_from_vars=true (the lan_* variables, validated against the
# switch_hardening role's argument_specs) or intended + managed (pre-rendered lines).
SWITCH_CONFIG_SPEC: dict = {
    "intent_from_vars": {"type": "bool", "default": False},
    "intended": {"type": "str"},
    "managed": {"type": "dict"},
    # None: lan_save_config / lan_update_secrets when intent_from_vars, else true / false.
    "save": {"type": "bool"},
    "update_secrets": {"type": "bool"},
    "gather_facts": {"type": "bool", "default": True},
}
SWITCH_CONFIG_RULES: dict = {
    # intended or intent_from_vars=true: exactly one (checked in the action plugin, because a
    # bool option with a default always counts as given for mutually_exclusive).
    "required_together": [("intended", "managed")],
}
SWITCH_FACTS_SPEC: dict = {
    "include_running": {"type": "bool", "default": False},
}
