"""agile: policy-driven cryptography. Name a policy; the configuration picks the algorithm.

>>> import agile
>>> key = agile.generate_key(policy="archive")
>>> agile.open(agile.seal(b"data", key, policy="archive"), key, policy="archive")
b'data'
"""

from __future__ import annotations

from . import algorithms, audit, errors, raw
from ._api import (
    configure,
    decapsulate,
    decrypt,
    default_context,
    derive_key,
    encapsulate,
    encrypt,
    generate_key,
    generate_keypair,
    get_policy,
    hash,
    hash_password,
    mac,
    needs_rehash,
    open,
    reload,
    seal,
    sign,
    verify,
    verify_mac,
    verify_password,
)
from ._context import Context
from .errors import AgileError
from .keys import PrivateKey, PublicKey, SecretKey, load_private_key, load_public_key
from .policy import Config, Policy, load_config

__version__ = "0.1.0"

__all__ = [
    "AgileError",
    "Config",
    "Context",
    "Policy",
    "PrivateKey",
    "PublicKey",
    "SecretKey",
    "__version__",
    "algorithms",
    "audit",
    "configure",
    "decapsulate",
    "decrypt",
    "default_context",
    "derive_key",
    "encapsulate",
    "encrypt",
    "errors",
    "generate_key",
    "generate_keypair",
    "get_policy",
    "hash",
    "hash_password",
    "load_config",
    "load_private_key",
    "load_public_key",
    "mac",
    "needs_rehash",
    "open",
    "raw",
    "reload",
    "seal",
    "sign",
    "verify",
    "verify_mac",
    "verify_password",
]
