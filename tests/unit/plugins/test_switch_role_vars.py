"""The switch_hardening role's variables as switch_config reads them (intent_from_vars):
validated against the role's own meta/argument_specs.yml, defaults applied, each value
templated through the callback it is given, tags carried over."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_role_vars as rv  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_intent import normalize_intent  # noqa: E402

ROLE = ROOT / "roles" / "switch_hardening"


@pytest.fixture(scope="module")
def role_vars() -> rv.RoleVars:
    return rv.RoleVars(rv.load_role_spec())


def test_spec_is_the_roles_own_file_and_documents_every_default():
    """The plugin reads the role's file (not a copy), and every role default is an option."""
    assert Path(rv.ROLE_SPEC_PATH).resolve() == (ROLE / "meta" / "argument_specs.yml").resolve()
    options = rv.load_role_spec()
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    assert set(defaults) == set(options)


def test_defaults_and_conversion_then_normalize(role_vars):
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    task_vars = dict(defaults, lan_harden_lan_04="no", ansible_run_tags=["LAN-01", "LAN-04"],
                     lan_port_roles=[{"interfaces": ["Gi1/0/1"], "role": "controller"},
                                     {"interfaces": ["Gi1/0/2"], "role": "uplink"}],
                     lan_controller_addresses=["10.0.1.1"], lan_dot1x={"enabled": False})
    intent = role_vars.read(task_vars, lambda value: value)
    assert intent["lan_harden_lan_04"] is False, "'no' converted by the spec"
    assert intent["lan_run_tags"] == ["LAN-01", "LAN-04"] and intent["lan_skip_tags"] == []
    assert intent["lan_dot1x"]["server_group"] == "MIVB-RADIUS", "sub-option default from the spec"
    # LAN-04 is toggled off, so only LAN-01 of the tagged controls remains.
    assert normalize_intent(intent, "cisco.ios.ios")["controls"] == ["LAN-01"]


def test_every_value_goes_through_the_templar_callback(role_vars):
    """Inventory values may be templates (`{{ vault_radius_key }}`): each is rendered first."""
    vlans = {"controllers": {"id": 10, "name": "C"}, "voice": {"id": 20, "name": "V"},
             "data": {"id": 30, "name": "D"}, "parking": {"id": 999, "name": "P"}}
    rendered = {"{{ site_vlans }}": vlans, "{{ site_qos }}": "yes"}
    seen = []

    def render(value):
        seen.append(value)
        return rendered.get(value, value) if isinstance(value, str) else value

    intent = role_vars.read({"lan_vlans": "{{ site_vlans }}", "lan_qos_trust_voice": "{{ site_qos }}"}, render)
    assert set(seen) == {"{{ site_vlans }}", "{{ site_qos }}"}
    assert intent["lan_vlans"] == vlans and intent["lan_qos_trust_voice"] is True


def test_bad_values_name_the_variable_and_the_allowed_values(role_vars):
    with pytest.raises(rv.RoleVarsError) as err:
        role_vars.read({"lan_port_roles": [{"interfaces": ["Gi1/0/1"], "role": "printer"}],
                        "lan_dot1x": {"radius_servers": [{"name": "r1", "key": "Secr3t-Never-Shown"}]},
                        "lan_ssh_timeout": "soon"}, lambda value: value)
    text = str(err.value)
    assert "argument_specs of voicesec.mivb.switch_hardening" in text
    assert "controller, phone, uplink, unused" in text and "printer" in text
    assert "address" in text and "radius_servers" in text
    assert "lan_ssh_timeout" in text
    assert "Secr3t-Never-Shown" not in text


def test_unset_variables_are_not_passed_as_none(role_vars):
    """A variable set to null counts as unset: the spec's default applies, not None."""
    intent = role_vars.read({"lan_save_config": None, "lan_controller_acl_name": None}, lambda value: value)
    assert intent["lan_save_config"] is True and intent["lan_update_secrets"] is False
    assert intent["lan_controller_acl_name"] == "MIVB-SMDR-PMS"
