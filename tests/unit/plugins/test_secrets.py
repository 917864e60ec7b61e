"""plugins/module_utils/secrets.py: the one table of what is a secret, the one masking code.

The masking cases (configuration lines, free text, data by field name, controller data, no_log
values) and a guard: an `ast` scan of everything that ships or runs the lab fails when masking
code appears outside secrets.py (a mask/scrub/redact function, a mask literal, a regular
expression about secret keywords, Ansible's remove_values).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]
_AnsibleCollectionFinder(paths=[str(ROOT / ".venv" / "collections")])._install()
sys.path.insert(0, str(ROOT))

from ansible_collections.voicesec.mivb.plugins.module_utils import secrets  # noqa: E402
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import FAMILIES, PLATFORMS  # noqa: E402

HOME = ROOT / "plugins" / "module_utils" / "secrets.py"
SCANNED = ("plugins", "emulators", "scripts", "molecule", "tests/verify")
MASKER_NAME = re.compile(r"(^|_)(mask|scrub|redact|censor|sanitize|hide_secret)", re.IGNORECASE)
SECRET_WORD = re.compile(r"(?<![a-z])(password|passcode|secret|key|token|community|private)(?![a-z])", re.IGNORECASE)
RE_FUNCS = {"compile", "sub", "subn", "search", "match", "fullmatch", "findall", "finditer", "split"}


# ---- one configuration line ------------------------------------------------------------------

@pytest.mark.parametrize(("line", "masked"), [
    (" key 7 0822455D0A16544541", " key ********"),
    (" key plain-text-key", " key ********"),
    ("radius-server host 10.0.0.1 key plaintext abc", "radius-server host 10.0.0.1 key ********"),
    ("enable secret 9 $9$abc", "enable secret ********"),
    ("username netops privilege 15 secret 9 $9$x", "username netops privilege 15 secret ********"),
    ("user admin group administrators password ciphertext AQB", "user admin group administrators password ********"),
    ("snmp-server community x", "snmp-server community x"),
    ("crypto key generate rsa modulus 2048", "crypto key generate rsa modulus 2048"),
    ("no crypto key zeroize rsa", "no crypto key zeroize rsa"),
    ("key chain RIP-KEYS", "key chain RIP-KEYS"),
    (" authentication key-management wpa", " authentication key-management wpa"),
])
def test_config_line(line, masked):
    assert secrets.mask_config_line(line) == masked
    assert secrets.has_secret(line) is (line != masked)


def test_switch_table_covers_every_platform_and_its_encodings():
    assert set(secrets.SWITCH_SECRETS) == set(PLATFORMS)
    # every family stores secrets as its platform does: the platform's row covers it
    assert {f.platform for f in FAMILIES.values()} <= set(secrets.SWITCH_SECRETS)
    for platform, table in secrets.SWITCH_SECRETS.items():
        for keyword in table.keywords:
            for encoding in table.encodings:
                line = f"radius-server host 10.0.0.1 {keyword} {encoding} S3cr3tValue"
                assert "S3cr3tValue" not in secrets.mask_config_line(line), (platform, line)
                assert "S3cr3tValue" not in secrets.mask_text(line), (platform, line)


# ---- free text and data ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "secret"), [
    ("enable secret 9 $9$abcdefgh", "$9$abcdefgh"),
    ("username netops privilege 15 secret 0 Pa55word!", "Pa55word!"),
    ("radius-server host 10.1.1.1 key plaintext R4dius", "R4dius"),
    (" key 7 0822455D0A16", "0822455D0A16"),
    ('{"password": "hunter2", "x": 1}', "hunter2"),
    ("api_token=abc123def more", "abc123def"),
    ("passcode: 5938271046", "5938271046"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretbody\n-----END RSA PRIVATE KEY-----", "MIIEsecretbody"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEtruncatedbody", "MIIEtruncatedbody"),
])
def test_mask_text(text, secret):
    masked = secrets.mask_text(text)
    assert secret not in masked
    assert "********" in masked


def test_mask_text_leaves_prose_and_public_data():
    text = ("the private key does not match the certificate; vlan 20 name phones; "
            "AUTH-04 | AUDIT | Password expiry interval is 90; password_strength: Strong")
    assert secrets.mask_text(text) == text
    assert secrets.mask_text(text, config=True) == text


def _mask_text_unfiltered(text: str, config: bool = False) -> str:
    """mask_text without its word pre-checks: every pattern on every text."""
    text = secrets._PEM_PRIVATE_RE.sub(
        lambda m: f"-----BEGIN {m.group(1)}-----\n{secrets.MASK}\n-----END {m.group(1)}-----", text)
    text = secrets._KV_SECRET_RE.sub(lambda m: secrets._keep_quotes(m.group("kw"), m.group("val"))
                                     if secrets.is_secret_key(m.group("name")) else m.group(0), text)
    text = secrets._CONFIG_MARKED_RE.sub(lambda m: m.group("kw") + secrets.MASK, text)
    if config:
        text = secrets._CONFIG_SECRET_RE.sub(lambda m: m.group("kw") + secrets.MASK, text)
    return text


_CORPUS = [
    "compliant", "12 occupancy log(s) read (LOGS READ HOTEL ALL); keep 30 days: nothing to purge",
    "password: hunter2", "PASSWORD=hunter2", "Api_Token: abc", "the private key does not match",
    "\u017fecret: long-s-value",  # long s (U+017F) matches 's' under IGNORECASE
    "\u212aey=kelvin-k-value",  # the Kelvin sign matches 'k'
    "pr\u0131vate_key: dotless-i", "PR\u0130VATE: dotted-I", "radius-server key R4diusKey",
    "snmp-server community s3cretcomm RO", "enable secret 9 $9$abc", "user x password ciphertext Q",
    "-----BEGIN EC PRIVATE KEY-----\nbody\n-----END EC PRIVATE KEY-----", "key chain RIP-KEYS",
    "passcode 5938271046", '{"secret_value": "x", "passcode_length": 6}', "Token:t0k3n,next",
    "AUTH-04 | Password expiry interval is 90", "admin PASSCODE 0 1234", "no key here: just words",
]


@pytest.mark.parametrize("config", [False, True])
def test_word_pre_checks_change_no_result(config):
    """The pre-checks only skip patterns that cannot match: identical output on every text of
    the corpus (Unicode case folding included) and on every line of the lab's fixtures."""
    texts = list(_CORPUS)
    for path in sorted((ROOT / "emulators").rglob("*.txt")) + sorted((ROOT / "docs").glob("*.md")):
        texts.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
    assert len(texts) > 500
    for text in texts:
        assert secrets.mask_text(text, config=config) == _mask_text_unfiltered(text, config), text


