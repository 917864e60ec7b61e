"""The one X.509 builder: profiles proven by strict verifiers, CSR signing, the shared-key
cache, and a guard that fails when a second certificate builder appears in the repository."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import ssl
import sys
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from emulators import x509_builder as xb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from mivb_certgen import handshake  # the in-memory TLS handshake, one home

REPO = Path(__file__).resolve().parents[3]
NOW = dt.datetime.now(dt.UTC)
START, END = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=90)


def _pki() -> tuple[x509.Certificate, xb.Issuer, x509.Certificate, xb.Issuer]:
    root_key, inter_key = xb.shared_key("builder-root"), xb.shared_key("builder-inter")
    root_name = xb.name("Builder Root", "voicesec tests")
    root = xb.certificate(
        root_name, root_key.public_key(), xb.Issuer(root_name, root_key), START, END, ca=True, path_length=1
    )
    inter = xb.certificate(
        xb.name("Builder Issuing"),
        inter_key.public_key(),
        xb.Issuer.of(root, root_key),
        START,
        END,
        ca=True,
        path_length=0,
    )
    return root, xb.Issuer.of(root, root_key), inter, xb.Issuer.of(inter, inter_key)


def _ext(cert: x509.Certificate, kind: type) -> x509.Extension:
    return cert.extensions.get_extension_for_class(kind)


def _handshake(
    tmp_path: Path, chain: list[x509.Certificate], key_pem: str, trust: x509.Certificate, server_hostname: str
) -> None:
    """A real TLS handshake in memory: our server chain against Python's default (strict) client."""
    (tmp_path / "chain.pem").write_text("".join(xb.cert_pem(c) for c in chain))
    (tmp_path / "key.pem").write_text(key_pem)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "chain.pem", tmp_path / "key.pem")
    client_ctx = ssl.create_default_context(cadata=xb.cert_pem(trust))
    handshake(client_ctx, server_ctx, server_hostname)


