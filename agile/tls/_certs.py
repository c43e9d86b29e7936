"""Issue X.509 certificates (a CA and leaves) with a policy's signature algorithm.

ML-DSA-44/65/87, Ed25519, Ed448, ECDSA (P-256/384/521) and RSA (PSS or PKCS#1 v1.5) sign through
cryptography's x509 builder. Composite ML-DSA keys and signatures (draft-ietf-lamps-pq-composite-
sigs) are spliced into the certificate cryptography builds (see ``_composite_certs``); such
certificates serve code signing and PKI pilots: OpenSSL cannot use them in TLS handshakes yet.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, mldsa, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .. import algorithms
from .._atomic import write_atomic
from ..algorithms import Algorithm, Family
from ..errors import InvalidArgument, Reason, UnsupportedAlgorithm
from ..providers._pyca_composite import CompositePrivateKey, CompositeSignature, composite_supported
from . import _composite_certs as composite

__all__ = ["Issued", "generate_private_key", "issue_ca", "issue_certificate", "load_issued"]

_MLDSA: dict[str, Any] = {"ML-DSA-44": mldsa.MLDSA44PrivateKey, "ML-DSA-65": mldsa.MLDSA65PrivateKey,
          "ML-DSA-87": mldsa.MLDSA87PrivateKey}
_CURVES: dict[str, Any] = {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1}
_HASHES: dict[str, Any] = {"SHA-256": hashes.SHA256, "SHA-384": hashes.SHA384, "SHA-512": hashes.SHA512}


@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate with its private key (and the algorithm that signed it)."""

    certificate: x509.Certificate
    private_key: Any
    algorithm: Algorithm

    def __repr__(self) -> str:  # never the key
        return f"<Issued {self.certificate.subject.rfc4514_string()!r} {self.algorithm.name}>"

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def write(self, cert_path: str | os.PathLike[str], key_path: str | os.PathLike[str], *,
              chain: Sequence[x509.Certificate] = ()) -> None:
        """Write the certificate (then ``chain``) as PEM, and the key as PKCS#8 PEM, mode 0600.

        Each file is written to a temporary file and renamed: no partial writes.
        """
        if isinstance(self.private_key, CompositePrivateKey):
            key_pem = composite.pkcs8_pem(self.algorithm, self.private_key)
        else:
            key_pem = self.private_key.private_bytes(serialization.Encoding.PEM,
                                                     serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
        certs = self.certificate_pem() + b"".join(
            c.public_bytes(serialization.Encoding.PEM) for c in chain)
        _atomic_write(Path(key_path), key_pem, 0o600)
        _atomic_write(Path(cert_path), certs, 0o644)


def _atomic_write(path: Path, data: bytes, mode: int) -> None:
    write_atomic(path, data, mode=mode)


def _signature_algorithm(algorithm: str | Algorithm) -> Algorithm:
    alg = algorithms.get(algorithm)
    if alg.family is not Family.SIGNATURE:
        raise InvalidArgument(f"{alg.name} is a {alg.family} algorithm; certificates need a "
                              "signature algorithm (e.g. ML-DSA-65, ECDSA-P256-SHA256)")
    if composite.is_composite(alg):
        if not composite_supported(alg):
            raise UnsupportedAlgorithm(f"this OpenSSL build cannot run both components of "
                                       f"{alg.name}", Reason.NO_PROVIDER)
    elif alg.components:
        raise UnsupportedAlgorithm(f"cannot issue {alg.name} certificates: of the hybrid "
                                   "signatures only composite ML-DSA has a certificate format",
                                   Reason.OPERATION)
    if alg.legacy:
        raise UnsupportedAlgorithm(f"will not issue {alg.name} certificates", Reason.LEGACY)
    return alg


def generate_private_key(algorithm: str | Algorithm, *, rsa_bits: int = 3072) -> Any:
    """A new private key for signature ``algorithm`` (a cryptography key object)."""
    alg = _signature_algorithm(algorithm)
    if composite.is_composite(alg):
        return CompositeSignature(alg).generate()
    if alg.name in _MLDSA:
        return _MLDSA[alg.name].generate()
    if alg.name == "Ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if alg.name == "Ed448":
        return ed448.Ed448PrivateKey.generate()
    if alg.key_type == "RSA":
        return rsa.generate_private_key(65537, rsa_bits)
    curve = alg.params.get("curve")
    if isinstance(curve, str) and curve in _CURVES:
        return ec.generate_private_key(_CURVES[curve]())
    raise UnsupportedAlgorithm(f"cannot issue {alg.name} certificates", Reason.OPERATION)


def _digest(alg: Algorithm) -> Any:
    return _HASHES[str(alg.params["hash"])]() if "hash" in alg.params else None


def _pss(alg: Algorithm) -> padding.PSS | None:
    if alg.key_type == "RSA" and alg.params.get("padding") == "PSS":
        digest = _digest(alg)
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=padding.PSS.DIGEST_LENGTH)
    return None


def _sign(builder: x509.CertificateBuilder, key: Any, alg: Algorithm) -> x509.Certificate:
    return builder.sign(key, _digest(alg), rsa_padding=_pss(alg))


def _sign_bytes(key: Any, alg: Algorithm, data: bytes) -> bytes:
    """``data`` signed as :func:`_sign` signs a TBSCertificate (same hash, padding, salt)."""
    if composite.is_composite(alg):
        return CompositeSignature(alg).sign(key, data, None)
    digest = _digest(alg)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, _pss(alg) or padding.PKCS1v15(), digest)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(digest))
    return key.sign(data)  # type: ignore[no-any-return]  # ML-DSA (empty context) and EdDSA


