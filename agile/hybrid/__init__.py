"""Hybrid key establishment: combine classical, post-quantum and QKD secrets into one key.

>>> from agile.hybrid import Secret, combine
>>> key = combine([Secret("ecdh", b"\\x01" * 32), Secret("kem", b"\\x02" * 32)], label=b"example")
>>> len(key)
32

:func:`combine` is agile's binding of ETSI TS 103 744 CatKDF/CasKDF (see
:mod:`agile.hybrid._combiner` for the exact construction); :func:`cat_kdf`, :func:`cas_kdf` and
:func:`cas_kdf_round` are the TS functions themselves, for interoperating with other
implementations of the TS.
"""

from __future__ import annotations

from ._combiner import (
    COMBINE_KDFS,
    KDFS,
    KINDS,
    Kind,
    Method,
    Secret,
    cas_kdf,
    cas_kdf_round,
    cat_kdf,
    combine,
)

__all__ = [
    "COMBINE_KDFS",
    "KDFS",
    "KINDS",
    "Kind",
    "Method",
    "Secret",
    "cas_kdf",
    "cas_kdf_round",
    "cat_kdf",
    "combine",
]
