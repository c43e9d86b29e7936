"""agile.raw key generation and loading: pyca key objects, refused when the policy disagrees."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519

import agile
from agile.errors import InvalidArgument, InvalidKey, PolicyViolation

TOML = """
[policies.pss]
signature = "RSA-PSS-SHA256"
pke = "RSA-OAEP-SHA256"
rsa_bits = 2048

[policies.ecdsa]
signature = "ECDSA-P384-SHA384"

[policies.ed]
signature = "Ed25519"
key-agreement = "X25519"

[policies.mldsa]
signature = "ML-DSA-65"
"""
PKCS8 = (serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
         serialization.NoEncryption())
DER_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def raw() -> Any:
    return agile.Context(config=agile.load_config(text=TOML)).raw


def test_generated_keys_are_the_pyca_objects_the_policy_needs(raw: Any) -> None:
    key = raw.generate_private_key(policy="pss")
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert key.public_key().public_numbers().e == 65537
    assert raw.generate_private_key(policy="pss", rsa_bits=3072).key_size == 3072
    assert raw.generate_private_key(policy="pss", slot="pke").key_size == 2048
    assert raw.generate_private_key(policy="ecdsa").curve.name == "secp384r1"
    assert isinstance(raw.generate_private_key(policy="ed"), ed25519.Ed25519PrivateKey)
    assert isinstance(raw.generate_private_key(policy="ed", slot="key-agreement"),
                      x25519.X25519PrivateKey)
    assert type(raw.generate_private_key(policy="mldsa")).__name__ == "MLDSA65PrivateKey"
    # rsa_bits is the call site's wish for RSA; the policy moved on, so it no longer applies
    assert isinstance(raw.generate_private_key(policy="ed", rsa_bits=2048),
                      ed25519.Ed25519PrivateKey)
    with pytest.raises(PolicyViolation, match="below the 2048-bit minimum"):
        raw.generate_private_key(policy="pss", rsa_bits=1024)
    with pytest.raises(InvalidArgument, match="slot must be one of"):
        raw.generate_private_key(policy="pss", slot="aead")
    with pytest.raises(PolicyViolation, match="has no key-agreement algorithm"):
        raw.generate_private_key(policy="pss", slot="key-agreement")


def test_loading_returns_the_same_key_and_refuses_what_the_policy_does_not_accept(
        raw: Any) -> None:
    key = rsa.generate_private_key(65537, 2048)
    pem = key.private_bytes(*PKCS8)
    loaded = raw.load_pem_private_key(pem, None, policy="pss")
    assert loaded.private_bytes(*PKCS8) == pem
    der = key.public_key().public_bytes(*DER_SPKI)
    assert raw.load_der_public_key(der, policy="pss").public_bytes(*DER_SPKI) == der
    with pytest.raises(PolicyViolation, match="accepts no signature algorithm for RSA keys"):
        raw.load_pem_private_key(pem, None, policy="ecdsa")
    small = rsa.generate_private_key(65537, 1024).private_bytes(*PKCS8)
    with pytest.raises(PolicyViolation, match="1024 bits is below"):
        raw.load_pem_private_key(small, None, policy="pss")
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(PolicyViolation):
        raw.load_pem_public_key(p256, policy="ecdsa")  # P-256 key, the policy signs on P-384


def test_load_errors_stay_catchable_as_pycas(raw: Any) -> None:
    key = rsa.generate_private_key(65537, 2048)
    locked = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(b"secret"))
    assert raw.load_der_private_key(locked, b"secret", policy="pss").key_size == 2048
    with pytest.raises(ValueError) as wrong:
        raw.load_der_private_key(locked, b"wrong", policy="pss")
    with pytest.raises(TypeError) as missing:
        raw.load_der_private_key(locked, None, policy="pss")
    with pytest.raises(ValueError) as junk:
        raw.load_pem_public_key(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                                policy="pss")
    for info in (wrong, missing, junk):
        assert isinstance(info.value, InvalidKey)
        assert "secret" not in str(info.value)
