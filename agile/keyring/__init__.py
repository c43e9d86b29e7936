"""Keyrings: per policy, keys with a status (primary, active, retired, destroyed), stored
encrypted and updated atomically.

``seal``/``sign``/``encrypt`` use the policy's primary key when no key is given;
``open``/``verify``/``decrypt`` find the key by the envelope's kid after the accept-list check.

>>> ring = agile.default_context().keyring("archive")   # doctest: +SKIP
>>> ring.rotate()                                         # doctest: +SKIP
"""

from __future__ import annotations

from ._format import FORMAT_VERSION, KdfParams, Secret
from ._manager import KeyringManager, load_policy_keyrings, secret_from_spec, storage_from_spec
from ._model import KeyEntry, Keyring, KeyringSet, KeyStatus
from ._rewrap import RewrapOutcome, RewrapReport, RewrapResult, rewrap, rewrap_files
from ._storage import FileStorage, StorageBackend

__all__ = [
    "FORMAT_VERSION",
    "FileStorage",
    "KdfParams",
    "KeyEntry",
    "KeyStatus",
    "Keyring",
    "KeyringManager",
    "KeyringSet",
    "RewrapOutcome",
    "RewrapReport",
    "RewrapResult",
    "Secret",
    "StorageBackend",
    "load_policy_keyrings",
    "rewrap",
    "rewrap_files",
    "secret_from_spec",
    "storage_from_spec",
]
