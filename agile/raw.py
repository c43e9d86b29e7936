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
encrypt_detached = _raw.encrypt_detached
decrypt_detached = _raw.decrypt_detached

__all__ = [
    "decapsulate",
    "decrypt",
    "decrypt_detached",
    "encapsulate",
    "encrypt",
    "encrypt_detached",
    "exchange",
    "hash",
    "hkdf",
    "hmac",
    "open",
    "pke_decrypt",
    "pke_encrypt",
    "seal",
    "sign",
    "verify",
    "verify_hmac",
]