@pytest.mark.parametrize(("text", "secret"), [
    ("+radius-server key R4diusKey", "R4diusKey"),
    ("+snmp-server community s3cretcomm RO", "s3cretcomm"),
    ("-admin password TopSecretPw1", "TopSecretPw1"),
])
def test_mask_config_text(text, secret):
    assert secret in secrets.mask_text(text)  # bare keyword + word: only masked as config
    assert secret not in secrets.mask_text(text, config=True)


def test_mask_data_by_key_name():
    data = {"password_strength": "Strong", "phone_admin_passcode_set": True,
            "nested": [{"radius_key": "k1"}, {"name": "x", "API_TOKEN": "t"}],
            "private_key_pem": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"}
    masked = secrets.mask_data(data)
    # settings about secrets stay readable: an AUTH-02 drift must show Weak -> Strong
    assert masked["password_strength"] == "Strong"
    assert masked["phone_admin_passcode_set"] is True  # booleans say "is set", never the secret
    assert masked["nested"] == [{"radius_key": "********"}, {"name": "x", "API_TOKEN": "********"}]
    assert masked["private_key_pem"] == "********"


# ---- controller data and results -------------------------------------------------------------

def test_drop_secret_fields_keeps_flags():
    data = {"a": {"password": "x", "phone_admin_passcode_set": True, "private_key_pem": "k"}, "b": [{"token": 1}]}
    assert secrets.drop_secret_fields(data) == {"a": {"phone_admin_passcode_set": True}, "b": [{}]}


def test_controller_table_covers_every_write_only_field_of_the_api_contract():
    """openapi.json (the emulator's published contract) marks write-only properties; each is in
    the table, except the verify-secret request's generic `value` (a request body only)."""
    contract = json.loads((ROOT / "emulators" / "mivb" / "openapi.json").read_text(encoding="utf-8"))
    write_only: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if isinstance(prop, dict) and prop.get("writeOnly"):
                    write_only.add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(contract)
    table = {f for fields in secrets.CONTROLLER_SECRET_FIELDS.values() for f in fields}
    assert write_only - {"value"} <= table
    assert {"phone_admin_passcode", "set_registration_access_code", "private_key_pem"} <= write_only


def test_emulator_form_schema_takes_its_write_only_fields_from_the_table():
    from emulators.mivb import forms

    assert forms.SECRET_FIELDS == {f: secrets.CONTROLLER_SECRET_FIELDS.get(f, ()) for f in forms.FACTORY}
    assert forms.SECRET_FIELDS["system_options"] == ("set_registration_access_code",)


def test_no_log_values_replaced_top_level_flags_kept():
    result = {"changed": True, "failed": None, "msg": "refused 4711 for x", "nested": [{"v": "4711"}]}
    masked = secrets.mask_no_log_values(result, {"4711"})
    assert "4711" not in repr(masked)
    assert masked["changed"] is True and masked["failed"] is None


def test_secret_state_compares_without_revealing():
    assert secrets.secret_state(" key 7 0822455D0A16", " key 7 0822455D0A16") == "same"
    assert secrets.secret_state(" key 0 abc", " key abc") == "same"
    assert secrets.secret_state(" key 0 abc", " key abd") == "differs"
    assert secrets.secret_state(" key ciphertext AQBapa", " key abc") == "unknown"


# ---- one implementation ----------------------------------------------------------------------

def masking_outside(home: Path, roots: list[Path]) -> list[str]:
    """Places outside `home` that mask secrets their own way."""
    found: list[str] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            if path.resolve() == home.resolve() or "__pycache__" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where = path.relative_to(root.parent) if root.is_dir() else path.name
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and MASKER_NAME.search(node.name):
                    found.append(f"{where}:{node.lineno}: function {node.name}()")
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                        re.fullmatch(r"\*{3,}", node.value):
                    found.append(f"{where}:{node.lineno}: mask literal {node.value!r}")
                elif isinstance(node, ast.Call) and _is_re_call(node) and node.args and \
                        isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                        SECRET_WORD.search(node.args[0].value):
                    found.append(f"{where}:{node.lineno}: regex about secrets {node.args[0].value!r}")
                elif isinstance(node, ast.ImportFrom) and any(a.name == "remove_values" for a in node.names):
                    found.append(f"{where}:{node.lineno}: imports remove_values")
    return found


def _is_re_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr in RE_FUNCS and \
        isinstance(func.value, ast.Name) and func.value.id == "re"


def test_no_second_masking_implementation():
    assert masking_outside(HOME, [ROOT / r for r in SCANNED]) == []


def test_guard_finds_a_planted_implementation(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "home.py").write_text('import re\nMASK = "***"\ndef mask(x):\n    return re.sub(r"key \\S+", MASK, x)\n')
    (pkg / "copy.py").write_text(
        'import re\n'
        'from ansible.module_utils.common.parameters import remove_values\n'
        '_P = re.compile(r"(secret|password)\\s+\\S+")\n'
        'def scrub_line(line):\n    return _P.sub("******", line)\n'
        'def ok(x):\n    return re.search(r"\\beq 1752\\b", x)\n')
    found = masking_outside(pkg / "home.py", [pkg])
    assert sorted(f.split(": ", 1)[1].split(" ")[0] for f in found) == ["function", "imports", "mask", "regex"]
    assert all(f.startswith("pkg/copy.py:") for f in found)


def test_home_imports_no_collection_module():
    """The emulators import secrets.py by its file path name (plugins.module_utils.secrets):
    it may not need the collection loader."""
    tree = ast.parse(HOME.read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in modules if m and m.startswith("ansible_collections")}
