"""pyca ``cryptography`` schemes for signatures, KEMs, key agreement, RSA-OAEP and HPKE."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import (
    ec,
    ed448,
    ed25519,
    mldsa,
    mlkem,
    padding,
    rsa,
    x448,
    x25519,
)

from .._types import Buffer
from ..errors import DecryptionFailed, InvalidArgument, InvalidKey, InvalidSignature
from ._pyca_hybrid import HYBRID_KEYS
from ._pyca_symmetric import HASH_CLASSES

_DER = serialization.Encoding.DER
_RAW = serialization.Encoding.Raw
_PKCS8 = serialization.PrivateFormat.PKCS8
_SPKI = serialization.PublicFormat.SubjectPublicKeyInfo
_NOENC = serialization.NoEncryption()

CURVES: dict[str, type[ec.EllipticCurve]] = {
    "EC-P256": ec.SECP256R1, "EC-P384": ec.SECP384R1, "EC-P521": ec.SECP521R1,
}

_RAW_KEYS: dict[str, tuple[Any, Any]] = {
    # key type -> (private class, public class) for keys with raw encodings
    "Ed25519": (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey),
    "Ed448": (ed448.Ed448PrivateKey, ed448.Ed448PublicKey),
    "X25519": (x25519.X25519PrivateKey, x25519.X25519PublicKey),
    "X448": (x448.X448PrivateKey, x448.X448PublicKey),
    "ML-DSA-44": (mldsa.MLDSA44PrivateKey, mldsa.MLDSA44PublicKey),
    "ML-DSA-65": (mldsa.MLDSA65PrivateKey, mldsa.MLDSA65PublicKey),
    "ML-DSA-87": (mldsa.MLDSA87PrivateKey, mldsa.MLDSA87PublicKey),
    "ML-KEM-768": (mlkem.MLKEM768PrivateKey, mlkem.MLKEM768PublicKey),
    "ML-KEM-1024": (mlkem.MLKEM1024PrivateKey, mlkem.MLKEM1024PublicKey),
}
#: Every asymmetric key type this module can generate and encode.
KEY_TYPES = frozenset({*_RAW_KEYS, *CURVES, *HYBRID_KEYS, "RSA"})
_PQ_SEEDED = {"ML-DSA-44", "ML-DSA-65", "ML-DSA-87", "ML-KEM-768", "ML-KEM-1024"}


def _exact(data: Buffer, size: int | None, what: str) -> bytes:
    raw = bytes(data)
    if size is not None and len(raw) != size:
        raise InvalidKey(f"{what} must be {size} bytes, got {len(raw)}")
    return raw


class KeyCodec:
    """Generation and raw encodings for one key type.

    Raw encodings: the 32-byte or 64-byte seed / raw key for ML-DSA, ML-KEM and the Edwards and
    Montgomery curves; PKCS#8 DER (private) and the X9.62 uncompressed point (public) for NIST
    curves; PKCS#8 DER and SubjectPublicKeyInfo DER for RSA.
    """

    def __init__(self, key_type: str, *, private_size: int | None = None,
                 public_size: int | None = None) -> None:
        self.key_type = key_type
        self._private_size = private_size
        self._public_size = public_size

    def generate(self, *, key_bits: int | None = None) -> object:
        kt = self.key_type
        if kt == "RSA":
            bits = key_bits or 3072
            if bits < 1024 or bits > 16384:
                raise InvalidArgument("key_bits must be between 1024 and 16384 for RSA")
            return rsa.generate_private_key(public_exponent=65537, key_size=bits)
        if key_bits is not None:
            raise InvalidArgument(f"key_bits applies to RSA only, not {kt}")
        if kt in CURVES:
            return ec.generate_private_key(CURVES[kt]())
        if kt in HYBRID_KEYS:
            return HYBRID_KEYS[kt].generate()
        return _RAW_KEYS[kt][0].generate()

    def public_of(self, private: object) -> object:
        return private.public_key()  # type: ignore[attr-defined]

    def public_bytes(self, public: object) -> bytes:
        kt = self.key_type
        if kt in CURVES:
            assert isinstance(public, ec.EllipticCurvePublicKey)
            return public.public_bytes(_DER.X962, serialization.PublicFormat.UncompressedPoint)
        if kt == "RSA":
            assert isinstance(public, rsa.RSAPublicKey)
            return public.public_bytes(_DER, _SPKI)
        return public.public_bytes_raw()  # type: ignore[attr-defined, no-any-return]

    def public_from_bytes(self, data: Buffer) -> object:
        kt = self.key_type
        raw = _exact(data, self._public_size, f"{kt} public key")
        try:
            if kt in CURVES:
                return ec.EllipticCurvePublicKey.from_encoded_point(CURVES[kt](), raw)
            if kt == "RSA":
                key = serialization.load_der_public_key(raw)
                if not isinstance(key, rsa.RSAPublicKey):
                    raise InvalidKey("not an RSA public key")
                return key
            if kt in HYBRID_KEYS:
                return HYBRID_KEYS[kt].public_from_bytes(raw)
            return _RAW_KEYS[kt][1].from_public_bytes(raw)
        except (ValueError, TypeError) as exc:
            raise InvalidKey(f"invalid {kt} public key") from exc

    def private_bytes(self, private: object) -> bytes:
        kt = self.key_type
        if kt in CURVES or kt == "RSA":
            return private.private_bytes(_DER, _PKCS8, _NOENC)  # type: ignore[attr-defined, no-any-return]
        return private.private_bytes_raw()  # type: ignore[attr-defined, no-any-return]

    def private_from_bytes(self, data: Buffer) -> object:
        kt = self.key_type
        raw = _exact(data, self._private_size, f"{kt} private key")
        try:
            if kt in CURVES or kt == "RSA":
                key = serialization.load_der_private_key(raw, None)
                ok = (isinstance(key, rsa.RSAPrivateKey) if kt == "RSA" else
                      isinstance(key, ec.EllipticCurvePrivateKey)
                      and isinstance(key.curve, CURVES[kt]))
                if not ok:
                    raise InvalidKey(f"not a {kt} private key")
                return key
            if kt in HYBRID_KEYS:
                return HYBRID_KEYS[kt].private_from_bytes(raw)
            cls = _RAW_KEYS[kt][0]
            if kt in _PQ_SEEDED:
                return cls.from_seed_bytes(raw)
            return cls.from_private_bytes(raw)
        except (ValueError, TypeError) as exc:
            raise InvalidKey(f"invalid {kt} private key") from exc


def _check_type(key: object, expected: type | tuple[type, ...], key_type: str) -> None:
    if not isinstance(key, expected):
        raise InvalidKey(f"expected a {key_type} key, got {type(key).__name__}")


class PycaSignature(KeyCodec):
    """Signatures: ML-DSA (with context), EdDSA, ECDSA (DER), RSA-PSS and PKCS#1 v1.5."""

    def __init__(self, name: str, key_type: str, params: dict[str, Any], *,
                 private_size: int | None, public_size: int | None) -> None:
        super().__init__(key_type, private_size=private_size, public_size=public_size)
        self.name = name
        hash_name = params.get("hash")
        self._hash = HASH_CLASSES[str(hash_name)] if hash_name else None
        self._padding = params.get("padding")
        self._private_cls: Any = _RAW_KEYS[key_type][0] if key_type in _RAW_KEYS else (
            rsa.RSAPrivateKey if key_type == "RSA" else ec.EllipticCurvePrivateKey)
        self._public_cls: Any = _RAW_KEYS[key_type][1] if key_type in _RAW_KEYS else (
            rsa.RSAPublicKey if key_type == "RSA" else ec.EllipticCurvePublicKey)

    def _pad(self) -> padding.AsymmetricPadding:
        assert self._hash is not None
        if self._padding == "PSS":
            return padding.PSS(mgf=padding.MGF1(self._hash()), salt_length=padding.PSS.DIGEST_LENGTH)
        return padding.PKCS1v15()

    def _no_context(self, context: Buffer | None) -> None:
        if context is not None and len(memoryview(context)):
            raise InvalidArgument(f"{self.name} does not take a context string")

    def sign(self, private: object, data: Buffer, context: Buffer | None) -> bytes:
        _check_type(private, self._private_cls, self.key_type)
        kt = self.key_type
        if kt.startswith("ML-DSA"):
            ctx = None if context is None else bytes(context)
            if ctx is not None and len(ctx) > 255:
                raise InvalidArgument("context must be at most 255 bytes")
            return private.sign(data, ctx)  # type: ignore[attr-defined, no-any-return]
        self._no_context(context)
        if kt in CURVES:
            assert self._hash is not None
            return private.sign(data, ec.ECDSA(self._hash()))  # type: ignore[attr-defined, no-any-return]
        if kt == "RSA":
            assert self._hash is not None
            return private.sign(data, self._pad(), self._hash())  # type: ignore[attr-defined, no-any-return]
        return private.sign(data)  # type: ignore[attr-defined, no-any-return]

    def verify(self, public: object, signature: Buffer, data: Buffer,
               context: Buffer | None) -> None:
        _check_type(public, self._public_cls, self.key_type)
        kt = self.key_type
        try:
            if kt.startswith("ML-DSA"):
                ctx = None if context is None else bytes(context)
                if ctx is not None and len(ctx) > 255:
                    raise InvalidArgument("context must be at most 255 bytes")
                public.verify(signature, data, ctx)  # type: ignore[attr-defined]
                return
            self._no_context(context)
            if kt in CURVES:
                assert self._hash is not None
                public.verify(signature, data, ec.ECDSA(self._hash()))  # type: ignore[attr-defined]
            elif kt == "RSA":
                assert self._hash is not None
                public.verify(signature, data, self._pad(), self._hash())  # type: ignore[attr-defined]
            else:
                public.verify(signature, data)  # type: ignore[attr-defined]
        except (_PycaInvalidSignature, ValueError):
            raise InvalidSignature() from None


