"""The registry's entries: the single place where algorithm facts are written down.

Dates follow NIST IR 8547 (initial public draft, 2024): quantum-vulnerable public-key algorithms at
112-bit classical strength (RSA-2048) are deprecated after 2030 and everything quantum-vulnerable is
disallowed after 2035. Legacy entries follow NIST SP 800-131A. Private-use COSE identifiers
(below -65536) are agile's own and are listed in the README.
"""

from __future__ import annotations

import datetime as _dt
from types import MappingProxyType
from typing import Any

from ._catalog_composite import COMPOSITE_SIGNATURES
from ._descriptor import Algorithm, Family, QuantumClass, QuantumRisk

_END_2030 = _dt.date(2030, 12, 31)
_END_2035 = _dt.date(2035, 12, 31)

_CL, _PQ, _HY = QuantumClass.CLASSICAL, QuantumClass.POST_QUANTUM, QuantumClass.HYBRID
_VULN, _GROVER, _SAFE = QuantumRisk.VULNERABLE, QuantumRisk.GROVER_WEAKENED, QuantumRisk.RESISTANT

_NIST_PQC = "2.16.840.1.101.3.4"


def _alg(name: str, family: Family, qclass: QuantumClass, risk: QuantumRisk,
         category: int | None, description: str, **kw: Any) -> Algorithm:
    params = kw.pop("params", {})
    return Algorithm(name=name, family=family, quantum_class=qclass, quantum_risk=risk,
                     nist_category=category, description=description,
                     params=MappingProxyType(dict(params)), **kw)


def _shor(**kw: Any) -> dict[str, Any]:
    """Date fields for a quantum-vulnerable algorithm (IR 8547)."""
    if kw.pop("bits112", False):
        kw["deprecated_after"] = _END_2030
    kw["disallowed_after"] = _END_2035
    return kw


def _tls_group(code: int, name: str) -> dict[str, Any]:
    """TLS 1.3 NamedGroup facts (IANA TLS Supported Groups registry): code point and name."""
    return {"tls_group": code, "tls_group_name": name}


def _tls_sig(*schemes: tuple[int, str]) -> dict[str, Any]:
    """TLS SignatureScheme facts (IANA): ((code point, name), ...), the preferred one first."""
    return {"tls_signature_schemes": tuple(schemes)}


