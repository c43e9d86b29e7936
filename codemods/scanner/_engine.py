"""The scan: walk the paths, scan files (in parallel with ``jobs`` > 1), classify and rank."""

from __future__ import annotations

import datetime as _dt
import functools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from ._cache import ScanCache
from ._classify import RISKS, Classification, classify
from ._files import (
    Candidate,
    analyse,
    prefilter_pattern,
    scan_file,
    tracked_prefixes,
    triage,
    walk,
)
from ._findings import FileReport, Finding, Status, finding_ids
from ._risk import PRIORITY_ORDER, Ranked, rank
from ._settings import ScanSettings
from ._shard import Shard

__all__ = ["Item", "ScanResult", "scan"]

Progress = Callable[[int, int], None]


@functools.cache
def _prefilter() -> Any:
    from ._detect import TABLE

    return prefilter_pattern({name.split(".")[0] for name in TABLE})


@functools.cache
def _tracked() -> frozenset[str]:
    from ._detect import TABLE

    return tracked_prefixes(TABLE)


def _scan_one(candidate: Candidate, max_bytes: int, cache: ScanCache | None = None) -> FileReport:
    return scan_file(candidate, _prefilter(), max_bytes, cache=cache)


def _analyse_many(work: list[tuple[str, bytes]], jobs: int, cache: ScanCache | None,
                  done: Callable[[FileReport], None]) -> None:
    """Parse and detect in ``jobs`` processes, largest file first, one file per task: a few
    files carry all the work, so fine-grained tasks keep both workers busy to the end."""
    work.sort(key=lambda w: len(w[1]), reverse=True)
    if jobs <= 1 or len(work) <= 1:
        for rel, data in work:
            done(analyse(rel, data, cache))
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
        futures = [pool.submit(analyse, rel, data, cache) for rel, data in work]
        for future in as_completed(futures):
            done(future.result())


@dataclass(frozen=True, slots=True)
class Item:
    """One finding with its classification and priority."""

    finding: Finding
    verdict: Classification
    ranked: Ranked
    fingerprint: str = ""  # the stable id (finding_ids); empty: computed when reported


@dataclass(frozen=True)
class ScanResult:
    roots: tuple[str, ...]
    files: tuple[FileReport, ...]
    items: tuple[Item, ...]
    settings: ScanSettings
    elapsed: float = 0.0
    generated: str = field(default_factory=lambda: _dt.datetime.now(_dt.UTC)
                           .replace(microsecond=0).isoformat())
    shard: str | None = None  # "K/N" when only one shard of the files was scanned
    cache: tuple[int, int] | None = None  # (hits, misses) when a cache was used
    baseline: tuple[str, int] | None = None  # (baseline file, known findings left out)

    def by_status(self) -> Counter[str]:
        return Counter(str(f.status) for f in self.files)

    def by_risk(self) -> dict[str, int]:
        counts = Counter(i.verdict.risk for i in self.items)
        return {r: counts[r] for r in RISKS if counts[r]}

    def by_priority(self) -> dict[str, int]:
        counts = Counter(str(i.ranked.priority) for i in self.items)
        return {str(p): counts[str(p)] for p in PRIORITY_ORDER}

    def priority(self) -> str | None:
        """The repository's priority: the most urgent of its findings."""
        counts = self.by_priority()
        return next((str(p) for p in PRIORITY_ORDER if counts[str(p)]), None)


def scan(paths: Sequence[str], settings: ScanSettings | None = None, *, jobs: int = 1,
         excludes: Sequence[str] = (), gitignore: bool = True,
         progress: Progress | None = None, shard: Shard | None = None,
         cache: ScanCache | None = None) -> ScanResult:
    """Scan ``paths`` (directories or files). Never raises for a bad file: see ``files``.

    ``shard``: keep only the files (and dispositions) that shard owns; ``cache``: reuse the
    results of files whose content was scanned before.
    """
    settings = settings or ScanSettings()
    start = time.perf_counter()
    reports: list[FileReport] = []
    candidates: list[Candidate] = []
    for entry in walk(paths, excludes=(*settings.exclude, *excludes), gitignore=gitignore):
        name = entry.rel if isinstance(entry, Candidate) else entry.path
        if shard is not None and not shard.owns(name):
            continue
        if isinstance(entry, Candidate):
            candidates.append(entry)
        else:
            reports.append(entry)
    total = len(candidates)
    count = 0

    def done(report: FileReport) -> None:
        nonlocal count
        reports.append(report)
        count += 1
        if progress is not None:
            progress(count, total)

    work: list[tuple[str, bytes]] = []
    for candidate in candidates:  # the cheap checks and the pre-filter run here, in order
        found = triage(candidate, _prefilter(), settings.max_file_bytes, tracked=_tracked())
        if isinstance(found, FileReport):
            done(found)
        else:
            work.append((candidate.rel, found))
    _analyse_many(work, jobs, cache, done)
    reports.sort(key=lambda r: r.path)
    findings = [finding for report in reports for finding in report.findings]
    items = []
    for finding, fingerprint in zip(findings, finding_ids(findings), strict=True):
        verdict = classify(finding, settings.rules)
        items.append(Item(finding, verdict, rank(finding, verdict, settings), fingerprint))
    analysed = [r for r in reports if r.status in (Status.SCANNED, Status.PARSE_FAILED)]
    hits = sum(1 for r in analysed if r.cached)
    stats = (hits, len(analysed) - hits) if cache is not None else None
    return ScanResult(tuple(paths), tuple(reports), tuple(items), settings,
                      time.perf_counter() - start, shard=str(shard) if shard else None,
                      cache=stats)


def status_counts(result: ScanResult) -> dict[str, int]:
    counts = result.by_status()
    return {str(s): counts[str(s)] for s in Status}
