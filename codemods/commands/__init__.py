"""libcst codemods that move raw crypto calls onto ``agile.raw`` with pinned policies.

Each command handles one concern and runs on its own (also through
``python -m libcst.tool codemod``); :class:`MigrateToAgile` runs every rule in one pass.
"""

from __future__ import annotations

from ._base import NAMINGS, REVIEW_MARK, SITES_KEY, AgileCommand, Disambiguation, Site, policy_name
from .fernet import FernetToAgile
from .hashing import HashlibToAgile
from .hmac_digest import HmacToAgile
from .migrate_all import COMMANDS, MigrateToAgile
from .pbkdf2 import Pbkdf2ToAgile
from .pyca_asymmetric import RsaOaepToAgile, SignaturesToAgile
from .pyca_exchange import ExchangeToAgile
from .pyca_hash import PycaHashToAgile
from .pyca_keys import KeysToAgile
from .pyca_symmetric import AeadToAgile, HkdfToAgile
from .pycryptodome import PycryptodomeToAgile
from .pycryptodome_aead import PycryptodomeAeadToAgile
from .pycryptodome_rsa import PycryptodomeRsaToAgile

__all__ = [
    "COMMANDS",
    "NAMINGS",
    "REVIEW_MARK",
    "SITES_KEY",
    "AeadToAgile",
    "AgileCommand",
    "Disambiguation",
    "ExchangeToAgile",
    "FernetToAgile",
    "HashlibToAgile",
    "HkdfToAgile",
    "HmacToAgile",
    "KeysToAgile",
    "MigrateToAgile",
    "Pbkdf2ToAgile",
    "PycaHashToAgile",
    "PycryptodomeAeadToAgile",
    "PycryptodomeRsaToAgile",
    "PycryptodomeToAgile",
    "RsaOaepToAgile",
    "SignaturesToAgile",
    "Site",
    "policy_name",
]
