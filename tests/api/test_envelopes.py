"""The envelope-level API by policy name, for every algorithm a policy can select."""

from __future__ import annotations

from collections.abc import Callable

import cbor2
import pytest

import agile
from agile import algorithms, providers
from agile.algorithms import Family
from agile.errors import (
    InvalidArgument,
    InvalidKey,
    InvalidPassword,
    InvalidSignature,
    PolicyViolation,
)

Factory = Callable[[str], agile.Context]


_SERVED = {name for p in providers.all_providers() for name in p.algorithms()}


def _served(family: Family) -> list[str]:
    """Served, non-legacy algorithms with a COSE id (liboqs-only signatures have none yet: they
    sign at the raw level, see tests/providers/test_oqs.py)."""
    return sorted(a.name for a in algorithms.in_family(family)
                  if not a.legacy and a.name in _SERVED
                  and (a.cose_alg is not None or family is not Family.SIGNATURE))


@pytest.mark.parametrize("alg", _served(Family.AEAD))
def test_seal_open_every_aead(make_context: Factory, alg: str) -> None:
    ctx = make_context(f'[policies.p]\naead = "{alg}"\n')
    key = ctx.generate_key(policy="p")
    env = ctx.seal(b"data", key, policy="p", aad=b"ctx")
    tag = cbor2.loads(env)
    assert tag.tag == 16
    header = cbor2.loads(tag.value[0])
    assert header[1] == algorithms.get(alg).cose_alg and header[4] == key.kid
    assert ctx.open(env, key, policy="p", aad=b"ctx") == b"data"
    assert ctx.open(bytearray(env), key, policy="p", aad=memoryview(b"ctx")) == b"data"


@pytest.mark.parametrize("alg", _served(Family.SIGNATURE))
def test_sign_verify_every_signature(make_context: Factory, alg: str) -> None:
    ctx = make_context(f'[policies.p]\nsignature = "{alg}"\nrsa_bits = 2048\n')
    key = ctx.generate_keypair(policy="p")
    env = ctx.sign(key, b"payload", policy="p")
    assert ctx.verify(key.public_key(), env, policy="p") == b"payload"
    detached = ctx.sign(key, b"payload", policy="p", detached=True)
    assert cbor2.loads(detached).value[2] is None
    assert ctx.verify(key.public_key(), detached, policy="p", payload=b"payload") == b"payload"
    with pytest.raises(InvalidSignature):
        ctx.verify(key.public_key(), detached, policy="p", payload=b"other")
    with pytest.raises(InvalidArgument):
        ctx.verify(key.public_key(), detached, policy="p")
    other = ctx.generate_keypair(policy="p")
    with pytest.raises(InvalidSignature):
        ctx.verify(other.public_key(), env, policy="p")


@pytest.mark.parametrize("alg", _served(Family.HPKE))
def test_encrypt_decrypt_every_hpke_suite(make_context: Factory, alg: str) -> None:
    ctx = make_context(f'[policies.p]\nhpke = "{alg}"\n')
    key = ctx.generate_keypair(policy="p", family="hpke")
    env = ctx.encrypt(key.public_key(), b"secret", policy="p", aad=b"a")
    assert ctx.decrypt(key, env, policy="p", aad=b"a") == b"secret"
    other = ctx.generate_keypair(policy="p", family="hpke")
    with pytest.raises(agile.errors.DecryptionFailed):
        ctx.decrypt(other, env, policy="p", aad=b"a")


def test_defaults_are_post_quantum_or_hybrid(default_context: agile.Context) -> None:
    pol = default_context.policy("anything")
    for family, alg in pol.algorithms.items():
        if alg.is_asymmetric:
            assert alg.quantum_class.value in ("post-quantum", "hybrid"), family
        assert alg.quantum_safe


def test_kem_hash_mac_derive_passwords(default_context: agile.Context) -> None:
    ctx = default_context
    kem_key = ctx.generate_keypair(family="kem")
    shared, ct = ctx.encapsulate(kem_key.public_key())
    assert ctx.decapsulate(kem_key, ct) == shared and len(shared) == 32
    assert len(ctx.hash(b"x")) == 32
    mac_key = ctx.generate_key(family="mac")
    tag = ctx.mac(mac_key, b"data")
    ctx.verify_mac(mac_key, b"data", tag)
    with pytest.raises(InvalidSignature):
        ctx.verify_mac(mac_key, b"datb", tag)
    assert len(ctx.derive_key(b"ikm", length=64, info=b"i")) == 64


