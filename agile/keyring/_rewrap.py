"""Rewrap: re-encrypt envelopes under the policy's current primary key (Vault Transit's rewrap).

Two envelope kinds are rewrapped, both COSE_Encrypt0:

* ``seal`` envelopes (AEAD): opened with the keyring key their kid names, sealed again with the
  policy's primary ``aead`` key;
* ``encrypt`` envelopes (HPKE): decrypted with the keyring private key their kid names,
  encrypted again to the policy's primary ``hpke`` key.

An envelope already under the primary key (same kid, same algorithm) is returned unchanged. The
old algorithm must still be on the policy's accept-list: widen the accept-list, rewrap, then
drop the old algorithm (check with ``agile policy diff``). Signatures (COSE_Sign1) are not
rewrapped: re-signing is a new statement by a new key, not a re-encryption.

:func:`rewrap_files` treats each file as exactly one envelope (its whole content) and replaces
it all-or-nothing: the new envelope is written to a temporary file in the same directory,
checked to open, fsynced and moved over the original with ``os.replace`` (then the directory is
fsynced). A file that fails (unreadable, not an envelope, algorithm no longer accepted, key
destroyed, changed while being rewrapped...) is left untouched and the run continues. The
replaced file keeps the original's permission bits; it is a new inode (hard links to the old
file keep the old content; symlinks are followed and the target replaced).
"""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import audit, envelope
from .._atomic import write_atomic
from .._types import Buffer
from ..algorithms import Algorithm, Family
from ..envelope._cose import EK
from ..errors import AgileError, InvalidArgument, KeyringError

if TYPE_CHECKING:
    from .._context import Context

__all__ = ["RewrapOutcome", "RewrapReport", "RewrapResult", "rewrap", "rewrap_files"]


class RewrapOutcome(enum.StrEnum):
    REWRAPPED = "rewrapped"
    WOULD_REWRAP = "would-rewrap"  # dry run: it opens and would be re-encrypted
    CURRENT = "current"  # already under the primary key: untouched
    FAILED = "failed"  # left untouched; ``error`` says why

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class RewrapResult:
    """One file: what happened, from which key to which (kids in hex), or why it failed."""

    path: str
    outcome: RewrapOutcome
    old_kid: str | None = None
    old_algorithm: str | None = None
    new_kid: str | None = None
    new_algorithm: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"path": self.path, "outcome": self.outcome.value, "old_kid": self.old_kid,
                "old_algorithm": self.old_algorithm, "new_kid": self.new_kid,
                "new_algorithm": self.new_algorithm, "error": self.error}


@dataclass(slots=True)
class RewrapReport:
    """Every file's result, in the order given."""

    policy: str
    dry_run: bool
    results: list[RewrapResult] = field(default_factory=list)

    def _with(self, outcome: RewrapOutcome) -> list[RewrapResult]:
        return [r for r in self.results if r.outcome is outcome]

    @property
    def rewrapped(self) -> list[RewrapResult]:
        """Rewrapped files (dry run: those that would be)."""
        return self._with(RewrapOutcome.WOULD_REWRAP if self.dry_run else RewrapOutcome.REWRAPPED)

    @property
    def current(self) -> list[RewrapResult]:
        return self._with(RewrapOutcome.CURRENT)

    @property
    def failed(self) -> list[RewrapResult]:
        return self._with(RewrapOutcome.FAILED)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        return {"policy": self.policy, "dry_run": self.dry_run,
                "rewrapped": len(self.rewrapped), "current": len(self.current),
                "failed": len(self.failed), "results": [r.to_dict() for r in self.results]}


@dataclass(frozen=True, slots=True)
class _Plan:
    family: Family
    old_kid: bytes | None
    old_alg: Algorithm
    new_kid: bytes
    new_alg: Algorithm

    @property
    def current(self) -> bool:
        return self.old_kid == self.new_kid and self.old_alg is self.new_alg


def _plan(ctx: Context, policy: str, data: bytes) -> _Plan:
    """Which envelope kind, which key it is under, which key it should be under."""
    pol = ctx.policy(policy)
    parsed = envelope.parse(data, envelope.TAG_ENCRYPT0)  # MalformedEnvelope for anything else
    family = Family.HPKE if EK in parsed.unprotected else Family.AEAD
    old_alg = ctx._accepted(pol, parsed.alg, family)  # refused before any key is touched
    primary = ctx._keyring_primary(pol, family)  # KeyNotFound / PolicyViolation: rotate first
    new_alg = pol.algorithm(family)
    return _Plan(family, parsed.kid, old_alg, primary.kid, new_alg)


def _reencrypt(ctx: Context, policy: str, data: bytes, plan: _Plan, aad: bytes,
               *, seal: bool = True) -> bytes | None:
    """Open ``data`` (always) and, if ``seal``, return it re-encrypted under the primary."""
    if plan.family is Family.AEAD:
        plaintext = ctx.open(data, policy=policy, aad=aad)
        return ctx.seal(plaintext, policy=policy, aad=aad) if seal else None
    plaintext = ctx.decrypt(None, data, policy=policy, aad=aad)
    return ctx.encrypt(None, plaintext, policy=policy, aad=aad) if seal else None


