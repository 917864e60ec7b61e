"""What the action plugins do once in the Ansible parent so that forked workers do not (docs/
performance.md): role variables resolved with the templar only where a template can be, and
the regexes of every device read compiled before the fork."""

from __future__ import annotations

import re
import re._compiler as re_compiler
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()

from ansible_collections.voicesec.mivb.plugins.module_utils import role_vars  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import PLATFORMS  # noqa: E402


class Vaulted:
    """Stands for a value the templar must see whatever its text (a vaulted string)."""


def test_resolve_renders_templates_and_non_plain_values_only():
    seen: list[object] = []
    vaulted = Vaulted()

    def render(value: object) -> object:
        seen.append(value)
        return {"{{ a }}": "A", "{% if x %}y{% endif %}": "y", "x {# c #}": "x "}.get(value, "clear") \
            if not isinstance(value, Vaulted) else "decrypted"

    data = {"plain": "text", "n": 3, "f": 1.5, "b": False, "none": None, "tpl": "{{ a }}",
            "nested": [{"k": "{% if x %}y{% endif %}", "v": ["x {# c #}", "z"]}], "secret": vaulted}
    out = role_vars.resolve(data, render)
    assert out == {"plain": "text", "n": 3, "f": 1.5, "b": False, "none": None, "tpl": "A",
                   "nested": [{"k": "y", "v": ["x ", "z"]}], "secret": "decrypted"}
    assert seen == ["{{ a }}", "{% if x %}y{% endif %}", "x {# c #}", vaulted]


def test_resolve_returns_plain_builtin_types():
    class Tagged(str):
        pass

    class TaggedDict(dict):
        pass

    out = role_vars.resolve(TaggedDict(name=Tagged("v"), items=(Tagged("a"), 1)), lambda value: value)
    assert out.__class__ is dict and out["name"].__class__ is str and out["items"] == ["a", 1]
    assert out["items"].__class__ is list and out["items"][0].__class__ is str


def test_a_bare_reference_resolves_as_the_templar_does_without_it():
    """`{{ name }}` of a scalar variable is resolved without the templar (no Jinja compile in the
    worker); every case gives what Ansible's templar gives, and the templar still decides
    anything else (filters, containers, undefined names, omit, untrusted text)."""
    from ansible.errors import AnsibleError
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, is_trusted_as_template, trust_as_template

    raw = {"s": "abc", "digits": "5", "word": "True", "i": 5, "f": 5.5, "b": False, "empty": "", "none": None,
           "spaced": " x ", "chain": "{{ s }}", "chain2": "{{ chain }}", "filtered": "{{ s | upper }}",
           "lst": ["{{ s }}", 1], "loop": "{{ loop }}"}
    variables = {k: trust_as_template(v) if isinstance(v, str) else v for k, v in raw.items()}
    templar = Templar(loader=DataLoader(), variables=variables)
    calls: list[object] = []

    def render(value: object) -> object:
        calls.append(value)
        return templar.template(value)

    cases = [trust_as_template("{{ " + name + " }}") for name in raw if name != "loop"]
    cases += [trust_as_template("{{s}}"), trust_as_template("{{ s }}!"), "{{ s }}",  # the last one untrusted
              trust_as_template("{{ omit }}"), trust_as_template("{{ nowhere }}"), trust_as_template("{{ loop }}")]
    for case in cases:
        try:
            expected: object = role_vars.native(templar.template(case))
        except AnsibleError as exc:
            expected = type(exc)
        try:
            got: object = role_vars.resolve(case, render, variables, is_trusted_as_template)
        except AnsibleError as exc:
            got = type(exc)
        assert got == expected and type(got) is type(expected), (case, got, expected)
    calls.clear()
    role_vars.resolve(trust_as_template("{{ chain2 }}"), render, variables, is_trusted_as_template)
    assert calls == [], "a chain of bare references to scalars needs no templar"
    role_vars.resolve(trust_as_template("{{ filtered }}"), render, variables, is_trusted_as_template)
    assert calls == ["{{ s | upper }}"]


def _compiles(action) -> int:
    count = 0
    original = re_compiler.compile

    def counting(pattern, flags=0):
        nonlocal count
        count += 1
        return original(pattern, flags)

    re_compiler.compile = counting
    try:
        action()
    finally:
        re_compiler.compile = original
    return count


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_after_the_warm_up_a_switch_read_compiles_no_regex(platform):
    from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff, switch_identity, switch_warmup

    text = "hostname sw9\ninterface GigabitEthernet1/0/7\n description phone\n!\nend\n"

    def read() -> None:
        switch_diff.parse(PLATFORMS[platform], text)
        switch_identity.parse_identity(PLATFORMS[platform], "sw9 uptime is 1 day\n")

    re.purge()
    assert _compiles(read) > 0  # a cold worker compiles them
    re.purge()
    switch_warmup.warm_up()
    assert _compiles(read) == 0  # after the parent's warm-up, the (forked) worker does not


def test_after_the_warm_up_netmiko_filters_compile_no_regex():
    from ansible_collections.voicesec.mivb.plugins.module_utils.netmiko_warmup import warm_netmiko_filters
    from netmiko.base_connection import BaseConnection

    class Channel:
        RESPONSE_RETURN = RETURN = "\n"

    def read() -> None:
        BaseConnection.normalize_linefeeds(Channel(), BaseConnection.strip_ansi_escape_codes(Channel(), "a\x1b[K\r\n"))

    re.purge()
    assert _compiles(read) > 20
    re.purge()
    warm_netmiko_filters()
    assert _compiles(read) == 0


def test_controller_action_loads_the_ssh_libraries_and_jinja_plugins_in_its_importer():
    """In a fresh interpreter (as the ansible-playbook parent): before the import none of it is
    loaded, after it netmiko, paramiko, ftplib and the wrapped core filters are."""
    probe = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[{str(ROOT / ".venv" / "collections")!r}])._install()
from ansible.plugins.loader import filter_loader
before = {{"netmiko", "paramiko", "ftplib"}} & set(sys.modules), bool(filter_loader._cached_non_collection_wrappers)
from ansible_collections.voicesec.mivb.plugins.action import controller_config
after = {{"netmiko", "paramiko", "ftplib"}} & set(sys.modules), bool(filter_loader._cached_non_collection_wrappers)
print(sorted(before[0]), before[1], sorted(after[0]), after[1])
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split("\n")[-2] == "[] False ['ftplib', 'netmiko', 'paramiko'] True", out.stdout + out.stderr
