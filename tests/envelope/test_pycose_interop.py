"""Interop with pycose 1.1.0, an independent COSE (RFC 9052) implementation.

pycose verifies ECDSA with python-ecdsa (not OpenSSL), so the ECDSA cases also cross-check agile's
r||s signature encoding. Keys are moved between the two libraries as raw key bytes.

Where the two disagree, the test says which side follows RFC 9052 and which section.
"""

from __future__ import annotations

from typing import Any

import cbor2
import pytest

import agile
from agile import envelope
from agile.errors import (
    AgileError,
    DecryptionFailed,
    InvalidSignature,
    MalformedEnvelope,
    PolicyViolation,
)

try:
    from pycose.algorithms import A128GCM, A256GCM, EdDSA, Es256, Es384, Es512
    from pycose.headers import IV, KID, Algorithm
    from pycose.keys import EC2Key, OKPKey, SymmetricKey
    from pycose.messages import CoseMessage, Enc0Message, Sign1Message
except ImportError:  # pragma: no cover - the dev extra installs it
    pytest.skip("pip install pycose==1.1.0 'cbor2<6'", allow_module_level=True)

CONFIG = """
[policies.ed25519]
signature = "Ed25519"
[policies.ed448]
signature = "Ed448"
[policies.p256]
signature = "ECDSA-P256-SHA256"
[policies.p384]
signature = "ECDSA-P384-SHA384"
[policies.p521]
signature = "ECDSA-P521-SHA512"
[policies.a128]
aead = "AES-128-GCM"
[policies.a256]
aead = "AES-256-GCM"
"""

# (agile policy, pycose algorithm, pycose curve, COSE alg id)
SIGNATURES = [
    pytest.param("ed25519", EdDSA, "ED25519", -8, id="Ed25519"),
    pytest.param("ed448", EdDSA, "ED448", -8, id="Ed448"),
    pytest.param("p256", Es256, "P_256", -7, id="ES256"),
    pytest.param("p384", Es384, "P_384", -35, id="ES384"),
    pytest.param("p521", Es512, "P_521", -36, id="ES512"),
]
# (agile policy, pycose algorithm, COSE alg id)
AEADS = [
    pytest.param("a128", A128GCM, 1, id="A128GCM"),
    pytest.param("a256", A256GCM, 3, id="A256GCM"),
]
PAYLOADS = [b"", b"payload", bytes(range(256)) * 5]


@pytest.fixture(scope="module")
def ctx() -> agile.Context:
    return agile.Context(agile.load_config(text=CONFIG, path="agile.toml"))


def _cose_key(key: agile.PrivateKey, curve: str, *, private: bool) -> Any:
    """The pycose key with the same raw material as agile's ``key``."""
    if curve.startswith("ED"):
        x = key.public_key().public_bytes()
        return OKPKey(crv=curve, x=x, d=key.private_bytes()) if private else OKPKey(crv=curve, x=x)
    numbers = key._native.private_numbers()  # type: ignore[attr-defined]
    size = (numbers.public_numbers.curve.key_size + 7) // 8
    x = numbers.public_numbers.x.to_bytes(size, "big")
    y = numbers.public_numbers.y.to_bytes(size, "big")
    if private:
        return EC2Key(crv=curve, x=x, y=y, d=numbers.private_value.to_bytes(size, "big"))
    return EC2Key(crv=curve, x=x, y=y)


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes((data[index] ^ 0x01,)) + data[index + 1:]


# -- agile writes, pycose reads -------------------------------------------------------------------
@pytest.mark.parametrize(("policy", "cose_alg", "curve", "alg_id"), SIGNATURES)
@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{len(p)}B")
def test_pycose_verifies_agile_sign1(ctx: agile.Context, policy: str, cose_alg: Any, curve: str,
                                     alg_id: int, payload: bytes) -> None:
    key = ctx.generate_keypair(policy=policy)
    signed = ctx.sign(key, payload, policy=policy, aad=b"external")

    msg = CoseMessage.decode(signed)
    assert isinstance(msg, Sign1Message)
    assert msg.phdr == {Algorithm: cose_alg, KID: key.kid}  # alg and kid both protected
    assert msg.uhdr == {}
    assert msg.get_attr(Algorithm).identifier == alg_id
    assert msg.payload == payload
    msg.key = _cose_key(key, curve, private=False)
    msg.external_aad = b"external"
    assert msg.verify_signature()
    msg.external_aad = b"other"  # the check is meaningful: pycose rejects a changed external AAD
    assert not msg.verify_signature()


@pytest.mark.parametrize(("policy", "cose_alg", "curve", "alg_id"), SIGNATURES)
def test_pycose_verifies_agile_detached_sign1(ctx: agile.Context, policy: str, cose_alg: Any,
                                              curve: str, alg_id: int) -> None:
    key = ctx.generate_keypair(policy=policy)
    signed = ctx.sign(key, b"detached payload", policy=policy, detached=True)
    msg = CoseMessage.decode(signed)
    assert msg.payload is None
    msg.key = _cose_key(key, curve, private=False)
    assert msg.verify_signature(detached_payload=b"detached payload")
    assert not msg.verify_signature(detached_payload=b"detached pAyload")


