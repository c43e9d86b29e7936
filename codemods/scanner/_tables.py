"""Declarative API tables: fully-qualified API name -> what the call does and how to read it.

Each library has its own table module (``_tables_pyca``, ``_tables_std``, ``_tables_libs``); this
module holds the vocabulary they share and :data:`TABLE`, their union. A table entry states facts
about an *API* (which primitive it is, where its algorithm and parameters come from); whether an
algorithm is quantum-vulnerable or weak is never written here: that is the registry's and the
rules file's business (:mod:`codemods.scanner._classify`).

Algorithm templates are tried in order: the first one whose fields are all known and that the
registry knows wins; otherwise the first one whose fields are all known. ``{name_c}`` is the
field ``name`` in compact form (``SHA-256`` -> ``SHA256``). A template may start with a condition
``"key_type=RSA|"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["VALUES", "Api", "Arg", "api", "hashes"]


@dataclass(frozen=True, slots=True)
class Arg:
    """Where one parameter is read from a call.

    ``pos``/``kw``: the argument; ``inner``: read further inside that argument's own call
    (``padding.OAEP(algorithm=hashes.SHA256())``); ``map``: a :data:`VALUES` table that turns the
    resolved value (a qualified name or a literal) into a token; ``secret``: record only whether
    the bytes are hard-coded (and their length in bits as ``<name>_bits``); ``dict_key``: the
    argument is a dict literal, read this key; ``each``: the argument is a list of values (one
    finding per element); ``origin``: take ``"algorithm"`` or ``"params"`` of the object the
    argument was built by; ``default``: the value when the argument is absent.
    """

    pos: int | None = None
    kw: str | None = None
    inner: Arg | None = None
    map: str | None = None
    secret: bool = False
    dict_key: str | None = None
    each: bool = False
    origin: str | None = None
    default: Any = None


@dataclass(frozen=True, slots=True)
class Api:
    """One API: the finding it produces (``kind`` None: none, only its return type is tracked)."""

    kind: str | None
    library: str
    templates: tuple[str, ...] = ()
    params: Mapping[str, Arg] = field(default_factory=lambda: MappingProxyType({}))
    fixed: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    returns: str | None = None


def api(library: str, kind: str | None, *templates: str, returns: str | None = None,
        fixed: Mapping[str, Any] | None = None, **params: Arg) -> Api:
    return Api(kind=kind, library=library, templates=templates,
               params=MappingProxyType(params), fixed=MappingProxyType(dict(fixed or {})),
               returns=returns)


def hashes(prefixes: Iterable[str], names: Mapping[str, str]) -> dict[str, str]:
    """``{prefix + attr: token}`` for every prefix and ``attr -> token`` pair."""
    return {f"{p}{attr}": token for p in prefixes for attr, token in names.items()}


_HASH_NAMES = {  # spellings used by hashlib, hmac, python-rsa, pyOpenSSL and JOSE -> registry names
    "md5": "MD5", "sha1": "SHA-1", "sha-1": "SHA-1", "sha224": "SHA-224", "sha-224": "SHA-224",
    "sha256": "SHA-256", "sha-256": "SHA-256", "sha384": "SHA-384", "sha-384": "SHA-384",
    "sha512": "SHA-512", "sha-512": "SHA-512", "sha3_256": "SHA3-256", "sha3-256": "SHA3-256",
    "sha3_384": "SHA3-384", "sha3-384": "SHA3-384", "sha3_512": "SHA3-512", "sha3-512": "SHA3-512",
    "sha3_224": "SHA3-224", "shake_128": "SHAKE128", "shake_256": "SHAKE256", "blake2b": "BLAKE2b",
    "blake2s": "BLAKE2s", "sha512_256": "SHA-512/256", "md4": "MD4", "ripemd160": "RIPEMD-160",
}
_PYCA_HASH_CLASSES = {
    "MD5": "MD5", "SHA1": "SHA-1", "SHA224": "SHA-224", "SHA256": "SHA-256", "SHA384": "SHA-384",
    "SHA512": "SHA-512", "SHA512_256": "SHA-512/256", "SHA3_256": "SHA3-256", "SHA3_384": "SHA3-384",
    "SHA3_512": "SHA3-512", "SHA3_224": "SHA3-224", "SHAKE128": "SHAKE128", "SHAKE256": "SHAKE256",
    "BLAKE2b": "BLAKE2b", "BLAKE2s": "BLAKE2s", "SM3": "SM3",
}
_PYCRYPTODOME_HASHES = {
    "MD5": "MD5", "SHA1": "SHA-1", "SHA224": "SHA-224", "SHA256": "SHA-256", "SHA384": "SHA-384",
    "SHA512": "SHA-512", "SHA3_256": "SHA3-256", "SHA3_384": "SHA3-384", "SHA3_512": "SHA3-512",
    "BLAKE2b": "BLAKE2b", "BLAKE2s": "BLAKE2s", "MD4": "MD4", "RIPEMD160": "RIPEMD-160",
}
_CURVES = {  # curve spellings -> the registry's token (EC-P256, ECDSA-P256-..., ECDH-P256)
    "p-256": "P256", "p256": "P256", "secp256r1": "P256", "prime256v1": "P256", "nist p-256": "P256",
    "p-384": "P384", "p384": "P384", "secp384r1": "P384", "nist p-384": "P384",
    "p-521": "P521", "p521": "P521", "secp521r1": "P521", "nist p-521": "P521",
    "p-224": "P224", "secp224r1": "P224", "p-192": "P192", "secp192r1": "P192",
    "secp256k1": "secp256k1", "ed25519": "Ed25519", "ed448": "Ed448",
}
_PYCA_CURVES = {
    "SECP256R1": "P256", "SECP384R1": "P384", "SECP521R1": "P521", "SECP224R1": "P224",
    "SECP192R1": "P192", "SECP256K1": "secp256k1", "BrainpoolP256R1": "brainpoolP256r1",
    "BrainpoolP384R1": "brainpoolP384r1", "BrainpoolP512R1": "brainpoolP512r1",
}
_ECDSA_CURVES = {"NIST256p": "P256", "NIST384p": "P384", "NIST521p": "P521", "NIST224p": "P224",
                 "NIST192p": "P192", "SECP256k1": "secp256k1", "Ed25519": "Ed25519",
                 "Ed448": "Ed448", "BRAINPOOLP256r1": "brainpoolP256r1"}
_JOSE = {  # RFC 7518 / RFC 8037 / draft-ietf-cose-dilithium "alg" values -> algorithm names
    "HS256": "HMAC-SHA256", "HS384": "HMAC-SHA384", "HS512": "HMAC-SHA512",
    "RS256": "RSA-PKCS1v15-SHA256", "RS384": "RSA-PKCS1v15-SHA384", "RS512": "RSA-PKCS1v15-SHA512",
    "PS256": "RSA-PSS-SHA256", "PS384": "RSA-PSS-SHA384", "PS512": "RSA-PSS-SHA512",
    "ES256": "ECDSA-P256-SHA256", "ES384": "ECDSA-P384-SHA384", "ES512": "ECDSA-P521-SHA512",
    "ES256K": "ECDSA-secp256k1-SHA256", "EdDSA": "EdDSA", "Ed25519": "Ed25519", "Ed448": "Ed448",
    "RSA1_5": "RSA-PKCS1v15", "RSA-OAEP": "RSA-OAEP-SHA1", "RSA-OAEP-256": "RSA-OAEP-SHA256",
    "ECDH-ES": "ECDH-ES", "ECDH-ES+A128KW": "ECDH-ES", "ECDH-ES+A256KW": "ECDH-ES",
    "A128GCM": "AES-128-GCM", "A256GCM": "AES-256-GCM", "A128KW": "AES-128-KW",
    "A256KW": "AES-256-KW", "dir": "direct", "none": "none",
    "ML-DSA-44": "ML-DSA-44", "ML-DSA-65": "ML-DSA-65", "ML-DSA-87": "ML-DSA-87",
}
_JOSE_CRV = {"P-256": "P256", "P-384": "P384", "P-521": "P521", "secp256k1": "secp256k1",
             "Ed25519": "Ed25519", "X25519": "X25519", "Ed448": "Ed448"}

_H = "cryptography.hazmat.primitives."
_PYCA_MODES = {"ECB": "ECB", "CBC": "CBC", "CTR": "CTR", "GCM": "GCM", "OFB": "OFB", "CFB": "CFB",
               "CFB8": "CFB8", "XTS": "XTS"}
_PYCA_CIPHERS = {"AES": "AES", "AES128": "AES", "AES256": "AES", "TripleDES": "3DES",
                 "Camellia": "Camellia", "ChaCha20": "ChaCha20", "SM4": "SM4", "ARC4": "RC4",
                 "Blowfish": "Blowfish", "CAST5": "CAST5", "IDEA": "IDEA", "SEED": "SEED"}
_DOME = ("Crypto.", "Cryptodome.")

#: Value tables: resolved qualified names (exact) and literal strings (lower-cased) -> tokens.
VALUES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "hash": MappingProxyType({
        **_HASH_NAMES,
        **{k.lower(): v for k, v in _PYCA_HASH_CLASSES.items()},
        **hashes([f"{_H}hashes."], _PYCA_HASH_CLASSES),
        **hashes(["hashlib."], {k: v for k, v in _HASH_NAMES.items() if "-" not in k}),
        **hashes([f"{p}Hash." for p in _DOME], _PYCRYPTODOME_HASHES),
        **{f"{p}Hash.{m}.new": v for p in _DOME for m, v in _PYCRYPTODOME_HASHES.items()},
        **hashes(["nacl.hash."], {"sha256": "SHA-256", "sha512": "SHA-512", "blake2b": "BLAKE2b"}),
    }),
    "curve": MappingProxyType({
        **_CURVES,
        **hashes([f"{_H}asymmetric.ec."], _PYCA_CURVES),
        **hashes(["ecdsa.", "ecdsa.curves."], _ECDSA_CURVES),
    }),
    "jose": MappingProxyType({**{k.lower(): v for k, v in _JOSE.items()}}),
    "jose_crv": MappingProxyType({k.lower(): v for k, v in _JOSE_CRV.items()}),
    "jose_kty": MappingProxyType({"rsa": "RSA", "ec": "EC", "okp": "OKP", "oct": "oct"}),
    "rsa_padding": MappingProxyType({
        f"{_H}asymmetric.padding.PSS": "PSS", f"{_H}asymmetric.padding.PKCS1v15": "PKCS1v15",
        f"{_H}asymmetric.padding.OAEP": "OAEP",
    }),
    "mode": MappingProxyType({
        **hashes([f"{_H}ciphers.modes."], _PYCA_MODES),
        **{f"{p}Cipher.{c}.MODE_{m}": m for p in _DOME
           for c in ("AES", "DES", "DES3", "Blowfish", "ARC2", "CAST")
           for m in ("ECB", "CBC", "CFB", "OFB", "CTR", "OPENPGP", "EAX", "GCM", "CCM", "SIV",
                     "OCB")},
    }),
    "cipher_bits": MappingProxyType({f"{_H}ciphers.algorithms.AES128": "128",
                                     f"{_H}ciphers.algorithms.AES256": "256"}),
    "cipher": MappingProxyType(hashes([f"{_H}ciphers.algorithms.",
                                       "cryptography.hazmat.decrepit.ciphers.algorithms."],
                                      _PYCA_CIPHERS)),
    "tls_protocol": MappingProxyType({
        **hashes(["ssl."], {"PROTOCOL_SSLv2": "SSLv2", "PROTOCOL_SSLv3": "SSLv3",
                            "PROTOCOL_TLSv1": "TLSv1", "PROTOCOL_TLSv1_1": "TLSv1.1",
                            "PROTOCOL_TLSv1_2": "TLSv1.2", "PROTOCOL_TLS": "TLS",
                            "PROTOCOL_SSLv23": "TLS", "PROTOCOL_TLS_CLIENT": "TLS",
                            "PROTOCOL_TLS_SERVER": "TLS", "TLSVersion.SSLv3": "SSLv3",
                            "TLSVersion.TLSv1": "TLSv1", "TLSVersion.TLSv1_1": "TLSv1.1",
                            "TLSVersion.TLSv1_2": "TLSv1.2", "TLSVersion.TLSv1_3": "TLSv1.3",
                            "TLSVersion.MINIMUM_SUPPORTED": "minimum-supported"}),
        **hashes(["OpenSSL.SSL."], {"SSLv2_METHOD": "SSLv2", "SSLv3_METHOD": "SSLv3",
                                    "TLSv1_METHOD": "TLSv1", "TLSv1_1_METHOD": "TLSv1.1",
                                    "TLSv1_2_METHOD": "TLSv1.2", "SSLv23_METHOD": "TLS",
                                    "TLS_METHOD": "TLS", "TLS_CLIENT_METHOD": "TLS",
                                    "TLS_SERVER_METHOD": "TLS"}),
    }),
    "openssl_key_type": MappingProxyType({"OpenSSL.crypto.TYPE_RSA": "RSA",
                                          "OpenSSL.crypto.TYPE_DSA": "DSA"}),
    "dss_mode": MappingProxyType({"fips-186-3": "fips-186-3", "deterministic-rfc6979": "rfc6979"}),
})
