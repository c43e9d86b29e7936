"""Audit events: every operation reports what ran (never secrets).

Events go to the ``agile.audit`` logger (INFO) and to subscribers; a subscriber that raises is
logged and ignored, so it never breaks the operation.

>>> seen = []
>>> unsubscribe = subscribe(seen.append)
>>> unsubscribe()
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

from .errors import InvalidArgument

__all__ = ["AuditEvent", "export_inventory", "inventory", "merge_inventories", "subscribe"]

logger = logging.getLogger("agile.audit")
_lock = threading.Lock()
_subscribers: tuple[Callable[[AuditEvent], object], ...] = ()
_isEnabledFor = logger.isEnabledFor
# logging clears (never replaces) each logger's level cache when any level changes, so a cached
# False for INFO stays valid until then; a miss falls back to isEnabledFor, which refills it.
_level_cache: dict[int, bool] = getattr(logger, "_cache", {})
_ALWAYS: dict[int, bool] = {logging.INFO: True}
#: Hot paths test ``gate.get(20) is not False`` (one dict lookup) before ``record_event``: the
#: logger's level cache while nobody subscribes, a dict that always says yes while someone does.
gate: dict[int, bool] = _level_cache


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
    global _subscribers, gate
    with _lock:
        _subscribers = (*_subscribers, callback)
        gate = _ALWAYS

    def unsubscribe() -> None:
        global _subscribers, gate
        with _lock:
            _subscribers = tuple(s for s in _subscribers if s is not callback)
            gate = _ALWAYS if _subscribers else _level_cache

    return unsubscribe


class Tally:
    """The running count of one (operation, policy, algorithm, provider)."""

    __slots__ = ("count", "event")

    def __init__(self, event: tuple[str, str, str, str]) -> None:
        self.event = event
        self.count = 0


_tallies: dict[tuple[str, str, str, str], Tally] = {}


def tally(operation: str, policy: str, algorithm: str, provider: str) -> Tally:
    """The shared counter for this combination (hot paths keep it and call ``record``)."""
    key = (operation, policy, algorithm, provider)
    found = _tallies.get(key)
    if found is None:
        with _lock:
            found = _tallies.setdefault(key, Tally(key))
    return found


def record(counter: Tally, kid: bytes | None) -> None:
    """``emit`` for hot paths: count, and build an event only if someone listens.

    (``Context.seal``/``open`` inline these two statements to save the call.)
    """
    counter.count += 1
    if gate.get(logging.INFO) is not False:
        record_event(counter, kid)


def listening() -> bool:
    """True if an event would reach anyone (a subscriber or the agile.audit logger at INFO)."""
    return bool(_subscribers) or (_level_cache.get(logging.INFO) is not False
                                  and _isEnabledFor(logging.INFO))


def record_event(counter: Tally, kid: bytes | None) -> None:
    """Build and dispatch the event for an already-counted hot-path operation, if anyone
    listens (hot paths call it only when ``gate`` does not already say no)."""
    if listening():
        _dispatch(*counter.event, kid, "ok", "")


def emit(operation: str, policy: str, algorithm: str, provider: str, kid: bytes | None,
         outcome: str = "ok", detail: str = "") -> None:
    """Record an operation. Callers pass names and ids only, never key material or data."""
    tally(operation, policy, algorithm, provider).count += 1
    if _subscribers or _isEnabledFor(logging.INFO):
        _dispatch(operation, policy, algorithm, provider, kid, outcome, detail)


def _dispatch(operation: str, policy: str, algorithm: str, provider: str, kid: bytes | None,
              outcome: str, detail: str) -> None:
    subscribers = _subscribers
    event = AuditEvent(operation, policy, algorithm, provider, kid.hex() if kid else None,
                       outcome, _dt.datetime.now(_dt.UTC).isoformat(), detail)
    logger.info("%s policy=%s alg=%s provider=%s kid=%s outcome=%s %s", operation, policy,
                algorithm, provider, event.kid, outcome, detail)
    for callback in subscribers:
        try:
            callback(event)
        except Exception:
            logger.exception("audit subscriber %r failed; ignored", callback)


def inventory() -> list[dict[str, object]]:
    """Runtime inventory: how often each (operation, policy, algorithm, provider) ran."""
    return [
        {"operation": op, "policy": pol, "algorithm": alg, "provider": prov, "count": t.count}
        for (op, pol, alg, prov), t in sorted(_tallies.items()) if t.count
    ]


INVENTORY_FORMAT = "agile-runtime-inventory"


def export_inventory(path: str | os.PathLike[str]) -> dict[str, object]:
    """Write this process's runtime inventory to ``path`` as JSON, atomically; returns it.

    The counters are per process, so each process exports its own file, e.g. at exit::

        atexit.register(agile.audit.export_inventory, f"/var/lib/app/inventory-{os.getpid()}.json")

    The document is ``{"format": "agile-runtime-inventory", "version": 1, "generated": <UTC ISO
    time>, "pid": <pid>, "operations": inventory()}``; it holds names and counts, never keys or
    data. Written to a temporary file in the same directory, fsynced, then moved over ``path``
    (mode 0644), so readers see the old or the new file, never a partial one.
    """
    import json

    from ._atomic import write_atomic

    document: dict[str, object] = {
        "format": INVENTORY_FORMAT, "version": 1,
        "generated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "pid": os.getpid(), "operations": inventory()}
    data = (json.dumps(document, indent=2) + "\n").encode()
    write_atomic(path, data, mode=0o644)
    return document


INVENTORY_ENV = "AGILE_INVENTORY_FILE"


def merge_inventories(documents: list[dict[str, object]]) -> list[dict[str, object]]:
    """Sum the operation counts of several exported inventories (e.g. one per process)."""
    totals: dict[tuple[str, str, str, str], int] = {}
    for document in documents:
        if not isinstance(document, dict) or document.get("format") != INVENTORY_FORMAT:
            raise InvalidArgument("not an agile runtime inventory (format agile-runtime-inventory)")
        operations = document.get("operations")
        if not isinstance(operations, list):
            raise InvalidArgument("inventory has no operations list")
        for op in operations:
            try:
                key = (str(op["operation"]), str(op["policy"]), str(op["algorithm"]),
                       str(op["provider"]))
                count = int(op["count"])
            except (KeyError, TypeError, ValueError):
                raise InvalidArgument("inventory operation entry is malformed") from None
            totals[key] = totals.get(key, 0) + count
    return [{"operation": o, "policy": p, "algorithm": a, "provider": v, "count": n}
            for (o, p, a, v), n in sorted(totals.items())]


def _export_at_exit() -> None:
    """With ``AGILE_INVENTORY_FILE`` set (``{pid}`` is replaced), export at interpreter exit."""
    template = os.environ.get(INVENTORY_ENV)
    if template:
        with contextlib.suppress(OSError):
            export_inventory(template.replace("{pid}", str(os.getpid())))


if os.environ.get(INVENTORY_ENV):
    import atexit

    atexit.register(_export_at_exit)
