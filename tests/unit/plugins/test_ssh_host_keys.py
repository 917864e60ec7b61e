"""ssh_host_keys: the keys trusted for one host are exactly the ones paramiko's own
HostKeys.load of the whole file trusts for it (first key per type, hashed entries, ports,
comments, broken lines), and a real SSH login through netmiko checks them: the right key
connects, a wrong one is refused."""

from __future__ import annotations

import base64

import paramiko
import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.ssh_host_keys import (
    host_key_name,
    host_keys_for,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from emulators import x509_builder as xb


def _line(names: str, key: paramiko.PKey) -> str:
    return f"{names} {key.get_name()} {key.get_base64()}"


def _public(private: object) -> paramiko.PKey:
    raw = private.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode().split()
    return paramiko.PKey.from_type_string(raw[0], base64.b64decode(raw[1]))


def _ed25519() -> paramiko.PKey:
    return _public(ed25519.Ed25519PrivateKey.generate())


def _ecdsa() -> paramiko.PKey:
    return _public(xb.new_ec_key())


@pytest.fixture
def corpus(tmp_path):
    keys = {n: _ed25519() for n in range(8)}
    second = _ecdsa()
    hashed = paramiko.HostKeys.hash_host("[10.0.0.7]:2222")
    lines = [
        "# a comment", "",
        _line("10.0.0.1", keys[0]),                       # port 22: the bare name
        _line("[10.0.0.2]:2222", keys[1]),
        _line("[10.0.0.2]:2222", keys[2]),                # a second key of the same type: the first wins
        _line("[10.0.0.2]:2222", second),                 # another type: also trusted
        _line("sw3,[10.0.0.3]:2222,10.0.0.33", keys[3]),  # several names on one line
        _line(hashed, keys[4]),                           # hashed (HashKnownHosts yes)
        "[10.0.0.6]:2222 ssh-ed25519",                    # too short: skipped, as paramiko does
        _line("[10.0.0.10]:2222", keys[6]),
    ] + [_line(f"[10.1.{i // 250}.{i % 250}]:2222", _ed25519()) for i in range(60)]
    path = tmp_path / "known_hosts"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("host,port", [("10.0.0.1", 22), ("10.0.0.1", 2222), ("10.0.0.2", 2222), ("10.0.0.3", 2222),
                                       ("10.0.0.33", 22), ("10.0.0.7", 2222), ("10.0.0.6", 2222),
                                       ("10.0.0.10", 2222), ("10.1.0.17", 2222),
                                       ("10.9.9.9", 2222)])
def test_trusts_what_paramiko_load_trusts(corpus, host, port):
    whole = paramiko.HostKeys(str(corpus)).lookup(host_key_name(host, port))
    expected = {kind: key.asbytes() for kind, key in (whole or {}).items()}
    assert {kind: key.asbytes() for kind, key in host_keys_for(str(corpus), host, port).items()} == expected


def test_the_first_key_of_a_type_wins_and_other_types_are_kept(corpus):
    found = host_keys_for(str(corpus), "10.0.0.2", 2222)
    assert sorted(found) == ["ecdsa-sha2-nistp256", "ssh-ed25519"]
    first = corpus.read_text().splitlines()[3].split()[2]
    assert found["ssh-ed25519"].get_base64() == first


def test_a_broken_key_of_this_host_is_an_error_and_of_another_host_is_not_read(tmp_path):
    """paramiko's load refuses the whole file for one undecodable key (or an OpenSSH marker
    line such as @revoked); here only the lines naming the host are parsed: its own broken
    line still fails the connection (nothing trusted by accident), other lines are not read."""
    good = _ed25519()
    path = tmp_path / "known_hosts"
    path.write_text("[10.0.0.5]:2222 ssh-ed25519 not-base64!\n"
                    f"@revoked [10.0.0.8]:2222 {good.get_name()} {good.get_base64()}\n"
                    + _line("[10.0.0.9]:2222", good) + "\n")
    assert host_keys_for(str(path), "10.0.0.8", 2222) == {}
    assert host_keys_for(str(path), "10.0.0.9", 2222)["ssh-ed25519"].asbytes() == good.asbytes()
    with pytest.raises(paramiko.hostkeys.InvalidHostKey):
        host_keys_for(str(path), "10.0.0.5", 2222)


def test_a_revoked_key_is_not_trusted_even_when_listed(tmp_path):
    good, old = _ed25519(), _ed25519()
    path = tmp_path / "known_hosts"
    path.write_text(_line("[10.0.0.4]:2222", old) + "\n" + _line("[10.0.0.4]:2222", good) + "\n"
                    f"@revoked [10.0.0.4]:2222 {old.get_name()} {old.get_base64()}\n")
    assert host_keys_for(str(path), "10.0.0.4", 2222)["ssh-ed25519"].asbytes() == good.asbytes()
    path.write_text(_line("[10.0.0.4]:2222", old) + "\n"
                    f"@revoked [10.0.0.4]:2222 {old.get_name()} {old.get_base64()}\n")
    assert host_keys_for(str(path), "10.0.0.4", 2222) == {}
