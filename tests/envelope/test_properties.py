"""Property tests: whatever bytes reach open/verify/decrypt, only an AgileError comes out.

A mutated envelope may only be accepted if everything that decides the result is unchanged (tag,
protected header bytes, payload or ciphertext, signature, IV, ek), and then it must yield the
original plaintext.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agile
from agile.errors import AgileError

CONFIG = """
[policies.a256]
aead = "AES-256-GCM"
[policies.chacha]
aead = "ChaCha20-Poly1305"
[policies.ed]
signature = "Ed25519"
[policies.p256]
signature = "ECDSA-P256-SHA256"
[policies.mldsa]
signature = "ML-DSA-65"
[policies.hx]
hpke = "HPKE-X25519-SHA256-A128GCM"
[policies.hpq]
hpke = "HPKE-MLKEM768X25519-SHA256-A256GCM"
"""
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
# Every COSE alg id agile knows, plus neighbours, so forged headers hit real code paths.
ALG_IDS = [1, 3, 24, -8, -7, -35, -36, -37, -41, -48, -49, -50, -257, -65535, -65601, -65610,
           -65612, -65614, -65615, -65616, 0, 2, 4, 999]
LABELS = [1, 2, 3, 4, 5, 6, -4, 99, -65537, "alg", "kid"]

CTX = agile.Context(agile.load_config(text=CONFIG, path="agile.toml"))
_K256 = CTX.generate_key(policy="a256")
_KCHACHA = CTX.generate_key(policy="chacha")
_ED = CTX.generate_keypair(policy="ed")
_P256 = CTX.generate_keypair(policy="p256")
_MLDSA = CTX.generate_keypair(policy="mldsa")
_HX = CTX.generate_keypair(policy="hx", family="hpke")
_HPQ = CTX.generate_keypair(policy="hpq", family="hpke")

PLAINTEXT = b"property plaintext"
Opener = Callable[[bytes], bytes]
# name -> (valid envelope, opener); openers are tried on every input, whatever made it.
CASES: dict[str, tuple[bytes, Opener]] = {
    "seal-A256GCM": (CTX.seal(PLAINTEXT, _K256, policy="a256", aad=b"a"),
                     lambda e: CTX.open(e, _K256, policy="a256", aad=b"a")),
    "seal-ChaCha20": (CTX.seal(PLAINTEXT, _KCHACHA, policy="chacha"),
                      lambda e: CTX.open(e, _KCHACHA, policy="chacha")),
    "sign-Ed25519": (CTX.sign(_ED, PLAINTEXT, policy="ed"),
                     lambda e: CTX.verify(_ED, e, policy="ed")),
    "sign-Ed25519-detached": (CTX.sign(_ED, PLAINTEXT, policy="ed", detached=True),
                              lambda e: CTX.verify(_ED, e, policy="ed", payload=PLAINTEXT)),
    "sign-ES256": (CTX.sign(_P256, PLAINTEXT, policy="p256", aad=b"a"),
                   lambda e: CTX.verify(_P256, e, policy="p256", aad=b"a")),
    "sign-ML-DSA-65": (CTX.sign(_MLDSA, PLAINTEXT, policy="mldsa"),
                       lambda e: CTX.verify(_MLDSA, e, policy="mldsa")),
    "encrypt-X25519": (CTX.encrypt(_HX, PLAINTEXT, policy="hx", aad=b"a"),
                       lambda e: CTX.decrypt(_HX, e, policy="hx", aad=b"a")),
    "encrypt-MLKEM768X25519": (CTX.encrypt(_HPQ, PLAINTEXT, policy="hpq"),
                               lambda e: CTX.decrypt(_HPQ, e, policy="hpq")),
}
OPENERS = {name: opener for name, (_, opener) in CASES.items()}


def _decoded(data: bytes) -> Any:
    try:
        return cbor2.loads(data)
    except Exception:
        return None


def _benign(data: bytes, envelope: bytes) -> bool:
    """True if ``data`` keeps every part of ``envelope`` that decides the result: the tag, the
    protected header bytes, payload or ciphertext, signature, and the unprotected parameters agile
    wrote (the IV of ``seal``, the ek of ``encrypt``; a Sign1 has none). Other unprotected
    parameters are unauthenticated and unused by that operation, so agile may ignore them (RFC 9052
    3); alg (1) and crit (2) must never be accepted there."""
    new, old = _decoded(data), _decoded(envelope)
    if not (isinstance(new, cbor2.CBORTag) and isinstance(old, cbor2.CBORTag)):
        return False
    if new.tag != old.tag or not isinstance(new.value, list) or len(new.value) != len(old.value):
        return False
    header, kept = new.value[1], old.value[1]
    return (new.value[0] == old.value[0] and new.value[2:] == old.value[2:]
            and isinstance(header, dict) and 1 not in header and 2 not in header
            and all(header.get(label) == value for label, value in kept.items()))


def _check(data: bytes, *, original: bytes | None = None, names: list[str] | None = None) -> None:
    """Run every opener in ``names`` on ``data``: AgileError, or the original plaintext if ``data``
    is a benign re-encoding of ``original`` (a valid envelope for that opener)."""
    for name in names or list(OPENERS):
        try:
            result = OPENERS[name](data)
        except AgileError:
            continue
        envelope = CASES[name][0]
        assert original == envelope and _benign(data, envelope), \
            f"{name} accepted a modified envelope: {data.hex()}"
        assert result == PLAINTEXT


# -- strategies -----------------------------------------------------------------------------------
_text = st.text(st.characters(codec="utf-8"), max_size=8)
_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(ALG_IDS), st.binary(max_size=48), _text,
    st.floats(allow_nan=False), st.just(cbor2.undefined),
    st.builds(cbor2.CBORSimpleValue, st.sampled_from([0, 16, 19, 32, 255])),
)
cbor_values = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.integers(-70000, 70000), _text), inner, max_size=4),
        st.builds(cbor2.CBORTag, st.sampled_from([0, 1, 2, 16, 17, 18, 24, 28, 29, 96, 258,
                                                  55799, 65536]), inner),
    ),
    max_leaves=8,
)
envelope_names = st.sampled_from(list(CASES))


@st.composite
def byte_mutations(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(original envelope, the envelope after 1-4 byte-level flips, insertions or deletions)."""
    original = CASES[draw(envelope_names)][0]
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "append"]))
        index = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and data:
            data[index] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[index:index] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and data:
            del data[index:index + draw(st.integers(1, 4))]
        elif kind == "truncate":
            del data[index:]
        else:
            data += draw(st.binary(min_size=1, max_size=4))
    return original, bytes(data)


