"""``agile.raw``: wire-compatible operations on the default context (see ``agile._raw``)."""

from __future__ import annotations

from ._api import _default

_raw = _default.raw
sign = _raw.sign
verify = _raw.verify
encrypt = _raw.encrypt
decrypt = _raw.decrypt
seal = _raw.seal
open = _raw.open
hash = _raw.hash
hmac = _raw.hmac
verify_hmac = _raw.verify_hmac
hkdf = _raw.hkdf
pke_encrypt = _raw.pke_encrypt
pke_decrypt = _raw.pke_decrypt
exchange = _raw.exchange
encapsulate = _raw.encapsulate
decapsulate = _raw.decapsulate
pbkdf2 = _raw.pbkdf2
verify_pbkdf2 = _raw.verify_pbkdf2
fernet_generate_key = _raw.fernet_generate_key
fernet_encrypt = _raw.fernet_encrypt
fernet_decrypt = _raw.fernet_decrypt
generate_private_key = _raw.generate_private_key
load_pem_private_key = _raw.load_pem_private_key
load_der_private_key = _raw.load_der_private_key
load_pem_public_key = _raw.load_pem_public_key
load_der_public_key = _raw.load_der_public_key
encrypt_detached = _raw.encrypt_detached
decrypt_detached = _raw.decrypt_detached
random_nonce = _raw.random_nonce

__all__ = [
    "decapsulate",
    "decrypt",
    "decrypt_detached",
    "encapsulate",
    "encrypt",
    "encrypt_detached",
    "exchange",
    "fernet_decrypt",
    "fernet_encrypt",
    "fernet_generate_key",
    "generate_private_key",
    "hash",
    "hkdf",
    "hmac",
    "load_der_private_key",
    "load_der_public_key",
    "load_pem_private_key",
    "load_pem_public_key",
    "open",
    "pbkdf2",
    "pke_decrypt",
    "pke_encrypt",
    "random_nonce",
    "seal",
    "sign",
    "verify",
    "verify_hmac",
    "verify_pbkdf2",
]
