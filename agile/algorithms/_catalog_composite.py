"""Composite ML-DSA signatures: the eighteen combinations of draft-ietf-lamps-pq-composite-sigs.

Facts follow the draft as of lamps-wg/draft-composite-sigs @ 60fcb1e8 (``src/algParams.md``,
section "Algorithm Identifiers and Parameters"), the revision whose ``src/testvectors.json`` the
tests run. Names are the draft's identifiers without the ``id-`` prefix (which stays an alias);
OIDs are the IANA early allocations under 1.3.6.1.5.5.7.6. Each descriptor's ``params`` carries
what the pyca scheme needs: the signature ``label``, the pre-hash ``prehash``, the traditional
``traditional`` algorithm with its ``hash`` (and ``curve`` or ``rsa_bits``).

No COSE value is registered for these combinations, so agile uses private-use ids -65700..-65717
(listed in the README). Sizes: ``None`` where the traditional part varies (DER-encoded ECDSA
signatures, RSA keys); the draft's maxima are in ``params["max_sizes"]`` (public, private,
signature).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from ._descriptor import Algorithm, Family, QuantumClass, QuantumRisk

_PKIX_ALGS = "1.3.6.1.5.5.7.6"
_STANDARD = "draft-ietf-lamps-pq-composite-sigs"

#: (public key, signature, NIST category) of each ML-DSA parameter set (FIPS 204).
_MLDSA = {"ML-DSA-44": (1312, 2420, 2), "ML-DSA-65": (1952, 3309, 3), "ML-DSA-87": (2592, 4627, 5)}

#: Traditional component facts: kind, public key, private key (draft encoding), signature size.
_ED = {"Ed25519": (32, 32, 64), "Ed448": (57, 57, 114)}
_EC_SIZES = {  # curve -> (uncompressed point, ECPrivateKey without publicKey, registry entry)
    "secp256r1": (65, 51, "ECDSA-P256-SHA256"),
    "secp384r1": (97, 64, "ECDSA-P384-SHA384"),
    "secp521r1": (133, 82, "ECDSA-P521-SHA512"),
    "brainpoolP256r1": (65, 52, "ECDSA-brainpoolP256r1-SHA256"),  # no standalone registry entry
    "brainpoolP384r1": (97, 68, "ECDSA-brainpoolP384r1-SHA384"),  # no standalone registry entry
}

# name (draft id without "id-"), OID arc, label, pre-hash, ML-DSA, traditional, detail, hash,
# the draft's maximum sizes (public, private, signature) from src/sizeTable.md
_TABLE: tuple[tuple[str, int, str, str, str, str, str | int | None, str, tuple[int, ...]], ...] = (
    ("MLDSA44-RSA2048-PSS-SHA256", 37, "COMPSIG-MLDSA44-RSA2048-PSS-SHA256", "SHA-256",
     "ML-DSA-44", "RSA-PSS", 2048, "SHA-256", (1582, 1226, 2676)),
    ("MLDSA44-RSA2048-PKCS15-SHA256", 38, "COMPSIG-MLDSA44-RSA2048-PKCS15-SHA256", "SHA-256",
     "ML-DSA-44", "RSA-PKCS1v15", 2048, "SHA-256", (1582, 1226, 2676)),
    ("MLDSA44-Ed25519-SHA512", 39, "COMPSIG-MLDSA44-Ed25519-SHA512", "SHA-512",
     "ML-DSA-44", "Ed25519", None, "SHA-512", (1344, 64, 2484)),
    ("MLDSA44-ECDSA-P256-SHA256", 40, "COMPSIG-MLDSA44-ECDSA-P256-SHA256", "SHA-256",
     "ML-DSA-44", "ECDSA", "secp256r1", "SHA-256", (1377, 83, 2492)),
    ("MLDSA65-RSA3072-PSS-SHA512", 41, "COMPSIG-MLDSA65-RSA3072-PSS-SHA512", "SHA-512",
     "ML-DSA-65", "RSA-PSS", 3072, "SHA-256", (2350, 1802, 3693)),
    ("MLDSA65-RSA3072-PKCS15-SHA512", 42, "COMPSIG-MLDSA65-RSA3072-PKCS15-SHA512", "SHA-512",
     "ML-DSA-65", "RSA-PKCS1v15", 3072, "SHA-256", (2350, 1802, 3693)),
    ("MLDSA65-RSA4096-PSS-SHA512", 43, "COMPSIG-MLDSA65-RSA4096-PSS-SHA512", "SHA-512",
     "ML-DSA-65", "RSA-PSS", 4096, "SHA-384", (2478, 2383, 3821)),
    ("MLDSA65-RSA4096-PKCS15-SHA512", 44, "COMPSIG-MLDSA65-RSA4096-PKCS15-SHA512", "SHA-512",
     "ML-DSA-65", "RSA-PKCS1v15", 4096, "SHA-384", (2478, 2383, 3821)),
    ("MLDSA65-ECDSA-P256-SHA512", 45, "COMPSIG-MLDSA65-ECDSA-P256-SHA512", "SHA-512",
     "ML-DSA-65", "ECDSA", "secp256r1", "SHA-256", (2017, 83, 3381)),
    ("MLDSA65-ECDSA-P384-SHA512", 46, "COMPSIG-MLDSA65-ECDSA-P384-SHA512", "SHA-512",
     "ML-DSA-65", "ECDSA", "secp384r1", "SHA-384", (2049, 96, 3413)),
    ("MLDSA65-ECDSA-brainpoolP256r1-SHA512", 47, "COMPSIG-MLDSA65-ECDSA-BP256-SHA512", "SHA-512",
     "ML-DSA-65", "ECDSA", "brainpoolP256r1", "SHA-256", (2017, 84, 3381)),
    ("MLDSA65-Ed25519-SHA512", 48, "COMPSIG-MLDSA65-Ed25519-SHA512", "SHA-512",
     "ML-DSA-65", "Ed25519", None, "SHA-512", (1984, 64, 3373)),
    ("MLDSA87-ECDSA-P384-SHA512", 49, "COMPSIG-MLDSA87-ECDSA-P384-SHA512", "SHA-512",
     "ML-DSA-87", "ECDSA", "secp384r1", "SHA-384", (2689, 96, 4731)),
    ("MLDSA87-ECDSA-brainpoolP384r1-SHA512", 50, "COMPSIG-MLDSA87-ECDSA-BP384-SHA512", "SHA-512",
     "ML-DSA-87", "ECDSA", "brainpoolP384r1", "SHA-384", (2689, 100, 4731)),
    ("MLDSA87-Ed448-SHAKE256", 51, "COMPSIG-MLDSA87-Ed448-SHAKE256", "SHAKE256",
     "ML-DSA-87", "Ed448", None, "SHAKE256", (2649, 89, 4741)),
    ("MLDSA87-RSA3072-PSS-SHA512", 52, "COMPSIG-MLDSA87-RSA3072-PSS-SHA512", "SHA-512",
     "ML-DSA-87", "RSA-PSS", 3072, "SHA-256", (2990, 1802, 5011)),
    ("MLDSA87-RSA4096-PSS-SHA512", 53, "COMPSIG-MLDSA87-RSA4096-PSS-SHA512", "SHA-512",
     "ML-DSA-87", "RSA-PSS", 4096, "SHA-384", (3118, 2383, 5139)),
    ("MLDSA87-ECDSA-P521-SHA512", 54, "COMPSIG-MLDSA87-ECDSA-P521-SHA512", "SHA-512",
     "ML-DSA-87", "ECDSA", "secp521r1", "SHA-512", (2725, 114, 4766)),
)

#: agile's private-use COSE ids: -65700 for the first row of the table, counting down.
COSE_BASE = -65700


def _descriptor(index: int, row: tuple[Any, ...]) -> Algorithm:
    name, arc, label, prehash, mldsa, trad, detail, hash_name, max_sizes = row
    pk, sig, category = _MLDSA[mldsa]
    params: dict[str, object] = {"combiner": "composite-mldsa", "label": label,
                                 "prehash": prehash, "traditional": trad, "hash": hash_name,
                                 "max_sizes": max_sizes}
    public: int | None = None
    private: int | None = None
    signature: int | None = None
    if trad in _ED:
        trad_pk, trad_sk, trad_sig = _ED[trad]
        public, private, signature = pk + trad_pk, 32 + trad_sk, sig + trad_sig
        component, what = trad, trad
    elif trad == "ECDSA":
        point, ec_sk, component = _EC_SIZES[str(detail)]
        public, private = pk + point, 32 + ec_sk
        params["curve"] = detail
        what = f"ECDSA {detail} with {hash_name}"
    else:
        bits = int(str(detail))
        params["rsa_bits"] = bits
        signature = sig + bits // 8
        padding = "PSS" if trad == "RSA-PSS" else "PKCS#1 v1.5"
        component = f"{trad}-{hash_name.replace('-', '')}"
        what = f"RSA-{bits} {padding} with {hash_name}"
    return Algorithm(
        name=name, family=Family.SIGNATURE, quantum_class=QuantumClass.HYBRID,
        quantum_risk=QuantumRisk.RESISTANT, nist_category=category,
        description=f"Composite {mldsa} + {what}, pre-hash {prehash} ({_STANDARD})",
        key_type=name, oids=(f"{_PKIX_ALGS}.{arc}",), cose_alg=COSE_BASE - index,
        public_key_size=public, private_key_size=private, signature_size=signature,
        components=(mldsa, component), aliases=(f"id-{name}",), standard=_STANDARD,
        params=MappingProxyType(params),
    )


COMPOSITE_SIGNATURES: tuple[Algorithm, ...] = tuple(
    _descriptor(i, row) for i, row in enumerate(_TABLE))