def _public_for_builder(key: Any, alg: Algorithm) -> Any:
    return composite.stand_in_key().public_key() if composite.is_composite(alg) else \
        key.public_key()


def _key_identifier(key: Any, alg: Algorithm) -> x509.SubjectKeyIdentifier:
    if composite.is_composite(alg):
        return composite.key_identifier(key.public_key())
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _issue(builder: x509.CertificateBuilder, subject_key: Any, subject_alg: Algorithm,
           issuer_key: Any, issuer_alg: Algorithm) -> x509.Certificate:
    """Sign ``builder`` (its public key set by :func:`_public_for_builder`) as ``issuer_key``."""
    subject_composite = composite.is_composite(subject_alg)
    if not subject_composite and not composite.is_composite(issuer_alg):
        return _sign(builder, issuer_key, issuer_alg)
    if composite.is_composite(issuer_alg):
        draft = builder.sign(composite.stand_in_key(), None)
    else:
        draft = _sign(builder, issuer_key, issuer_alg)
    return composite.finish(
        draft, subject=(subject_alg, subject_key.public_key()) if subject_composite else None,
        issuer=issuer_alg, sign=lambda tbs: _sign_bytes(issuer_key, issuer_alg, tbs))


def _validity(not_before: _dt.datetime | None, days: int) -> tuple[_dt.datetime, _dt.datetime]:
    if days < 1:
        raise InvalidArgument(f"days must be at least 1, not {days}")
    start = not_before or (_dt.datetime.now(_dt.UTC) - _dt.timedelta(minutes=5))
    return start, start + _dt.timedelta(days=days)


def issue_ca(algorithm: str | Algorithm, common_name: str = "agile test CA", *,
             days: int = 3650, rsa_bits: int = 3072,
             not_before: _dt.datetime | None = None) -> Issued:
    """A new self-signed CA certificate (path length 0) and its key."""
    alg = _signature_algorithm(algorithm)
    key = generate_private_key(alg, rsa_bits=rsa_bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start, end = _validity(not_before, days)
    ski = _key_identifier(key, alg)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(_public_for_builder(key, alg)).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                            crl_sign=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(ski, critical=False))
    return Issued(_issue(builder, key, alg, key, alg), key, alg)


def _san(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        if not name or any(c.isspace() for c in name):
            raise InvalidArgument(f"invalid subject alternative name {name!r}") from None
        return x509.DNSName(name)


def issue_certificate(ca: Issued, algorithm: str | Algorithm, names: Sequence[str], *,
                      common_name: str | None = None, days: int = 397, server: bool = True,
                      client: bool = False, rsa_bits: int = 3072,
                      not_before: _dt.datetime | None = None) -> Issued:
    """A leaf certificate for ``names`` (DNS names or IP addresses, the SANs), signed by ``ca``.

    The leaf's own key uses ``algorithm``; the CA signs with its algorithm.
    """
    if not names:
        raise InvalidArgument("names must hold at least one DNS name or IP address (the SANs)")
    alg = _signature_algorithm(algorithm)
    key = generate_private_key(alg, rsa_bits=rsa_bits)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name or names[0])])
    start, end = _validity(not_before, days)
    usages = ([ExtendedKeyUsageOID.SERVER_AUTH] if server else []) + (
        [ExtendedKeyUsageOID.CLIENT_AUTH] if client else [])
    if not usages:
        raise InvalidArgument("a leaf certificate needs server=True or client=True")
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(ca.certificate.subject).public_key(_public_for_builder(key, alg))
               .serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False,
                                            crl_sign=False, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
               .add_extension(x509.SubjectAlternativeName([_san(n) for n in names]),
                              critical=False)
               .add_extension(_key_identifier(key, alg), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                   ca_ski), critical=False))
    return Issued(_issue(builder, key, alg, ca.private_key, ca.algorithm), key, alg)


def load_issued(cert_path: str | os.PathLike[str],
                key_path: str | os.PathLike[str]) -> Issued:
    """Load a certificate (PEM, the first in the file) and its PKCS#8 PEM key, e.g. a CA."""
    try:
        cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
        key_pem = Path(key_path).read_bytes()
        found = composite.load_pkcs8_pem(key_pem)
        key = found[1] if found else serialization.load_pem_private_key(key_pem, None)
    except OSError as exc:
        raise InvalidArgument(f"cannot read {exc.filename}: {exc.strerror}") from None
    except ValueError as exc:
        raise InvalidArgument(f"cannot load the certificate or key: {exc}") from None
    from ._facts import signature_algorithm_of
    alg = signature_algorithm_of(cert)
    if alg is None:
        raise InvalidArgument(f"{os.fspath(cert_path)}: unknown signature algorithm "
                              f"{cert.signature_algorithm_oid.dotted_string}")
    subject = composite.composite_public_key(cert)
    if subject is not None:
        matches = found is not None and found[0] is subject[0] and \
            found[1].public_key().public_bytes_raw() == subject[1].public_bytes_raw()
    else:
        matches = found is None and cert.public_key() == key.public_key()
    if not matches:
        raise InvalidArgument(f"{os.fspath(key_path)} is not the key of {os.fspath(cert_path)}")
    return Issued(cert, key, alg)
