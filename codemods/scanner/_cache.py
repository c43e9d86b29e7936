"""A content-hash cache of per-file scan results, so re-runs only parse what changed.

An entry is keyed by the file's bytes, its reported path and :func:`scanner_version` (a digest
of the scanner's own source, its rules file, the algorithm registry and the libcst version), so
editing any of them invalidates every entry. Entries hold facts only (the file's status, reason
and findings); classification and ranking run on every scan. Entries are written atomically; a
missing, unreadable or corrupt entry is a miss, never an error.

>>> cache = ScanCache(default_cache_dir())  # doctest: +SKIP
>>> cache.get(b"import hashlib\\n", "a.py")  # None on a miss  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from agile._atomic import write_atomic

from ._findings import FileReport, Finding, Status

__all__ = ["ScanCache", "default_cache_dir", "scanner_version"]

_FORMAT = 1
_CACHED_STATUSES = (Status.SCANNED, Status.PARSE_FAILED)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/agile/scan`` (``~/.cache``), ``~/Library/Caches`` on macOS,
    ``%LOCALAPPDATA%`` on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "agile" / "scan"


@functools.cache
def scanner_version() -> str:
    """A digest of everything that decides a file's findings: change one, and the cache misses."""
    import agile.algorithms

    digest = hashlib.sha256(f"format {_FORMAT}\0".encode())
    try:
        digest.update(metadata.version("libcst").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"libcst ?")
    here = Path(__file__).parent
    registry = Path(agile.algorithms.__file__).parent
    sources = [*sorted(here.glob("*.py")), here / "rules.toml", *sorted(registry.glob("*.py"))]
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


class ScanCache:
    """Per-file results under ``directory`` (created on first write)."""

    def __init__(self, directory: str | os.PathLike[str], version: str | None = None) -> None:
        self.directory = Path(directory)
        self.version = version or scanner_version()

    def _entry(self, data: bytes, rel: str) -> Path:
        key = hashlib.sha256(self.version.encode() + b"\0" + rel.encode() + b"\0" + data)
        name = key.hexdigest()
        return self.directory / name[:2] / f"{name}.json"

    def get(self, data: bytes, rel: str) -> FileReport | None:
        """The cached report for this content at this path, or None (also for a corrupt entry)."""
        try:
            record = json.loads(self._entry(data, rel).read_bytes())
            if record["format"] != _FORMAT or record["path"] != rel:
                return None
            status = Status(record["status"])
            findings = tuple(Finding.from_dict(f) for f in record["findings"])
            return FileReport(rel, status, str(record["reason"]), findings, cached=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, data: bytes, report: FileReport) -> None:
        """Store ``report`` (only scanned and parse-failed outcomes are worth caching).
        A cache that cannot be written is skipped silently: the scan result does not depend on it."""
        if report.status not in _CACHED_STATUSES:
            return
        entry = self._entry(data, report.path)
        record = {"format": _FORMAT, "path": report.path, "status": str(report.status),
                  "reason": report.reason, "findings": [f.to_dict() for f in report.findings]}
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, json.dumps(record).encode(), mode=0o644)
        except OSError:
            pass
