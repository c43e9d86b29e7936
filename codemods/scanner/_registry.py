"""The scanner's view of agile's algorithm registry (the single source of algorithm facts)."""

from __future__ import annotations

import functools

from agile import algorithms
from agile.algorithms import Algorithm, QuantumRisk
from agile.errors import UnknownAlgorithm

__all__ = ["by_key_type", "canonical_name", "descriptor"]


@functools.lru_cache(maxsize=1024)
def descriptor(name: str) -> Algorithm | None:
    """The registry entry for ``name`` (canonical spelling or alias, any case), else None."""
    try:
        return algorithms.get(name)
    except UnknownAlgorithm:
        return None


def canonical_name(name: str) -> str | None:
    found = descriptor(name)
    return found.name if found is not None else None


@functools.lru_cache(maxsize=256)
def by_key_type(key_type: str) -> tuple[Algorithm, ...]:
    """Registered algorithms (not composites) whose keys are of type ``key_type`` (``RSA``, ``EC-P256``)."""
    return tuple(a for a in algorithms.all_algorithms()
                 if a.key_type is not None and a.key_type.lower() == key_type.lower()
                 and not a.components)


def key_type_risk(key_type: str) -> QuantumRisk | None:
    """The quantum risk shared by every algorithm using ``key_type`` keys, if they agree."""
    risks = {a.quantum_risk for a in by_key_type(key_type)}
    return risks.pop() if len(risks) == 1 else None
