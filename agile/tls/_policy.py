"""A policy seen from TLS: which groups and signature schemes it offers and accepts.

Everything comes from the registry: a descriptor with ``params["tls_group"]`` is a TLS 1.3
NamedGroup; one with ``params["tls_signature_schemes"]`` maps to TLS SignatureSchemes; an AEAD with
``params["tls13_cipher_suite"]`` to a TLS 1.3 cipher suite. A policy algorithm without TLS facts
maps to the TLS group with the same components (X-Wing ``MLKEM768-X25519`` -> ``X25519MLKEM768``).

Groups: the policy's current ``kem`` and ``key-agreement`` algorithms, then their accept-lists.
Signatures: the current ``signature`` algorithm, then the accept-list. Every TLS handshake is a new
operation, so the policy's constraints (``require``, ``min_category``) filter both lists: a
``require = "quantum-safe"`` policy never negotiates a classical group, even if it still accepts
X25519 to read old data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import algorithms
from ..algorithms import Algorithm, Family
from ..errors import InvalidArgument, PolicyViolation
from ..policy import Policy

__all__ = ["TLSPolicy", "group_by_code", "group_by_name", "signature_by_scheme", "tls_policy"]

_VERSIONS = {"1.2": "TLSv1.2", "1.3": "TLSv1.3"}


@dataclass(frozen=True, slots=True)
class TLSPolicy:
    """The TLS view of ``policy``: groups and signatures in preference order."""

    policy: Policy
    groups: tuple[Algorithm, ...]
    signatures: tuple[Algorithm, ...]
    cipher_suites: tuple[Algorithm, ...]
    min_version: str = "1.3"

    def __repr__(self) -> str:
        return (f"<TLSPolicy {self.policy.name!r} groups={':'.join(self.group_names)} "
                f"signatures={','.join(s.name for s in self.signatures)} "
                f"min_version={self.min_version}>")

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(str(g.params["tls_group_name"]) for g in self.groups)

    @property
    def signature_scheme_names(self) -> tuple[str, ...]:
        return tuple(name for s in self.signatures for _, name in _schemes(s))

    def accepts_group(self, alg: Algorithm | None) -> bool:
        return alg is not None and alg.name in {g.name for g in self.groups}

    def accepts_signature(self, alg: Algorithm | None) -> bool:
        return alg is not None and alg.name in {s.name for s in self.signatures}


def _schemes(alg: Algorithm) -> tuple[tuple[int, str], ...]:
    found = alg.params.get("tls_signature_schemes", ())
    return tuple(found) if isinstance(found, tuple) else ()


class _Index:
    """TLS code points -> registry descriptors, rebuilt when the registry grows (it only grows)."""

    def __init__(self, registry: tuple[Algorithm, ...]) -> None:
        self.size = len(registry)
        self.groups = tuple(a for a in registry if "tls_group" in a.params)
        self.group_by_code = {int(str(g.params["tls_group"])): g for g in reversed(self.groups)}
        self.group_by_name = {str(g.params["tls_group_name"]).lower(): g
                              for g in reversed(self.groups)}
        self.signature_by_scheme: dict[int, Algorithm] = {}
        self.scheme_names: dict[int, str] = {}
        for alg in registry:
            if alg.family is Family.SIGNATURE:
                for code, name in _schemes(alg):
                    self.signature_by_scheme.setdefault(code, alg)
                    self.scheme_names.setdefault(code, name)


_index: _Index | None = None


def _tls_index() -> _Index:
    global _index
    if _index is None or _index.size != algorithms.size():
        _index = _Index(algorithms.all_algorithms())
    return _index


def _tls_groups() -> tuple[Algorithm, ...]:
    return _tls_index().groups


def tls_group_for(alg: Algorithm) -> Algorithm | None:
    """The TLS group ``alg`` denotes: itself, or the group with the same components."""
    if "tls_group" in alg.params:
        return alg
    if alg.components:
        for group in _tls_groups():
            if set(group.components) == set(alg.components):
                return group
    return None


def group_by_code(code: int) -> Algorithm | None:
    """The registry group with TLS NamedGroup code point ``code``."""
    return _tls_index().group_by_code.get(code)


def group_by_name(name: str) -> Algorithm | None:
    """The registry group OpenSSL calls ``name`` (the IANA name, in any letter case)."""
    return _tls_index().group_by_name.get(name.lower())


def signature_by_scheme(code: int) -> Algorithm | None:
    """The registry signature algorithm of TLS SignatureScheme ``code``."""
    return _tls_index().signature_by_scheme.get(code)


def scheme_name(code: int) -> str:
    """The IANA name of SignatureScheme ``code`` (``0x....`` when the registry lacks it)."""
    return _tls_index().scheme_names.get(code, f"0x{code:04x}")


def group_name(code: int) -> str:
    group = group_by_code(code)
    return str(group.params["tls_group_name"]) if group is not None else f"0x{code:04x}"


def _ordered(policy: Policy, families: Iterable[Family]) -> list[Algorithm]:
    families = tuple(families)
    out = [policy.algorithms[f] for f in families if f in policy.algorithms]
    for fam in families:
        accepted = policy.accept.get(fam, frozenset())
        out += [a for a in algorithms.in_family(fam) if a.name in accepted]
    return out


def _unique(items: Iterable[Algorithm | None]) -> tuple[Algorithm, ...]:
    seen: dict[str, Algorithm] = {}
    for item in items:
        if item is not None:
            seen.setdefault(item.name, item)
    return tuple(seen.values())


def tls_policy(policy: Policy, *, min_version: str | None = None) -> TLSPolicy:
    """The TLS view of ``policy``; PolicyViolation if it names no usable group or signature.

    ``[policies.NAME.tls]`` (``groups``, ``signatures``, ``min_version``) overrides what is
    derived from the policy's slots; the loader has already checked it against the constraints.
    """
    settings = policy.tls
    version = min_version or settings.min_version
    if version not in _VERSIONS:
        raise InvalidArgument(f"min_version must be one of {sorted(_VERSIONS)}, not {version!r}")

    def allowed(alg: Algorithm) -> bool:
        return not policy.constraints.violations(alg)

    if settings.groups:
        groups = tuple(algorithms.get(n) for n in settings.groups)
    else:
        groups = _unique(tls_group_for(a) for a in _ordered(policy, (Family.KEM,
                                                                    Family.KEY_AGREEMENT)))
    groups = tuple(g for g in groups if allowed(g))
    if settings.signatures:
        sigs = tuple(algorithms.get(n) for n in settings.signatures)
    else:
        sigs = _unique(a for a in _ordered(policy, (Family.SIGNATURE,)) if _schemes(a))
    sigs = tuple(a for a in sigs if allowed(a))
    aeads = _unique(a for a in _ordered(policy, (Family.AEAD,))
                    if "tls13_cipher_suite" in a.params)
    where = f"[policies.{policy.name}] in {policy.source}"
    if not groups:
        raise PolicyViolation(
            f"policy {policy.name!r} names no TLS key-exchange group that meets its constraints; "
            f"set kem = \"X25519MLKEM768\" (or key-agreement = \"X25519\" for classical "
            f"transition) in {where}")
    if not sigs:
        raise PolicyViolation(
            f"policy {policy.name!r} names no signature algorithm usable in TLS; set signature = "
            f"\"ML-DSA-65\" (or add ECDSA-P256-SHA256, Ed25519, RSA-PSS-SHA256 to "
            f"accept.signature) in {where}")
    return TLSPolicy(policy, groups, sigs, aeads, version)
