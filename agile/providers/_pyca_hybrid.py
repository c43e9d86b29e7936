"""Hybrid KEM keys built from pyca components, each to its specification.

The three "CG" (C2PRI combiner, nominal group) hybrids of draft-irtf-cfrg-concrete-hybrid-kems,
as used by draft-ietf-hpke-pq (revision checked: hpkewg/hpke-pq @ 74dafaa6, whose reference code
pins cfrg/draft-irtf-cfrg-concrete-hybrid-kems @ 44fa9197):

=================  ===========  =====  =====  =====  =====  ====================
name               HPKE KEM id  Nseed  Nek    Nct    Nss    label
=================  ===========  =====  =====  =====  =====  ====================
MLKEM768-X25519    0x647A       32     1216   1120   32     ``\\.//^\\`` (X-Wing)
MLKEM768-P256      0x0050       32     1249   1153   32     ``MLKEM768-P256``
MLKEM1024-P384     0x0051       32     1665   1665   32     ``MLKEM1024-P384``
=================  ===========  =====  =====  =====  =====  ====================

The private key is the 32-byte seed. ``DeriveKeyPair(seed)``: ``e = SHAKE256(seed, 64 + Nseed_T)``;
the ML-KEM key is ``KeyGen_internal(e[0:32], e[32:64])``; the traditional scalar is
``RandomScalar(e[64:])``: the 32 bytes themselves for X25519 (Nseed_T 32), and for the NIST curves
rejection sampling over consecutive big-endian ``Nscalar``-byte candidates, taking the first with
``0 < k < order`` (P-256: Nseed_T 96, three candidates; P-384: Nseed_T 48, one candidate; running
out fails, with probability below 2^-96 resp. 2^-190). Public key ``ek_PQ || ek_T`` and ciphertext
``ct_PQ || ct_T``, EC points uncompressed (SEC 1); ``ss_T`` is the X25519 output or the ECDH x
coordinate; ``ss = SHA3-256(ss_PQ || ss_T || ct_T || ek_T || label)``.

``X25519MLKEM768`` is the TLS 1.3 hybrid group 0x11EC (draft-ietf-tls-ecdhe-mlkem): key share
``ek_MLKEM768 || X25519 public`` (1216 bytes), ciphertext ``ct_MLKEM768 || X25519 ephemeral
public`` (1120 bytes), shared secret ``ss_MLKEM || ss_X25519`` (64 bytes, not hashed: it is only
secure inside the TLS transcript). agile's private encoding for it is the ML-KEM-768 seed (64) ||
the X25519 private key (32), 96 bytes.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, ClassVar

from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519

from .._types import Buffer
from ..errors import InvalidKey

_X962 = serialization.Encoding.X962
_UNCOMPRESSED = serialization.PublicFormat.UncompressedPoint
_ECDH = ec.ECDH()
_SEED_SIZE = 32
_MLKEM_SEED_SIZE = 64


class _SeedRejected(Exception):
    """RandomScalar ran out of candidates (probability < 2^-96 for a uniformly random seed)."""


# --- nominal groups --------------------------------------------------------------------------


class _X25519Group:
    """Curve25519: RandomScalar is the identity, ElementToSharedSecret the identity.

    An all-zero X25519 output (low-order peer point) is part of the X-Wing specification, which has
    no zero check; pyca refuses to return it, so the zero value is restored here.
    """

    name = "X25519"
    seed_size = element_size = 32

    @staticmethod
    def derive(seed_t: bytes) -> x25519.X25519PrivateKey:
        return x25519.X25519PrivateKey.from_private_bytes(seed_t)

    @staticmethod
    def generate() -> x25519.X25519PrivateKey:
        return x25519.X25519PrivateKey.generate()

    @staticmethod
    def element(public: Any) -> bytes:
        return public.public_bytes_raw()  # type: ignore[no-any-return]

    @staticmethod
    def load(raw: bytes) -> x25519.X25519PublicKey:
        return x25519.X25519PublicKey.from_public_bytes(raw)

    @staticmethod
    def exchange(private: Any, peer: Any) -> bytes:
        try:
            return private.exchange(peer)  # type: ignore[no-any-return]
        except ValueError:
            return bytes(32)  # X25519 of a low-order point: all zeros, as the spec computes it


class _NistGroup:
    """P-256 / P-384 with the rejection-sampling RandomScalar; ElementToSharedSecret = x."""

    def __init__(self, name: str, curve: ec.EllipticCurve, order: int, candidates: int) -> None:
        self.name = name
        self.curve = curve
        self.order = order
        self.scalar_size = (order.bit_length() + 7) // 8
        self.seed_size = candidates * self.scalar_size
        self.element_size = 1 + 2 * self.scalar_size

    def derive(self, seed_t: bytes) -> ec.EllipticCurvePrivateKey:
        n = self.scalar_size
        for start in range(0, self.seed_size, n):
            k = int.from_bytes(seed_t[start:start + n], "big")
            if 0 < k < self.order:
                return ec.derive_private_key(k, self.curve)
        raise _SeedRejected(self.name)

    def generate(self) -> ec.EllipticCurvePrivateKey:
        # Uniform in [1, order-1]: the distribution RandomScalar gives a uniformly random seed.
        return ec.generate_private_key(self.curve)

    @staticmethod
    def element(public: Any) -> bytes:
        return public.public_bytes(_X962, _UNCOMPRESSED)  # type: ignore[no-any-return]

    def load(self, raw: bytes) -> ec.EllipticCurvePublicKey:
        if len(raw) != self.element_size or raw[0] != 0x04:
            raise ValueError(f"{self.name} element must be an uncompressed point")
        return ec.EllipticCurvePublicKey.from_encoded_point(self.curve, raw)

    @staticmethod
    def exchange(private: Any, peer: Any) -> bytes:
        return private.exchange(_ECDH, peer)  # type: ignore[no-any-return]


_P256 = _NistGroup(
    "P-256", ec.SECP256R1(),
    0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551, candidates=3)
_P384 = _NistGroup(
    "P-384", ec.SECP384R1(),
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    candidates=1)


# --- the CG hybrids (X-Wing, MLKEM768-P256, MLKEM1024-P384) ----------------------------------


class _CGPublic:
    """A CG hybrid public (encapsulation) key: ``ek_PQ || ek_T``."""

    __slots__ = ("_ek_pq", "_ek_t", "_mlkem", "_t")
    _GROUP: ClassVar[Any]
    _LABEL: ClassVar[bytes]

    def __init__(self, mlkem_pub: Any, t_pub: Any) -> None:
        self._mlkem = mlkem_pub
        self._t = t_pub
        self._ek_pq: bytes = mlkem_pub.public_bytes_raw()
        self._ek_t: bytes = self._GROUP.element(t_pub)

    def public_bytes_raw(self) -> bytes:
        return self._ek_pq + self._ek_t

    def encapsulate(self) -> tuple[bytes, bytes]:
        """Returns (shared_secret, ciphertext): 32 bytes, ``ct_PQ || ct_T``."""
        group = self._GROUP
        ss_pq, ct_pq = self._mlkem.encapsulate()
        ephemeral = group.generate()
        ct_t = group.element(ephemeral.public_key())
        ss_t = group.exchange(ephemeral, self._t)
        shared = hashlib.sha3_256(ss_pq + ss_t + ct_t + self._ek_t + self._LABEL).digest()
        return shared, ct_pq + ct_t


class _CGKey:
    """A CG hybrid private key, held as its 32-byte seed plus the expanded components."""

    __slots__ = ("_ek_t", "_mlkem", "_public", "_seed", "_t")
    NAME: ClassVar[str]
    Public: ClassVar[type[_CGPublic]]
    _MLKEM: ClassVar[Any]
    _MLKEM_PUBLIC: ClassVar[Any]
    _PK_PQ: ClassVar[int]
    _CT_PQ: ClassVar[int]

    def __init__(self, seed: bytes) -> None:
        if len(seed) != _SEED_SIZE:
            raise InvalidKey(f"{self.NAME} private key (seed) must be {_SEED_SIZE} bytes")
        group = self.Public._GROUP
        expanded = hashlib.shake_256(seed).digest(_MLKEM_SEED_SIZE + group.seed_size)
        self._seed = seed
        self._mlkem = self._MLKEM.from_seed_bytes(expanded[:_MLKEM_SEED_SIZE])
        self._t = group.derive(expanded[_MLKEM_SEED_SIZE:])
        self._public = self.Public(self._mlkem.public_key(), self._t.public_key())
        self._ek_t = self._public._ek_t

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @classmethod
    def generate(cls) -> Any:
        while True:
            try:
                return cls(os.urandom(_SEED_SIZE))
            except _SeedRejected:  # pragma: no cover - probability < 2^-96
                continue

    @classmethod
    def from_seed(cls, seed: Buffer) -> Any:
        """The key pair ``DeriveKeyPair(seed)``; raises InvalidKey for the (negligibly rare) seeds
        whose scalar candidates are all out of range."""
        try:
            return cls(bytes(seed))
        except _SeedRejected as exc:
            raise InvalidKey(f"this seed yields no valid {exc} scalar ({cls.NAME} "
                             "DeriveKeyPair fails for it)") from None

    private_from_bytes = from_seed

    @classmethod
    def public_from_bytes(cls, raw: bytes) -> Any:
        group = cls.Public._GROUP
        if len(raw) != cls._PK_PQ + group.element_size:
            raise InvalidKey(f"{cls.NAME} public key must be {cls._PK_PQ + group.element_size} "
                             "bytes")
        return cls.Public(cls._MLKEM_PUBLIC.from_public_bytes(raw[:cls._PK_PQ]),
                          group.load(raw[cls._PK_PQ:]))

    def public_key(self) -> Any:
        return self._public

    def private_bytes_raw(self) -> bytes:
        """The 32-byte seed (the specification's decapsulation key)."""
        return self._seed

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """The 32-byte shared secret; ML-KEM rejects implicitly, a bad EC point raises ValueError."""
        group = self.Public._GROUP
        n = self._CT_PQ
        if len(ciphertext) != n + group.element_size:
            raise ValueError("bad ciphertext length")
        ct_t = ciphertext[n:]
        ss_pq = self._mlkem.decapsulate(ciphertext[:n])
        ss_t = group.exchange(self._t, group.load(ct_t))
        return hashlib.sha3_256(ss_pq + ss_t + ct_t + self._ek_t + self.Public._LABEL).digest()


class _XWingPublic(_CGPublic):
    __slots__ = ()
    _GROUP = _X25519Group()
    _LABEL = b"\\.//^\\"

    def to_hpke(self) -> hpke.MLKEM768X25519PublicKey:
        return hpke.MLKEM768X25519PublicKey(self._mlkem, self._t)


class XWingKey(_CGKey):
    """MLKEM768-X25519 (X-Wing, draft-connolly-cfrg-xwing-kem; HPKE KEM 0x647A)."""

    __slots__ = ()
    NAME = "MLKEM768-X25519"
    Public = _XWingPublic
    _MLKEM, _MLKEM_PUBLIC = mlkem.MLKEM768PrivateKey, mlkem.MLKEM768PublicKey
    _PK_PQ, _CT_PQ = 1184, 1088

    def to_hpke(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(self._mlkem, self._t)


class _MLKEM768P256Public(_CGPublic):
    __slots__ = ()
    _GROUP = _P256
    _LABEL = b"MLKEM768-P256"


class MLKEM768P256Key(_CGKey):
    """MLKEM768-P256 (HPKE KEM 0x0050). pyca's HPKE has no such KEM: no ``to_hpke``."""

    __slots__ = ()
    NAME = "MLKEM768-P256"
    Public = _MLKEM768P256Public
    _MLKEM, _MLKEM_PUBLIC = mlkem.MLKEM768PrivateKey, mlkem.MLKEM768PublicKey
    _PK_PQ, _CT_PQ = 1184, 1088


class _MLKEM1024P384Public(_CGPublic):
    __slots__ = ()
    _GROUP = _P384
    _LABEL = b"MLKEM1024-P384"

    def to_hpke(self) -> hpke.MLKEM1024P384PublicKey:
        return hpke.MLKEM1024P384PublicKey(self._mlkem, self._t)


class MLKEM1024P384Key(_CGKey):
    """MLKEM1024-P384 (HPKE KEM 0x0051)."""

    __slots__ = ()
    NAME = "MLKEM1024-P384"
    Public = _MLKEM1024P384Public
    _MLKEM, _MLKEM_PUBLIC = mlkem.MLKEM1024PrivateKey, mlkem.MLKEM1024PublicKey
    _PK_PQ, _CT_PQ = 1568, 1568

    def to_hpke(self) -> hpke.MLKEM1024P384PrivateKey:
        return hpke.MLKEM1024P384PrivateKey(self._mlkem, self._t)


# --- X25519MLKEM768, the TLS 1.3 group -------------------------------------------------------

_TLS_PK_M, _TLS_CT_M = 1184, 1088


def _tls_x25519(private: x25519.X25519PrivateKey, peer: x25519.X25519PublicKey) -> bytes:
    # RFC 8446 7.4.2: an all-zero X25519 result aborts; pyca raises ValueError for exactly that.
    return private.exchange(peer)


class _X25519MLKEM768Public:
    __slots__ = ("_mlkem", "_raw", "_x25519")

    def __init__(self, mlkem_pub: mlkem.MLKEM768PublicKey,
                 x_pub: x25519.X25519PublicKey) -> None:
        self._mlkem = mlkem_pub
        self._x25519 = x_pub
        self._raw = mlkem_pub.public_bytes_raw() + x_pub.public_bytes_raw()

    def public_bytes_raw(self) -> bytes:
        """The client key share: ML-KEM-768 ek (1184) || X25519 public (32)."""
        return self._raw

    def encapsulate(self) -> tuple[bytes, bytes]:
        """Returns (shared_secret, ciphertext): ``ss_MLKEM || ss_X25519`` (64 bytes), the server
        share ``ct_MLKEM || X25519 ephemeral public`` (1120 bytes)."""
        ss_m, ct_m = self._mlkem.encapsulate()
        ephemeral = x25519.X25519PrivateKey.generate()
        try:
            ss_x = _tls_x25519(ephemeral, self._x25519)
        except ValueError:
            raise InvalidKey("X25519MLKEM768 key share has a low-order X25519 point") from None
        return ss_m + ss_x, ct_m + ephemeral.public_key().public_bytes_raw()


class X25519MLKEM768Key:
    """The TLS hybrid X25519MLKEM768; raw private encoding: ML-KEM seed (64) || X25519 key (32)."""

    __slots__ = ("_mlkem", "_public", "_x25519")
    NAME = "X25519MLKEM768"
    Public = _X25519MLKEM768Public

    def __init__(self, mlkem_key: mlkem.MLKEM768PrivateKey,
                 x_key: x25519.X25519PrivateKey) -> None:
        self._mlkem = mlkem_key
        self._x25519 = x_key
        self._public = _X25519MLKEM768Public(mlkem_key.public_key(), x_key.public_key())

    def __repr__(self) -> str:
        return "<X25519MLKEM768Key>"

    @classmethod
    def generate(cls) -> X25519MLKEM768Key:
        return cls(mlkem.MLKEM768PrivateKey.generate(), x25519.X25519PrivateKey.generate())

    @classmethod
    def private_from_bytes(cls, raw: Buffer) -> X25519MLKEM768Key:
        data = bytes(raw)
        if len(data) != _MLKEM_SEED_SIZE + 32:
            raise InvalidKey("X25519MLKEM768 private key must be 96 bytes "
                             "(ML-KEM-768 seed || X25519 private key)")
        return cls(mlkem.MLKEM768PrivateKey.from_seed_bytes(data[:_MLKEM_SEED_SIZE]),
                   x25519.X25519PrivateKey.from_private_bytes(data[_MLKEM_SEED_SIZE:]))

    from_seed = private_from_bytes

    @staticmethod
    def public_from_bytes(raw: bytes) -> _X25519MLKEM768Public:
        if len(raw) != _TLS_PK_M + 32:
            raise InvalidKey(f"X25519MLKEM768 public key must be {_TLS_PK_M + 32} bytes")
        return _X25519MLKEM768Public(mlkem.MLKEM768PublicKey.from_public_bytes(raw[:_TLS_PK_M]),
                                     x25519.X25519PublicKey.from_public_bytes(raw[_TLS_PK_M:]))

    def public_key(self) -> _X25519MLKEM768Public:
        return self._public

    def private_bytes_raw(self) -> bytes:
        return self._mlkem.private_bytes_raw() + self._x25519.private_bytes_raw()

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """``ss_MLKEM || ss_X25519`` (64 bytes); an all-zero X25519 result raises ValueError."""
        if len(ciphertext) != _TLS_CT_M + 32:
            raise ValueError("bad ciphertext length")
        ss_m = self._mlkem.decapsulate(ciphertext[:_TLS_CT_M])
        peer = x25519.X25519PublicKey.from_public_bytes(ciphertext[_TLS_CT_M:])
        return ss_m + _tls_x25519(self._x25519, peer)


HYBRID_KEYS: dict[str, Any] = {
    cls.NAME: cls for cls in (XWingKey, MLKEM768P256Key, MLKEM1024P384Key, X25519MLKEM768Key)
}
"""Key type -> private key class, for every hybrid KEM key type this module implements."""