@pytest.mark.parametrize(("policy", "cose_alg", "alg_id"), AEADS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{len(p)}B")
def test_pycose_decrypts_agile_encrypt0(ctx: agile.Context, policy: str, cose_alg: Any,
                                        alg_id: int, payload: bytes) -> None:
    key = ctx.generate_key(policy=policy)
    sealed = ctx.seal(payload, key, policy=policy, aad=b"external")

    msg = CoseMessage.decode(sealed)
    assert isinstance(msg, Enc0Message)
    assert msg.phdr == {Algorithm: cose_alg, KID: key.kid}
    assert list(msg.uhdr) == [IV] and len(msg.uhdr[IV]) == 12  # RFC 9052 3.1: IV, label 5
    assert msg.get_attr(Algorithm).identifier == alg_id
    # Both sides build the same Enc_structure (RFC 9052 5.3) from the bytes as sent.
    msg.external_aad = b"external"
    assert msg._enc_structure == envelope.enc_structure(msg.phdr_encoded, b"external")
    msg.key = SymmetricKey(k=key.export())
    assert msg.decrypt() == payload


# -- pycose writes, agile reads -------------------------------------------------------------------
@pytest.mark.parametrize(("policy", "cose_alg", "curve", "alg_id"), SIGNATURES)
@pytest.mark.parametrize("kid_bucket", ["protected", "unprotected", "absent"])
def test_agile_verifies_pycose_sign1(ctx: agile.Context, policy: str, cose_alg: Any, curve: str,
                                     alg_id: int, kid_bucket: str) -> None:
    key = ctx.generate_keypair(policy=policy)
    phdr: dict[Any, Any] = {Algorithm: cose_alg}
    uhdr: dict[Any, Any] = {}
    if kid_bucket != "absent":
        (phdr if kid_bucket == "protected" else uhdr)[KID] = key.kid
    msg = Sign1Message(phdr=phdr, uhdr=uhdr, payload=b"from pycose", external_aad=b"ext",
                       key=_cose_key(key, curve, private=True))
    signed = msg.encode()
    assert cbor2.loads(cbor2.loads(signed).value[0])[1] == alg_id

    assert ctx.verify(key.public_key(), signed, policy=policy, aad=b"ext") == b"from pycose"
    with pytest.raises(InvalidSignature):
        ctx.verify(key.public_key(), signed, policy=policy)  # external AAD is authenticated
    with pytest.raises(InvalidSignature):
        ctx.verify(ctx.generate_keypair(policy=policy).public_key(), signed, policy=policy,
                   aad=b"ext")


@pytest.mark.parametrize(("policy", "cose_alg", "curve", "alg_id"), SIGNATURES)
def test_agile_verifies_pycose_detached_sign1(ctx: agile.Context, policy: str, cose_alg: Any,
                                              curve: str, alg_id: int) -> None:
    key = ctx.generate_keypair(policy=policy)
    msg = Sign1Message(phdr={Algorithm: cose_alg, KID: key.kid}, payload=None,
                       key=_cose_key(key, curve, private=True))
    signed = msg.encode(detached_payload=b"elsewhere")
    assert cbor2.loads(signed).value[2] is None
    assert ctx.verify(key.public_key(), signed, policy=policy, payload=b"elsewhere") == \
        b"elsewhere"
    with pytest.raises(InvalidSignature):
        ctx.verify(key.public_key(), signed, policy=policy, payload=b"elsewherE")


@pytest.mark.parametrize(("policy", "cose_alg", "alg_id"), AEADS)
@pytest.mark.parametrize("kid_bucket", ["protected", "unprotected", "absent"])
@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{len(p)}B")
def test_agile_opens_pycose_encrypt0(ctx: agile.Context, policy: str, cose_alg: Any, alg_id: int,
                                     kid_bucket: str, payload: bytes) -> None:
    key = ctx.generate_key(policy=policy)
    phdr: dict[Any, Any] = {Algorithm: cose_alg}
    uhdr: dict[Any, Any] = {IV: bytes(range(12))}
    if kid_bucket != "absent":
        (phdr if kid_bucket == "protected" else uhdr)[KID] = key.kid
    msg = Enc0Message(phdr=phdr, uhdr=uhdr, payload=payload, external_aad=b"ext",
                      key=SymmetricKey(k=key.export()))
    sealed = msg.encode()
    assert cbor2.loads(cbor2.loads(sealed).value[0])[1] == alg_id

    assert ctx.open(sealed, key, policy=policy, aad=b"ext") == payload
    with pytest.raises(DecryptionFailed):
        ctx.open(sealed, key, policy=policy)
    with pytest.raises(DecryptionFailed):
        ctx.open(sealed, ctx.generate_key(policy=policy), policy=policy, aad=b"ext")


def test_agile_opens_pycose_encrypt0_with_protected_kid_first(ctx: agile.Context) -> None:
    """Map order in the protected header is the sender's; agile authenticates the bytes as sent."""
    key = ctx.generate_key(policy="a256")
    msg = Enc0Message(phdr={KID: key.kid, Algorithm: A256GCM}, uhdr={IV: bytes(12)},
                      payload=b"kid first", key=SymmetricKey(k=key.export()))
    sealed = msg.encode()
    assert next(iter(cbor2.loads(cbor2.loads(sealed).value[0]))) == 4
    assert ctx.open(sealed, key, policy="a256") == b"kid first"


# -- tampered and non-conforming pycose messages --------------------------------------------------
def test_every_byte_of_a_pycose_encrypt0_is_protected(ctx: agile.Context) -> None:
    key = ctx.generate_key(policy="a128")
    sealed = Enc0Message(phdr={Algorithm: A128GCM, KID: key.kid}, uhdr={IV: bytes(12)},
                         payload=b"tamper me", key=SymmetricKey(k=key.export())).encode()
    assert ctx.open(sealed, key, policy="a128") == b"tamper me"
    for index in range(len(sealed)):
        with pytest.raises(AgileError):
            ctx.open(_flip(sealed, index), key, policy="a128")


@pytest.mark.parametrize(("policy", "cose_alg", "curve", "alg_id"), SIGNATURES)
def test_every_byte_of_a_pycose_sign1_is_protected(ctx: agile.Context, policy: str,
                                                   cose_alg: Any, curve: str, alg_id: int) -> None:
    key = ctx.generate_keypair(policy=policy)
    signed = Sign1Message(phdr={Algorithm: cose_alg, KID: key.kid}, payload=b"tamper me",
                          key=_cose_key(key, curve, private=True)).encode()
    assert ctx.verify(key, signed, policy=policy) == b"tamper me"
    for index in range(len(signed)):
        with pytest.raises(AgileError):
            ctx.verify(key, _flip(signed, index), policy=policy)


def test_pycose_message_under_a_policy_that_does_not_accept_it(ctx: agile.Context) -> None:
    key = ctx.generate_key(policy="a256")
    sealed = Enc0Message(phdr={Algorithm: A256GCM}, uhdr={IV: bytes(12)}, payload=b"x",
                         key=SymmetricKey(k=key.export())).encode()
    with pytest.raises(PolicyViolation):
        ctx.open(sealed, key, policy="a128")


def test_alg_in_the_unprotected_bucket_is_rejected(ctx: agile.Context) -> None:
    """pycose lets the caller put ``alg`` in the unprotected bucket; RFC 9052 3.1 says alg "MUST be
    authenticated where the ability to do so exists", which COSE_Encrypt0/Sign1 always have, so
    such a message does not conform and agile rejects it (no unauthenticated algorithm choice)."""
    key = ctx.generate_key(policy="a128")
    sealed = Enc0Message(uhdr={Algorithm: A128GCM, IV: bytes(12)}, payload=b"x",
                         key=SymmetricKey(k=key.export())).encode()
    assert CoseMessage.decode(sealed).phdr_encoded == b""  # RFC 9052 3: empty bucket is h''
    with pytest.raises(MalformedEnvelope):
        ctx.open(sealed, key, policy="a128")

    signer = ctx.generate_keypair(policy="ed25519")
    signed = Sign1Message(uhdr={Algorithm: EdDSA}, payload=b"x",
                          key=_cose_key(signer, "ED25519", private=True)).encode()
    with pytest.raises(MalformedEnvelope):
        ctx.verify(signer, signed, policy="ed25519")


def test_untagged_pycose_messages_are_rejected(ctx: agile.Context) -> None:
    """RFC 9052 2 leaves it to the application whether the COSE tag is required; agile requires
    it (its envelopes are self-describing), so untagged input is a clear MalformedEnvelope."""
    key = ctx.generate_key(policy="a128")
    sealed = Enc0Message(phdr={Algorithm: A128GCM}, uhdr={IV: bytes(12)}, payload=b"x",
                         key=SymmetricKey(k=key.export())).encode(tag=False)
    with pytest.raises(MalformedEnvelope):
        ctx.open(sealed, key, policy="a128")


def test_agile_opens_pycose_encrypt0_with_protected_iv(ctx: agile.Context) -> None:
    key = ctx.generate_key(policy="a128")
    msg = Enc0Message(phdr={Algorithm: A128GCM, IV: bytes(range(12))}, payload=b"protected iv",
                      key=SymmetricKey(k=key.export()))
    sealed = msg.encode()
    again = CoseMessage.decode(sealed)
    again.key = SymmetricKey(k=key.export())
    assert again.decrypt() == b"protected iv"  # pycose itself round-trips it
    assert ctx.open(sealed, key, policy="a128") == b"protected iv"