class PycaKEM(KeyCodec):
    """ML-KEM-768/1024 and the hybrids of ``_pyca_hybrid``; ``encapsulate`` returns
    (shared_secret, ciphertext)."""

    def __init__(self, key_type: str, *, private_size: int | None, public_size: int | None,
                 ciphertext_size: int | None) -> None:
        super().__init__(key_type, private_size=private_size, public_size=public_size)
        self._ct_size = ciphertext_size

    def encapsulate(self, public: object) -> tuple[bytes, bytes]:
        if self.key_type in _RAW_KEYS:
            _check_type(public, _RAW_KEYS[self.key_type][1], self.key_type)
        elif not isinstance(public, HYBRID_KEYS[self.key_type].Public):
            raise InvalidKey(f"expected a {self.key_type} public key")
        shared, ct = public.encapsulate()  # type: ignore[attr-defined]
        return bytes(shared), bytes(ct)

    def decapsulate(self, private: object, ciphertext: Buffer) -> bytes:
        ct = bytes(ciphertext)
        if self._ct_size is not None and len(ct) != self._ct_size:
            raise InvalidArgument(f"{self.key_type} ciphertext must be {self._ct_size} bytes")
        if self.key_type in _RAW_KEYS:
            _check_type(private, _RAW_KEYS[self.key_type][0], self.key_type)
        else:
            _check_type(private, HYBRID_KEYS[self.key_type], self.key_type)
        try:
            return bytes(private.decapsulate(ct))  # type: ignore[attr-defined]
        except ValueError:
            raise DecryptionFailed() from None


