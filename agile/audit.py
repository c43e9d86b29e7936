"""Audit events: every operation reports what ran (never secrets).

Events go to the ``agile.audit`` logger (INFO) and to subscribers; a subscriber that raises is
logged and ignored, so it never breaks the operation.

>>> seen = []
>>> unsubscribe = subscribe(seen.append)
>>> unsubscribe()
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass

__all__ = ["AuditEvent", "inventory", "subscribe"]

logger = logging.getLogger("agile.audit")
_lock = threading.Lock()
_subscribers: tuple[Callable[[AuditEvent], object], ...] = ()
_counts: Counter[tuple[str, str, str, str]] = Counter()
_isEnabledFor = logger.isEnabledFor


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened: operation, policy, algorithm, provider, key id (hex), outcome, time."""

    operation: str
    policy: str
    algorithm: str
    provider: str
    kid: str | None
    outcome: str
    timestamp: str
    detail: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def subscribe(callback: Callable[[AuditEvent], object]) -> Callable[[], None]:
    """Call ``callback`` with every event; returns a function that unsubscribes it."""
    global _subscribers
    with _lock:
        _subscribers = (*_subscribers, callback)

    def unsubscribe() -> None:
        global _subscribers
        with _lock:
            _subscribers = tuple(s for s in _subscribers if s is not callback)

    return unsubscribe


def emit(operation: str, policy: str, algorithm: str, provider: str, kid: bytes | None,
         outcome: str = "ok", detail: str = "", *, _counted: bool = False) -> None:
    """Record an operation. Callers pass names and ids only, never key material or data."""
    if not _counted:
        key = (operation, policy, algorithm, provider)
        _counts[key] = _counts.get(key, 0) + 1
    subscribers = _subscribers
    if not subscribers and not _isEnabledFor(logging.INFO):
        return
    event = AuditEvent(operation, policy, algorithm, provider, kid.hex() if kid else None,
                       outcome, _dt.datetime.now(_dt.UTC).isoformat(), detail)
    logger.info("%s policy=%s alg=%s provider=%s kid=%s outcome=%s %s", operation, policy,
                algorithm, provider, event.kid, outcome, detail)
    for callback in subscribers:
        try:
            callback(event)
        except Exception:
            logger.exception("audit subscriber %r failed; ignored", callback)


def record(event: tuple[str, str, str, str], kid: bytes | None) -> None:
    """``emit`` for hot paths that pre-build (operation, policy, algorithm, provider)."""
    _counts[event] = _counts.get(event, 0) + 1
    if _subscribers or _isEnabledFor(logging.INFO):
        emit(*event, kid, _counted=True)


def inventory() -> list[dict[str, object]]:
    """Runtime inventory: how often each (operation, policy, algorithm, provider) ran."""
    return [
        {"operation": op, "policy": pol, "algorithm": alg, "provider": prov, "count": n}
        for (op, pol, alg, prov), n in sorted(_counts.items())
    ]