KEMS = [
    _alg("ML-KEM-768", Family.KEM, _PQ, _SAFE, 3, "Module-lattice KEM, FIPS 203", key_type="ML-KEM-768",
         oids=(f"{_NIST_PQC}.4.2",), public_key_size=1184, private_key_size=64,
         ciphertext_size=1088, shared_secret_size=32, standard="FIPS 203",
         params={"hpke_kem_id": 0x0041, **_tls_group(0x0201, "MLKEM768")}),
    _alg("ML-KEM-1024", Family.KEM, _PQ, _SAFE, 5, "Module-lattice KEM, FIPS 203",
         key_type="ML-KEM-1024", oids=(f"{_NIST_PQC}.4.3",), public_key_size=1568,
         private_key_size=64, ciphertext_size=1568, shared_secret_size=32, standard="FIPS 203",
         params={"hpke_kem_id": 0x0042, **_tls_group(0x0202, "MLKEM1024")}),
    _alg("MLKEM768-X25519", Family.KEM, _HY, _SAFE, 3,
         "Hybrid KEM ML-KEM-768 + X25519 (X-Wing combiner, draft-ietf-hpke-pq)",
         key_type="MLKEM768-X25519", components=("ML-KEM-768", "X25519"), aliases=("X-Wing",),
         oids=("1.3.6.1.4.1.62253.25722",),
         public_key_size=1216, private_key_size=32, ciphertext_size=1120, shared_secret_size=32,
         standard="draft-connolly-cfrg-xwing-kem / draft-ietf-hpke-pq",
         params={"hpke_kem_id": 0x647A}),
    # MLKEM768-P256 / MLKEM1024-P384: the CG hybrids of draft-irtf-cfrg-concrete-hybrid-kems
    # (32-byte seed, SHA3-256 combiner). No OID: the LAMPS composite-KEM OIDs name other combiners.
    _alg("MLKEM768-P256", Family.KEM, _HY, _SAFE, 3,
         "Hybrid KEM ML-KEM-768 + ECDH P-256 (draft-irtf-cfrg-concrete-hybrid-kems)",
         key_type="MLKEM768-P256", components=("ML-KEM-768", "ECDH-P256"), public_key_size=1249,
         private_key_size=32, ciphertext_size=1153, shared_secret_size=32,
         standard="draft-irtf-cfrg-concrete-hybrid-kems / draft-ietf-hpke-pq",
         params={"hpke_kem_id": 0x0050}),
    _alg("MLKEM1024-P384", Family.KEM, _HY, _SAFE, 5,
         "Hybrid KEM ML-KEM-1024 + ECDH P-384 (draft-irtf-cfrg-concrete-hybrid-kems)",
         key_type="MLKEM1024-P384", components=("ML-KEM-1024", "ECDH-P384"), public_key_size=1665,
         private_key_size=32, ciphertext_size=1665, shared_secret_size=32,
         standard="draft-irtf-cfrg-concrete-hybrid-kems / draft-ietf-hpke-pq",
         params={"hpke_kem_id": 0x0051}),
    # The TLS 1.3 group: concatenated secrets, no combiner hash; secure only inside a transcript.
    # Private encoding (agile's): ML-KEM-768 seed (64) || X25519 private key (32).
    _alg("X25519MLKEM768", Family.KEM, _HY, _SAFE, 3,
         "TLS 1.3 hybrid group ML-KEM-768 + X25519, shared secret ss_MLKEM || ss_X25519 "
         "(draft-ietf-tls-ecdhe-mlkem)", key_type="X25519MLKEM768",
         components=("ML-KEM-768", "X25519"), public_key_size=1216, private_key_size=96,
         ciphertext_size=1120, shared_secret_size=64, standard="draft-ietf-tls-ecdhe-mlkem",
         params=_tls_group(0x11EC, "X25519MLKEM768")),
    # The NIST-curve TLS 1.3 hybrid groups: ECDH share first (share, ciphertext and secret are
    # ECDH || ML-KEM). Negotiated by OpenSSL inside TLS only (agile.tls); no standalone KEM.
    _alg("SecP256r1MLKEM768", Family.KEM, _HY, _SAFE, 3,
         "TLS 1.3 hybrid group ECDH P-256 + ML-KEM-768, shared secret ss_ECDH || ss_MLKEM "
         "(draft-ietf-tls-ecdhe-mlkem)", components=("ML-KEM-768", "ECDH-P256"),
         public_key_size=1249, ciphertext_size=1153, shared_secret_size=64,
         standard="draft-ietf-tls-ecdhe-mlkem",
         params={**_tls_group(0x11EB, "SecP256r1MLKEM768"), "tls_only": True}),
    _alg("SecP384r1MLKEM1024", Family.KEM, _HY, _SAFE, 5,
         "TLS 1.3 hybrid group ECDH P-384 + ML-KEM-1024, shared secret ss_ECDH || ss_MLKEM "
         "(draft-ietf-tls-ecdhe-mlkem)", components=("ML-KEM-1024", "ECDH-P384"),
         public_key_size=1665, ciphertext_size=1665, shared_secret_size=80,
         standard="draft-ietf-tls-ecdhe-mlkem",
         params={**_tls_group(0x11ED, "SecP384r1MLKEM1024"), "tls_only": True}),
]

