# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of switch_config / switch_facts, shared by the action plugins (which do
the work) and the module files (which carry the documentation ansible-doc shows)."""

from __future__ import annotations

SWITCH_CONFIG_SPEC: dict = {
    "intended": {"type": "str"},
    "managed": {"type": "dict"},
    "intent": {"type": "dict"},
    "save": {"type": "bool", "default": True},
    "update_secrets": {"type": "bool", "default": False},
    "gather_facts": {"type": "bool", "default": True},
}
SWITCH_CONFIG_RULES: dict = {
    "mutually_exclusive": [("intent", "intended"), ("intent", "managed")],
    "required_one_of": [("intent", "intended")],
    "required_together": [("intended", "managed")],
}
SWITCH_FACTS_SPEC: dict = {
    "include_running": {"type": "bool", "default": False},
}
