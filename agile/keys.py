"""Typed keys with key ids derived from public material (or, for secret keys, a one-way hash).

Keys never show secret material in ``repr``/``str``. Construct them through named constructors:

>>> key = SecretKey.generate("AES-256-GCM")
>>> key.algorithm.name, len(key.kid)
('AES-256-GCM', 16)
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from cryptography.hazmat.primitives import serialization

from . import algorithms, providers
from ._types import Buffer
from .algorithms import Algorithm, Family
from .errors import InvalidArgument, InvalidKey, Reason, UnsupportedAlgorithm
from .providers import Provider

__all__ = ["PrivateKey", "PublicKey", "SecretKey", "load_private_key", "load_public_key"]

_KID_LABEL = b"agile-kid-v1\x00"
_SYMMETRIC = (Family.AEAD, Family.MAC)


def _kid(label: str, material: bytes) -> bytes:
    return hashlib.sha256(_KID_LABEL + label.encode() + b"\x00" + material).digest()[:16]


class SecretKey:
    """A symmetric key bound to exactly one AEAD or MAC algorithm."""

    __slots__ = ("__weakref__", "_key", "_states", "algorithm", "kid")

    def __init__(self, key: Buffer, algorithm: str | Algorithm) -> None:
        alg = algorithms.get(algorithm)
        if alg.family not in _SYMMETRIC or alg.key_size is None:
            raise InvalidArgument(f"{alg.name} is not an AEAD or MAC algorithm")
        raw = bytes(key)
        if len(raw) != alg.key_size:
            raise InvalidKey(f"{alg.name} key must be {alg.key_size} bytes, got {len(raw)}")
        self._key = raw
        self.algorithm = alg
        self.kid = _kid(alg.name, raw)
        self._states: dict[object, Any] = {}  # per-policy envelope state, see agile._context

    @classmethod
    def generate(cls, algorithm: str | Algorithm) -> SecretKey:
        """A fresh random key for ``algorithm``."""
        alg = algorithms.get(algorithm)
        if alg.key_size is None:
            raise InvalidArgument(f"{alg.name} has no fixed key size")
        return cls(os.urandom(alg.key_size), alg)

    @classmethod
    def from_bytes(cls, key: Buffer, algorithm: str | Algorithm) -> SecretKey:
        return cls(key, algorithm)

    def export(self) -> bytes:
        """The raw key bytes. Store them as a secret."""
        return self._key

    def __repr__(self) -> str:
        return f"<SecretKey {self.algorithm.name} kid={self.kid.hex()}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("SecretKey cannot be pickled; use export() deliberately")


class _AsymmetricKey:
    __slots__ = ("__weakref__", "_hpke_states", "_native", "_natives", "_states", "key_type", "kid",
                 "provider")

    key_type: str
    kid: bytes
    provider: str

    def _scheme(self, provider: Provider | None = None) -> Any:
        return _key_scheme(self.key_type, provider or providers.get(self.provider))


class PublicKey(_AsymmetricKey):
    """A public key: key type, key id and the provider's native object."""

    __slots__ = ("_raw",)

    def __init__(self, native: object, key_type: str, provider: str, raw: bytes) -> None:
        self._native = native
        self._natives: dict[str, object] = {provider: native}
        self.key_type = key_type
        self.provider = provider
        self._raw = raw
        self.kid = _kid(key_type, raw)
        self._states: dict[object, Any] = {}  # per-policy signing state, see agile._context
        self._hpke_states: dict[object, Any] = {}  # per-policy HPKE state

    @classmethod
    def from_bytes(cls, data: Buffer, key_type: str, *, provider: str | None = None) -> PublicKey:
        """Load the raw encoding of a ``key_type`` public key (see ``public_bytes``)."""
        prov = providers.get(provider) if provider else _provider_for_key_type(key_type)
        native = _key_scheme(key_type, prov).public_from_bytes(data)
        return cls(native, key_type, prov.name, bytes(data))

    def public_bytes(self) -> bytes:
        """The raw encoding: ML-*/X*/Ed* raw keys, X9.62 points for NIST curves, SPKI for RSA."""
        return self._raw

    def native_for(self, provider: Provider) -> object:
        """The key as ``provider``'s native object (public keys move between providers)."""
        found = self._natives.get(provider.name)
        if found is None:
            found = self._scheme(provider).public_from_bytes(self._raw)
            self._natives[provider.name] = found
        return found

    def to_pem(self) -> bytes:
        """SubjectPublicKeyInfo PEM, where the key type has a standard encoding."""
        try:
            return self._native.public_bytes(  # type: ignore[attr-defined, no-any-return]
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        except (AttributeError, ValueError, TypeError):
            raise UnsupportedAlgorithm(f"{self.key_type} public keys have no PEM encoding; use "
                                       "public_bytes()", Reason.OPERATION) from None

    def __repr__(self) -> str:
        kid = getattr(self, "kid", b"").hex()
        return f"<PublicKey {getattr(self, 'key_type', '?')} kid={kid} provider={self.provider}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other.key_type == self.key_type and \
            other._raw == self._raw

    def __hash__(self) -> int:
        return hash((self.key_type, self._raw))


class PrivateKey(_AsymmetricKey):
    """A private key (signing, decryption, decapsulation). Never shows secret material."""

    __slots__ = ("_public",)

    def __init__(self, native: object, key_type: str, provider: str) -> None:
        self._native = native
        self._natives: dict[str, object] = {provider: native}
        self.key_type = key_type
        self.provider = provider
        scheme = self._scheme()
        pub_native = scheme.public_of(native)
        self._public = PublicKey(pub_native, key_type, provider, scheme.public_bytes(pub_native))
        self.kid = self._public.kid
        self._states: dict[object, Any] = {}  # per-policy signing state, see agile._context
        self._hpke_states: dict[object, Any] = {}  # per-policy HPKE state

    @classmethod
    def generate(cls, key_type: str, *, provider: str | None = None,
                 key_bits: int | None = None) -> PrivateKey:
        prov = providers.get(provider) if provider else _provider_for_key_type(key_type)
        return cls(_key_scheme(key_type, prov).generate(key_bits=key_bits), key_type, prov.name)

    @classmethod
    def from_bytes(cls, data: Buffer, key_type: str, *, provider: str | None = None
                   ) -> PrivateKey:
        """Load a raw private encoding (seed for ML-DSA/ML-KEM/X-Wing, raw for Ed*/X*,
        PKCS#8 DER for NIST curves and RSA)."""
        prov = providers.get(provider) if provider else _provider_for_key_type(key_type)
        return cls(_key_scheme(key_type, prov).private_from_bytes(data), key_type, prov.name)

    @classmethod
    def from_cryptography(cls, native: object) -> PrivateKey:
        """Wrap a pyca ``cryptography`` private key object."""
        key_type = providers.get("pyca").identify(native)
        if key_type is None or not hasattr(native, "public_key"):
            raise InvalidKey(f"unsupported private key object {type(native).__name__}")
        return cls(native, key_type, "pyca")

    def public_key(self) -> PublicKey:
        return self._public

    def key_size_bits(self) -> int | None:
        """RSA modulus size in bits; None for other key types."""
        return getattr(self._native, "key_size", None)

    def native_for(self, provider: Provider) -> object:
        """The key as ``provider``'s native object, moving it through its raw encoding."""
        found = self._natives.get(provider.name)
        if found is None:
            raw = self._scheme().private_bytes(self._native)
            found = self._scheme(provider).private_from_bytes(raw)
            self._natives[provider.name] = found
        return found

    def private_bytes(self) -> bytes:
        """The raw private encoding (see ``from_bytes``). Store it as a secret."""
        return bytes(self._scheme().private_bytes(self._native))

    def to_pem(self, password: bytes | None = None) -> bytes:
        """PKCS#8 PEM, encrypted with ``password`` when given."""
        enc: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password) if password
            else serialization.NoEncryption())
        try:
            return self._native.private_bytes(  # type: ignore[attr-defined, no-any-return]
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
        except (AttributeError, ValueError, TypeError):
            raise UnsupportedAlgorithm(f"{self.key_type} private keys have no PKCS#8 encoding; "
                                       "use private_bytes()", Reason.OPERATION) from None

    def __repr__(self) -> str:
        kid = getattr(self, "kid", b"").hex()
        return f"<PrivateKey {getattr(self, 'key_type', '?')} kid={kid} provider={self.provider}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("PrivateKey cannot be pickled; use to_pem() deliberately")


def _key_scheme(key_type: str, provider: Provider) -> Any:
    """The scheme of ``provider`` that handles ``key_type`` keys (generation, encodings)."""
    for alg in algorithms.all_algorithms():
        if alg.key_type == key_type and alg.family is not Family.HPKE and \
                alg.name in provider.algorithms():
            return provider.scheme(alg.name)
    raise UnsupportedAlgorithm(f"provider {provider.name} has no {key_type} keys",
                               Reason.NO_PROVIDER)


def _provider_for_key_type(key_type: str) -> Provider:
    for alg in algorithms.all_algorithms():
        if alg.key_type == key_type and alg.family is not Family.HPKE:
            return providers.for_algorithm(alg.name)
    raise UnsupportedAlgorithm(f"unknown key type {key_type!r}", Reason.NO_PROVIDER)


def _load(data: Buffer, password: bytes | None, private: bool) -> object:
    raw = bytes(data)
    pem = raw.lstrip().startswith(b"-----BEGIN")
    try:
        if private:
            loader = (serialization.load_pem_private_key if pem
                      else serialization.load_der_private_key)
            return loader(raw, password)
        pub_loader = (serialization.load_pem_public_key if pem
                      else serialization.load_der_public_key)
        return pub_loader(raw)
    except TypeError as exc:  # password given for an unencrypted key or missing for encrypted
        raise InvalidKey(f"cannot load key: {exc}") from None
    except (ValueError, Exception) as exc:  # pyca raises ValueError/UnsupportedAlgorithm
        kind = "private" if private else "public"
        raise InvalidKey(f"not a valid PEM/DER {kind} key (or wrong password)") from exc


def load_private_key(data: Buffer, *, password: bytes | None = None) -> PrivateKey:
    """Load a PKCS#8/traditional PEM or DER private key."""
    return PrivateKey.from_cryptography(_load(data, password, private=True))


def load_public_key(data: Buffer) -> PublicKey:
    """Load a SubjectPublicKeyInfo PEM or DER public key."""
    return public_from_cryptography(_load(data, None, private=False))


def public_from_cryptography(native: object) -> PublicKey:
    """Wrap a pyca ``cryptography`` public key object."""
    pyca = providers.get("pyca")
    key_type = pyca.identify(native)
    if key_type is None or hasattr(native, "private_bytes"):
        raise InvalidKey(f"unsupported public key object {type(native).__name__}")
    return PublicKey(native, key_type, "pyca", _key_scheme(key_type, pyca).public_bytes(native))