KEY_AGREEMENTS = [
    _alg("X25519", Family.KEY_AGREEMENT, _CL, _VULN, None, "Diffie-Hellman on Curve25519, RFC 7748",
         key_type="X25519", oids=("1.3.101.110",), public_key_size=32, private_key_size=32,
         shared_secret_size=32, standard="RFC 7748",
         params={"hpke_kem_id": 0x0020, **_tls_group(0x001D, "x25519")},
         **_shor()),
    _alg("X448", Family.KEY_AGREEMENT, _CL, _VULN, None, "Diffie-Hellman on Curve448, RFC 7748",
         key_type="X448", oids=("1.3.101.111",), public_key_size=56, private_key_size=56,
         shared_secret_size=56, standard="RFC 7748",
         params={"hpke_kem_id": 0x0021, **_tls_group(0x001E, "x448")}, **_shor()),
    *[
        _alg(f"ECDH-P{bits}", Family.KEY_AGREEMENT, _CL, _VULN, None,
             f"Elliptic-curve Diffie-Hellman on NIST P-{bits}", key_type=f"EC-P{bits}",
             oids=("1.2.840.10045.2.1", curve_oid), public_key_size=pk, private_key_size=sk,
             shared_secret_size=sk, standard="SP 800-56A",
             params={"curve": f"secp{bits}r1", "hpke_kem_id": kem_id,
                     **_tls_group(tls, f"secp{bits}r1")}, **_shor())
        for bits, curve_oid, pk, sk, kem_id, tls in (
            (256, "1.2.840.10045.3.1.7", 65, 32, 0x0010, 0x0017),
            (384, "1.3.132.0.34", 97, 48, 0x0011, 0x0018),
            (521, "1.3.132.0.35", 133, 66, 0x0012, 0x0019),
        )
    ],
]

PKES = [
    _alg("RSA-OAEP-SHA256", Family.PKE, _CL, _VULN, None, "RSAES-OAEP with SHA-256 and MGF1-SHA-256",
         key_type="RSA", oids=("1.2.840.113549.1.1.7",), cose_alg=-41, standard="RFC 8017",
         params={"hash": "SHA-256", "min_key_bits": 2048}, **_shor(bits112=True)),
    # PKCS#1 v2's default (and PyCryptodome's PKCS1_OAEP default): kept for existing data only
    _alg("RSA-OAEP-SHA1", Family.PKE, _CL, _VULN, None,
         "RSAES-OAEP with SHA-1 and MGF1-SHA-1 (RFC 8017 defaults; legacy)", key_type="RSA",
         oids=("1.2.840.113549.1.1.7",), cose_alg=-40, legacy=True, standard="RFC 8017",
         params={"hash": "SHA-1", "min_key_bits": 2048}, **_shor(bits112=True)),
]

# HPKE suites (RFC 9180, base mode) as single algorithms, so a COSE header names the whole suite.
_HPKE = [
    # name suffix, KEM entry, KDF, AEAD, private COSE id, quantum class, risk, category
    ("MLKEM768X25519-SHA256-A256GCM", "MLKEM768-X25519", "HKDF-SHA256", "AES-256-GCM", -65610, _HY,
     _SAFE, 3),
    ("MLKEM1024P384-SHA384-A256GCM", "MLKEM1024-P384", "HKDF-SHA384", "AES-256-GCM", -65611, _HY,
     _SAFE, 5),
    ("MLKEM768-SHA256-A256GCM", "ML-KEM-768", "HKDF-SHA256", "AES-256-GCM", -65612, _PQ, _SAFE, 3),
    ("MLKEM1024-SHA384-A256GCM", "ML-KEM-1024", "HKDF-SHA384", "AES-256-GCM", -65613, _PQ, _SAFE, 5),
    ("X25519-SHA256-A128GCM", "X25519", "HKDF-SHA256", "AES-128-GCM", -65614, _CL, _VULN, None),
    ("X25519-SHA256-ChaCha20Poly1305", "X25519", "HKDF-SHA256", "ChaCha20-Poly1305", -65615, _CL,
     _VULN, None),
    ("P256-SHA256-A128GCM", "ECDH-P256", "HKDF-SHA256", "AES-128-GCM", -65616, _CL, _VULN, None),
    ("P384-SHA384-A256GCM", "ECDH-P384", "HKDF-SHA384", "AES-256-GCM", -65617, _CL, _VULN, None),
    ("P521-SHA512-A256GCM", "ECDH-P521", "HKDF-SHA512", "AES-256-GCM", -65618, _CL, _VULN, None),
]
_KEM_KEY_TYPES = {"ECDH-P256": "EC-P256", "ECDH-P384": "EC-P384", "ECDH-P521": "EC-P521"}
HPKE_SUITES = [
    _alg(f"HPKE-{suffix}", Family.HPKE, qclass, risk, cat,
         f"HPKE base mode (RFC 9180): KEM {kem}, KDF {kdf}, AEAD {aead}",
         key_type=_KEM_KEY_TYPES.get(kem, kem), components=(kem, kdf, aead), cose_alg=cose_id,
         standard="RFC 9180",
         **(_shor() if risk is _VULN else {}))
    for suffix, kem, kdf, aead, cose_id, qclass, risk, cat in _HPKE
]

