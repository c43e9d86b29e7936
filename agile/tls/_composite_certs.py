"""X.509 certificates and PKCS#8 keys for composite ML-DSA (draft-ietf-lamps-pq-composite-sigs).

cryptography's x509 builder signs only with its own key types. agile lets it build the
TBSCertificate (names, validity, extensions) around stand-in Ed25519 keys, then splices in what
the draft specifies: the composite AlgorithmIdentifier (its OID, parameters absent) as the
signature algorithm and as the subjectPublicKeyInfo algorithm, the composite public key
(mldsaPK || tradPK) as the subjectPublicKey, and the composite signature over the final
TBSCertificate. Private keys are PKCS#8 OneAsymmetricKey v1 with the composite OID and the draft's
private key encoding (mldsaSeed || tradSK) as privateKey.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding

from .. import _der, algorithms
from ..algorithms import Algorithm
from ..errors import InvalidArgument, InvalidKey, InvalidSignature
from ..providers._pyca_composite import (
    CompositePrivateKey,
    CompositePublicKey,
    CompositeSignature,
    is_composite,
)

__all__ = ["composite_public_key", "finish", "is_composite", "key_identifier", "load_pkcs8_der",
           "load_pkcs8_pem", "pkcs8_pem", "stand_in_key", "verify_issued_by"]

_PEM = re.compile(rb"-----BEGIN PRIVATE KEY-----\s*(.+?)\s*-----END PRIVATE KEY-----", re.S)
_TBS_SIGNATURE, _TBS_SPKI = 2, 6  # positions in a v3 TBSCertificate (version [0] is present)


def stand_in_key() -> ed25519.Ed25519PrivateKey:
    """A throwaway key whose place in the TBSCertificate :func:`finish` overwrites."""
    return ed25519.Ed25519PrivateKey.generate()


def _algorithm_identifier(alg: Algorithm) -> bytes:
    return _der.encode(_der.SEQUENCE, _der.oid(alg.oids[0]))


def _spki(alg: Algorithm, public: CompositePublicKey) -> bytes:
    bits = _der.encode(_der.BIT_STRING, b"\x00" + public.public_bytes_raw())
    return _der.encode(_der.SEQUENCE, _algorithm_identifier(alg) + bits)


def key_identifier(public: CompositePublicKey) -> x509.SubjectKeyIdentifier:
    """RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not security)."""
    return x509.SubjectKeyIdentifier(hashlib.sha1(public.public_bytes_raw()).digest())


def finish(draft: x509.Certificate, *, subject: tuple[Algorithm, CompositePublicKey] | None,
           issuer: Algorithm, sign: Callable[[bytes], bytes]) -> x509.Certificate:
    """``draft`` with the composite subject key and/or signature spliced in, signed by ``sign``.

    ``draft`` was built by cryptography (with stand-in keys where composite ones go). ``sign``
    signs the final TBSCertificate with the issuer's key and algorithm ``issuer``.
    """
    tbs = _der.children(draft.tbs_certificate_bytes)
    outer_algorithm = _der.children(draft.public_bytes(Encoding.DER))[1]
    if is_composite(issuer):
        outer_algorithm = tbs[_TBS_SIGNATURE] = _algorithm_identifier(issuer)
    if subject is not None:
        tbs[_TBS_SPKI] = _spki(*subject)
    tbs_der = _der.encode(_der.SEQUENCE, b"".join(tbs))
    signature = _der.encode(_der.BIT_STRING, b"\x00" + sign(tbs_der))
    return x509.load_der_x509_certificate(
        _der.encode(_der.SEQUENCE, tbs_der + outer_algorithm + signature))


def composite_public_key(cert: x509.Certificate) -> tuple[Algorithm, CompositePublicKey] | None:
    """The composite algorithm and public key of ``cert``'s subject (None if not composite)."""
    found = algorithms.by_oid(cert.public_key_algorithm_oid.dotted_string)
    if len(found) != 1 or not is_composite(found[0]):
        return None
    spki = _der.children(_der.children(cert.tbs_certificate_bytes)[_TBS_SPKI])
    if len(spki) != 2 or spki[0] != _algorithm_identifier(found[0]):
        raise InvalidKey(f"{found[0].name} subjectPublicKeyInfo must carry the OID alone")
    bits = _der.content(spki[1], _der.BIT_STRING)
    if not bits or bits[0] != 0:
        raise InvalidKey("subjectPublicKey must be a whole number of bytes")
    public = CompositeSignature(found[0]).public_from_bytes(bits[1:])
    assert isinstance(public, CompositePublicKey)
    return found[0], public


def verify_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> None:
    """Check ``cert``'s signature with ``issuer``'s key (either may be composite).

    Raises :class:`~agile.errors.InvalidSignature` when it does not verify.
    """
    if cert.issuer != issuer.subject:
        raise InvalidSignature()
    composite = composite_public_key(issuer)
    if composite is None:
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, _PycaInvalidSignature) as exc:
            raise InvalidSignature() from exc
        return
    alg, public = composite
    if cert.signature_algorithm_oid.dotted_string != alg.oids[0]:
        raise InvalidSignature()
    CompositeSignature(alg).verify(public, cert.signature, cert.tbs_certificate_bytes, None)


def pkcs8_pem(alg: Algorithm, private: CompositePrivateKey) -> bytes:
    """The PKCS#8 PEM of a composite private key (unencrypted: write it with mode 0600)."""
    secret = CompositeSignature(alg).private_bytes(private)
    der = _der.encode(_der.SEQUENCE, _der.encode(_der.INTEGER, b"\x00") + _algorithm_identifier(alg)
                      + _der.encode(_der.OCTET_STRING, secret))
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = b"\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN PRIVATE KEY-----\n" + lines + b"\n-----END PRIVATE KEY-----\n"


def load_pkcs8_der(der: bytes) -> tuple[Algorithm, CompositePrivateKey] | None:
    """(algorithm, key) of a composite PKCS#8 key; None if it is not a composite key."""
    try:
        fields = _der.children(der)
        alg_id = _der.children(fields[1]) if len(fields) >= 3 else []
        dotted = _der.oid_text(alg_id[0]) if len(alg_id) == 1 else ""
    except ValueError:
        return None
    found = algorithms.by_oid(dotted) if dotted else ()
    if len(found) != 1 or not is_composite(found[0]):
        return None
    if len(fields) != 3 or fields[0] not in (b"\x02\x01\x00", b"\x02\x01\x01"):
        raise InvalidKey(f"malformed {found[0].name} PKCS#8 key")
    try:
        secret = _der.content(fields[2], _der.OCTET_STRING)
    except ValueError as exc:
        raise InvalidKey(f"malformed {found[0].name} PKCS#8 key") from exc
    key = CompositeSignature(found[0]).private_from_bytes(secret)
    assert isinstance(key, CompositePrivateKey)
    return found[0], key


def load_pkcs8_pem(pem: bytes) -> tuple[Algorithm, CompositePrivateKey] | None:
    """Like :func:`load_pkcs8_der`, from a ``PRIVATE KEY`` PEM block."""
    match = _PEM.search(pem)
    if match is None:
        return None
    try:
        der = base64.b64decode(b"".join(match.group(1).split()), validate=True)
    except ValueError:
        raise InvalidArgument("the PRIVATE KEY PEM block is not valid base64") from None
    return load_pkcs8_der(der)