def test_ca_and_leaf_profiles():
    root, _, inter, inter_issuer = _pki()
    leaf_key = xb.shared_key("builder-leaf")
    leaf = xb.certificate(
        xb.name("mivb1.lab", "voicesec lab"),
        leaf_key.public_key(),
        inter_issuer,
        START,
        END,
        sans=["127.0.0.1", "mivb1.lab"],
    )
    for cert, ca, path_length in ((root, True, 1), (inter, True, 0), (leaf, False, None)):
        bc = _ext(cert, x509.BasicConstraints)
        assert bc.critical and (bc.value.ca, bc.value.path_length) == (ca, path_length)
        ku = _ext(cert, x509.KeyUsage)
        assert ku.critical
        assert (ku.value.key_cert_sign, ku.value.crl_sign) == (ca, ca)
        assert (ku.value.digital_signature, ku.value.key_encipherment) == (not ca, not ca)
        assert _ext(cert, x509.SubjectKeyIdentifier).value == x509.SubjectKeyIdentifier.from_public_key(
            cert.public_key()
        )
    # each AKI names its issuer's SKI; the root's names itself
    for child, parent in ((root, root), (inter, root), (leaf, inter)):
        aki = _ext(child, x509.AuthorityKeyIdentifier).value.key_identifier
        assert aki == _ext(parent, x509.SubjectKeyIdentifier).value.digest
        child.verify_directly_issued_by(parent)
    assert list(_ext(leaf, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    san = _ext(leaf, x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert san.get_values_for_type(x509.DNSName) == ["mivb1.lab"]
    assert leaf.subject.rfc4514_string() == "CN=mivb1.lab,O=voicesec lab"
    with pytest.raises(x509.ExtensionNotFound):
        _ext(root, x509.ExtendedKeyUsage)


def test_chain_verifies_with_cryptographys_verifier_and_a_strict_tls_client(tmp_path):
    root, _, inter, inter_issuer = _pki()
    leaf_key = xb.shared_key("builder-leaf")
    leaf = xb.certificate(
        xb.name("mivb1.lab"), leaf_key.public_key(), inter_issuer, START, END, sans=["127.0.0.1", "mivb1.lab"]
    )
    verifier = PolicyBuilder().store(Store([root])).build_server_verifier(x509.DNSName("mivb1.lab"))
    assert verifier.verify(leaf, [inter])[-1] == root
    for host in ("127.0.0.1", "mivb1.lab"):
        _handshake(tmp_path, [leaf, inter], xb.key_pem(leaf_key), root, host)
    with pytest.raises(ssl.SSLCertVerificationError, match="match"):
        _handshake(tmp_path, [leaf, inter], xb.key_pem(leaf_key), root, "127.0.0.2")


def test_self_signed_factory_profile_verifies_when_pinned(tmp_path):
    key = xb.shared_key("builder-factory")
    subject = xb.name("m1")
    cert = xb.certificate(
        subject,
        key.public_key(),
        xb.Issuer(subject, key),
        START,
        END,
        sans=["127.0.0.1", "m1"],
        usages=[xb.SERVER_AUTH, xb.CLIENT_AUTH],
    )
    assert cert.issuer == cert.subject
    assert list(_ext(cert, x509.ExtendedKeyUsage).value) == [xb.SERVER_AUTH, xb.CLIENT_AUTH]
    _handshake(tmp_path, [cert], xb.key_pem(key), cert, "127.0.0.1")


def test_leaf_without_authority_key_id_is_refused_by_strict_verifiers(tmp_path):
    root, _, inter, inter_issuer = _pki()
    leaf_key = xb.shared_key("builder-leaf")
    leaf = xb.certificate(
        xb.name("x"), leaf_key.public_key(), inter_issuer, START, END, sans=["127.0.0.1"], authority_key_id=False
    )
    with pytest.raises(x509.ExtensionNotFound):
        _ext(leaf, x509.AuthorityKeyIdentifier)
    verifier = (
        PolicyBuilder().store(Store([root])).build_server_verifier(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    )
    with pytest.raises(VerificationError):
        verifier.verify(leaf, [inter])
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(tmp_path, [leaf, inter], xb.key_pem(leaf_key), root, "127.0.0.1")


def test_csr_round_trip_and_signing():
    _, _, inter, inter_issuer = _pki()
    key = xb.shared_key("builder-csr")
    request = x509.load_pem_x509_csr(
        xb.csr_pem(xb.csr(key, "mivb1.example.net", ["mivb1.example.net", "10.0.0.5"])).encode()
    )
    assert request.is_signature_valid
    leaf = xb.sign_csr(request, inter_issuer, START, END)
    leaf.verify_directly_issued_by(inter)
    assert leaf.subject == request.subject == xb.name("mivb1.example.net")
    assert leaf.public_key() == key.public_key()
    san = _ext(leaf, x509.SubjectAlternativeName).value
    assert [str(v) for v in san.get_values_for_type(x509.IPAddress)] == ["10.0.0.5"]
    assert san.get_values_for_type(x509.DNSName) == ["mivb1.example.net"]
    # a CSR without SANs gives a leaf without the extension
    bare = xb.sign_csr(xb.csr(key, "bare"), inter_issuer, START, END)
    with pytest.raises(x509.ExtensionNotFound):
        _ext(bare, x509.SubjectAlternativeName)


def test_key_pem_is_unencrypted_pkcs8_and_loads_back():
    key = xb.shared_key("builder-pem")
    text = xb.key_pem(key)
    assert text.startswith("-----BEGIN PRIVATE KEY-----")
    loaded = serialization.load_pem_private_key(text.encode(), password=None)
    assert loaded.public_key() == key.public_key()
    assert xb.key_pem(xb.new_ec_key()).startswith("-----BEGIN PRIVATE KEY-----")


def test_shared_key_is_one_per_label_across_threads():
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(xb.shared_key("builder-threads"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(k is got[0] for k in got)
    assert xb.shared_key("builder-threads-other") is not got[0]


# -- one builder in the repository ----------------------------------------------------------
BUILDER = REPO / "emulators" / "x509_builder.py"
# The toolkit's side (the collection ships without emulators/): one home too, which signs a CSR
# generated on the controller with the inventory's CA (CERT-03, mivb_certs.sign_csr).
TOOLKIT_BUILDER = REPO / "plugins" / "module_utils" / "mivb_certs.py"
PY_BUILDER = re.compile(r"CertificateBuilder\(|CertificateSigningRequestBuilder\(|\b(?:rsa|ec)\.generate_private_key\(")
# Ansible builds certificates with community.crypto, never with the openssl CLI. (The
# cert_renewal molecule scenario's openssl call plays the external CA and stays.)
YAML_BUILDER = re.compile(r"\bopenssl\s+(?:req|x509|ca|genrsa|genpkey)\b")


def _files(pattern: str, *tops: str) -> list[Path]:
    found = [p for top in tops for p in (REPO / top).rglob(pattern)]
    return [p for p in found if not any(part.startswith(".") for part in p.relative_to(REPO).parts)]


def test_no_second_certificate_builder():
    python = _files("*.py", "emulators", "plugins", "tests", "scripts", "molecule")
    assert BUILDER in python and len(python) > 50
    offenders = [str(p.relative_to(REPO)) for p in python
                 if p not in (BUILDER, TOOLKIT_BUILDER) and PY_BUILDER.search(p.read_text())]
    assert offenders == [], ("certificates and keys are built by emulators/x509_builder.py only (the toolkit: "
                             "plugins/module_utils/mivb_certs.py)")
    assert "generate_private_key" not in TOOLKIT_BUILDER.read_text()  # the toolkit signs, never makes keys
    yaml = _files("*.yml", "roles", "playbooks")
    assert yaml
    shell = [str(p.relative_to(REPO)) for p in yaml if YAML_BUILDER.search(p.read_text())]
    assert shell == [], "Ansible tasks build certificates with community.crypto"
    # the collection ships without emulators/: nothing in plugins/ may import the builder
    assert not [p for p in _files("*.py", "plugins") if "x509_builder" in p.read_text()]
