"""Providers: the backends that run algorithms.

The built-in ``pyca`` provider is always present. Others are discovered, on first need, through
the ``agile.providers`` entry-point group (each entry point names a zero-argument factory).

>>> from agile import providers
>>> providers.for_algorithm("ML-DSA-65").name
'pyca'
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import metadata

from ..errors import ProviderError, Reason, UnsupportedAlgorithm
from ._protocols import (
    AEADCipher,
    AEADScheme,
    HashScheme,
    HPKEScheme,
    KDFScheme,
    KEMScheme,
    KeyAgreementScheme,
    MACScheme,
    PasswordHashScheme,
    PKEScheme,
    Provider,
    SignatureScheme,
)

__all__ = [
    "AEADCipher",
    "AEADScheme",
    "HPKEScheme",
    "HashScheme",
    "KDFScheme",
    "KEMScheme",
    "KeyAgreementScheme",
    "MACScheme",
    "PKEScheme",
    "PasswordHashScheme",
    "Provider",
    "SignatureScheme",
    "all_providers",
    "discovery_errors",
    "for_algorithm",
    "get",
    "register",
]

ENTRY_POINT_GROUP = "agile.providers"

_lock = threading.RLock()
_providers: dict[str, Provider] = {}
_discovered = False
_errors: dict[str, str] = {}
_choice: dict[tuple[str, tuple[str, ...]], Provider] = {}


def register(provider: Provider) -> None:
    """Make ``provider`` available under ``provider.name`` (replacing one of the same name)."""
    if not isinstance(provider, Provider):
        raise ProviderError(f"{provider!r} does not implement the agile Provider protocol")
    with _lock:
        _providers[provider.name] = provider
        _choice.clear()


def _ensure_builtin() -> None:
    if "pyca" not in _providers:
        from ._pyca import PycaProvider

        register(PycaProvider())


def _discover() -> None:
    global _discovered
    with _lock:
        if _discovered:
            return
        _discovered = True
        _ensure_builtin()
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in _providers:
                continue
            try:
                factory = ep.load()
                register(factory())
            except Exception as exc:  # a broken plug-in must not break agile; report it instead
                _errors[ep.name] = f"{type(exc).__name__}: {exc}"


def discovery_errors() -> dict[str, str]:
    """Providers whose entry point failed to load, with the reason."""
    _discover()
    return dict(_errors)


def get(name: str) -> Provider:
    """The provider called ``name``."""
    with _lock:
        _ensure_builtin()
        if name not in _providers:
            _discover()
        found = _providers.get(name)
    if found is None:
        why = _errors.get(name, "not installed")
        raise UnsupportedAlgorithm(f"provider {name!r} is unavailable: {why}",
                                   Reason.PROVIDER_MISSING)
    return found


def all_providers() -> tuple[Provider, ...]:
    """Every provider that loaded, the built-in one first."""
    _discover()
    return tuple(_providers.values())


def for_algorithm(algorithm: str, preference: Sequence[str] = ()) -> Provider:
    """The provider to run ``algorithm``: the first of ``preference`` that offers it, else any.

    Names in ``preference`` that are not installed are skipped; if none of them offers the
    algorithm the remaining providers are tried in registration order (built-in first).
    """
    key = (algorithm, tuple(preference))
    found = _choice.get(key)
    if found is not None:
        return found
    with _lock:
        _ensure_builtin()
        candidates = [_providers[n] for n in preference if n in _providers]
        # A preferred plug-in not loaded yet must be discovered before a later preference wins.
        if len(candidates) < len(preference) or \
                not any(algorithm in p.algorithms() for p in candidates):
            _discover()
            candidates = [_providers[n] for n in preference if n in _providers]
            candidates += [p for p in _providers.values() if p not in candidates]
        for provider in candidates:
            if algorithm in provider.algorithms():
                _choice[key] = provider
                return provider
        reasons = [why for p in _providers.values()
                   if (why := _reason(p, algorithm))]
    detail = f": {'; '.join(reasons)}" if reasons else ""
    raise UnsupportedAlgorithm(f"no provider offers {algorithm}{detail}", Reason.NO_PROVIDER)


def _reason(provider: Provider, algorithm: str) -> str | None:
    """The provider's own word on why it cannot run ``algorithm`` (optional protocol method)."""
    explain = getattr(provider, "unavailable_reason", None)
    return explain(algorithm) if explain is not None else None
