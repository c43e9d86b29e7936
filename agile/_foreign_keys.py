"""RSA keys of PyCryptodome (``Crypto``) and pycryptodomex (``Cryptodome``) as pyca keys.

The raw level accepts them so that code moved off PyCryptodome keeps its key objects
(``RSA.import_key(...)``, ``RSA.generate(2048)``). A key crosses over through its DER encoding,
which pyca validates (about 70 ms for RSA-2048 here), so each converted key is cached per key
object, for as long as that object lives. Neither library is imported here.

>>> agile_key(RSA.generate(2048))  # doctest: +SKIP
<PrivateKey RSA kid=... provider=pyca>
"""

from __future__ import annotations

import threading
import weakref

from cryptography.hazmat.primitives import serialization

from .errors import InvalidKey
from .keys import PrivateKey, PublicKey, public_from_cryptography

__all__ = ["agile_key", "is_pycryptodome_key"]

_RSA_MODULES = frozenset({"Crypto.PublicKey.RSA", "Cryptodome.PublicKey.RSA"})
#: id(key) -> (weak reference to the key, its agile key); entries leave with their key
_CACHE: dict[int, tuple[weakref.ref[object], PrivateKey | PublicKey]] = {}
_LOCK = threading.Lock()


def is_pycryptodome_key(key: object) -> bool:
    """True for a PyCryptodome/pycryptodomex ``RsaKey`` (public or private)."""
    return type(key).__module__ in _RSA_MODULES and hasattr(key, "export_key")


def _forget(ident: int) -> None:
    with _LOCK:
        _CACHE.pop(ident, None)


def _convert(key: object) -> PrivateKey | PublicKey:
    try:
        der = key.export_key(format="DER")  # type: ignore[attr-defined]
        if key.has_private():  # type: ignore[attr-defined]
            return PrivateKey.from_cryptography(serialization.load_der_private_key(der, None))
        return public_from_cryptography(serialization.load_der_public_key(der))
    except (ValueError, TypeError, AttributeError):
        raise InvalidKey(f"cannot convert the {type(key).__name__} to a pyca key") from None


def agile_key(key: object) -> PrivateKey | PublicKey:
    """The agile key (on a pyca object) equal to the PyCryptodome ``key``; cached per object,
    as ``RsaKey`` objects are immutable."""
    ident = id(key)
    with _LOCK:
        found = _CACHE.get(ident)
    if found is not None and found[0]() is key:
        return found[1]
    native = _convert(key)
    with _LOCK:
        _CACHE[ident] = (weakref.ref(key), native)
    weakref.finalize(key, _forget, ident)
    return native
