"""What a handshake negotiated: version, cipher suite, group, signature scheme, peer chain."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, mldsa, rsa

from .. import algorithms
from ..algorithms import Algorithm
from ._composite_certs import composite_public_key

__all__ = ["CertificateInfo", "HandshakeFacts", "describe_certificate"]


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """One certificate of a chain: names, key and signature algorithms, validity."""

    subject: str
    issuer: str
    key_algorithm: str  # e.g. "ML-DSA-65", "EC-P256", "RSA-3072", "Ed25519"
    signature_algorithm: str  # registry name (e.g. "ML-DSA-65", "ECDSA-P256-SHA256") or OID
    not_before: str
    not_after: str
    self_signed: bool
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "issuer": self.issuer,
                "key_algorithm": self.key_algorithm,
                "signature_algorithm": self.signature_algorithm, "not_before": self.not_before,
                "not_after": self.not_after, "self_signed": self.self_signed,
                "sha256": self.sha256}


def _key_algorithm(key: object) -> str:
    for cls, name in ((mldsa.MLDSA44PublicKey, "ML-DSA-44"), (mldsa.MLDSA65PublicKey, "ML-DSA-65"),
                      (mldsa.MLDSA87PublicKey, "ML-DSA-87"),
                      (ed25519.Ed25519PublicKey, "Ed25519"), (ed448.Ed448PublicKey, "Ed448")):
        if isinstance(key, cls):
            return name
    if isinstance(key, ec.EllipticCurvePublicKey):
        return {"secp256r1": "EC-P256", "secp384r1": "EC-P384",
                "secp521r1": "EC-P521"}.get(key.curve.name, f"EC-{key.curve.name}")
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}"
    return type(key).__name__


def _subject_key_algorithm(cert: x509.Certificate) -> str:
    found = composite_public_key(cert)
    return found[0].name if found is not None else _key_algorithm(cert.public_key())


def signature_algorithm_of(cert: x509.Certificate) -> Algorithm | None:
    """The registry algorithm of ``cert``'s signature (by OID; RSA-PSS by its hash)."""
    return _cached_signature_algorithm(cert, algorithms.size())


# Peers present the same certificates handshake after handshake: describing one means parsing
# its public key, so results are cached per certificate (and per registry size, which only grows).
@functools.lru_cache(maxsize=256)
def _cached_signature_algorithm(cert: x509.Certificate, _registry_size: int) -> Algorithm | None:
    oid = cert.signature_algorithm_oid.dotted_string
    found = algorithms.by_oid(oid)
    if oid == "1.2.840.113549.1.1.10":  # RSASSA-PSS: one OID, the hash is a parameter
        digest = cert.signature_hash_algorithm
        name = f"RSA-PSS-SHA{digest.digest_size * 8}" if digest is not None else ""
        found = tuple(a for a in found if a.name == name)
    return found[0] if len(found) == 1 else None


def describe_certificate(cert: x509.Certificate) -> CertificateInfo:
    """Subject, issuer, key and signature algorithms, validity and fingerprint of ``cert``."""
    return _cached_description(cert, algorithms.size())


@functools.lru_cache(maxsize=256)
def _cached_description(cert: x509.Certificate, _registry_size: int) -> CertificateInfo:
    alg = signature_algorithm_of(cert)
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
        key_algorithm=_subject_key_algorithm(cert),
        signature_algorithm=alg.name if alg is not None else cert.signature_algorithm_oid.dotted_string,
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        self_signed=cert.issuer == cert.subject,
        sha256=cert.fingerprint(hashes.SHA256()).hex())


@dataclass(frozen=True, slots=True)
class HandshakeFacts:
    """What one handshake negotiated, read from the handshake messages themselves.

    ``group``/``signature`` are registry descriptors (``None`` if the registry does not know the
    code point, or the peer sent no certificate); ``signature_scheme`` is the IANA name of the
    SignatureScheme in the peer's CertificateVerify.
    """

    side: str  # "client" or "server": the side that observed these facts
    version: str
    cipher: str
    group_name: str
    group_code: int | None
    group: Algorithm | None
    signature_scheme: str | None
    signature_scheme_code: int | None
    signature: Algorithm | None
    peer_chain: tuple[CertificateInfo, ...] = ()
    hello_retry: bool = False
    server_name: str | None = None
    chain_signatures: tuple[Algorithm | None, ...] = field(default=(), repr=False)

    @property
    def quantum_safe_key_exchange(self) -> bool:
        return self.group is not None and self.group.quantum_safe

    @property
    def quantum_safe_authentication(self) -> bool:
        return self.signature is not None and self.signature.quantum_safe

    def as_dict(self) -> dict[str, Any]:
        return {
            "side": self.side, "version": self.version, "cipher": self.cipher,
            "group": self.group_name,
            "group_code": f"0x{self.group_code:04x}" if self.group_code is not None else None,
            "group_quantum_class": str(self.group.quantum_class) if self.group else None,
            "signature_scheme": self.signature_scheme,
            "signature_algorithm": self.signature.name if self.signature else None,
            "signature_quantum_class": str(self.signature.quantum_class) if self.signature
            else None,
            "hello_retry": self.hello_retry, "server_name": self.server_name,
            "peer_chain": [c.as_dict() for c in self.peer_chain],
        }