class PycaKeyAgreement(KeyCodec):
    def exchange(self, private: object, peer_public: object) -> bytes:
        try:
            if self.key_type in CURVES:
                return private.exchange(ec.ECDH(), peer_public)  # type: ignore[attr-defined, no-any-return]
            return private.exchange(peer_public)  # type: ignore[attr-defined, no-any-return]
        except (ValueError, TypeError) as exc:
            raise InvalidKey("key agreement failed: invalid or mismatched key") from exc


class PycaRSAOAEP(KeyCodec):
    def __init__(self, hash_name: str) -> None:
        super().__init__("RSA")
        self._hash = HASH_CLASSES[hash_name]

    def _pad(self, label: Buffer | None) -> padding.OAEP:
        return padding.OAEP(mgf=padding.MGF1(self._hash()), algorithm=self._hash(),
                            label=None if label is None else bytes(label))

    def encrypt(self, public: object, plaintext: Buffer, label: Buffer | None) -> bytes:
        _check_type(public, rsa.RSAPublicKey, "RSA")
        try:
            return public.encrypt(bytes(plaintext), self._pad(label))  # type: ignore[attr-defined, no-any-return]
        except ValueError as exc:
            raise InvalidArgument("plaintext too long for this RSA key") from exc

    def decrypt(self, private: object, ciphertext: Buffer, label: Buffer | None) -> bytes:
        _check_type(private, rsa.RSAPrivateKey, "RSA")
        try:
            return private.decrypt(bytes(ciphertext), self._pad(label))  # type: ignore[attr-defined, no-any-return]
        except ValueError:
            raise DecryptionFailed() from None


