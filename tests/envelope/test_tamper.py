"""Downgrade, tamper, truncation, wrong-key and wrong-type negatives for seal, sign and encrypt.

Every failure must be an :class:`AgileError` subclass; no tampered envelope may ever be accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cbor2
import pytest

import agile
from agile import SecretKey
from agile.errors import (
    AgileError,
    DecryptionFailed,
    InvalidArgument,
    InvalidKey,
    InvalidSignature,
    MalformedEnvelope,
    PolicyViolation,
)
from agile.keys import PrivateKey, PublicKey

CONFIG = """
[policies.a128]
aead = "AES-128-GCM"
[policies.a256]
aead = "AES-256-GCM"
[policies.aboth]
aead = "AES-256-GCM"
accept.aead = ["AES-128-GCM"]
[policies.ed]
signature = "Ed25519"
[policies.p256]
signature = "ECDSA-P256-SHA256"
[policies.sigs]
signature = "Ed25519"
accept.signature = ["ECDSA-P256-SHA256", "Ed448"]
[policies.ed448]
signature = "Ed448"
[policies.mldsa]
signature = "ML-DSA-65"
[policies.hx]
hpke = "HPKE-X25519-SHA256-A128GCM"
[policies.hp256]
hpke = "HPKE-P256-SHA256-A128GCM"
[policies.hpq]
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
"""

BAD_BUFFERS = ["text", None, 123, 1.5, [b"x"], {"k": b"v"}, object()]


@pytest.fixture(scope="module")
def ctx() -> agile.Context:
    return agile.Context(agile.load_config(text=CONFIG, path="agile.toml"))


# -- helpers --------------------------------------------------------------------------------------
def _replace(envelope: bytes, index: int, value: Any) -> bytes:
    """``envelope`` re-encoded with element ``index`` of the COSE array replaced by ``value``."""
    tagged = cbor2.loads(envelope)
    body = list(tagged.value)
    body[index] = value
    return bytes(cbor2.dumps(cbor2.CBORTag(tagged.tag, body)))


def _with_raw_unprotected(envelope: bytes, raw_map: bytes) -> bytes:
    """``envelope`` with its unprotected header replaced by the raw CBOR bytes ``raw_map``."""
    tagged = cbor2.loads(envelope)
    protected, _, *rest = tagged.value
    head = b"\xd0\x83" if tagged.tag == 16 else b"\xd2\x84"
    return head + cbor2.dumps(protected) + raw_map + b"".join(cbor2.dumps(v) for v in rest)


def _flipped(data: bytes, index: int, mask: int) -> bytes:
    return data[:index] + bytes((data[index] ^ mask,)) + data[index + 1:]


def _same_cose(original: bytes, candidate: bytes) -> bool:
    """True if ``candidate`` decodes to exactly the COSE fields of ``original`` (a re-encoding that
    changes no header, payload, ciphertext or signature; accepting such input is harmless)."""
    try:
        a, b = cbor2.loads(original), cbor2.loads(candidate)
        return bool(a.tag == b.tag and a.value == b.value)
    except Exception:
        return False


def _tripwire(base: type, touched: list[str], key_type: str | None = None) -> Any:
    """An instance of a ``base`` subclass that records and fails every use of the key.

    Only dunder lookups (``isinstance`` may read ``__class__``) and, for asymmetric keys, the
    public ``key_type`` label pass. Key bytes, native objects, kid and algorithm all trip.
    """

    def __getattribute__(self: Any, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            return object.__getattribute__(self, name)
        if name == "key_type" and key_type is not None:
            return key_type
        touched.append(name)
        raise AssertionError(f"key attribute {name!r} used before the policy check")

    cls = type(f"Tripwire{base.__name__}", (base,), {
        "__slots__": (), "__getattribute__": __getattribute__,
        "__repr__": lambda self: f"<tripwire {base.__name__}>"})
    return object.__new__(cls)


class Envelopes:
    """One small envelope per operation, with what opens it."""

    def __init__(self, ctx: agile.Context) -> None:
        self.ctx = ctx
        self.k128 = ctx.generate_key(policy="a128")
        self.k256 = ctx.generate_key(policy="a256")
        self.ed = ctx.generate_keypair(policy="ed")
        self.p256 = ctx.generate_keypair(policy="p256")
        self.ed448 = ctx.generate_keypair(policy="ed448")
        self.mldsa = ctx.generate_keypair(policy="mldsa")
        self.hx = ctx.generate_keypair(policy="hx", family="hpke")
        self.hp256 = ctx.generate_keypair(policy="hp256", family="hpke")
        self.hpq = ctx.generate_keypair(policy="hpq", family="hpke")

    def cases(self) -> dict[str, tuple[bytes, Callable[[bytes], bytes], bytes]]:
        """name -> (envelope, opener, expected plaintext)."""
        c = self.ctx
        return {
            "seal-A128GCM": (c.seal(b"hi", self.k128, policy="a128", aad=b"a"),
                             lambda e: c.open(e, self.k128, policy="a128", aad=b"a"), b"hi"),
            "seal-A256GCM": (c.seal(b"hi", self.k256, policy="a256"),
                             lambda e: c.open(e, self.k256, policy="a256"), b"hi"),
            "sign-Ed25519": (c.sign(self.ed, b"hi", policy="ed"),
                             lambda e: c.verify(self.ed, e, policy="ed"), b"hi"),
            "sign-Ed25519-detached": (
                c.sign(self.ed, b"hi", policy="ed", detached=True),
                lambda e: c.verify(self.ed, e, policy="ed", payload=b"hi"), b"hi"),
            "sign-ES256": (c.sign(self.p256, b"hi", policy="p256", aad=b"a"),
                           lambda e: c.verify(self.p256, e, policy="p256", aad=b"a"), b"hi"),
            "sign-Ed448": (c.sign(self.ed448, b"hi", policy="ed448"),
                           lambda e: c.verify(self.ed448, e, policy="ed448"), b"hi"),
            "encrypt-X25519": (c.encrypt(self.hx, b"hi", policy="hx", aad=b"a"),
                               lambda e: c.decrypt(self.hx, e, policy="hx", aad=b"a"), b"hi"),
            "encrypt-P256": (c.encrypt(self.hp256, b"hi", policy="hp256"),
                             lambda e: c.decrypt(self.hp256, e, policy="hp256"), b"hi"),
        }

    def large_cases(self) -> dict[str, tuple[bytes, Callable[[bytes], bytes], bytes]]:
        c = self.ctx
        return {
            "sign-ML-DSA-65": (c.sign(self.mldsa, b"hi", policy="mldsa"),
                               lambda e: c.verify(self.mldsa, e, policy="mldsa"), b"hi"),
            "encrypt-MLKEM768X25519": (
                c.encrypt(self.hpq, b"hi", policy="hpq"),
                lambda e: c.decrypt(self.hpq, e, policy="hpq"), b"hi"),
        }


@pytest.fixture(scope="module")
def envs(ctx: agile.Context) -> Envelopes:
    return Envelopes(ctx)


def _names(large: bool = False) -> list[str]:
    small = ["seal-A128GCM", "seal-A256GCM", "sign-Ed25519", "sign-Ed25519-detached",
             "sign-ES256", "sign-Ed448", "encrypt-X25519", "encrypt-P256"]
    return [*small, "sign-ML-DSA-65", "encrypt-MLKEM768X25519"] if large else small


def _case(envs: Envelopes, name: str) -> tuple[bytes, Callable[[bytes], bytes], bytes]:
    return {**envs.cases(), **envs.large_cases()}[name]


def _outcome(opener: Callable[[bytes], bytes], data: bytes) -> str | None:
    """None if ``opener`` raised an AgileError, else a description of what went wrong."""
    try:
        result = opener(data)
    except AgileError:
        return None
    except Exception as exc:  # the point of the test: nothing else may escape
        return f"{type(exc).__name__}: {exc}"
    return f"accepted, returned {result!r}"


# -- downgrade: the accept-list is checked before the key is touched ------------------------------
def test_open_rejects_a_non_accepted_aead_before_using_the_key(ctx: agile.Context,
                                                               envs: Envelopes) -> None:
    sealed = ctx.seal(b"old data", envs.k128, policy="a128")
    touched: list[str] = []
    for key in (_tripwire(SecretKey, touched), envs.k256, envs.k128, None):
        with pytest.raises(PolicyViolation):
            ctx.open(sealed, key, policy="a256")
    assert touched == []
    with pytest.raises(AssertionError):  # the tripwire works: an accepting policy reaches the key
        ctx.open(sealed, _tripwire(SecretKey, touched), policy="aboth")
    assert touched
    # The same envelope and key are fine under a policy that still accepts AES-128-GCM.
    assert ctx.open(sealed, envs.k128, policy="aboth") == b"old data"
    # ...and that cached success must not leak into the stricter policy (per-policy key state).
    with pytest.raises(PolicyViolation):
        ctx.open(sealed, envs.k128, policy="a256")


def test_verify_rejects_a_non_accepted_signature_before_using_the_key(ctx: agile.Context,
                                                                      envs: Envelopes) -> None:
    signed = ctx.sign(envs.ed, b"doc", policy="ed")
    touched: list[str] = []
    for key in (_tripwire(PublicKey, touched, "EC-P256"), _tripwire(PublicKey, touched, "Ed25519"),
                envs.p256.public_key(), envs.ed.public_key()):
        with pytest.raises(PolicyViolation):
            ctx.verify(key, signed, policy="p256")
    assert touched == []
    with pytest.raises(AssertionError):
        ctx.verify(_tripwire(PublicKey, touched, "Ed25519"), signed, policy="sigs")
    assert touched
    assert ctx.verify(envs.ed, signed, policy="sigs") == b"doc"


def test_decrypt_rejects_a_non_accepted_hpke_suite_before_using_the_key(ctx: agile.Context,
                                                                        envs: Envelopes) -> None:
    encrypted = ctx.encrypt(envs.hx, b"msg", policy="hx")
    touched: list[str] = []
    for key in (_tripwire(PrivateKey, touched, "MLKEM768-X25519"),
                _tripwire(PrivateKey, touched, "X25519"), envs.hpq, envs.hx):
        with pytest.raises(PolicyViolation):
            ctx.decrypt(key, encrypted, policy="hpq")
    assert touched == []
    with pytest.raises(AssertionError):
        ctx.decrypt(_tripwire(PrivateKey, touched, "X25519"), encrypted, policy="hx")
    assert touched


@pytest.mark.parametrize("alg", [999, -65537, -8, -7, 5, 2**64, -(2**64) - 7],
                         ids=lambda a: f"alg{a}")
def test_unknown_or_other_family_algorithm_ids_are_policy_violations(
        ctx: agile.Context, envs: Envelopes, alg: int) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    forged = _replace(sealed, 0, cbor2.dumps({1: alg, 4: envs.k256.kid}))
    touched: list[str] = []
    with pytest.raises(PolicyViolation):
        ctx.open(forged, _tripwire(SecretKey, touched), policy="aboth")
    assert touched == []


def test_relabelled_algorithm_is_caught_by_key_or_tag(ctx: agile.Context, envs: Envelopes) -> None:
    """An AES-256-GCM envelope relabelled as AES-128-GCM (both accepted) opens with neither key."""
    sealed = ctx.seal(b"x", envs.k256, policy="aboth")
    forged = _replace(sealed, 0, cbor2.dumps({1: 1, 4: envs.k256.kid}))
    with pytest.raises(InvalidKey):
        ctx.open(forged, envs.k256, policy="aboth")
    with pytest.raises(DecryptionFailed):
        ctx.open(forged, envs.k128, policy="aboth")


def test_policy_flip_stops_accepting_what_was_accepted(envs: Envelopes) -> None:
    ctx = agile.Context(agile.load_config(text=CONFIG, path="agile.toml"))
    sealed = ctx.seal(b"old", envs.k128, policy="a128")
    assert ctx.open(sealed, envs.k128, policy="aboth") == b"old"  # warms every cache
    ctx.configure(text=CONFIG.replace('accept.aead = ["AES-128-GCM"]\n', ""))
    with pytest.raises(PolicyViolation):
        ctx.open(sealed, envs.k128, policy="aboth")


# -- header substitution --------------------------------------------------------------------------
def test_protected_header_swapped_between_seal_envelopes(ctx: agile.Context,
                                                         envs: Envelopes) -> None:
    other = ctx.generate_key(policy="a256")
    one = ctx.seal(b"one", envs.k256, policy="aboth")
    two = ctx.seal(b"two", other, policy="aboth")
    assert _replace(one, 0, cbor2.loads(one).value[0]) == one  # the helper re-encodes faithfully
    with pytest.raises(DecryptionFailed):
        ctx.open(_replace(one, 0, cbor2.loads(two).value[0]), envs.k256, policy="aboth")
    with pytest.raises(DecryptionFailed):
        ctx.open(_replace(two, 0, cbor2.loads(one).value[0]), other, policy="aboth")
    # Across algorithms: AES-128-GCM header on an AES-256-GCM body and the other way round.
    old = ctx.seal(b"old", envs.k128, policy="a128")
    with pytest.raises(AgileError):
        ctx.open(_replace(one, 0, cbor2.loads(old).value[0]), envs.k256, policy="aboth")
    with pytest.raises(AgileError):
        ctx.open(_replace(one, 0, cbor2.loads(old).value[0]), envs.k128, policy="aboth")
    with pytest.raises(AgileError):
        ctx.open(_replace(old, 0, cbor2.loads(one).value[0]), envs.k128, policy="aboth")


def test_protected_header_swapped_between_sign1_envelopes(ctx: agile.Context,
                                                          envs: Envelopes) -> None:
    other = ctx.generate_keypair(policy="ed")
    one = ctx.sign(envs.ed, b"one", policy="ed")
    two = ctx.sign(other, b"two", policy="ed")
    with pytest.raises(InvalidSignature):
        ctx.verify(envs.ed, _replace(one, 0, cbor2.loads(two).value[0]), policy="ed")
    ecdsa = ctx.sign(envs.p256, b"one", policy="p256")
    with pytest.raises(AgileError):
        ctx.verify(envs.ed, _replace(one, 0, cbor2.loads(ecdsa).value[0]), policy="sigs")
    with pytest.raises(AgileError):
        ctx.verify(envs.p256, _replace(one, 0, cbor2.loads(ecdsa).value[0]), policy="sigs")
    with pytest.raises(AgileError):
        ctx.verify(envs.p256, _replace(ecdsa, 0, cbor2.loads(one).value[0]), policy="sigs")


def test_protected_header_swapped_between_hpke_envelopes(ctx: agile.Context,
                                                         envs: Envelopes) -> None:
    other = ctx.generate_keypair(policy="hx", family="hpke")
    one = ctx.encrypt(envs.hx, b"one", policy="hx")
    two = ctx.encrypt(other, b"two", policy="hx")
    with pytest.raises(DecryptionFailed):
        ctx.decrypt(envs.hx, _replace(one, 0, cbor2.loads(two).value[0]), policy="hx")
    # The encapsulated key moved to another envelope for the same recipient does not open it.
    three = ctx.encrypt(envs.hx, b"three", policy="hx")
    with pytest.raises(DecryptionFailed):
        ctx.decrypt(envs.hx, _replace(one, 1, cbor2.loads(three).value[1]), policy="hx")


def test_protected_header_moved_to_the_unprotected_bucket(ctx: agile.Context,
                                                          envs: Envelopes) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    protected, unprotected, ct = cbor2.loads(sealed).value
    moved = bytes(cbor2.dumps(cbor2.CBORTag(16, [b"", {**cbor2.loads(protected), **unprotected},
                                                 ct])))
    with pytest.raises(MalformedEnvelope):
        ctx.open(moved, envs.k256, policy="a256")


def test_envelope_kinds_are_not_interchangeable(ctx: agile.Context, envs: Envelopes) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    signed = ctx.sign(envs.ed, b"x", policy="ed")
    encrypted = ctx.encrypt(envs.hx, b"x", policy="hx")
    for data in (signed, encrypted):
        with pytest.raises(AgileError):
            ctx.open(data, envs.k256, policy="a256")
    for data in (sealed, encrypted):
        with pytest.raises(MalformedEnvelope):
            ctx.verify(envs.ed, data, policy="ed")
    for data in (sealed, signed):
        with pytest.raises(AgileError):
            ctx.decrypt(envs.hx, data, policy="hx")


# -- truncation and bit flips ---------------------------------------------------------------------
@pytest.mark.parametrize("name", _names(large=True))
def test_truncated_at_every_length(envs: Envelopes, name: str) -> None:
    envelope, opener, plaintext = _case(envs, name)
    assert opener(envelope) == plaintext
    problems = {n: p for n in range(len(envelope))
                if (p := _outcome(opener, envelope[:n])) is not None}
    assert problems == {}
    assert _outcome(opener, envelope + b"\x00") is None  # trailing bytes
    assert _outcome(opener, envelope + envelope) is None


@pytest.mark.parametrize("name", _names())
def test_every_single_bit_flip_is_rejected(envs: Envelopes, name: str) -> None:
    """No bit of these envelopes can change without rejection: protected header, payload,
    ciphertext and signature are authenticated; the IV and ``ek`` feed the authenticated
    decryption; and a flip in the unprotected map's structure or labels (Sign1's is {}) breaks
    the structure or removes the IV/ek."""
    envelope, opener, plaintext = _case(envs, name)
    assert opener(envelope) == plaintext
    problems: dict[tuple[int, int], str] = {}
    for index in range(len(envelope)):
        for bit in range(8):
            mutated = _flipped(envelope, index, 1 << bit)
            problem = _outcome(opener, mutated)
            if problem is not None and not _same_cose(envelope, mutated):
                problems[index, bit] = problem
    assert problems == {}


@pytest.mark.parametrize("name", ["sign-ML-DSA-65", "encrypt-MLKEM768X25519"])
def test_every_byte_flip_of_large_envelopes_is_rejected(envs: Envelopes, name: str) -> None:
    envelope, opener, plaintext = _case(envs, name)
    assert opener(envelope) == plaintext
    problems = {i: p for i in range(len(envelope)) for mask in (0x01, 0x80)
                if (p := _outcome(opener, _flipped(envelope, i, mask))) is not None}
    assert problems == {}


# -- wrong keys -----------------------------------------------------------------------------------
def test_wrong_secret_key(ctx: agile.Context, envs: Envelopes) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="aboth")
    with pytest.raises(DecryptionFailed):
        ctx.open(sealed, ctx.generate_key(policy="a256"), policy="aboth")
    with pytest.raises(InvalidKey):
        ctx.open(sealed, envs.k128, policy="aboth")  # accepted algorithm, but not this key's
    mac_key = SecretKey.generate("HMAC-SHA256")
    with pytest.raises(AgileError):
        ctx.open(sealed, mac_key, policy="aboth")
    for key in (envs.ed, envs.hx, envs.hx.public_key(), envs.k256.export()):
        with pytest.raises(InvalidArgument):
            ctx.open(sealed, key, policy="aboth")  # type: ignore[arg-type]


def test_wrong_signature_key(ctx: agile.Context, envs: Envelopes) -> None:
    signed = ctx.sign(envs.ed, b"x", policy="sigs")
    with pytest.raises(InvalidSignature):
        ctx.verify(ctx.generate_keypair(policy="ed").public_key(), signed, policy="sigs")
    with pytest.raises(InvalidKey):
        ctx.verify(envs.p256, signed, policy="sigs")
    with pytest.raises((InvalidKey, InvalidSignature)):
        ctx.verify(envs.ed448, signed, policy="sigs")  # Ed448 shares COSE alg -8 (EdDSA)
    with pytest.raises(InvalidKey):
        ctx.verify(envs.hx, signed, policy="sigs")
    for key in (envs.k256, envs.ed.public_key().public_bytes(), None):
        with pytest.raises(InvalidArgument):
            ctx.verify(key, signed, policy="sigs")  # type: ignore[arg-type]


def test_wrong_hpke_key(ctx: agile.Context, envs: Envelopes) -> None:
    encrypted = ctx.encrypt(envs.hx, b"x", policy="hx")
    with pytest.raises(DecryptionFailed):
        ctx.decrypt(ctx.generate_keypair(policy="hx", family="hpke"), encrypted, policy="hx")
    with pytest.raises(InvalidKey):
        ctx.decrypt(envs.hpq, encrypted, policy="hx")
    with pytest.raises(InvalidKey):
        ctx.decrypt(envs.ed, encrypted, policy="hx")
    for key in (envs.hx.public_key(), envs.k256, None):
        with pytest.raises(InvalidArgument):
            ctx.decrypt(key, encrypted, policy="hx")  # type: ignore[arg-type]


# -- wrong types ----------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", BAD_BUFFERS, ids=lambda v: type(v).__name__)
def test_wrong_types_for_seal_and_open(ctx: agile.Context, envs: Envelopes, bad: Any) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    with pytest.raises(InvalidArgument):
        ctx.seal(bad, envs.k256, policy="a256")
    with pytest.raises(InvalidArgument):
        ctx.seal(b"x", envs.k256, policy="a256", aad=bad)
    with pytest.raises(AgileError):
        ctx.seal(b"x", bad, policy="a256")
    with pytest.raises(InvalidArgument):
        ctx.open(bad, envs.k256, policy="a256")
    with pytest.raises(InvalidArgument):
        ctx.open(sealed, envs.k256, policy="a256", aad=bad)
    with pytest.raises(AgileError):
        ctx.open(sealed, bad, policy="a256")


@pytest.mark.parametrize("bad", BAD_BUFFERS, ids=lambda v: type(v).__name__)
def test_wrong_types_for_sign_and_verify(ctx: agile.Context, envs: Envelopes, bad: Any) -> None:
    signed = ctx.sign(envs.ed, b"x", policy="ed")
    detached = ctx.sign(envs.ed, b"x", policy="ed", detached=True)
    with pytest.raises(InvalidArgument):
        ctx.sign(envs.ed, bad, policy="ed")
    with pytest.raises(InvalidArgument):
        ctx.sign(envs.ed, b"x", policy="ed", aad=bad)
    with pytest.raises(AgileError):
        ctx.sign(bad, b"x", policy="ed")
    with pytest.raises(AgileError):
        ctx.verify(envs.ed, bad, policy="ed")
    with pytest.raises(AgileError):
        ctx.verify(bad, signed, policy="ed")
    with pytest.raises(InvalidArgument):
        ctx.verify(envs.ed, signed, policy="ed", aad=bad)
    if bad is not None:
        with pytest.raises(InvalidArgument):
            ctx.verify(envs.ed, detached, policy="ed", payload=bad)


@pytest.mark.parametrize("bad", BAD_BUFFERS, ids=lambda v: type(v).__name__)
def test_wrong_types_for_encrypt_and_decrypt(ctx: agile.Context, envs: Envelopes,
                                             bad: Any) -> None:
    encrypted = ctx.encrypt(envs.hx, b"x", policy="hx")
    with pytest.raises(InvalidArgument):
        ctx.encrypt(envs.hx, bad, policy="hx")
    with pytest.raises(InvalidArgument):
        ctx.encrypt(envs.hx, b"x", policy="hx", aad=bad)
    with pytest.raises(AgileError):
        ctx.encrypt(bad, b"x", policy="hx")
    with pytest.raises(AgileError):
        ctx.decrypt(envs.hx, bad, policy="hx")
    with pytest.raises(AgileError):
        ctx.decrypt(bad, encrypted, policy="hx")
    with pytest.raises(InvalidArgument):
        ctx.decrypt(envs.hx, encrypted, policy="hx", aad=bad)


def test_bytes_like_inputs_are_accepted(ctx: agile.Context, envs: Envelopes) -> None:
    sealed = ctx.seal(bytearray(b"x"), envs.k256, policy="a256", aad=memoryview(b"a"))
    assert ctx.open(memoryview(sealed), envs.k256, policy="a256", aad=bytearray(b"a")) == b"x"
    signed = ctx.sign(envs.ed, memoryview(b"x"), policy="ed", detached=True)
    assert ctx.verify(envs.ed, bytearray(signed), policy="ed", payload=bytearray(b"x")) == b"x"
    encrypted = ctx.encrypt(envs.hx, bytearray(b"x"), policy="hx")
    assert ctx.decrypt(envs.hx, memoryview(encrypted), policy="hx") == b"x"


@pytest.mark.parametrize("bad", [None, 7, b"a256", object()], ids=lambda v: type(v).__name__)
def test_wrong_types_for_policy(ctx: agile.Context, envs: Envelopes, bad: Any) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    with pytest.raises(AgileError):
        ctx.seal(b"x", envs.k256, policy=bad)
    with pytest.raises(AgileError):
        ctx.open(sealed, envs.k256, policy=bad)
    with pytest.raises(AgileError):
        ctx.sign(envs.ed, b"x", policy=bad)


@pytest.mark.parametrize("op", ["seal", "open", "sign", "verify", "encrypt", "decrypt"])
def test_unhashable_policy_names_raise_agile_errors(ctx: agile.Context, envs: Envelopes,
                                                    op: str) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    signed = ctx.sign(envs.ed, b"x", policy="ed")
    encrypted = ctx.encrypt(envs.hx, b"x", policy="hx")
    calls: dict[str, Callable[[Any], object]] = {
        "seal": lambda p: ctx.seal(b"x", envs.k256, policy=p),
        "open": lambda p: ctx.open(sealed, envs.k256, policy=p),
        "sign": lambda p: ctx.sign(envs.ed, b"x", policy=p),
        "verify": lambda p: ctx.verify(envs.ed, signed, policy=p),
        "encrypt": lambda p: ctx.encrypt(envs.hx, b"x", policy=p),
        "decrypt": lambda p: ctx.decrypt(envs.hx, encrypted, policy=p),
    }
    for bad in (["a256"], {"a256": 1}):
        with pytest.raises(AgileError):
            calls[op](bad)


# -- detached signatures and external AAD ---------------------------------------------------------
def test_detached_signature_with_and_without_payload(ctx: agile.Context, envs: Envelopes) -> None:
    detached = ctx.sign(envs.ed, b"payload", policy="ed", detached=True)
    attached = ctx.sign(envs.ed, b"payload", policy="ed")
    assert cbor2.loads(detached).value[2] is None
    assert ctx.verify(envs.ed, detached, policy="ed", payload=b"payload") == b"payload"
    with pytest.raises(InvalidArgument):
        ctx.verify(envs.ed, detached, policy="ed")
    with pytest.raises(InvalidSignature):
        ctx.verify(envs.ed, detached, policy="ed", payload=b"payloaD")
    with pytest.raises(InvalidSignature):
        ctx.verify(envs.ed, detached, policy="ed", payload=b"")
    with pytest.raises(InvalidArgument):
        ctx.verify(envs.ed, attached, policy="ed", payload=b"payload")
    # Same Sig_structure either way (RFC 9052 4.4): detaching or attaching the same payload
    # keeps the signature valid; attaching another payload does not.
    assert ctx.verify(envs.ed, _replace(attached, 2, None), policy="ed",
                      payload=b"payload") == b"payload"
    assert ctx.verify(envs.ed, _replace(detached, 2, b"payload"), policy="ed") == b"payload"
    with pytest.raises(InvalidSignature):
        ctx.verify(envs.ed, _replace(detached, 2, b"other"), policy="ed")


def test_aad_mismatch(ctx: agile.Context, envs: Envelopes) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256", aad=b"context")
    for aad in (b"", b"contexT", b"context\x00"):
        with pytest.raises(DecryptionFailed):
            ctx.open(sealed, envs.k256, policy="a256", aad=aad)
    plain = ctx.seal(b"x", envs.k256, policy="a256")
    with pytest.raises(DecryptionFailed):
        ctx.open(plain, envs.k256, policy="a256", aad=b"context")

    encrypted = ctx.encrypt(envs.hx, b"x", policy="hx", aad=b"context")
    for aad in (b"", b"contexT"):
        with pytest.raises(DecryptionFailed):
            ctx.decrypt(envs.hx, encrypted, policy="hx", aad=aad)

    signed = ctx.sign(envs.ed, b"x", policy="ed", aad=b"context")
    for aad in (b"", b"contexT"):
        with pytest.raises(InvalidSignature):
            ctx.verify(envs.ed, signed, policy="ed", aad=aad)


# -- RFC 9052 header rules ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["seal", "sign", "encrypt"])
def test_duplicate_unprotected_labels_are_rejected(ctx: agile.Context, envs: Envelopes,
                                                   kind: str) -> None:
    if kind == "seal":
        envelope = ctx.seal(b"x", envs.k256, policy="a256")
        iv = cbor2.loads(envelope).value[1][5]
        raw = b"\xa2\x05\x4c" + bytes(12) + b"\x05\x4c" + iv  # {5: zeros, 5: iv}
        with pytest.raises(MalformedEnvelope):
            ctx.open(_with_raw_unprotected(envelope, raw), envs.k256, policy="a256")
    elif kind == "sign":
        envelope = ctx.sign(envs.ed, b"x", policy="ed")
        raw = b"\xa2\x18\x63\x00\x18\x63\x01"  # {99: 0, 99: 1}
        with pytest.raises(MalformedEnvelope):
            ctx.verify(envs.ed, _with_raw_unprotected(envelope, raw), policy="ed")
    else:
        envelope = ctx.encrypt(envs.hx, b"x", policy="hx")
        ek = cbor2.loads(envelope).value[1][-4]
        raw = b"\xa2\x23\x58\x20" + bytes(32) + b"\x23\x58\x20" + ek  # {-4: zeros, -4: ek}
        with pytest.raises(MalformedEnvelope):
            ctx.decrypt(envs.hx, _with_raw_unprotected(envelope, raw), policy="hx")


def test_iv_and_partial_iv_together_are_rejected(ctx: agile.Context, envs: Envelopes) -> None:
    sealed = ctx.seal(b"x", envs.k256, policy="a256")
    headers = {**cbor2.loads(sealed).value[1], 6: b"\x01"}
    with pytest.raises(MalformedEnvelope):
        ctx.open(_replace(sealed, 1, headers), envs.k256, policy="a256")