_ECDSA = [
    # curve bits, hash, cose, signature oid, curve oid, raw signature size, TLS SignatureScheme
    (256, "SHA256", -7, "1.2.840.10045.4.3.2", "1.2.840.10045.3.1.7", 64, 0x0403),
    (384, "SHA384", -35, "1.2.840.10045.4.3.3", "1.3.132.0.34", 96, 0x0503),
    (521, "SHA512", -36, "1.2.840.10045.4.3.4", "1.3.132.0.35", 132, 0x0603),
]
_RSA_HASHES = [("SHA256", -37, -257, ".11"), ("SHA384", -38, -258, ".12"),
               ("SHA512", -39, -259, ".13")]
# TLS SignatureScheme code points (RFC 8446 4.2.3): hash -> (rsa_pss_rsae, rsa_pss_pss, pkcs1)
_RSA_TLS = {"SHA256": (0x0804, 0x0809, 0x0401), "SHA384": (0x0805, 0x080A, 0x0501),
            "SHA512": (0x0806, 0x080B, 0x0601)}

SIGNATURES = [
    *[
        _alg(f"ML-DSA-{level}", Family.SIGNATURE, _PQ, _SAFE, cat, "Module-lattice signature, FIPS 204",
             key_type=f"ML-DSA-{level}", oids=(f"{_NIST_PQC}.3.{oid}",), cose_alg=cose,
             public_key_size=pk, private_key_size=32, signature_size=sig, standard="FIPS 204",
             params=_tls_sig((scheme, f"mldsa{level}")))
        for level, cat, oid, cose, pk, sig, scheme in (
            (44, 2, 17, -48, 1312, 2420, 0x0904), (65, 3, 18, -49, 1952, 3309, 0x0905),
            (87, 5, 19, -50, 2592, 4627, 0x0906),
        )
    ],
    # EdDSA: agile writes the polymorphic "EdDSA" id (-8) that today's COSE libraries understand,
    # and reads the fully-specified RFC 9864 ids too; the key type disambiguates -8.
    _alg("Ed25519", Family.SIGNATURE, _CL, _VULN, None, "EdDSA on edwards25519, RFC 8032",
         key_type="Ed25519", oids=("1.3.101.112",), cose_alg=-8, cose_aliases=(-19,),
         public_key_size=32, private_key_size=32, signature_size=64, standard="RFC 8032",
         params=_tls_sig((0x0807, "ed25519")), **_shor()),
    _alg("Ed448", Family.SIGNATURE, _CL, _VULN, None, "EdDSA on edwards448, RFC 8032",
         key_type="Ed448", oids=("1.3.101.113",), cose_alg=-8, cose_aliases=(-53,),
         public_key_size=57, private_key_size=57, signature_size=114, standard="RFC 8032",
         params=_tls_sig((0x0808, "ed448")), **_shor()),
    *[
        _alg(f"ECDSA-P{bits}-{h}", Family.SIGNATURE, _CL, _VULN, None,
             f"ECDSA on NIST P-{bits} with {h[:3]}-{h[3:]}", key_type=f"EC-P{bits}",
             oids=(sig_oid, curve_oid), cose_alg=cose, signature_size=size, standard="FIPS 186-5",
             params={"curve": f"secp{bits}r1", "hash": f"{h[:3]}-{h[3:]}",
                     **_tls_sig((scheme, f"ecdsa_secp{bits}r1_{h.lower()}"))}, **_shor())
        for bits, h, cose, sig_oid, curve_oid, size, scheme in _ECDSA
    ],
    *[
        _alg(f"RSA-PSS-{h}", Family.SIGNATURE, _CL, _VULN, None,
             f"RSASSA-PSS with {h[:3]}-{h[3:]}, MGF1 and salt length = digest length",
             key_type="RSA", oids=("1.2.840.113549.1.1.10",), cose_alg=pss, standard="RFC 8017",
             params={"hash": f"{h[:3]}-{h[3:]}", "padding": "PSS", "min_key_bits": 2048,
                     **_tls_sig((_RSA_TLS[h][0], f"rsa_pss_rsae_{h.lower()}"),
                                (_RSA_TLS[h][1], f"rsa_pss_pss_{h.lower()}"))},
             **_shor(bits112=True))
        for h, pss, _, _ in _RSA_HASHES
    ],
    *[
        _alg(f"RSA-PKCS1v15-{h}", Family.SIGNATURE, _CL, _VULN, None,
             f"RSASSA-PKCS1-v1_5 with {h[:3]}-{h[3:]}", key_type="RSA",
             oids=(f"1.2.840.113549.1.1{suffix}",), cose_alg=pkcs, standard="RFC 8017",
             params={"hash": f"{h[:3]}-{h[3:]}", "padding": "PKCS1v15", "min_key_bits": 2048,
                     **_tls_sig((_RSA_TLS[h][2], f"rsa_pkcs1_{h.lower()}"))},
             **_shor(bits112=True))
        for h, _, pkcs, suffix in _RSA_HASHES
    ],
    _alg("RSA-PKCS1v15-SHA1", Family.SIGNATURE, _CL, _VULN, None,
         "RSASSA-PKCS1-v1_5 with SHA-1 (collision-broken; legacy)", key_type="RSA",
         oids=("1.2.840.113549.1.1.5",), cose_alg=-65535, legacy=True, standard="RFC 8017",
         disallowed_after=_dt.date(2013, 12, 31),
         params={"hash": "SHA-1", "padding": "PKCS1v15", "min_key_bits": 1024,
                 **_tls_sig((0x0201, "rsa_pkcs1_sha1"))}),
]

