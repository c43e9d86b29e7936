"""agile.raw returns the same bytes as direct cryptography calls (or round-trips when randomised)."""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import os
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

import agile
from agile.errors import DecryptionFailed, InvalidSignature, PolicyViolation

RAW_TOML = """
[policies.gcm]
aead = "AES-256-GCM"
hash = "SHA-384"
mac = "HMAC-SHA256"
kdf = "HKDF-SHA512"

[policies.chacha]
aead = "ChaCha20-Poly1305"
accept.aead = ["AES-256-GCM"]

[policies.legacy-md5]
hash = "MD5"
allow_legacy = true

[policies.ed]
signature = "Ed25519"

[policies.pss]
signature = "RSA-PSS-SHA256"
pke = "RSA-OAEP-SHA256"
rsa_bits = 2048

[policies.pkcs1]
signature = "RSA-PKCS1v15-SHA384"

[policies.ecdsa]
signature = "ECDSA-P256-SHA256"

[policies.dh]
key-agreement = "X25519"
"""


@pytest.fixture
def ctx(make_context: Callable[[str], agile.Context]) -> agile.Context:
    return make_context(RAW_TOML)


def test_aead_is_byte_identical(ctx: agile.Context) -> None:
    key, nonce = os.urandom(32), os.urandom(12)
    expected = AESGCM(key).encrypt(nonce, b"payload", b"aad")
    assert ctx.raw.encrypt(key, nonce, b"payload", b"aad", policy="gcm") == expected
    assert ctx.raw.decrypt(key, nonce, expected, b"aad", policy="gcm") == b"payload"
    chacha = ChaCha20Poly1305(key).encrypt(nonce, b"payload", None)
    assert ctx.raw.encrypt(key, nonce, b"payload", policy="chacha") == chacha
    with pytest.raises(DecryptionFailed):
        ctx.raw.decrypt(key, nonce, expected[:-1] + b"\0", b"aad", policy="gcm")


def test_nonce_prefixed_seal_matches_aesgcm_layout(ctx: agile.Context) -> None:
    key = os.urandom(32)
    blob = ctx.raw.seal(key, b"payload", policy="gcm")
    assert AESGCM(key).decrypt(blob[:12], blob[12:], None) == b"payload"
    assert ctx.raw.open(key, blob, policy="gcm") == b"payload"


def test_hashes_macs_kdfs_are_byte_identical(ctx: agile.Context) -> None:
    assert ctx.raw.hash(b"abc", policy="gcm") == hashlib.sha384(b"abc").digest()
    assert ctx.raw.hash(b"abc", policy="legacy-md5") == hashlib.md5(b"abc").digest()
    assert ctx.raw.hmac(b"key", b"msg", policy="gcm") == std_hmac.digest(b"key", b"msg", "sha256")
    ctx.raw.verify_hmac(b"key", b"msg", std_hmac.digest(b"key", b"msg", "sha256"), policy="gcm")
    with pytest.raises(InvalidSignature):
        ctx.raw.verify_hmac(b"key", b"msg", bytes(32), policy="gcm")
    expected = HKDF(hashes.SHA512(), 48, b"salt", b"info").derive(b"ikm")
    assert ctx.raw.hkdf(b"ikm", length=48, salt=b"salt", info=b"info", policy="gcm") == expected


def test_deterministic_signatures_are_byte_identical(ctx: agile.Context) -> None:
    ed = ed25519.Ed25519PrivateKey.generate()
    assert ctx.raw.sign(ed, b"msg", policy="ed") == ed.sign(b"msg")
    rsa_key = rsa.generate_private_key(65537, 2048)
    pkcs1 = rsa_key.sign(b"msg", padding.PKCS1v15(), hashes.SHA384())
    assert ctx.raw.sign(rsa_key, b"msg", policy="pkcs1") == pkcs1
    ctx.raw.verify(rsa_key.public_key(), pkcs1, b"msg", policy="pkcs1")


def test_randomised_signatures_interoperate(ctx: agile.Context) -> None:
    rsa_key = rsa.generate_private_key(65537, 2048)
    sig = ctx.raw.sign(rsa_key, b"msg", policy="pss")
    rsa_key.public_key().verify(sig, b"msg", padding.PSS(padding.MGF1(hashes.SHA256()),
                                                         padding.PSS.DIGEST_LENGTH), hashes.SHA256())
    ec_key = ec.generate_private_key(ec.SECP256R1())
    der = ctx.raw.sign(ec_key, b"msg", policy="ecdsa")
    ec_key.public_key().verify(der, b"msg", ec.ECDSA(hashes.SHA256()))
    theirs = ec_key.sign(b"msg", ec.ECDSA(hashes.SHA256()))
    ctx.raw.verify(ec_key.public_key(), theirs, b"msg", policy="ecdsa")
    with pytest.raises(InvalidSignature):
        ctx.raw.verify(ec_key.public_key(), theirs, b"msh", policy="ecdsa")


def test_rsa_oaep_interoperates(ctx: agile.Context) -> None:
    key = rsa.generate_private_key(65537, 2048)
    oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    ct = ctx.raw.pke_encrypt(key.public_key(), b"secret", policy="pss")
    assert key.decrypt(ct, oaep) == b"secret"
    assert ctx.raw.pke_decrypt(key, key.public_key().encrypt(b"x", oaep), policy="pss") == b"x"


def test_key_agreement_is_byte_identical(ctx: agile.Context) -> None:
    a, b = x25519.X25519PrivateKey.generate(), x25519.X25519PrivateKey.generate()
    assert ctx.raw.exchange(a, b.public_key(), policy="dh") == a.exchange(b.public_key())


def test_policy_still_chooses(ctx: agile.Context) -> None:
    ed = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(PolicyViolation):
        ctx.raw.sign(ed, b"msg", policy="ecdsa")
    # a typed key names its algorithm: the chacha policy still reads (not writes) AES-256-GCM
    old = agile.SecretKey.generate("AES-256-GCM")
    nonce = bytes(12)
    ct = AESGCM(old.export()).encrypt(nonce, b"old", None)
    assert ctx.raw.decrypt(old, nonce, ct, policy="chacha") == b"old"
    with pytest.raises(PolicyViolation):
        ctx.raw.encrypt(old, nonce, b"new", policy="chacha")
