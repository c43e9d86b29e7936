"""Hybrid KEM keys built from pyca components.

``XWingKey`` is ML-KEM-768 + X25519 as specified by draft-connolly-cfrg-xwing-kem (wire-identical
to HPKE KEM 0x647A, MLKEM768-X25519): a 32-byte seed expanded with SHAKE256 into the ML-KEM-768
seed (d || z) and the X25519 private key; shared secret
SHA3-256(ss_M || ss_X || ct_X || pk_X || label).
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes, hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519

from .._types import Buffer
from ..errors import InvalidKey, Reason, UnsupportedAlgorithm

_XWING_LABEL = b"\\.//^\\"
_MLKEM768_PK, _MLKEM768_CT = 1184, 1088


def _shake256(data: bytes, size: int) -> bytes:
    h = hashes.Hash(hashes.SHAKE256(digest_size=size))
    h.update(data)
    return h.finalize()


def _xwing_combine(ss_m: bytes, ss_x: bytes, ct_x: bytes, pk_x: bytes) -> bytes:
    h = hashes.Hash(hashes.SHA3_256())
    h.update(ss_m + ss_x + ct_x + pk_x + _XWING_LABEL)
    return h.finalize()


class _XWingPublic:
    __slots__ = ("_mlkem", "_x25519")

    def __init__(self, mlkem_pub: mlkem.MLKEM768PublicKey,
                 x_pub: x25519.X25519PublicKey) -> None:
        self._mlkem = mlkem_pub
        self._x25519 = x_pub

    def public_bytes_raw(self) -> bytes:
        return self._mlkem.public_bytes_raw() + self._x25519.public_bytes_raw()

    def to_hpke(self) -> hpke.MLKEM768X25519PublicKey:
        return hpke.MLKEM768X25519PublicKey(self._mlkem, self._x25519)

    def encapsulate(self) -> tuple[bytes, bytes]:
        ephemeral = x25519.X25519PrivateKey.generate()
        ct_x = ephemeral.public_key().public_bytes_raw()
        ss_x = ephemeral.exchange(self._x25519)
        ss_m, ct_m = self._mlkem.encapsulate()
        return _xwing_combine(ss_m, ss_x, ct_x, self._x25519.public_bytes_raw()), ct_m + ct_x


class XWingKey:
    """An X-Wing private key, held as its 32-byte seed plus the expanded components."""

    __slots__ = ("_mlkem", "_public", "_seed", "_x25519")
    Public = _XWingPublic

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise InvalidKey("MLKEM768-X25519 private key (seed) must be 32 bytes")
        expanded = _shake256(seed, 96)
        self._seed = seed
        self._mlkem = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        self._x25519 = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
        self._public = _XWingPublic(self._mlkem.public_key(), self._x25519.public_key())

    def __repr__(self) -> str:
        return "<XWingKey>"

    @classmethod
    def generate(cls) -> XWingKey:
        return cls(os.urandom(32))

    @classmethod
    def from_seed(cls, seed: Buffer) -> XWingKey:
        return cls(bytes(seed))

    @staticmethod
    def public_from_bytes(raw: bytes) -> _XWingPublic:
        if len(raw) != _MLKEM768_PK + 32:
            raise InvalidKey(f"MLKEM768-X25519 public key must be {_MLKEM768_PK + 32} bytes")
        return _XWingPublic(mlkem.MLKEM768PublicKey.from_public_bytes(raw[:_MLKEM768_PK]),
                            x25519.X25519PublicKey.from_public_bytes(raw[_MLKEM768_PK:]))

    def public_key(self) -> _XWingPublic:
        return self._public

    def private_bytes_raw(self) -> bytes:
        return self._seed

    def to_hpke(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(self._mlkem, self._x25519)

    def decapsulate(self, ciphertext: bytes) -> bytes:
        if len(ciphertext) != _MLKEM768_CT + 32:
            raise ValueError("bad ciphertext length")
        ct_m, ct_x = ciphertext[:_MLKEM768_CT], ciphertext[_MLKEM768_CT:]
        ss_m = self._mlkem.decapsulate(ct_m)
        ss_x = self._x25519.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
        return _xwing_combine(ss_m, ss_x, ct_x, self._x25519.public_key().public_bytes_raw())


_P384_POINT = 97
_MLKEM1024_PK = 1568
_NOT_YET = ("MLKEM1024-P384 seed encoding and direct encapsulation come with the hybrid combiners; "
            "use it through HPKE")


class _MLKEM1024P384Public:
    __slots__ = ("_ec", "_mlkem")

    def __init__(self, mlkem_pub: mlkem.MLKEM1024PublicKey, ec_pub: ec.EllipticCurvePublicKey):
        self._mlkem = mlkem_pub
        self._ec = ec_pub

    def public_bytes_raw(self) -> bytes:
        point = self._ec.public_bytes(serialization.Encoding.X962,
                                      serialization.PublicFormat.UncompressedPoint)
        return self._mlkem.public_bytes_raw() + point

    def to_hpke(self) -> hpke.MLKEM1024P384PublicKey:
        return hpke.MLKEM1024P384PublicKey(self._mlkem, self._ec)

    def encapsulate(self) -> tuple[bytes, bytes]:
        raise UnsupportedAlgorithm(_NOT_YET, Reason.OPERATION)


class MLKEM1024P384Key:
    """ML-KEM-1024 + P-384 for HPKE (KEM 0x0051); random generation only for now."""

    __slots__ = ("_ec", "_mlkem", "_public")
    Public = _MLKEM1024P384Public

    def __init__(self, mlkem_key: mlkem.MLKEM1024PrivateKey,
                 ec_key: ec.EllipticCurvePrivateKey) -> None:
        self._mlkem = mlkem_key
        self._ec = ec_key
        self._public = _MLKEM1024P384Public(mlkem_key.public_key(), ec_key.public_key())

    def __repr__(self) -> str:
        return "<MLKEM1024P384Key>"

    @classmethod
    def generate(cls) -> MLKEM1024P384Key:
        return cls(mlkem.MLKEM1024PrivateKey.generate(), ec.generate_private_key(ec.SECP384R1()))

    @staticmethod
    def public_from_bytes(raw: bytes) -> _MLKEM1024P384Public:
        if len(raw) != _MLKEM1024_PK + _P384_POINT:
            raise InvalidKey(f"MLKEM1024-P384 public key must be {_MLKEM1024_PK + _P384_POINT} bytes")
        return _MLKEM1024P384Public(
            mlkem.MLKEM1024PublicKey.from_public_bytes(raw[:_MLKEM1024_PK]),
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), raw[_MLKEM1024_PK:]))

    @staticmethod
    def private_from_bytes(raw: bytes) -> MLKEM1024P384Key:
        raise UnsupportedAlgorithm(_NOT_YET, Reason.OPERATION)

    def public_key(self) -> _MLKEM1024P384Public:
        return self._public

    def private_bytes_raw(self) -> bytes:
        raise UnsupportedAlgorithm(_NOT_YET, Reason.OPERATION)

    def to_hpke(self) -> hpke.MLKEM1024P384PrivateKey:
        return hpke.MLKEM1024P384PrivateKey(self._mlkem, self._ec)

    def decapsulate(self, ciphertext: bytes) -> bytes:
        raise UnsupportedAlgorithm(_NOT_YET, Reason.OPERATION)
