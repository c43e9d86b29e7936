"""Composite ML-DSA signatures (draft-ietf-lamps-pq-composite-sigs) built from pyca components.

Every combination signs the message representative

    M' = Prefix || Label || len(ctx) || ctx || PH(M)

with ML-DSA (FIPS 204, pure, its context set to ``Label``) and with the traditional algorithm
(RSASSA-PSS, RSASSA-PKCS1-v1_5, ECDSA or EdDSA); verification requires both. ``Prefix`` is
``b"CompositeAlgorithmSignatures2025"``; ``Label``, ``PH`` and the components come from the
registry descriptor (``agile.algorithms._catalog_composite``). Encodings are concatenations:

* public key: ML-DSA public key || RSAPublicKey DER / X9.62 uncompressed point / raw Ed key
* private key: 32-byte ML-DSA seed || RSAPrivateKey DER / ECPrivateKey DER (curve OID, no
  publicKey) / raw Ed key
* signature: ML-DSA signature || RSA signature / Ecdsa-Sig-Value DER / raw EdDSA signature

Traditional key encodings are read strictly (the draft's one encoding, RSA of the named size).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm as _PycaUnsupported
from cryptography.hazmat.backends.openssl import backend as _backend
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, mldsa, padding, rsa

from .. import _der
from .._types import Buffer
from ..algorithms import Algorithm, Family
from ..errors import InvalidArgument, InvalidKey, InvalidSignature
from ._pyca_symmetric import HASH_CLASSES

PREFIX = b"CompositeAlgorithmSignatures2025"

_MLDSA: dict[str, tuple[Any, Any, int, int]] = {
    # name -> (private class, public class, public key size, signature size)
    "ML-DSA-44": (mldsa.MLDSA44PrivateKey, mldsa.MLDSA44PublicKey, 1312, 2420),
    "ML-DSA-65": (mldsa.MLDSA65PrivateKey, mldsa.MLDSA65PublicKey, 1952, 3309),
    "ML-DSA-87": (mldsa.MLDSA87PrivateKey, mldsa.MLDSA87PublicKey, 2592, 4627),
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1,
    "brainpoolP256r1": ec.BrainpoolP256R1, "brainpoolP384r1": ec.BrainpoolP384R1,
}
_ED: dict[str, tuple[Any, Any, int]] = {  # name -> (private class, public class, key size)
    "Ed25519": (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey, 32),
    "Ed448": (ed448.Ed448PrivateKey, ed448.Ed448PublicKey, 57),
}
_SEED = 32
_DER = serialization.Encoding.DER
_NOENC = serialization.NoEncryption()
_TRADITIONAL = serialization.PrivateFormat.TraditionalOpenSSL


def is_composite(alg: Algorithm) -> bool:
    """True for a composite ML-DSA descriptor (served by :class:`CompositeSignature`)."""
    return alg.family is Family.SIGNATURE and alg.params.get("combiner") == "composite-mldsa"


def composite_supported(alg: Algorithm) -> bool:
    """Whether the linked OpenSSL runs both components of ``alg``."""
    if not _backend.mldsa_supported():
        return False
    curve = alg.params.get("curve")
    return curve is None or _backend.elliptic_curve_supported(_CURVES[str(curve)]())


def _bytes(value: object, what: str) -> bytes:
    if type(value) is bytes:
        return value
    try:
        return memoryview(value).tobytes()  # type: ignore[arg-type]
    except TypeError:
        raise InvalidArgument(f"{what} must be bytes-like, not {type(value).__name__}") from None


class CompositePublicKey:
    """A composite public key: the ML-DSA and traditional pyca keys and their encoding."""

    __slots__ = ("_raw", "key_type", "mldsa", "trad")

    def __init__(self, key_type: str, mldsa_key: Any, trad_key: Any, raw: bytes) -> None:
        self.key_type = key_type
        self.mldsa = mldsa_key
        self.trad = trad_key
        self._raw = raw

    def public_bytes_raw(self) -> bytes:
        """mldsaPK || tradPK, the draft's SerializePublicKey."""
        return self._raw

    def __repr__(self) -> str:
        return f"<CompositePublicKey {self.key_type}>"