# nonce_size is what agile's envelopes use; max_nonce_size, where larger, what GCM (SP 800-38D,
# as pyca and PyCryptodome implement it) also accepts: agile.raw's detached calls take up to it.
AEADS = [
    _alg("AES-128-GCM", Family.AEAD, _CL, _GROVER, 1, "AES-128 in Galois/Counter Mode",
         key_type="AES-128-GCM", oids=("2.16.840.1.101.3.4.1.6",), cose_alg=1, key_size=16,
         nonce_size=12, tag_size=16, standard="SP 800-38D",
         params={"tls13_cipher_suite": (0x1301, "TLS_AES_128_GCM_SHA256"),
                 "max_nonce_size": 128}),
    _alg("AES-256-GCM", Family.AEAD, _CL, _SAFE, 5, "AES-256 in Galois/Counter Mode",
         key_type="AES-256-GCM", oids=("2.16.840.1.101.3.4.1.46",), cose_alg=3, key_size=32,
         nonce_size=12, tag_size=16, standard="SP 800-38D",
         params={"tls13_cipher_suite": (0x1302, "TLS_AES_256_GCM_SHA384"),
                 "max_nonce_size": 128}),
    _alg("AES-256-GCM-SIV", Family.AEAD, _CL, _SAFE, 5, "AES-256-GCM-SIV, nonce-misuse resistant",
         key_type="AES-256-GCM-SIV", cose_alg=-65601, key_size=32, nonce_size=12, tag_size=16,
         standard="RFC 8452"),
    _alg("ChaCha20-Poly1305", Family.AEAD, _CL, _SAFE, 5, "ChaCha20-Poly1305, RFC 8439",
         key_type="ChaCha20-Poly1305", oids=("1.2.840.113549.1.9.16.3.18",), cose_alg=24,
         key_size=32, nonce_size=12, tag_size=16, standard="RFC 8439",
         params={"tls13_cipher_suite": (0x1303, "TLS_CHACHA20_POLY1305_SHA256")}),
]

