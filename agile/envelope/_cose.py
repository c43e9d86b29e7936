"""COSE (RFC 9052) structures agile writes and reads: COSE_Encrypt0 and COSE_Sign1.

Encoding of the fixed, canonical layout agile emits is done by concatenation (the hot path of
``seal``); everything is decoded strictly: preferred CBOR encoding (RFC 8949 4.1, which also
rules out repeated map labels), exact tag, array shape and types, an integer ``alg`` only in the
protected bucket, no label in both buckets, no ``crit``, no Partial IV, no trailing bytes. Any
violation raises :class:`MalformedEnvelope`, never a decoder exception.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cbor2

from ..errors import MalformedEnvelope

TAG_ENCRYPT0 = 16
TAG_SIGN1 = 18
ALG, CRIT, KID, IV, PARTIAL_IV, EK = 1, 2, 4, 5, 6, -4  # RFC 9052 labels; -4 "ek" (COSE-HPKE)


def bstr_head(length: int) -> bytes:
    """The CBOR head of a byte string of ``length`` bytes (major type 2)."""
    if length < 24:
        return bytes((0x40 | length,))
    if length < 0x100:
        return bytes((0x58, length))
    if length < 0x10000:
        return b"\x59" + length.to_bytes(2, "big")
    if length < 0x100000000:
        return b"\x5a" + length.to_bytes(4, "big")
    return b"\x5b" + length.to_bytes(8, "big")


_SMALL_HEADS = [bytes((0x40 | n,)) if n < 24 else bytes((0x58, n)) for n in range(256)]


def bstr_head_fast(length: int) -> bytes:
    """``bstr_head`` with a table lookup for the common short lengths."""
    return _SMALL_HEADS[length] if length < 256 else bstr_head(length)


def protected_header(alg: int, kid: bytes | None) -> bytes:
    """The serialized protected header map {1: alg, 4: kid}."""
    header: dict[int, Any] = {ALG: alg}
    if kid is not None:
        header[KID] = kid
    return bytes(cbor2.dumps(header))


_ENC0_CONTEXT = b"\x83\x68Encrypt0"
_SIG1_CONTEXT = b"\x84\x6aSignature1"


def enc_structure(protected: bytes, external_aad: bytes) -> bytes:
    """Enc_structure = ["Encrypt0", protected, external_aad] (RFC 9052 section 5.3)."""
    return (_ENC0_CONTEXT + bstr_head(len(protected)) + protected
            + bstr_head(len(external_aad)) + external_aad)


def sig_structure(protected: bytes, external_aad: bytes, payload: bytes) -> bytes:
    """Sig_structure = ["Signature1", protected, external_aad, payload] (RFC 9052 4.4)."""
    return (_SIG1_CONTEXT + bstr_head(len(protected)) + protected
            + bstr_head(len(external_aad)) + external_aad + bstr_head(len(payload)) + payload)


def encode_encrypt0(protected: bytes, unprotected: dict[int, Any], ciphertext: bytes) -> bytes:
    return bytes(cbor2.dumps(cbor2.CBORTag(TAG_ENCRYPT0, [protected, unprotected, ciphertext])))


def encode_sign1(protected: bytes, payload: bytes | None, signature: bytes) -> bytes:
    return bytes(cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, [protected, {}, payload, signature])))


@dataclass(frozen=True, slots=True)
class Parsed:
    """A decoded COSE_Encrypt0 or COSE_Sign1 (payload is None when detached)."""

    tag: int
    protected: bytes
    alg: int
    kid: bytes | None
    unprotected: dict[int, Any]
    content: bytes | None  # ciphertext (Encrypt0) or payload (Sign1)
    signature: bytes = b""
    protected_map: dict[Any, Any] | None = None

    def param(self, label: int) -> Any:
        """A header parameter from either bucket (RFC 9052 3: one set; labels never repeated)."""
        found = (self.protected_map or {}).get(label)
        return found if found is not None else self.unprotected.get(label)


def _loads_exact(data: bytes) -> Any:
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # cbor2 raises several error types; none may escape
        raise MalformedEnvelope("not well-formed CBOR") from exc
    if stream.tell() != len(data):
        raise MalformedEnvelope("trailing bytes after the COSE structure")
    return value


def parse_protected(protected: bytes) -> tuple[int, bytes | None]:
    """Strictly decode a protected header; return (alg, kid)."""
    header = _protected_map(protected)
    return header[ALG], header.get(KID)


def _protected_map(protected: bytes) -> dict[Any, Any]:
    """Strictly decode a protected header map with an integer alg and a bytes kid (if any)."""
    if not protected:
        raise MalformedEnvelope("empty protected header: alg must be protected")
    header = _loads_exact(protected)
    if not isinstance(header, dict):
        raise MalformedEnvelope("protected header is not a map")
    try:
        again = cbor2.dumps(header)
    except Exception as exc:
        raise MalformedEnvelope("protected header holds unsupported values") from exc
    if again != protected:  # catches duplicate labels and non-minimal encodings
        raise MalformedEnvelope("protected header is not minimally encoded or repeats a label")
    if CRIT in header:
        raise MalformedEnvelope("critical header parameters are not supported")
    alg = header.get(ALG)
    if type(alg) is not int:
        raise MalformedEnvelope("protected header lacks an integer alg")
    kid = header.get(KID)
    if kid is not None and type(kid) is not bytes:
        raise MalformedEnvelope("kid must be a byte string")
    return header


def parse(data: object, tag: int) -> Parsed:
    """Decode a tagged COSE_Encrypt0 (tag 16) or COSE_Sign1 (tag 18) strictly."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedEnvelope(f"envelope must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    value = _loads_exact(raw)
    try:
        canonical = cbor2.dumps(value) == raw
    except Exception:
        canonical = False
    if not canonical:  # catches repeated labels in the unprotected map (RFC 9052 3 and 9)
        raise MalformedEnvelope("envelope is not in preferred CBOR encoding or repeats a label")
    if not isinstance(value, cbor2.CBORTag) or value.tag != tag:
        name = "COSE_Encrypt0" if tag == TAG_ENCRYPT0 else "COSE_Sign1"
        raise MalformedEnvelope(f"not a tagged {name} (CBOR tag {tag})")
    body = value.value
    size = 3 if tag == TAG_ENCRYPT0 else 4
    if not isinstance(body, list) or len(body) != size:
        raise MalformedEnvelope(f"COSE structure must be an array of {size}")
    protected, unprotected = body[0], body[1]
    if type(protected) is not bytes or not isinstance(unprotected, dict):
        raise MalformedEnvelope("bad header fields")
    header = _protected_map(protected)
    alg, kid = header[ALG], header.get(KID)
    if ALG in unprotected or CRIT in unprotected:
        raise MalformedEnvelope("alg and crit must not appear in the unprotected header")
    if set(header) & set(unprotected):
        raise MalformedEnvelope("a header parameter appears in both buckets")
    if PARTIAL_IV in header or PARTIAL_IV in unprotected:
        raise MalformedEnvelope("Partial IV is not supported")
    if kid is None:
        kid_u = unprotected.get(KID)
        if kid_u is not None and type(kid_u) is not bytes:
            raise MalformedEnvelope("kid must be a byte string")
        kid = kid_u
    content = body[2]
    if tag == TAG_ENCRYPT0:
        if type(content) is not bytes:
            raise MalformedEnvelope("ciphertext must be a byte string")
        return Parsed(tag, protected, alg, kid, unprotected, content, protected_map=header)
    if content is not None and type(content) is not bytes:
        raise MalformedEnvelope("payload must be a byte string or nil")
    signature = body[3]
    if type(signature) is not bytes:
        raise MalformedEnvelope("signature must be a byte string")
    return Parsed(tag, protected, alg, kid, unprotected, content, signature, header)
