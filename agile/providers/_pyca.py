"""The built-in provider on pyca ``cryptography`` (>= 50, bundling OpenSSL with ML-KEM/ML-DSA)."""

from __future__ import annotations

from typing import Any

import cryptography
from cryptography.hazmat.primitives.asymmetric import (
    ec,
    ed448,
    ed25519,
    mldsa,
    mlkem,
    rsa,
    x448,
    x25519,
)

from .. import algorithms
from ..algorithms import Algorithm, Family
from ..errors import AgileError, Reason, UnsupportedAlgorithm
from ._pyca_asymmetric import (
    CURVES,
    KEY_TYPES,
    PycaHPKE,
    PycaKEM,
    PycaKeyAgreement,
    PycaRSAOAEP,
    PycaSignature,
    hpke_supported,
)
from ._pyca_composite import NATIVE_TYPES as _COMPOSITE_KEYS
from ._pyca_composite import CompositeSignature, composite_supported, is_composite
from ._pyca_hybrid import HYBRID_KEYS
from ._pyca_symmetric import (
    HASH_CLASSES,
    PycaAEAD,
    PycaFernet,
    PycaHash,
    PycaHKDF,
    PycaHMAC,
    PycaPasswordHash,
)

_NATIVE_TYPES: tuple[tuple[type, str], ...] = (
    (mldsa.MLDSA44PrivateKey, "ML-DSA-44"), (mldsa.MLDSA44PublicKey, "ML-DSA-44"),
    (mldsa.MLDSA65PrivateKey, "ML-DSA-65"), (mldsa.MLDSA65PublicKey, "ML-DSA-65"),
    (mldsa.MLDSA87PrivateKey, "ML-DSA-87"), (mldsa.MLDSA87PublicKey, "ML-DSA-87"),
    (mlkem.MLKEM768PrivateKey, "ML-KEM-768"), (mlkem.MLKEM768PublicKey, "ML-KEM-768"),
    (mlkem.MLKEM1024PrivateKey, "ML-KEM-1024"), (mlkem.MLKEM1024PublicKey, "ML-KEM-1024"),
    (ed25519.Ed25519PrivateKey, "Ed25519"), (ed25519.Ed25519PublicKey, "Ed25519"),
    (ed448.Ed448PrivateKey, "Ed448"), (ed448.Ed448PublicKey, "Ed448"),
    (x25519.X25519PrivateKey, "X25519"), (x25519.X25519PublicKey, "X25519"),
    (x448.X448PrivateKey, "X448"), (x448.X448PublicKey, "X448"),
    (rsa.RSAPrivateKey, "RSA"), (rsa.RSAPublicKey, "RSA"),
    *((cls, key_type) for key_type, hybrid in HYBRID_KEYS.items()
      for cls in (hybrid, hybrid.Public)),
)


class PycaProvider:
    """Provider ``pyca``: every registry algorithm that pyca ``cryptography`` implements.

    >>> PycaProvider().scheme("SHA-256").digest(b"abc").hex()[:8]
    'ba7816bf'
    """

    name = "pyca"

    def __init__(self) -> None:
        self._schemes: dict[str, object] = {}
        self._names = frozenset(a.name for a in algorithms.all_algorithms() if self._can_run(a))

    def __repr__(self) -> str:
        return "<PycaProvider>"

    @staticmethod
    def _can_run(alg: Algorithm) -> bool:
        if is_composite(alg):
            return composite_supported(alg)
        if alg.params.get("tls_only"):
            return False  # a TLS key-exchange group: OpenSSL negotiates it inside agile.tls
        fam = alg.family
        if fam is Family.HPKE:
            kem, kdf, aead = alg.components
            return hpke_supported(algorithms.get(kem).key_type or "", kdf, aead)
        if fam is Family.CIPHER:
            return False  # legacy unauthenticated ciphers are inventoried, never run by agile
        if fam is Family.HASH:
            return alg.name in HASH_CLASSES or alg.name.startswith("SHAKE")
        if alg.family in {Family.KEM, Family.KEY_AGREEMENT, Family.PKE, Family.SIGNATURE}:
            return alg.key_type in KEY_TYPES  # not e.g. the liboqs-only schemes
        return alg.family in {Family.AEAD, Family.TOKEN, Family.MAC, Family.KDF,
                              Family.PASSWORD_HASH}

    def algorithms(self) -> frozenset[str]:
        return self._names

    def unavailable_reason(self, algorithm: str) -> str | None:
        """Why this provider does not run ``algorithm`` (None if it does or does not know it)."""
        if algorithm in self._names:
            return None
        try:
            alg = algorithms.get(algorithm)
        except AgileError:
            return None
        if alg.family is Family.CIPHER:
            return ("legacy unauthenticated cipher: the scanner inventories it, agile never "
                    "runs it")
        if alg.params.get("tls_only"):
            return ("a TLS 1.3 key-exchange group: negotiated by OpenSSL in agile.tls, not "
                    "offered as a standalone KEM")
        return f"pyca cryptography {cryptography.__version__} does not implement it"

    def identify(self, native_key: object) -> str | None:
        if isinstance(native_key, _COMPOSITE_KEYS):
            return native_key.key_type
        if isinstance(native_key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
            for key_type, curve in CURVES.items():
                if isinstance(native_key.curve, curve):
                    return key_type
            return None
        for cls, key_type in _NATIVE_TYPES:
            if isinstance(native_key, cls):
                return key_type
        return None

    def scheme(self, algorithm: str) -> object:
        found = self._schemes.get(algorithm)
        if found is not None:
            return found
        if algorithm not in self._names:
            raise UnsupportedAlgorithm(f"pyca cannot run {algorithm}", Reason.NO_PROVIDER)
        built = self._build(algorithms.get(algorithm))
        self._schemes[algorithm] = built
        return built

    def _build(self, alg: Algorithm) -> object:
        if is_composite(alg):
            return CompositeSignature(alg)
        fam, params = alg.family, dict(alg.params)
        sizes: dict[str, Any] = {"private_size": alg.private_key_size,
                                 "public_size": alg.public_key_size}
        if alg.key_type in CURVES or alg.key_type == "RSA":
            sizes = {"private_size": None, "public_size": alg.public_key_size}
        if fam is Family.AEAD:
            return PycaAEAD(alg.name)
        if fam is Family.HASH:
            return PycaHash(alg.name)
        if fam is Family.MAC:
            return PycaHMAC(str(params["hash"]))
        if fam is Family.KDF:
            return PycaHKDF(str(params["hash"]))
        if fam is Family.PASSWORD_HASH:
            return PycaPasswordHash(alg.name, str(params.get("hash", "")) or None)
        if fam is Family.TOKEN:
            return PycaFernet()
        if fam is Family.SIGNATURE:
            return PycaSignature(alg.name, str(alg.key_type), params, **sizes)
        if fam is Family.KEM:
            return PycaKEM(str(alg.key_type), ciphertext_size=alg.ciphertext_size, **sizes)
        if fam is Family.KEY_AGREEMENT:
            return PycaKeyAgreement(str(alg.key_type), **sizes)
        if fam is Family.PKE:
            return PycaRSAOAEP(str(params["hash"]))
        kem, kdf, aead = alg.components
        return PycaHPKE(str(algorithms.get(kem).key_type), kdf, aead)
