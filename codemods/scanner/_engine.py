"""The scan: walk the paths, scan files (in parallel with ``jobs`` > 1), classify and rank."""

from __future__ import annotations

import datetime as _dt
import functools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ._classify import RISKS, Classification, classify
from ._files import Candidate, prefilter_pattern, scan_file, walk
from ._findings import FileReport, Finding, Status
from ._risk import PRIORITY_ORDER, Ranked, rank
from ._settings import ScanSettings

__all__ = ["Item", "ScanResult", "scan"]

Progress = Callable[[int, int], None]


@functools.cache
def _prefilter() -> Any:
    from ._detect import TABLE

    return prefilter_pattern({name.split(".")[0] for name in TABLE})


def _scan_one(candidate: Candidate, max_bytes: int) -> FileReport:
    return scan_file(candidate, _prefilter(), max_bytes)


@dataclass(frozen=True, slots=True)
class Item:
    """One finding with its classification and priority."""

    finding: Finding
    verdict: Classification
    ranked: Ranked


@dataclass(frozen=True)
class ScanResult:
    roots: tuple[str, ...]
    files: tuple[FileReport, ...]
    items: tuple[Item, ...]
    settings: ScanSettings
    elapsed: float = 0.0
    generated: str = field(default_factory=lambda: _dt.datetime.now(_dt.UTC)
                           .replace(microsecond=0).isoformat())

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
         progress: Progress | None = None) -> ScanResult:
    """Scan ``paths`` (directories or files). Never raises for a bad file: see ``files``."""
    settings = settings or ScanSettings()
    start = time.perf_counter()
    reports: list[FileReport] = []
    candidates: list[Candidate] = []
    for entry in walk(paths, excludes=(*settings.exclude, *excludes), gitignore=gitignore):
        if isinstance(entry, Candidate):
            candidates.append(entry)
        else:
            reports.append(entry)
    total = len(candidates)
    worker = functools.partial(_scan_one, max_bytes=settings.max_file_bytes)
    if jobs > 1 and total > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for n, report in enumerate(pool.map(worker, candidates,
                                                chunksize=max(1, min(64, total // (jobs * 8)))), 1):
                reports.append(report)
                if progress is not None:
                    progress(n, total)
    else:
        for n, candidate in enumerate(candidates, 1):
            reports.append(worker(candidate))
            if progress is not None:
                progress(n, total)
    reports.sort(key=lambda r: r.path)
    items = []
    for report in reports:
        for finding in report.findings:
            verdict = classify(finding, settings.rules)
            items.append(Item(finding, verdict, rank(finding, verdict, settings)))
    return ScanResult(tuple(paths), tuple(reports), tuple(items), settings,
                      time.perf_counter() - start)


def status_counts(result: ScanResult) -> dict[str, int]:
    counts = result.by_status()
    return {str(s): counts[str(s)] for s in Status}