def test_password_hash_verify_and_rehash(make_context: Factory) -> None:
    ctx = make_context('[policies.old]\npassword-hash = "PBKDF2-HMAC-SHA256"\n'
                       '[policies.new]\npassword-hash = "scrypt"\n'
                       'accept.password-hash = ["PBKDF2-HMAC-SHA256"]\n')
    stored = ctx.hash_password("correct horse", policy="old")
    assert stored.startswith("$pbkdf2-sha256$i=600000$")
    ctx.verify_password("correct horse", stored, policy="new")
    with pytest.raises(InvalidPassword):
        ctx.verify_password("wrong", stored, policy="new")
    assert ctx.needs_rehash(stored, policy="new")
    assert not ctx.needs_rehash(stored, policy="old")
    with pytest.raises(InvalidArgument):
        ctx.verify_password("x", "$pbkdf2-sha256$i=999999999$AAAA$AAAA", policy="new")


def test_flip_in_process(make_context: Factory, tmp_path: object) -> None:
    v1 = make_context('[policies.archive]\naead = "AES-128-GCM"\nsignature = "Ed25519"\n')
    old_key = v1.generate_key(policy="archive")
    old_signer = v1.generate_keypair(policy="archive")
    sealed = v1.seal(b"old", old_key, policy="archive")
    signed = v1.sign(old_signer, b"old", policy="archive")
    v2 = make_context('[policies.archive]\naead = "AES-256-GCM"\nsignature = "ML-DSA-65"\n'
                      'accept.aead = ["AES-128-GCM"]\naccept.signature = ["Ed25519"]\n')
    assert v2.open(sealed, old_key, policy="archive") == b"old"
    assert v2.verify(old_signer.public_key(), signed, policy="archive") == b"old"
    with pytest.raises(PolicyViolation):
        v2.seal(b"new", old_key, policy="archive")  # old key cannot write under v2
    new_key = v2.generate_key(policy="archive")
    assert new_key.algorithm.name == "AES-256-GCM"
    v3 = make_context('[policies.archive]\naead = "AES-256-GCM"\nsignature = "ML-DSA-65"\n')
    with pytest.raises(PolicyViolation, match="does not accept AES-128-GCM"):
        v3.open(sealed, old_key, policy="archive")
    with pytest.raises(PolicyViolation, match="Ed25519"):
        v3.verify(old_signer.public_key(), signed, policy="archive")


def test_key_and_policy_mismatches_are_clear(make_context: Factory) -> None:
    ctx = make_context('[policies.a]\naead = "AES-256-GCM"\nsignature = "ML-DSA-65"\n'
                       '[policies.b]\naead = "ChaCha20-Poly1305"\nsignature = "Ed25519"\n')
    key_a = ctx.generate_key(policy="a")
    with pytest.raises(PolicyViolation, match="ChaCha20-Poly1305"):
        ctx.seal(b"x", key_a, policy="b")
    signer = ctx.generate_keypair(policy="a")
    with pytest.raises(PolicyViolation, match="generate a new key"):
        ctx.sign(signer, b"x", policy="b")
    env = ctx.sign(signer, b"x", policy="a")
    ed = ctx.generate_keypair(policy="b")
    with pytest.raises(InvalidKey):
        ctx.verify(ed.public_key(), env, policy="a")
    with pytest.raises(InvalidArgument):
        ctx.seal("text", key_a, policy="a")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        ctx.seal(b"x", policy="a")


def test_module_level_api_uses_configure(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "agile.toml"
    path.write_text('[policies.tiny]\naead = "ChaCha20-Poly1305"\n')
    try:
        agile.configure(path)
        key = agile.generate_key(policy="tiny")
        assert key.algorithm.name == "ChaCha20-Poly1305"
        assert agile.open(agile.seal(b"m", key, policy="tiny"), key, policy="tiny") == b"m"
    finally:
        agile.configure(config=agile.load_config(discover=False))


def test_one_ec_key_for_signing_and_hpke_under_one_policy(make_context: Factory) -> None:
    ctx = make_context('[policies.p]\nsignature = "ECDSA-P256-SHA256"\n'
                       'hpke = "HPKE-P256-SHA256-A128GCM"\n')
    key = ctx.generate_keypair(policy="p")
    for _ in range(3):  # alternate so cached per-policy states of both kinds are reused
        assert ctx.verify(key, ctx.sign(key, b"m", policy="p"), policy="p") == b"m"
        assert ctx.decrypt(key, ctx.encrypt(key, b"s", policy="p"), policy="p") == b"s"


def test_fast_path_rejects_what_the_strict_decoder_rejects(default_context: agile.Context) -> None:
    ctx = default_context
    key = ctx.generate_key()
    sealed = ctx.seal(b"short", key)  # 21-byte ciphertext: head 0x55
    assert sealed[-22] == 0x55
    non_preferred = sealed[:-22] + b"\x58\x15" + sealed[-21:]
    fresh = agile.SecretKey.from_bytes(key.export(), key.algorithm)
    for k in (fresh, key):  # with and without a cached state for the key
        with pytest.raises(agile.errors.MalformedEnvelope):
            ctx.open(non_preferred, k)
