"""Every migrate rule in one pass: what ``agile migrate`` runs on each file."""

from __future__ import annotations

from ._base import AgileCommand
from .fernet import FernetToAgile
from .hashing import HashlibToAgile
from .hmac_digest import HmacToAgile
from .pbkdf2 import Pbkdf2ToAgile
from .pyca_asymmetric import RsaOaepToAgile, SignaturesToAgile
from .pyca_exchange import ExchangeToAgile
from .pyca_hash import PycaHashToAgile
from .pyca_keys import KeysToAgile
from .pyca_symmetric import AeadToAgile, HkdfToAgile
from .pycryptodome import PycryptodomeToAgile
from .pycryptodome_aead import PycryptodomeAeadToAgile
from .pycryptodome_rsa import PycryptodomeRsaToAgile

__all__ = ["COMMANDS", "MigrateToAgile"]

#: The single-concern commands, in the order their rules are tried.
COMMANDS: tuple[type[AgileCommand], ...] = (HashlibToAgile, HmacToAgile, AeadToAgile, HkdfToAgile,
                                            SignaturesToAgile, RsaOaepToAgile, PycaHashToAgile,
                                            PycryptodomeToAgile, FernetToAgile,
                                            Pbkdf2ToAgile, ExchangeToAgile, KeysToAgile,
                                            PycryptodomeRsaToAgile,
                                            PycryptodomeAeadToAgile)


class MigrateToAgile(AgileCommand):
    DESCRIPTION = ("All agile migrate rewrites (hashlib, hmac, pyca Hash/HMAC, AEAD, HKDF, "
                   "signatures, RSA-OAEP, key agreement, key generation/loading, PyCryptodome hashes/HMAC, "
                   "Fernet, PBKDF2, PyCryptodome PKCS1_OAEP, pkcs1_15/pss, AES-GCM) in one pass.")
    RULES = tuple(rule for command in COMMANDS for rule in command.RULES)
    TRIGGERS = tuple(dict.fromkeys(t for command in COMMANDS for t in command.TRIGGERS))
    BLOCK_RULES = tuple(rule for command in COMMANDS for rule in command.BLOCK_RULES)
    ATTRIBUTE_RULES = tuple(rule for command in COMMANDS for rule in command.ATTRIBUTE_RULES)
    REPORT_UNHANDLED = True