TOKENS = [
    _alg("Fernet", Family.TOKEN, _CL, _GROVER, 1,
         "Fernet token: AES-128-CBC + HMAC-SHA256 (encrypt-then-MAC), version byte 0x80, "
         "timestamp; 32-byte key given as url-safe base64", key_type="Fernet", key_size=32,
         nonce_size=16, tag_size=32, standard="Fernet spec (github.com/fernet/spec)",
         params={"cipher": "AES-128-CBC", "mac": "HMAC-SHA256", "version": 0x80}),
]

CIPHERS = [
    _alg("AES-128-CBC", Family.CIPHER, _CL, _GROVER, 1, "AES-128-CBC, unauthenticated (legacy)",
         key_type="AES-128-CBC", oids=("2.16.840.1.101.3.4.1.2",), key_size=16, nonce_size=16,
         legacy=True, standard="SP 800-38A"),
    _alg("AES-256-CBC", Family.CIPHER, _CL, _SAFE, 5, "AES-256-CBC, unauthenticated (legacy)",
         key_type="AES-256-CBC", oids=("2.16.840.1.101.3.4.1.42",), key_size=32, nonce_size=16,
         legacy=True, standard="SP 800-38A"),
    _alg("AES-ECB", Family.CIPHER, _CL, _SAFE, None,
         "AES in ECB mode: leaks plaintext patterns (legacy)", key_type="AES-ECB", legacy=True,
         standard="SP 800-38A"),
    _alg("3DES-CBC", Family.CIPHER, _CL, _GROVER, None, "Triple DES (TDEA) in CBC mode (legacy)",
         key_type="3DES-CBC", oids=("1.2.840.113549.3.7",), key_size=24, nonce_size=8,
         legacy=True, disallowed_after=_dt.date(2023, 12, 31), standard="SP 800-67"),
]

_SHA2 = [("SHA-256", 32, 2, "1", -16), ("SHA-384", 48, 4, "2", -43), ("SHA-512", 64, 5, "3", -44)]
_SHA3 = [("SHA3-256", 32, 2, "8"), ("SHA3-384", 48, 4, "9"), ("SHA3-512", 64, 5, "10")]

HASHES = [
    *[
        _alg(name, Family.HASH, _CL, _SAFE, cat, f"{name}, FIPS 180-4", oids=(f"{_NIST_PQC}.2.{oid}",),
             cose_alg=cose, output_size=size, standard="FIPS 180-4")
        for name, size, cat, oid, cose in _SHA2
    ],
    *[
        _alg(name, Family.HASH, _CL, _SAFE, cat, f"{name}, FIPS 202", oids=(f"{_NIST_PQC}.2.{oid}",),
             output_size=size, standard="FIPS 202")
        for name, size, cat, oid in _SHA3
    ],
    _alg("SHAKE128", Family.HASH, _CL, _GROVER, 1, "SHAKE128 XOF (default output 32 bytes), FIPS 202",
         oids=(f"{_NIST_PQC}.2.11",), cose_alg=-18, output_size=32, standard="FIPS 202"),
    _alg("SHAKE256", Family.HASH, _CL, _SAFE, 5, "SHAKE256 XOF (default output 64 bytes), FIPS 202",
         oids=(f"{_NIST_PQC}.2.12",), cose_alg=-45, output_size=64, standard="FIPS 202"),
    _alg("SHA-1", Family.HASH, _CL, _GROVER, None, "SHA-1: collisions are practical (legacy)",
         oids=("1.3.14.3.2.26",), cose_alg=-14, output_size=20, legacy=True,
         disallowed_after=_END_2030, standard="FIPS 180-4"),
    _alg("MD5", Family.HASH, _CL, _GROVER, None, "MD5: collisions are trivial (legacy)",
         oids=("1.2.840.113549.2.5",), output_size=16, legacy=True,
         disallowed_after=_dt.date(2010, 12, 31), standard="RFC 1321"),
]

