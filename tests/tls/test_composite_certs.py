"""Composite ML-DSA certificates and PKCS#8 keys, checked against the draft's published vectors.

Vectors: ``composite-sigs/testvectors.json`` (lamps-wg/draft-composite-sigs): per combination a
self-signed certificate (x5c), the public key (pk) and the PKCS#8 private key (sk_pkcs8).
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509

import agile
from agile import _der, algorithms, tls
from agile.cli import cli
from agile.errors import InvalidArgument, InvalidSignature, UnsupportedAlgorithm
from agile.tls import _composite_certs as composite

from .. import vectors

NAMES = [a.name for a in algorithms.all_algorithms() if a.params.get("combiner") == "composite-mldsa"]
# Issued in tests: every key type (RSA keys are slow to generate, so one of each RSA padding).
ISSUED = ["MLDSA44-Ed25519-SHA512", "MLDSA65-ECDSA-P256-SHA512", "MLDSA87-Ed448-SHAKE256",
          "MLDSA65-ECDSA-brainpoolP256r1-SHA512", "MLDSA44-RSA2048-PSS-SHA256",
          "MLDSA44-RSA2048-PKCS15-SHA256"]


@functools.cache
def _cases() -> dict[str, dict[str, bytes]]:
    data: dict[str, Any] = vectors.load_json("composite-sigs/testvectors.json")
    out = {}
    for case in data["tests"]:
        name = case["tcId"].removeprefix("id-")
        out[name] = {k: base64.b64decode(v) for k, v in case.items() if k != "tcId"}
    return out


def _case(name: str) -> dict[str, bytes]:
    if name not in _cases():
        pytest.fail(f"no vector for {name}")
    return _cases()[name]


@pytest.mark.parametrize("name", NAMES)
def test_vector_certificates_parse_and_verify(name: str) -> None:
    cert = x509.load_der_x509_certificate(_case(name)["x5c"])
    found = composite.composite_public_key(cert)
    assert found is not None and found[0].name == name
    assert found[1].public_bytes_raw() == _case(name)["pk"]
    composite.verify_issued_by(cert, cert)
    tampered = bytearray(_case(name)["x5c"])
    tampered[-5] ^= 1  # inside the signature
    with pytest.raises(InvalidSignature):
        composite.verify_issued_by(x509.load_der_x509_certificate(bytes(tampered)), cert)


@pytest.mark.parametrize("name", NAMES)
def test_vector_pkcs8_round_trips_byte_for_byte(name: str) -> None:
    found = composite.load_pkcs8_der(_case(name)["sk_pkcs8"])
    assert found is not None and found[0].name == name
    alg, key = found
    assert key.public_key().public_bytes_raw() == _case(name)["pk"]
    pem = composite.pkcs8_pem(alg, key)
    body = b"".join(pem.splitlines()[1:-1])
    assert base64.b64decode(body) == _case(name)["sk_pkcs8"]


def _spki_algorithm(cert: x509.Certificate) -> bytes:
    return _der.children(_der.children(cert.tbs_certificate_bytes)[6])[0]


@pytest.mark.parametrize("name", ISSUED)
def test_issued_chain_has_the_drafts_structure_and_verifies(name: str) -> None:
    vector = x509.load_der_x509_certificate(_case(name)["x5c"])
    ca = tls.issue_ca(name, "composite CA")
    leaf = tls.issue_certificate(ca, name, ["code-signing.example"], client=True)
    for cert in (ca.certificate, leaf.certificate):
        # Same AlgorithmIdentifier bytes as the draft's own certificate (OID, parameters absent).
        assert _spki_algorithm(cert) == _spki_algorithm(vector)
        assert _der.children(cert.tbs_certificate_bytes)[2] == \
            _der.children(vector.tbs_certificate_bytes)[2]
        assert cert.signature_algorithm_oid == vector.signature_algorithm_oid
    composite.verify_issued_by(ca.certificate, ca.certificate)
    composite.verify_issued_by(leaf.certificate, ca.certificate)
    ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = leaf.certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    other = tls.issue_ca(name, "composite CA")  # same subject name, another key
    with pytest.raises(InvalidSignature):
        composite.verify_issued_by(leaf.certificate, other.certificate)


def test_mixed_chains_verify_both_ways() -> None:
    mldsa_ca = tls.issue_ca("ML-DSA-65")
    composite_leaf = tls.issue_certificate(mldsa_ca, "MLDSA65-ECDSA-P256-SHA512", ["a.example"])
    composite_leaf.certificate.verify_directly_issued_by(mldsa_ca.certificate)  # by cryptography
    composite.verify_issued_by(composite_leaf.certificate, mldsa_ca.certificate)
    composite_ca = tls.issue_ca("MLDSA65-Ed25519-SHA512")
    plain_leaf = tls.issue_certificate(composite_ca, "ML-DSA-65", ["b.example"])
    assert isinstance(plain_leaf.certificate.public_key(), type(mldsa_ca.private_key.public_key()))
    composite.verify_issued_by(plain_leaf.certificate, composite_ca.certificate)


def test_write_and_load_issued(tmp_path: Path) -> None:
    ca = tls.issue_ca("MLDSA44-Ed25519-SHA512")
    ca.write(tmp_path / "ca.pem", tmp_path / "ca.key")
    assert (tmp_path / "ca.key").stat().st_mode & 0o777 == 0o600
    loaded = tls.load_issued(tmp_path / "ca.pem", tmp_path / "ca.key")
    assert loaded.algorithm.name == "MLDSA44-Ed25519-SHA512"
    assert loaded.private_key.public_key().public_bytes_raw() == \
        ca.private_key.public_key().public_bytes_raw()
    assert "PRIVATE" not in repr(loaded) and "BEGIN" not in repr(loaded.private_key)
    other = tls.issue_ca("MLDSA44-Ed25519-SHA512")
    other.write(tmp_path / "other.pem", tmp_path / "other.key")
    with pytest.raises(InvalidArgument, match="is not the key of"):
        tls.load_issued(tmp_path / "ca.pem", tmp_path / "other.key")
    plain = tls.issue_ca("Ed25519")
    plain.write(tmp_path / "plain.pem", tmp_path / "plain.key")
    with pytest.raises(InvalidArgument, match="is not the key of"):
        tls.load_issued(tmp_path / "ca.pem", tmp_path / "plain.key")
    with pytest.raises(InvalidArgument, match="is not the key of"):
        tls.load_issued(tmp_path / "plain.pem", tmp_path / "ca.key")


def test_malformed_composite_pkcs8_is_a_clear_error() -> None:
    good = _case("MLDSA44-Ed25519-SHA512")["sk_pkcs8"]
    assert composite.load_pkcs8_der(b"\x30\x03\x02\x01\x00") is None  # not composite: not ours
    version, alg_id, secret = _der.children(good)
    short = _der.encode(_der.OCTET_STRING, _der.content(secret, _der.OCTET_STRING)[:-1])
    for fields in ((version, alg_id, short), (b"\x02\x01\x07", alg_id, secret),
                   (version, alg_id, b"\x05\x00")):
        with pytest.raises(agile.errors.InvalidKey):
            composite.load_pkcs8_der(_der.encode(_der.SEQUENCE, b"".join(fields)))


def test_tls_refuses_composite_certificates_up_front(tmp_path: Path) -> None:
    ca = tls.issue_ca("MLDSA65-ECDSA-P256-SHA512")
    leaf = tls.issue_certificate(ca, "MLDSA65-ECDSA-P256-SHA512", ["localhost"])
    leaf.write(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    config = agile.load_config(text='[policies.p]\nkem = "X25519MLKEM768"\nsignature = "ML-DSA-65"\n')
    with pytest.raises(UnsupportedAlgorithm, match="cannot be used in TLS handshakes"):
        tls.serve(policy=config.policy("p"), certfile=tmp_path / "leaf.pem",
                  keyfile=tmp_path / "leaf.key")


def test_cli_issues_a_composite_ca_and_leaf(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["tls", "cert", "ca", "--out", str(tmp_path), "--algorithm",
                                 "MLDSA65-ECDSA-P384-SHA512"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["tls", "cert", "leaf", "signer.example", "--out", str(tmp_path),
                                 "--name", "leaf", "--algorithm", "MLDSA65-ECDSA-P384-SHA512",
                                 "--client"])
    assert result.exit_code == 0, result.output
    assert "MLDSA65-ECDSA-P384-SHA512" in result.output
    ca = x509.load_pem_x509_certificate((tmp_path / "ca.pem").read_bytes())
    leaf = x509.load_pem_x509_certificates((tmp_path / "leaf.pem").read_bytes())
    composite.verify_issued_by(leaf[0], ca)
    assert leaf[1] == ca  # the chain follows the leaf
