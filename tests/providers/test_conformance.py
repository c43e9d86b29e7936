"""One conformance suite, parametrised over every (provider, algorithm) pair the providers offer."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from agile import algorithms, providers
from agile.algorithms import Algorithm, Family
from agile.algorithms._catalog_oqs import ALL as LIBOQS_ONLY
from agile.errors import (
    AgileError,
    DecryptionFailed,
    InvalidArgument,
    InvalidKey,
    InvalidSignature,
)

# Sampled: the "small" SLH-DSA parameter sets sign in 1-4 s each through liboqs, so only
# SLH-DSA-SHA2-128s of them runs here (every "fast" set runs; test_oqs checks all sizes).
_SAMPLED_OUT = {("oqs", f"SLH-DSA-{h}-{bits}s") for h in ("SHA2", "SHAKE") for bits in (128, 192, 256)
                } - {("oqs", "SLH-DSA-SHA2-128s")}
PAIRS = [
    pytest.param(provider, algorithms.get(name), id=f"{provider.name}:{name}")
    for provider in providers.all_providers()
    for name in sorted(provider.algorithms())
    if (provider.name, name) not in _SAMPLED_OUT
]
_HASHLIB = {"SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512", "SHA3-256": "sha3_256",
            "SHA3-384": "sha3_384", "SHA3-512": "sha3_512", "SHA-1": "sha1", "MD5": "md5"}


def _pairs(*families: Family) -> list[Any]:
    return [p for p in PAIRS if p.values[1].family in families]


def _keypair(scheme: Any, alg: Algorithm) -> tuple[object, object]:
    private = scheme.generate(key_bits=2048 if alg.key_type == "RSA" else None)
    return private, scheme.public_of(private)


def test_every_registry_algorithm_outside_legacy_ciphers_has_a_provider() -> None:
    """Only liboqs-only algorithms may lack one, and only when liboqs is absent (with a reason)."""
    served = {name for p in providers.all_providers() for name in p.algorithms()}
    missing = [a.name for a in algorithms.all_algorithms()
               if a.family is not Family.CIPHER and not a.params.get("tls_only")
               and a.name not in served]
    oqs = providers.get("oqs")
    if oqs.algorithms():
        assert missing == []
    else:
        assert set(missing) == {a.name for a in LIBOQS_ONLY}
        assert all("OQS_INSTALL_PATH" in str(oqs.unavailable_reason(n)) for n in missing)


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.SIGNATURE))
def test_signature(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    private, public = _keypair(scheme, alg)
    sig = scheme.sign(private, b"message", None)
    if alg.signature_size and not str(alg.key_type).startswith("EC-"):
        assert len(sig) == alg.signature_size
    scheme.verify(public, sig, b"message", None)
    with pytest.raises(InvalidSignature):
        scheme.verify(public, sig, b"messagf", None)
    with pytest.raises(InvalidSignature):
        scheme.verify(public, bytes(len(sig)), b"message", None)
    other = scheme.public_of(scheme.generate(key_bits=2048 if alg.key_type == "RSA" else None))
    with pytest.raises(InvalidSignature):
        scheme.verify(other, sig, b"message", None)
    raw_pub = scheme.public_bytes(public)
    assert scheme.public_bytes(scheme.public_from_bytes(raw_pub)) == raw_pub
    again = scheme.private_from_bytes(scheme.private_bytes(private))
    assert scheme.public_bytes(scheme.public_of(again)) == raw_pub
    with pytest.raises(InvalidKey):
        scheme.public_from_bytes(raw_pub[:-1] if alg.key_type != "RSA" else b"\x30\x00")
    with pytest.raises(InvalidKey):
        scheme.sign(object(), b"message", None)
    takes_context = getattr(scheme, "takes_context", False) or str(alg.key_type).startswith(
        "ML-DSA") or (
        bool(alg.components) and alg.components[0].startswith("ML-DSA"))  # composite ML-DSA
    if takes_context:
        sig_ctx = scheme.sign(private, b"message", b"ctx")
        scheme.verify(public, sig_ctx, b"message", b"ctx")
        with pytest.raises(InvalidSignature):
            scheme.verify(public, sig_ctx, b"message", b"other")
        with pytest.raises(InvalidArgument):
            scheme.sign(private, b"message", bytes(256))
    else:
        with pytest.raises(InvalidArgument):
            scheme.sign(private, b"message", b"ctx")


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.KEM))
def test_kem(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    private, public = _keypair(scheme, alg)
    raw_pub = scheme.public_bytes(public)
    assert len(raw_pub) == alg.public_key_size
    assert scheme.public_bytes(scheme.public_from_bytes(raw_pub)) == raw_pub
    shared, ct = scheme.encapsulate(public)
    assert len(shared) == alg.shared_secret_size
    assert len(ct) == alg.ciphertext_size
    assert scheme.decapsulate(private, ct) == shared
    flipped = bytes([ct[0] ^ 1]) + ct[1:]
    assert scheme.decapsulate(private, flipped) != shared  # implicit rejection
    with pytest.raises(InvalidArgument):
        scheme.decapsulate(private, ct[:-1])
    seed = scheme.private_bytes(private)
    assert len(seed) == alg.private_key_size
    assert scheme.decapsulate(scheme.private_from_bytes(seed), ct) == shared
    with pytest.raises(InvalidKey):
        scheme.private_from_bytes(seed[:-1])


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.KEY_AGREEMENT))
def test_key_agreement(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    a_priv, a_pub = _keypair(scheme, alg)
    b_priv, b_pub = _keypair(scheme, alg)
    shared = scheme.exchange(a_priv, b_pub)
    assert shared == scheme.exchange(b_priv, a_pub)
    assert len(shared) == alg.shared_secret_size
    assert len(scheme.public_bytes(a_pub)) == alg.public_key_size


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.PKE))
def test_pke(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    private, public = _keypair(scheme, alg)
    ct = scheme.encrypt(public, b"secret", None)
    assert scheme.decrypt(private, ct, None) == b"secret"
    with pytest.raises(DecryptionFailed):
        scheme.decrypt(private, ct, b"label")
    with pytest.raises(DecryptionFailed):
        scheme.decrypt(private, bytes([ct[0] ^ 1]) + ct[1:], None)


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.HPKE))
def test_hpke(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    kem = algorithms.get(alg.components[0])
    private, public = _keypair(provider.scheme(kem.name), kem)
    sealed = scheme.seal(public, b"plaintext", b"info")
    assert len(sealed) == scheme.enc_size + len(b"plaintext") + 16
    assert scheme.open(private, sealed, b"info") == b"plaintext"
    with pytest.raises(DecryptionFailed):
        scheme.open(private, sealed, b"other info")
    with pytest.raises(DecryptionFailed):
        scheme.open(private, sealed[:-1] + bytes([sealed[-1] ^ 1]), b"info")
    with pytest.raises(DecryptionFailed):
        scheme.open(private, sealed[:10], b"info")


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.AEAD))
def test_aead(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    assert alg.key_size is not None
    cipher = scheme.new(bytes(range(alg.key_size)))
    nonce = bytes(12)
    ct = cipher.encrypt(nonce, b"data", b"aad")
    assert len(ct) == 4 + (alg.tag_size or 0)
    assert cipher.decrypt(nonce, ct, b"aad") == b"data"
    for bad in (ct[:-1] + bytes([ct[-1] ^ 1]), ct[:3], b""):
        with pytest.raises(DecryptionFailed):
            cipher.decrypt(nonce, bad, b"aad")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(nonce, ct, b"other")
    with pytest.raises(AgileError):
        scheme.new(bytes(alg.key_size - 1))
    with pytest.raises(AgileError):
        cipher.encrypt(bytes(11), b"data", None)


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.HASH))
def test_hash(provider: Any, alg: Algorithm) -> None:
    digest = provider.scheme(alg.name).digest(b"abc")
    assert len(digest) == alg.output_size
    if alg.name.startswith("SHAKE"):
        xof = hashlib.shake_128() if alg.name == "SHAKE128" else hashlib.shake_256()
        xof.update(b"abc")
        assert digest == xof.digest(len(digest))
        assert len(provider.scheme(alg.name).digest(b"abc", length=100)) == 100
    else:
        assert digest == hashlib.new(_HASHLIB[alg.name], b"abc").digest()
        with pytest.raises(InvalidArgument):
            provider.scheme(alg.name).digest(b"abc", length=10)


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.MAC))
def test_mac(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    tag = scheme.mac(b"k" * 32, b"data")
    assert len(tag) == alg.output_size
    scheme.verify(b"k" * 32, b"data", tag)
    with pytest.raises(InvalidSignature):
        scheme.verify(b"k" * 32, b"data", tag[:-1] + bytes([tag[-1] ^ 1]))
    with pytest.raises(InvalidSignature):
        scheme.verify(b"k" * 32, b"data", tag[:-1])


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.KDF))
def test_kdf(provider: Any, alg: Algorithm) -> None:
    scheme = provider.scheme(alg.name)
    a = scheme.derive(b"ikm", length=42, salt=b"salt", info=b"info")
    assert len(a) == 42
    assert a != scheme.derive(b"ikm", length=42, salt=b"salt", info=b"other")
    with pytest.raises(InvalidArgument):
        scheme.derive(b"ikm", length=0, salt=None, info=b"")


@pytest.mark.parametrize(("provider", "alg"), _pairs(Family.PASSWORD_HASH))
def test_password_hash(provider: Any, alg: Algorithm) -> None:
    cheap = {"Argon2id": {"memory_cost_kib": 64, "iterations": 1, "lanes": 1},
             "scrypt": {"n": 16, "r": 1, "p": 1},
             }.get(alg.name, {"iterations": 10})
    scheme = provider.scheme(alg.name)
    a = scheme.derive(b"pw", b"s" * 16, length=32, params=cheap)
    if "hash" in alg.params:  # PBKDF2 with this PRF: what hashlib computes
        prf = str(alg.params["hash"]).replace("-", "").lower()
        assert a == hashlib.pbkdf2_hmac(prf, b"pw", b"s" * 16, 10, 32)
    assert a == scheme.derive(b"pw", b"s" * 16, length=32, params=cheap)
    assert a != scheme.derive(b"px", b"s" * 16, length=32, params=cheap)