@st.composite
def field_mutations(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(original envelope, a re-encoded envelope with a changed tag, field, header or shape)."""
    original = CASES[draw(envelope_names)][0]
    tagged = cbor2.loads(original)
    tag, body = tagged.tag, list(tagged.value)
    kind = draw(st.sampled_from(["tag", "field", "protected", "unprotected", "shape"]))
    if kind == "tag":
        tag = draw(st.sampled_from([16, 17, 18, 96, 97, 98, 0, 55799]))
    elif kind == "field":
        body[draw(st.integers(0, len(body) - 1))] = draw(cbor_values)
    elif kind in ("protected", "unprotected"):
        index = 0 if kind == "protected" else 1
        header = dict(cbor2.loads(body[0])) if index == 0 else dict(body[1])
        label = draw(st.one_of(st.sampled_from(LABELS), st.integers(-70000, 70000)))
        if draw(st.booleans()) and label in header:
            del header[label]
        else:
            header[label] = draw(st.one_of(st.sampled_from(ALG_IDS), cbor_values))
        body[index] = bytes(cbor2.dumps(header)) if index == 0 else header
    elif draw(st.booleans()) and body:
        body.pop(draw(st.integers(0, len(body) - 1)))
    else:
        body.insert(draw(st.integers(0, len(body))), draw(cbor_values))
    return original, bytes(cbor2.dumps(cbor2.CBORTag(tag, body)))


# -- properties -----------------------------------------------------------------------------------
def test_every_case_opens_unmodified() -> None:
    for name, (envelope, opener) in CASES.items():
        assert opener(envelope) == PLAINTEXT, name


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _check(data)


@SETTINGS
@given(st.sampled_from([b"\xd0\x83", b"\xd2\x84", b"\xd0", b"\xd2", b"\xd0\x83\x43\xa1\x01\x03"]),
       st.binary(max_size=200))
def test_random_bytes_after_cose_heads(head: bytes, tail: bytes) -> None:
    _check(head + tail)


@SETTINGS
@given(cbor_values)
def test_random_cbor_documents(value: Any) -> None:
    _check(bytes(cbor2.dumps(value)))
    _check(bytes(cbor2.dumps(cbor2.CBORTag(16, value))), names=["seal-A256GCM", "encrypt-X25519"])
    _check(bytes(cbor2.dumps(cbor2.CBORTag(18, value))), names=["sign-Ed25519", "sign-ES256"])


@SETTINGS
@given(byte_mutations())
def test_byte_mutations_of_valid_envelopes(mutation: tuple[bytes, bytes]) -> None:
    original, data = mutation
    _check(data, original=original)


@SETTINGS
@given(field_mutations())
def test_reencoded_envelopes_with_changed_fields(mutation: tuple[bytes, bytes]) -> None:
    original, data = mutation
    _check(data, original=original)


@pytest.mark.parametrize("name", list(CASES))
def test_unmodified_reencoding_still_opens(name: str) -> None:
    """cbor2 re-encodes agile's envelopes byte for byte (agile writes preferred serialization)."""
    envelope, opener = CASES[name]
    again = bytes(cbor2.dumps(cbor2.loads(envelope)))
    assert again == envelope
    assert opener(again) == PLAINTEXT
