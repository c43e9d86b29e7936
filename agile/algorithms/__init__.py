"""The algorithm registry: one descriptor per algorithm, the single source of algorithm facts.

>>> from agile import algorithms
>>> algorithms.get("ml-kem-768").name
'ML-KEM-768'
>>> [a.name for a in algorithms.by_cose(-7)]
['ECDSA-P256-SHA256']
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable

from ..errors import InvalidArgument, UnknownAlgorithm
from ._catalog import ALL as _BUILTIN
from ._catalog_oqs import ALL as _LIBOQS_ONLY
from ._descriptor import ASYMMETRIC_FAMILIES, Algorithm, Family, QuantumClass, QuantumRisk

__all__ = [
    "ASYMMETRIC_FAMILIES",
    "Algorithm",
    "Family",
    "QuantumClass",
    "QuantumRisk",
    "all_algorithms",
    "by_cose",
    "by_oid",
    "get",
    "in_family",
    "register",
    "size",
    "suggest",
]

_lock = threading.Lock()
_by_name: dict[str, Algorithm] = {}
_by_key: dict[str, Algorithm] = {}  # lower-cased names and aliases -> descriptor
_by_loose: dict[str, Algorithm] = {}  # alphanumerics only, for suggestions
_by_cose: dict[int, tuple[Algorithm, ...]] = {}
_by_oid: dict[str, tuple[Algorithm, ...]] = {}


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def register(descriptor: Algorithm) -> None:
    """Add a descriptor (providers call this for algorithms only they offer)."""
    with _lock:
        existing = _by_name.get(descriptor.name)
        if existing is not None:
            if existing == descriptor:
                return
            raise InvalidArgument(f"algorithm {descriptor.name!r} is already registered")
        keys = {descriptor.name.lower(), *(a.lower() for a in descriptor.aliases)}
        clash = [k for k in keys if k in _by_key]
        if clash:
            raise InvalidArgument(
                f"algorithm {descriptor.name!r} clashes with {_by_key[clash[0]].name!r}"
            )
        _by_name[descriptor.name] = descriptor
        for key in keys:
            _by_key[key] = descriptor
            _by_loose.setdefault(_normalise(key), descriptor)
        for cose in (descriptor.cose_alg, *descriptor.cose_aliases):
            if cose is not None:
                _by_cose[cose] = (*_by_cose.get(cose, ()), descriptor)
        for oid in descriptor.oids[:1]:  # the first OID identifies the algorithm itself
            _by_oid[oid] = (*_by_oid.get(oid, ()), descriptor)


def get(name: str | Algorithm) -> Algorithm:
    """The descriptor for ``name``: its canonical spelling or an alias, in any letter case."""
    if isinstance(name, Algorithm):
        return name
    if not isinstance(name, str):
        raise InvalidArgument(f"algorithm name must be a str, not {type(name).__name__}")
    found = _by_name.get(name) or _by_key.get(name.lower())
    if found is None:
        raise UnknownAlgorithm(name, suggest(name))
    return found


def suggest(name: str) -> str | None:
    """The closest registered canonical name, for "did you mean ...?" messages."""
    loose = _normalise(name)
    if loose in _by_loose:
        return _by_loose[loose].name
    matches = difflib.get_close_matches(loose, list(_by_loose), n=1, cutoff=0.6)
    return _by_loose[matches[0]].name if matches else None


def by_cose(alg_id: int) -> tuple[Algorithm, ...]:
    """Every descriptor that a COSE ``alg`` value may denote (EdDSA -8 denotes two)."""
    return _by_cose.get(alg_id, ())


def by_oid(oid: str) -> tuple[Algorithm, ...]:
    """Descriptors whose primary OID is ``oid``."""
    return _by_oid.get(oid, ())


def size() -> int:
    """How many descriptors are registered; it only grows, so caches derived from the registry
    can key on it (``all_algorithms()`` copies the registry)."""
    return len(_by_name)


def all_algorithms() -> tuple[Algorithm, ...]:
    """Every registered descriptor, in registration order."""
    return tuple(_by_name.values())


def in_family(family: Family | str, names: Iterable[str] | None = None) -> tuple[Algorithm, ...]:
    """Descriptors of ``family`` (optionally restricted to ``names``)."""
    fam = Family(family)
    pool = all_algorithms() if names is None else tuple(get(n) for n in names)
    return tuple(a for a in pool if a.family is fam)


for _descriptor in (*_BUILTIN, *_LIBOQS_ONLY):
    register(_descriptor)
