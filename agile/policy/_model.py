"""Resolved policies: what a policy name means once the configuration is loaded."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..algorithms import Algorithm, Family, QuantumClass
from ..errors import InvalidArgument, PolicyViolation


class Requirement(enum.StrEnum):
    """A constraint on the quantum class of a policy's public-key algorithms."""

    QUANTUM_SAFE = "quantum-safe"  # not breakable by Shor: post-quantum or hybrid
    POST_QUANTUM = "post-quantum"  # post-quantum or hybrid
    HYBRID = "hybrid"  # classical + post-quantum combined

    def __str__(self) -> str:
        return self.value

    def admits(self, alg: Algorithm) -> bool:
        """True if ``alg`` meets the requirement (symmetric algorithms: must be quantum-safe)."""
        if not alg.is_asymmetric:
            return alg.quantum_safe
        if self is Requirement.HYBRID:
            return alg.quantum_class is QuantumClass.HYBRID
        return alg.quantum_class in (QuantumClass.POST_QUANTUM, QuantumClass.HYBRID)


@dataclass(frozen=True, slots=True)
class Constraints:
    require: Requirement | None = None
    min_category: int | None = None

    def violations(self, alg: Algorithm) -> list[str]:
        """Human-readable reasons why ``alg`` does not meet these constraints."""
        found = []
        if self.require is not None and not self.require.admits(alg):
            found.append(f"{alg.name} is {alg.quantum_class}, but {self.require} is required")
        if (self.min_category is not None and (alg.is_asymmetric or alg.family is Family.AEAD)
                and (alg.nist_category or 0) < self.min_category):
            found.append(f"{alg.name} has NIST category {alg.nist_category or 0}, "
                         f"below the minimum {self.min_category}")
        return found


@dataclass(frozen=True, slots=True)
class Zone:
    """A trust zone: constraints that every member policy must meet."""

    name: str
    constraints: Constraints
    allow_legacy: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class QKDLinkSpec:
    """A ``[qkd.links.NAME]`` table: this site's SAE, its KME and the peer site's SAE.

    ``cert``/``key`` are the SAE's client certificate and key, ``ca`` the pinned CA of the KME
    (absolute paths); ``kme_id``, if set, must be the KME certificate's common name.
    """

    name: str
    kme_url: str
    sae_id: str
    peer_sae_id: str
    cert: str
    key: str
    ca: str
    kme_id: str | None = None
    key_size: int = 256
    timeout: float = 5.0
    retries: int = 2
    description: str = ""


@dataclass(frozen=True, slots=True)
class QKDSettings:
    """A policy's ``qkd = { link = "...", mode = "required" | "preferred" }``."""

    link: str
    mode: str = "required"


@dataclass(frozen=True, slots=True)
class KeyringSpec:
    """A ``[keyrings.NAME]`` table: the file and where its key-encryption key comes from.

    Exactly one of ``passphrase_env``, ``passphrase_file``, ``key_env`` and ``key_file`` is set
    (default: ``passphrase_env = "AGILE_KEYRING_PASSPHRASE"``); ``path`` is absolute (relative
    paths are resolved against the configuration file's directory).
    """

    name: str
    path: str
    passphrase_env: str | None = None
    passphrase_file: str | None = None
    key_env: str | None = None
    key_file: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class TLSSettings:
    """``[policies.NAME.tls]``: what agile.tls offers, in preference order (registry names)."""

    min_version: str = "1.3"
    groups: tuple[str, ...] = ()  # TLS key-exchange groups; empty: derived from kem/key-agreement
    signatures: tuple[str, ...] = ()  # signature algorithms; empty: derived from signature


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: contexts cache per policy
class Policy:
    """A named policy: per family, the algorithm for new operations and what it still reads.

    >>> policy.algorithm("aead").name          # doctest: +SKIP
    'AES-256-GCM'
    """

    name: str
    algorithms: Mapping[Family, Algorithm]
    accept: Mapping[Family, frozenset[str]]
    constraints: Constraints = field(default_factory=Constraints)
    providers: tuple[str, ...] = ()
    zone: str | None = None
    allow_legacy: bool = False
    rsa_bits: int = 3072
    #: The lowest PBKDF2 iteration count agile.raw.pbkdf2 accepts (None: no floor).
    min_iterations: int | None = None
    description: str = ""
    source: str = "<built-in defaults>"
    keyring: str | None = None  # the [keyrings.NAME] holding this policy's keys
    read_retired: bool = True  # open/verify/decrypt may still use retired keys
    tls: TLSSettings = field(default_factory=TLSSettings)
    qkd: QKDSettings | None = None  # QKD keys join the hybrid key for qkd.seal/qkd.open

    def __repr__(self) -> str:
        current = ", ".join(f"{f.value}={a.name}" for f, a in self.algorithms.items())
        return f"<Policy {self.name!r} {current}>"

    def algorithm(self, family: Family | str) -> Algorithm:
        """The algorithm for new ``family`` operations; PolicyViolation if the policy has none."""
        found = self.algorithms.get(family)  # type: ignore[arg-type]
        if found is None:
            try:
                fam = Family(family)
            except ValueError:
                raise InvalidArgument(f"unknown family {family!r}; one of: "
                                      + ", ".join(f.value for f in Family)) from None
            found = self.algorithms.get(fam)
        if found is None:
            raise PolicyViolation(
                f"policy {self.name!r} has no {fam} algorithm; add {fam.value} = \"...\" to "
                f"[policies.{self.name}] in {self.source}")
        return found

    def accepts(self, alg: Algorithm) -> bool:
        """True if ``alg`` may be used to read (open, verify, decrypt) under this policy."""
        return alg.name in self.accept.get(alg.family, ())

    def check_accepts(self, alg: Algorithm) -> None:
        """Raise PolicyViolation unless ``alg`` is on this policy's accept-list."""
        if alg.name not in self.accept.get(alg.family, ()):
            accepted = ", ".join(sorted(self.accept.get(alg.family, ()))) or "nothing"
            raise PolicyViolation(
                f"policy {self.name!r} does not accept {alg.name} (its {alg.family} accept-list: "
                f"{accepted})")