def _emit(pol: str, plan: _Plan, outcome: str) -> None:
    audit.emit("rewrap", pol, plan.new_alg.name, "agile", plan.new_kid, outcome,
               f"from={plan.old_alg.name}/{plan.old_kid.hex() if plan.old_kid else '-'}")


def rewrap(ctx: Context, sealed: Buffer, *, policy: str = "default", aad: Buffer = b"") -> bytes:
    """``sealed`` re-encrypted under the policy's primary key, or ``sealed`` itself (the same
    bytes) when it already is. Works on ``seal`` and ``encrypt`` envelopes; the old algorithm
    must be accepted and the old key present in the keyring (not destroyed)."""
    if not isinstance(sealed, bytes | bytearray | memoryview):
        raise InvalidArgument(f"sealed must be bytes-like, not {type(sealed).__name__}")
    if not isinstance(aad, bytes | bytearray | memoryview):
        raise InvalidArgument(f"aad must be bytes-like, not {type(aad).__name__}")
    data, extra = bytes(sealed), bytes(aad)
    plan = _plan(ctx, policy, data)
    pol = ctx.policy(policy).name
    if plan.current:
        _emit(pol, plan, "current")
        return sealed if isinstance(sealed, bytes) else data
    out = _reencrypt(ctx, policy, data, plan, extra)
    assert out is not None
    _emit(pol, plan, "ok")
    return out


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or type(exc).__name__}" + (f": {exc.filename}"
                                                         if exc.filename else "")
    text = str(exc)
    name = type(exc).__name__
    if not text:  # cryptographic failures carry no detail by design
        text = "the envelope does not open (wrong aad, tampered, or not sealed by that key)"
    return f"{name}: {text}"


def _replace_atomically(target: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a temp file next to ``target``, fsync, rename over it, fsync the dir."""
    write_atomic(target, data, mode=mode, suffix=".rewrap.tmp")


def _rewrap_file(ctx: Context, policy: str, path: str, aad: bytes, dry_run: bool
                 ) -> RewrapResult:
    plan: _Plan | None = None

    def result(outcome: RewrapOutcome, error: str | None = None) -> RewrapResult:
        if plan is None:
            return RewrapResult(path, outcome, error=error)
        return RewrapResult(path, outcome, plan.old_kid.hex() if plan.old_kid else None,
                            plan.old_alg.name, plan.new_kid.hex(), plan.new_alg.name, error)

    try:
        target = Path(os.path.realpath(path))
        before = os.stat(target)
        if not stat.S_ISREG(before.st_mode):
            return result(RewrapOutcome.FAILED, "not a regular file")
        data = target.read_bytes()
        plan = _plan(ctx, policy, data)
        if plan.current:
            return result(RewrapOutcome.CURRENT)
        new = _reencrypt(ctx, policy, data, plan, aad, seal=not dry_run)
        if new is None:
            return result(RewrapOutcome.WOULD_REWRAP)
        check = _plan(ctx, policy, new)  # the new envelope names the primary and opens
        if not check.current:
            raise KeyringError("the rewrapped envelope does not name the primary key")
        _reencrypt(ctx, policy, new, check, aad, seal=False)
        now = os.stat(target)
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size,
                                                          before.st_mtime_ns):
            return result(RewrapOutcome.FAILED, "the file changed while it was being rewrapped")
        _replace_atomically(target, new, stat.S_IMODE(before.st_mode))
    except (AgileError, OSError) as exc:
        if plan is not None:
            _emit(ctx.policy(policy).name, plan, "error")
        return result(RewrapOutcome.FAILED, _error_text(exc))
    _emit(ctx.policy(policy).name, plan, "ok")
    return result(RewrapOutcome.REWRAPPED)


def rewrap_files(ctx: Context, paths: Iterable[str | os.PathLike[str]], *,
                 policy: str = "default", aad: Buffer = b"", dry_run: bool = False,
                 progress: Callable[[int, int, RewrapResult], object] | None = None
                 ) -> RewrapReport:
    """Rewrap each file (one envelope per file) in place, all-or-nothing per file.

    ``dry_run`` opens every envelope (so failures show) but writes nothing. ``progress`` is
    called as ``progress(done, total, result)`` after each file. Failures are reported in the
    result, never raised; the keyring is re-read once at the start so a key promoted by another
    process is used.
    """
    if not isinstance(aad, bytes | bytearray | memoryview):
        raise InvalidArgument(f"aad must be bytes-like, not {type(aad).__name__}")
    names = [os.fspath(p) for p in paths]
    ctx.keyring(policy).load()  # fresh snapshot: the current primary
    report = RewrapReport(ctx.policy(policy).name, dry_run)
    for done, path in enumerate(names, 1):
        res = _rewrap_file(ctx, policy, path, bytes(aad), dry_run)
        report.results.append(res)
        if progress is not None:
            progress(done, len(names), res)
    return report