class CompositePrivateKey:
    """A composite private key: the ML-DSA key (from its seed) and the traditional pyca key."""

    __slots__ = ("_public", "key_type", "mldsa", "trad")

    def __init__(self, key_type: str, mldsa_key: Any, trad_key: Any,
                 public: CompositePublicKey) -> None:
        self.key_type = key_type
        self.mldsa = mldsa_key
        self.trad = trad_key
        self._public = public

    def public_key(self) -> CompositePublicKey:
        return self._public

    def __repr__(self) -> str:
        return f"<CompositePrivateKey {self.key_type}>"

    def __reduce__(self) -> Any:
        raise TypeError("composite private keys cannot be pickled")


NATIVE_TYPES = (CompositePrivateKey, CompositePublicKey)


def _strip_ec_public(der: bytes) -> bytes:
    """ECPrivateKey DER without its optional ``publicKey [1]`` field (as the draft requires)."""
    return _der.encode(_der.SEQUENCE, b"".join(f for f in _der.children(der) if f[0] != 0xA1))


class CompositeSignature:
    """One composite ML-DSA combination; ``sign`` returns mldsaSig || tradSig.

    ``context`` is the draft's application context (at most 255 bytes; None means empty).
    """

    def __init__(self, alg: Algorithm) -> None:
        params = alg.params
        self.name = alg.name
        self.key_type = str(alg.key_type)
        (self._mldsa_private, self._mldsa_public, self._mldsa_pk_size,
         self._mldsa_sig_size) = _MLDSA[alg.components[0]]
        self._label = str(params["label"]).encode("ascii")
        self._domain = PREFIX + self._label
        prehash = str(params["prehash"])
        self._prehash: hashes.HashAlgorithm = (
            hashes.SHAKE256(64) if prehash == "SHAKE256" else HASH_CLASSES[prehash]())
        self._trad = str(params["traditional"])
        hash_name = str(params["hash"])
        self._curve: type[ec.EllipticCurve] | None = None
        self._rsa_bits: int | None = None
        self._trad_pk_size: int | None = None
        self._trad_sig_size: int | None = None
        self._trad_sign: Callable[[Any, bytes], bytes]
        self._trad_verify: Callable[[Any, bytes, bytes], None]
        if self._trad in _ED:
            self._trad_pk_size = _ED[self._trad][2]
            self._trad_sig_size = 2 * self._trad_pk_size
            self._trad_sign = lambda key, m: key.sign(m)
            self._trad_verify = lambda key, s, m: key.verify(s, m)
        elif self._trad == "ECDSA":
            self._curve = _CURVES[str(params["curve"])]
            self._trad_pk_size = 1 + 2 * ((self._curve().key_size + 7) // 8)
            ecdsa = ec.ECDSA(HASH_CLASSES[hash_name]())
            self._trad_sign = lambda key, m: key.sign(m, ecdsa)
            self._trad_verify = lambda key, s, m: key.verify(s, m, ecdsa)
        else:
            self._rsa_bits = int(str(params["rsa_bits"]))
            self._trad_sig_size = self._rsa_bits // 8
            digest = HASH_CLASSES[hash_name]()
            pad: padding.AsymmetricPadding = (
                padding.PSS(mgf=padding.MGF1(HASH_CLASSES[hash_name]()),
                            salt_length=padding.PSS.DIGEST_LENGTH)
                if self._trad == "RSA-PSS" else padding.PKCS1v15())
            self._trad_sign = lambda key, m: key.sign(m, pad, digest)
            self._trad_verify = lambda key, s, m: key.verify(s, m, pad, digest)

    def __repr__(self) -> str:
        return f"<CompositeSignature {self.name}>"

    # -- the combiner ---------------------------------------------------------------------------
    def message_representative(self, data: Buffer, context: Buffer | None) -> bytes:
        """M' = Prefix || Label || len(ctx) || ctx || PH(M)."""
        ctx = b"" if context is None else _bytes(context, "context")
        if len(ctx) > 255:
            raise InvalidArgument("context must be at most 255 bytes")
        h = hashes.Hash(self._prehash)
        try:
            h.update(data)
        except TypeError:
            raise InvalidArgument(f"data must be bytes-like, not {type(data).__name__}") from None
        return b"".join((self._domain, bytes((len(ctx),)), ctx, h.finalize()))

    def sign(self, private: object, data: Buffer, context: Buffer | None) -> bytes:
        if type(private) is not CompositePrivateKey or private.key_type != self.key_type:
            raise InvalidKey(f"expected a {self.key_type} private key, got "
                             f"{getattr(private, 'key_type', type(private).__name__)}")
        m_prime = self.message_representative(data, context)
        return private.mldsa.sign(m_prime, self._label) + self._trad_sign(private.trad, m_prime)  # type: ignore[no-any-return]

    def verify(self, public: object, signature: Buffer, data: Buffer,
               context: Buffer | None) -> None:
        if type(public) is not CompositePublicKey or public.key_type != self.key_type:
            raise InvalidKey(f"expected a {self.key_type} public key, got "
                             f"{getattr(public, 'key_type', type(public).__name__)}")
        sig = _bytes(signature, "signature")
        m_prime = self.message_representative(data, context)
        cut = self._mldsa_sig_size
        if len(sig) <= cut or (self._trad_sig_size is not None
                               and len(sig) != cut + self._trad_sig_size):
            raise InvalidSignature()
        try:
            public.mldsa.verify(sig[:cut], m_prime, self._label)
            self._trad_verify(public.trad, sig[cut:], m_prime)
        except (_PycaInvalidSignature, ValueError):
            raise InvalidSignature() from None

    # -- keys -----------------------------------------------------------------------------------
    def generate(self, *, key_bits: int | None = None) -> object:
        """A fresh key pair: a new ML-DSA seed and a new traditional key (never reused)."""
        if key_bits is not None and key_bits != self._rsa_bits:
            fixed = f"is fixed at {self._rsa_bits} bits" if self._rsa_bits else "has no RSA part"
            raise InvalidArgument(f"key_bits: the RSA component of {self.name} {fixed}")
        ml = self._mldsa_private.generate()
        trad: Any
        if self._trad in _ED:
            trad = _ED[self._trad][0].generate()
        elif self._curve is not None:
            trad = ec.generate_private_key(self._curve())
        else:
            assert self._rsa_bits is not None
            trad = rsa.generate_private_key(public_exponent=65537, key_size=self._rsa_bits)
        return self._private(ml, trad)

    def _private(self, ml: Any, trad: Any) -> CompositePrivateKey:
        pub_trad = trad.public_key()
        raw = ml.public_key().public_bytes_raw() + self._trad_public_bytes(pub_trad)
        public = CompositePublicKey(self.key_type, ml.public_key(), pub_trad, raw)
        return CompositePrivateKey(self.key_type, ml, trad, public)

    def public_of(self, private: object) -> object:
        if type(private) is not CompositePrivateKey or private.key_type != self.key_type:
            raise InvalidKey(f"expected a {self.key_type} private key")
        return private.public_key()

    def _trad_public_bytes(self, trad: Any) -> bytes:
        if self._trad in _ED:
            return trad.public_bytes_raw()  # type: ignore[no-any-return]
        if self._curve is not None:
            return trad.public_bytes(serialization.Encoding.X962,  # type: ignore[no-any-return]
                                     serialization.PublicFormat.UncompressedPoint)
        return trad.public_bytes(_DER, serialization.PublicFormat.PKCS1)  # type: ignore[no-any-return]

    def public_bytes(self, public: object) -> bytes:
        if type(public) is not CompositePublicKey or public.key_type != self.key_type:
            raise InvalidKey(f"expected a {self.key_type} public key")
        return public.public_bytes_raw()

    def public_from_bytes(self, data: Buffer) -> object:
        raw = _bytes(data, "public key")
        cut = self._mldsa_pk_size
        if len(raw) <= cut or (self._trad_pk_size is not None
                               and len(raw) != cut + self._trad_pk_size):
            expected = (f"{cut + self._trad_pk_size} bytes" if self._trad_pk_size
                        else f"more than {cut} bytes")
            raise InvalidKey(f"{self.name} public key must be {expected}, got {len(raw)}")
        trad_raw = raw[cut:]
        try:
            ml = self._mldsa_public.from_public_bytes(raw[:cut])
            trad: Any
            if self._trad in _ED:
                trad = _ED[self._trad][1].from_public_bytes(trad_raw)
            elif self._curve is not None:
                if trad_raw[0] != 0x04:
                    raise InvalidKey(f"{self.name}: the ECDSA public key must be an "
                                     "uncompressed point")
                trad = ec.EllipticCurvePublicKey.from_encoded_point(self._curve(), trad_raw)
            else:
                trad = serialization.load_der_public_key(trad_raw)
                if not isinstance(trad, rsa.RSAPublicKey) or \
                        self._trad_public_bytes(trad) != trad_raw:
                    raise InvalidKey(f"{self.name}: the RSA public key must be an RSAPublicKey "
                                     "(PKCS #1) DER encoding")
                self._check_rsa_size(trad.key_size)
        except (ValueError, TypeError, _PycaUnsupported) as exc:
            raise InvalidKey(f"invalid {self.name} public key") from exc
        return CompositePublicKey(self.key_type, ml, trad, raw)

    def _check_rsa_size(self, bits: int) -> None:
        if bits != self._rsa_bits:
            raise InvalidKey(f"{self.name} needs a {self._rsa_bits}-bit RSA key, got {bits} bits")

    def private_bytes(self, private: object) -> bytes:
        """mldsaSeed || tradSK, the draft's SerializePrivateKey. Store it as a secret."""
        if type(private) is not CompositePrivateKey or private.key_type != self.key_type:
            raise InvalidKey(f"expected a {self.key_type} private key")
        seed: bytes = private.mldsa.private_bytes_raw()
        trad = private.trad
        if self._trad in _ED:
            return seed + trad.private_bytes_raw()  # type: ignore[no-any-return]
        der: bytes = trad.private_bytes(_DER, _TRADITIONAL, _NOENC)
        return seed + (_strip_ec_public(der) if self._curve is not None else der)

    def private_from_bytes(self, data: Buffer) -> object:
        raw = _bytes(data, "private key")
        if len(raw) <= _SEED:
            raise InvalidKey(f"{self.name} private key must be more than {_SEED} bytes, "
                             f"got {len(raw)}")
        trad_raw = raw[_SEED:]
        try:
            ml = self._mldsa_private.from_seed_bytes(raw[:_SEED])
            trad: Any
            if self._trad in _ED:
                size = _ED[self._trad][2]
                if len(trad_raw) != size:
                    raise InvalidKey(f"{self.name} private key must be {_SEED + size} bytes, "
                                     f"got {len(raw)}")
                trad = _ED[self._trad][0].from_private_bytes(trad_raw)
            else:
                trad = serialization.load_der_private_key(trad_raw, None)
                if self._curve is not None:
                    ok = isinstance(trad, ec.EllipticCurvePrivateKey) and \
                        isinstance(trad.curve, self._curve)
                else:
                    ok = isinstance(trad, rsa.RSAPrivateKey)
                if not ok:
                    raise InvalidKey(f"{self.name}: the traditional private key is not "
                                     f"a {self._trad} key of this combination")
                if isinstance(trad, rsa.RSAPrivateKey):
                    self._check_rsa_size(trad.key_size)
        except (ValueError, TypeError, _PycaUnsupported) as exc:
            raise InvalidKey(f"invalid {self.name} private key") from exc
        key = self._private(ml, trad)
        if self.private_bytes(key) != raw:
            raise InvalidKey(f"{self.name}: the traditional private key must use the draft's "
                             "encoding (RSAPrivateKey, or ECPrivateKey without publicKey)")
        return key
