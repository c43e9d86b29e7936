"""agile.raw against PyCryptodome: detached GCM, its RSA keys, its error classes."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable

import pytest
from Crypto.Cipher import AES, PKCS1_OAEP
from Crypto.Hash import SHA1, SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15, pss
from cryptography.exceptions import InvalidTag

import agile
from agile import _foreign_keys
from agile.errors import DecryptionFailed, InvalidArgument, InvalidKey, InvalidSignature

TOML = """
[policies.gcm]
aead = "AES-256-GCM"

[policies.gcm128]
aead = "AES-128-GCM"

[policies.chacha]
aead = "ChaCha20-Poly1305"

[policies.pkcs1]
signature = "RSA-PKCS1v15-SHA256"

[policies.pss]
signature = "RSA-PSS-SHA256"

[policies.oaep]
pke = "RSA-OAEP-SHA256"

[policies.oaep-sha1]
pke = "RSA-OAEP-SHA1"
allow_legacy = true
"""


@pytest.fixture
def ctx(make_context: Callable[[str], agile.Context]) -> agile.Context:
    return make_context(TOML)


@pytest.fixture(scope="module")
def dome_key() -> RSA.RsaKey:
    return RSA.generate(2048)


@pytest.mark.parametrize("nonce_size", [12, 16, 64])
@pytest.mark.parametrize(("key_size", "policy"), [(32, "gcm"), (16, "gcm128")])
def test_detached_gcm_is_byte_identical(ctx: agile.Context, nonce_size: int, key_size: int,
                                        policy: str) -> None:
    key, nonce, aad = os.urandom(key_size), os.urandom(nonce_size), os.urandom(20)
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(aad)
    expected = cipher.encrypt_and_digest(b"payload")
    assert ctx.raw.encrypt_detached(key, nonce, b"payload", aad, policy=policy) == expected
    assert ctx.raw.decrypt_detached(key, nonce, *expected, aad, policy=policy) == b"payload"


def test_default_pycryptodome_nonce_round_trips(ctx: agile.Context) -> None:
    key = os.urandom(32)
    cipher = AES.new(key, AES.MODE_GCM)  # a random 16-byte nonce
    ct, tag = cipher.encrypt_and_digest(b"payload")
    assert len(cipher.nonce) == 16
    assert ctx.raw.decrypt_detached(key, cipher.nonce, ct, tag, policy="gcm") == b"payload"
    ct2, tag2 = ctx.raw.encrypt_detached(key, cipher.nonce, b"payload", policy="gcm")
    assert AES.new(key, AES.MODE_GCM, nonce=cipher.nonce).decrypt_and_verify(ct2, tag2) == \
        b"payload"


@pytest.mark.parametrize("tamper", ["tag", "short-tag", "ciphertext", "aad", "key"])
def test_detached_failure_is_a_value_error(ctx: agile.Context, tamper: str) -> None:
    key, nonce = os.urandom(32), os.urandom(12)
    ct, tag = ctx.raw.encrypt_detached(key, nonce, b"payload", b"aad", policy="gcm")
    aad = b"aad"
    if tamper == "tag":
        tag = tag[:-1] + bytes([tag[-1] ^ 1])
    elif tamper == "short-tag":
        tag = tag[:12]
    elif tamper == "ciphertext":
        ct = bytes([ct[0] ^ 1]) + ct[1:]
    elif tamper == "aad":
        aad = b"other"
    else:
        key = os.urandom(32)
    for error in (ValueError, InvalidTag, DecryptionFailed):
        with pytest.raises(error):
            ctx.raw.decrypt_detached(key, nonce, ct, tag, aad, policy="gcm")
    with pytest.raises(ValueError, match="MAC check failed"):  # what the old code caught
        AES.new(key, AES.MODE_GCM, nonce=nonce).update(aad).decrypt_and_verify(ct, tag)


def test_detached_rejects_bad_nonces(ctx: agile.Context) -> None:
    with pytest.raises(InvalidArgument, match="12 to 128"):
        ctx.raw.encrypt_detached(bytes(32), bytes(8), b"x", policy="gcm")
    with pytest.raises(InvalidArgument, match="12 bytes for ChaCha20-Poly1305"):
        ctx.raw.encrypt_detached(bytes(32), bytes(16), b"x", policy="chacha")
    ct, tag = ctx.raw.encrypt_detached(bytes(32), bytes(12), b"x", policy="chacha")
    assert ctx.raw.decrypt(bytes(32), bytes(12), ct + tag, policy="chacha") == b"x"


def test_pycryptodome_keys_sign_and_verify(ctx: agile.Context, dome_key: RSA.RsaKey) -> None:
    data = b"message"
    expected = pkcs1_15.new(dome_key).sign(SHA256.new(data))
    assert ctx.raw.sign(dome_key, data, policy="pkcs1") == expected  # deterministic
    public = dome_key.public_key()
    ctx.raw.verify(public, expected, data, policy="pkcs1", raises=ValueError)
    sig = ctx.raw.sign(dome_key, data, policy="pss")
    pss.new(public).verify(SHA256.new(data), sig)  # randomised: interoperable
    ctx.raw.verify(public, pss.new(dome_key).sign(SHA256.new(data)), data, policy="pss",
                   raises=ValueError)
    with pytest.raises(ValueError) as caught:
        ctx.raw.verify(public, sig, data + b"!", policy="pss", raises=ValueError)
    assert isinstance(caught.value, InvalidSignature)
    with pytest.raises(InvalidSignature) as pyca_style:
        ctx.raw.verify(public, sig, data + b"!", policy="pss")
    assert not isinstance(pyca_style.value, ValueError)  # pyca's semantics stay as they were
    with pytest.raises(InvalidArgument, match="raises"):
        ctx.raw.verify(public, sig, data, policy="pss", raises=KeyError)
    with pytest.raises(InvalidKey, match="public"):
        ctx.raw.sign(public, data, policy="pss")


@pytest.mark.parametrize(("policy", "hash_module"), [("oaep", SHA256), ("oaep-sha1", SHA1)])
def test_pycryptodome_keys_oaep(ctx: agile.Context, dome_key: RSA.RsaKey, policy: str,
                                hash_module: object) -> None:
    theirs = PKCS1_OAEP.new(dome_key, hashAlgo=hash_module, label=b"l")
    ct = ctx.raw.pke_encrypt(dome_key.public_key(), b"secret", label=b"l", policy=policy)
    assert theirs.decrypt(ct) == b"secret"
    assert ctx.raw.pke_decrypt(dome_key, theirs.encrypt(b"secret"), label=b"l",
                               policy=policy) == b"secret"
    with pytest.raises(ValueError):
        ctx.raw.pke_decrypt(dome_key, bytes(256), label=b"l", policy=policy)


def test_converted_keys_are_cached_per_object_and_released() -> None:
    key = RSA.generate(2048)
    first = _foreign_keys.agile_key(key)
    assert _foreign_keys.agile_key(key) is first
    assert "PRIVATE" not in repr(first) and str(key.d) not in repr(first)
    ident = id(key)
    assert ident in _foreign_keys._CACHE
    del key
    gc.collect()
    assert ident not in _foreign_keys._CACHE


def test_random_nonce(ctx: agile.Context) -> None:
    first, second = ctx.raw.random_nonce(16), ctx.raw.random_nonce(16)
    assert len(first) == len(second) == 16 and first != second
    assert len(agile.raw.random_nonce()) == 12
    for size in (8, 129, 16.0):
        with pytest.raises(InvalidArgument, match="12 to 128"):
            ctx.raw.random_nonce(size)  # type: ignore[arg-type]
