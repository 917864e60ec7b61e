"""The lab runner and its CA: what `make lab-up` writes must match what it started."""

from __future__ import annotations

import socket
import ssl

import pytest
import yaml
from cryptography import x509

from emulators import lab
from emulators.lab_ca import LabCA


def test_issued_chain_verifies_and_a_new_ca_reissues(tmp_path):
    ca = LabCA(tmp_path / "ca")
    ca.ensure()
    issued = ca.issue(tmp_path / "leaf", "mivb1.lab", ["127.0.0.1", "mivb1.lab"])
    leaf = x509.load_pem_x509_certificate(issued.cert_path.read_bytes())
    inter = x509.load_pem_x509_certificate(issued.chain_path.read_bytes())
    root = x509.load_pem_x509_certificate(ca.root_cert_path.read_bytes())
    leaf.verify_directly_issued_by(inter)
    inter.verify_directly_issued_by(root)
    assert issued.key_path.stat().st_mode & 0o077 == 0

    # Kept while valid and ours ...
    again = ca.issue(tmp_path / "leaf", "mivb1.lab", ["127.0.0.1"])
    assert again.cert_path.read_bytes() == issued.cert_path.read_bytes()
    # ... but a rebuilt CA (lab up --fresh) must not keep a certificate it did not sign.
    new_ca = LabCA(tmp_path / "ca2")
    new_ca.ensure()
    reissued = new_ca.issue(tmp_path / "leaf", "mivb1.lab", ["127.0.0.1"])
    x509.load_pem_x509_certificate(reissued.cert_path.read_bytes()).verify_directly_issued_by(
        x509.load_pem_x509_certificate(new_ca.int_cert_path.read_bytes())
    )


def test_lab_up_writes_a_matching_inventory_and_keeps_state(tmp_path):
    opts = lab.LabOptions(
        controllers=1, ios=1, aoscx=0, state=tmp_path / "state", inventory=tmp_path / "inv",
        controller_net="127.0.7", switch_net="127.0.8", control_port=18177, fresh=True,
        ios_families=("catalyst_9000",),
    )
    try:
        lab.up(opts)
        hosts = yaml.safe_load((tmp_path / "inv" / "hosts.yml").read_text())
        ctrl = hosts["all"]["children"]["mivb_controllers"]["hosts"]["mivb1"]
        # The CA bundle the inventory names really validates the controller's served certificate.
        ctx = ssl.create_default_context(cafile=hosts["all"]["vars"]["lab_ca_bundle"])
        with socket.create_connection((ctrl["ansible_host"], ctrl["ansible_httpapi_port"]), timeout=5) as sock:
            with ctx.wrap_socket(sock, server_hostname=ctrl["ansible_host"]) as tls:
                assert tls.version() is not None
        known = (tmp_path / "inv" / "known_hosts").read_text()
        assert known.startswith("[127.0.8.1]:2222 ssh-ed25519 ")
        # The controller's maintenance SSH: port and host key in the inventory; a client that checks
        # the key against that file logs in (factory state), the plain-FTP port refuses service.
        assert hosts["all"]["vars"]["mivb_known_hosts_file"] == str(tmp_path / "inv" / "known_hosts")
        assert "[127.0.7.1]:2022 ssh-ed25519 " in known and ctrl["mivb_ftp_port"] == 2021
        assert _ssh_exec(ctrl["ansible_host"], ctrl["mivb_maintenance_ssh_port"], str(tmp_path / "inv" / "known_hosts"),
                         "rpm -qa").startswith("bash-")
        with socket.create_connection((ctrl["ansible_host"], ctrl["mivb_ftp_port"]), timeout=5) as sock:
            assert sock.recv(100).startswith(b"421 ")
        # --ios-family: the emulated switch is that family and the inventory says so
        switch = hosts["all"]["children"]["lan_switches"]["children"]["ios_switches"]["hosts"]["sw-ios-1"]
        assert switch["lan_switch_family"] == "catalyst_9000"
        secrets_file = tmp_path / "inv" / "group_vars" / "all" / "lab_secrets.yml"
        assert secrets_file.stat().st_mode & 0o077 == 0
        first = yaml.safe_load(secrets_file.read_text())
        # Committed lab intent is copied next to a non-default inventory.
        assert (tmp_path / "inv" / "group_vars" / "lan_switches.yml").exists()
        # The switches' RADIUS server: on the address after the last switch, named in the
        # inventory, answering a MAB request signed with the lab's key; stopped and started on demand.
        radius = yaml.safe_load((tmp_path / "state" / "radius.json").read_text())
        assert hosts["all"]["vars"]["lab_radius_address"] == radius["address"] == "127.0.8.2"
        assert radius["secret"] == first["lab_radius_key"]
        assert lab._radius_answers(radius)
        lab.radius_stop(opts, quiet=True)
        assert not lab._radius_answers(radius)
        lab.radius_start(opts)
        assert lab._radius_answers(radius)

        opts.fresh = False
        lab.up(opts)  # restart: same secrets, same switch host key
        assert yaml.safe_load(secrets_file.read_text()) == first
        assert (tmp_path / "inv" / "known_hosts").read_text() == known
    finally:
        lab.down(opts, quiet=True)
    assert lab.status(opts) == 3


def _ssh_exec(host: str, port: int, known_hosts: str, command: str) -> str:
    import asyncio

    import asyncssh

    async def run() -> str:
        async with asyncssh.connect(host, port, username="system", password=lab.FACTORY_PASSWORD,
                                    known_hosts=known_hosts, client_keys=None) as conn:
            return str((await conn.run(command, timeout=10)).stdout)

    return asyncio.run(run())


def test_a_foreign_ssh_server_at_a_controller_address_is_refused(tmp_path):
    import asyncssh

    state = tmp_path / "mivb1"
    state.mkdir()
    (state / "ssh_host_key").write_text(asyncssh.generate_private_key("ssh-ed25519").export_private_key().decode())
    spec = {"name": "mivb1", "address": "127.0.17.4", "maintenance_ssh_port": 2022, "state_dir": str(state)}
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().split()[1]
    with pytest.raises(lab.LabError, match="not controller mivb1's"):
        lab._check_controller_host_keys([spec], [f"[127.0.17.4]:2022 ssh-ed25519 {other}"])