_HPKE_KEMS = {
    "X25519": hpke.KEM.X25519, "EC-P256": hpke.KEM.P256, "EC-P384": hpke.KEM.P384,
    "EC-P521": hpke.KEM.P521, "ML-KEM-768": hpke.KEM.MLKEM768, "ML-KEM-1024": hpke.KEM.MLKEM1024,
    "MLKEM768-X25519": hpke.KEM.MLKEM768_X25519, "MLKEM1024-P384": hpke.KEM.MLKEM1024_P384,
}
_HPKE_KDFS = {"HKDF-SHA256": hpke.KDF.HKDF_SHA256, "HKDF-SHA384": hpke.KDF.HKDF_SHA384,
              "HKDF-SHA512": hpke.KDF.HKDF_SHA512}
_HPKE_AEADS = {"AES-128-GCM": hpke.AEAD.AES_128_GCM, "AES-256-GCM": hpke.AEAD.AES_256_GCM,
               "ChaCha20-Poly1305": hpke.AEAD.CHACHA20_POLY1305}


def hpke_supported(key_type: str, kdf: str, aead: str) -> bool:
    return key_type in _HPKE_KEMS and kdf in _HPKE_KDFS and aead in _HPKE_AEADS


def _hpke_native(key: object) -> Any:
    to_hpke: Callable[[], object] | None = getattr(key, "to_hpke", None)
    return to_hpke() if to_hpke is not None else key


class PycaHPKE:
    """RFC 9180 base mode through ``cryptography.hazmat.primitives.hpke``."""

    def __init__(self, key_type: str, kdf: str, aead: str) -> None:
        self.key_type = key_type
        self.enc_size = _HPKE_KEMS[key_type].enc_length()
        self._suite = hpke.Suite(_HPKE_KEMS[key_type], _HPKE_KDFS[kdf], _HPKE_AEADS[aead])

    def seal(self, public: object, plaintext: Buffer, info: Buffer) -> bytes:
        try:
            return self._suite.encrypt(plaintext, _hpke_native(public), info=info)
        except (TypeError, ValueError) as exc:
            raise InvalidKey(f"not a usable {self.key_type} public key") from exc

    def open(self, private: object, sealed: Buffer, info: Buffer) -> bytes:
        native = _hpke_native(private)
        try:
            return self._suite.decrypt(sealed, native, info=info)
        except TypeError as exc:
            raise InvalidKey(f"not a usable {self.key_type} private key") from exc
        except Exception:  # InvalidTag, ValueError for bad encapsulations: no oracle detail
            raise DecryptionFailed() from None