MACS = [
    _alg(f"HMAC-SHA{bits}", Family.MAC, _CL, _SAFE, 5, f"HMAC with SHA-{bits}, RFC 2104",
         key_type=f"HMAC-SHA{bits}", oids=(f"1.2.840.113549.2.{oid}",), cose_alg=cose,
         key_size=bits // 8, output_size=bits // 8, standard="RFC 2104",
         params={"hash": f"SHA-{bits}"})
    for bits, oid, cose in ((256, 9, 5), (384, 10, 6), (512, 11, 7))
]

KDFS = [
    _alg(f"HKDF-SHA{bits}", Family.KDF, _CL, _SAFE, 5, f"HKDF with SHA-{bits}, RFC 5869",
         oids=(f"1.2.840.113549.1.9.16.3.{oid}",), output_size=bits // 8, standard="RFC 5869",
         params={"hash": f"SHA-{bits}"})
    for bits, oid in ((256, 28), (384, 29), (512, 30))
]

PASSWORD_HASHES = [
    _alg("Argon2id", Family.PASSWORD_HASH, _CL, _SAFE, None, "Argon2id memory-hard password hash",
         output_size=32, standard="RFC 9106",
         params={"memory_cost_kib": 65536, "iterations": 3, "lanes": 4, "salt_size": 16}),
    _alg("scrypt", Family.PASSWORD_HASH, _CL, _SAFE, None, "scrypt memory-hard password hash",
         oids=("1.3.6.1.4.1.11591.4.11",), output_size=32, standard="RFC 7914",
         params={"n": 2**15, "r": 8, "p": 1, "salt_size": 16}),
    # iterations: OWASP's 2023 minimums for each PRF (hash_password's cost; agile.raw.pbkdf2
    # takes the caller's count, a policy's min_iterations bounds it)
    _alg("PBKDF2-HMAC-SHA256", Family.PASSWORD_HASH, _CL, _SAFE, None,
         "PBKDF2 with HMAC-SHA-256 (not memory-hard)", oids=("1.2.840.113549.1.5.12",),
         output_size=32, standard="RFC 8018 / SP 800-132",
         params={"iterations": 600_000, "hash": "SHA-256", "salt_size": 16}),
    _alg("PBKDF2-HMAC-SHA512", Family.PASSWORD_HASH, _CL, _SAFE, None,
         "PBKDF2 with HMAC-SHA-512 (not memory-hard)", output_size=64, standard="RFC 8018 / SP 800-132",
         params={"iterations": 210_000, "hash": "SHA-512", "salt_size": 16}),
    _alg("PBKDF2-HMAC-SHA1", Family.PASSWORD_HASH, _CL, _SAFE, None,
         "PBKDF2 with HMAC-SHA-1 (RFC 8018's default PRF; legacy)", output_size=20, legacy=True,
         standard="RFC 8018", params={"iterations": 1_300_000, "hash": "SHA-1", "salt_size": 16}),
]

ALL: tuple[Algorithm, ...] = (
    *KEMS, *KEY_AGREEMENTS, *PKES, *HPKE_SUITES, *SIGNATURES, *COMPOSITE_SIGNATURES, *AEADS,
    *TOKENS, *CIPHERS, *HASHES, *MACS, *KDFS, *PASSWORD_HASHES,
)
