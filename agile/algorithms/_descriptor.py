"""The algorithm descriptor: every fact agile knows about one algorithm."""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class Family(enum.StrEnum):
    """What an algorithm does; also the name of the policy slot that selects it."""

    KEM = "kem"
    KEY_AGREEMENT = "key-agreement"
    PKE = "pke"
    HPKE = "hpke"
    SIGNATURE = "signature"
    AEAD = "aead"
    TOKEN = "token"  # a self-contained authenticated token format (Fernet): its own framing
    CIPHER = "cipher"
    KDF = "kdf"
    PASSWORD_HASH = "password-hash"
    HASH = "hash"
    MAC = "mac"

    def __str__(self) -> str:
        return self.value


class QuantumClass(enum.StrEnum):
    """How the algorithm is built: classical maths, post-quantum maths, or both combined."""

    CLASSICAL = "classical"
    POST_QUANTUM = "post-quantum"
    HYBRID = "hybrid"

    def __str__(self) -> str:
        return self.value


class QuantumRisk(enum.StrEnum):
    """What a cryptographically relevant quantum computer does to it."""

    VULNERABLE = "quantum-vulnerable"  # broken by Shor's algorithm
    GROVER_WEAKENED = "weakened-by-grover"  # security margin halved, below 128 bits
    RESISTANT = "quantum-resistant"

    def __str__(self) -> str:
        return self.value


#: Families whose security rests on public-key maths; quantum constraints apply to these.
ASYMMETRIC_FAMILIES = frozenset(
    {Family.KEM, Family.KEY_AGREEMENT, Family.PKE, Family.HPKE, Family.SIGNATURE}
)


@dataclass(frozen=True, slots=True)
class Algorithm:
    """One registry entry. Sizes are in bytes; ``None`` means variable or not applicable.

    >>> from agile.algorithms import get
    >>> get("ML-KEM-768").ciphertext_size
    1088
    """

    name: str
    family: Family
    quantum_class: QuantumClass
    quantum_risk: QuantumRisk
    nist_category: int | None
    description: str
    key_type: str | None = None
    oids: tuple[str, ...] = ()
    cose_alg: int | None = None
    cose_aliases: tuple[int, ...] = ()
    key_size: int | None = None
    public_key_size: int | None = None
    private_key_size: int | None = None
    ciphertext_size: int | None = None
    signature_size: int | None = None
    output_size: int | None = None
    nonce_size: int | None = None
    tag_size: int | None = None
    shared_secret_size: int | None = None
    deprecated_after: _dt.date | None = None
    disallowed_after: _dt.date | None = None
    legacy: bool = False
    components: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    standard: str = ""
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def quantum_safe(self) -> bool:
        """True unless Shor's algorithm breaks it."""
        return self.quantum_risk is not QuantumRisk.VULNERABLE

    @property
    def is_asymmetric(self) -> bool:
        return self.family in ASYMMETRIC_FAMILIES

    def status_on(self, day: _dt.date) -> str:
        """``"legacy"``, ``"disallowed"``, ``"deprecated"`` or ``"approved"`` on ``day``."""
        if self.disallowed_after is not None and day > self.disallowed_after:
            return "disallowed"
        if self.legacy:
            return "legacy"
        if self.deprecated_after is not None and day > self.deprecated_after:
            return "deprecated"
        return "approved"

    def __str__(self) -> str:
        return self.name
