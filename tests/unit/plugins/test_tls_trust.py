"""tls_trust: a client context built from `anchors_for_host(bundle, host)` accepts and refuses
exactly the servers a context with the whole bundle accepts and refuses, for that host (real
TLS handshakes in memory, host-name checking on), and the DirectTransport uses it."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_client import DirectTransport
from ansible_collections.voicesec.mivb.plugins.module_utils.tls_trust import anchors_for_host
from cryptography import x509
from mivb_certgen import handshake

from emulators import x509_builder as xb

NOW = dt.datetime.now(dt.UTC)
START, END = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=100)
HOSTS = ["127.0.5.1", "127.0.5.2", "127.0.5.9", "ctl.example", "other.example", "CTL.EXAMPLE", "x.lab.example"]


def _self_signed(label: str, sans: list[str], ca: bool = False) -> tuple[x509.Certificate, object]:
    key = xb.new_ec_key()
    name = xb.name(label)
    return xb.certificate(name, key.public_key(), xb.Issuer(name, key), START, END, sans=sans, ca=ca), key


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tls")
    root_key, issuing_key = xb.new_ec_key(), xb.new_ec_key()
    root = xb.certificate(xb.name("Root"), root_key.public_key(), xb.Issuer(xb.name("Root"), root_key), START, END,
                          ca=True)
    issuing = xb.certificate(xb.name("Issuing"), issuing_key.public_key(), xb.Issuer.of(root, root_key), START, END,
                             ca=True)
    servers: dict[str, tuple[list[x509.Certificate], object]] = {}
    leaf_key = xb.new_ec_key()
    leaf = xb.certificate(xb.name("leaf"), leaf_key.public_key(), xb.Issuer.of(issuing, issuing_key), START, END,
                          sans=["127.0.5.1"])
    servers["ca-signed .1"] = ([leaf, issuing], leaf_key)
    pinned = {"pinned .1": ["127.0.5.1"], "pinned .2": ["127.0.5.2"], "pinned dns": ["ctl.example"],
              "pinned wildcard": ["*.lab.example"], "pinned no SAN": []}
    bundle = [root]
    for label, sans in pinned.items():
        cert, key = _self_signed(label, sans)
        servers[label] = ([cert], key)
        bundle.append(cert)
    # a self-signed CA pinned as well (with a subjectAltName of its own), and a leaf it signed for .9
    own_ca, own_key = _self_signed("own CA", ["ca.internal"], ca=True)
    bundle.append(own_ca)
    leaf9_key = xb.new_ec_key()
    servers["own-CA signed .9"] = ([xb.certificate(xb.name("leaf9"), leaf9_key.public_key(),
                                                   xb.Issuer.of(own_ca, own_key), START, END, sans=["127.0.5.9"])],
                                   leaf9_key)
    # not pinned: a self-signed certificate the bundle does not hold
    stranger, stranger_key = _self_signed("stranger", ["127.0.5.1"])
    servers["unknown self-signed .1"] = ([stranger], stranger_key)
    bundle += [_self_signed(f"filler {i}", [f"10.1.0.{i}"])[0] for i in range(40)]
    path = tmp / "bundle.pem"
    path.write_bytes(b"".join(xb.cert_pem(c).encode() for c in bundle))
    files = {}
    for label, (chain, key) in servers.items():
        cert_file, key_file = tmp / f"{len(files)}.crt", tmp / f"{len(files)}.key"
        cert_file.write_text("".join(xb.cert_pem(c) for c in chain))
        key_file.write_text(xb.key_pem(key))
        files[label] = (str(cert_file), str(key_file))
    return path, files


def _handshake(client: ssl.SSLContext, cert_file: str, key_file: str, host: str) -> bool:
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    try:
        handshake(client, server, host)
    except ssl.SSLError:
        return False
    return True


def test_the_filtered_bundle_accepts_and_refuses_what_the_whole_bundle_does(pki):
    path, files = pki
    whole = ssl.create_default_context(cafile=str(path))
    accepted = 0
    for host in HOSTS:
        anchors = anchors_for_host(path.read_bytes(), host)
        assert anchors is not None
        filtered = ssl.create_default_context(cadata=anchors)
        for label, (cert_file, key_file) in files.items():
            expected = _handshake(whole, cert_file, key_file, host)
            assert _handshake(filtered, cert_file, key_file, host) == expected, (label, host)
            accepted += expected
    assert accepted >= 5, "the cases must include accepted handshakes, not only refusals"


def test_other_hosts_pinned_leaves_are_dropped_and_cas_kept(pki):
    path = pki[0]
    kept = anchors_for_host(path.read_bytes(), "127.0.5.1")
    whole = x509.load_pem_x509_certificates(path.read_bytes())
    from cryptography.hazmat.primitives.serialization import Encoding

    kept_labels = [c.subject.rfc4514_string() for c in whole if c.public_bytes(Encoding.DER) in kept]
    assert "CN=Root" in kept_labels and "CN=own CA" in kept_labels
    assert "CN=pinned .1" in kept_labels and "CN=pinned no SAN" in kept_labels
    assert "CN=pinned .2" not in kept_labels and not any("filler" in label for label in kept_labels)
    assert len(kept_labels) < 10 < len(whole)


def test_bundles_it_cannot_read_with_certainty_are_loaded_whole(pki):
    path = pki[0]
    trusted = path.read_bytes().replace(b"BEGIN CERTIFICATE", b"BEGIN TRUSTED CERTIFICATE", 1).replace(
        b"END CERTIFICATE", b"END TRUSTED CERTIFICATE", 1)
    assert anchors_for_host(trusted, "127.0.5.1") is None
    assert anchors_for_host(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                            "127.0.5.1") is None


def test_the_transport_context_trusts_the_hosts_anchor_only(pki):
    path, files = pki
    ctx = DirectTransport("127.0.5.1", 443, "u", "p", ca_path=str(path)).ssl_context()
    assert _handshake(ctx, *files["pinned .1"], "127.0.5.1")
    assert _handshake(ctx, *files["ca-signed .1"], "127.0.5.1")
    assert not _handshake(ctx, *files["pinned .2"], "127.0.5.1")
