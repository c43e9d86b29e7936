"""The standard library: hashlib, hmac and ssl."""

from __future__ import annotations

from ._tables import Api, Arg, api

_HASHLIB = {"md5": "MD5", "sha1": "SHA-1", "sha224": "SHA-224", "sha256": "SHA-256",
            "sha384": "SHA-384", "sha512": "SHA-512", "sha3_224": "SHA3-224",
            "sha3_256": "SHA3-256", "sha3_384": "SHA3-384", "sha3_512": "SHA3-512",
            "shake_128": "SHAKE128", "shake_256": "SHAKE256", "blake2b": "BLAKE2b",
            "blake2s": "BLAKE2s"}
_USED = Arg(kw="usedforsecurity")
_DIGESTMOD = Arg(pos=2, kw="digestmod", map="hash")
_SSL_CTX = "ssl.SSLContext"

TABLE: dict[str, Api] = {
    **{f"hashlib.{fn}": api("hashlib", "hash", alg, usedforsecurity=_USED)
       for fn, alg in _HASHLIB.items()},
    "hashlib.new": api("hashlib", "hash", "{hash}", hash=Arg(pos=0, kw="name", map="hash"),
                       usedforsecurity=_USED),
    "hashlib.file_digest": api("hashlib", "hash", "{hash}",
                               hash=Arg(pos=1, kw="digest", map="hash")),
    "hashlib.pbkdf2_hmac": api("hashlib", "password-kdf", "PBKDF2-HMAC-{hash_c}",
                               hash=Arg(pos=0, kw="hash_name", map="hash"),
                               salt=Arg(pos=2, kw="salt", secret=True),
                               iterations=Arg(pos=3, kw="iterations")),
    "hashlib.scrypt": api("hashlib", "password-kdf", "scrypt", n=Arg(kw="n"),
                          salt=Arg(kw="salt", secret=True)),
    "hmac.new": api("hmac", "hmac", "HMAC-{hash_c}", key=Arg(pos=0, kw="key", secret=True),
                    hash=_DIGESTMOD),
    "hmac.HMAC": api("hmac", "hmac", "HMAC-{hash_c}", key=Arg(pos=0, kw="key", secret=True),
                     hash=_DIGESTMOD),
    "hmac.digest": api("hmac", "hmac", "HMAC-{hash_c}", key=Arg(pos=0, kw="key", secret=True),
                       hash=Arg(pos=2, kw="digest", map="hash")),
    # ssl: classical TLS; the protocol version and cipher string are facts
    _SSL_CTX: api("ssl", "tls-context", "TLS", returns=_SSL_CTX,
                  protocol=Arg(pos=0, kw="protocol", map="tls_protocol", default="TLS")),
    "ssl.create_default_context": api("ssl", "tls-context", "TLS", returns=_SSL_CTX),
    "ssl._create_unverified_context": api("ssl", "tls-context", "TLS", returns=_SSL_CTX,
                                          fixed={"verify": False}),
    "ssl.wrap_socket": api("ssl", "tls-context", "TLS",
                           protocol=Arg(kw="ssl_version", map="tls_protocol", default="TLS")),
    f"{_SSL_CTX}.set_ciphers": api("ssl", "tls-ciphers", "TLS", ciphers=Arg(pos=0)),
    f"{_SSL_CTX}.minimum_version=": api("ssl", "tls-min-version", "TLS",
                                        protocol=Arg(pos=0, map="tls_protocol")),
    f"{_SSL_CTX}.maximum_version=": api("ssl", "tls-max-version", "TLS",
                                        protocol=Arg(pos=0, map="tls_protocol")),
}
