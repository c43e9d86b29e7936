"""The migrate run: walk the roots, rewrite files (in parallel), plan and merge the policies,
then write everything (unless this is a dry run or a check)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from agile._atomic import write_atomic

from ..commands import Disambiguation
from ..scanner._files import Candidate, walk
from ..scanner._findings import FileReport
from ._config import ConfigChange, PolicyPlan, existing_pins, find_target, merge
from ._files import Disposition, FileResult, migrate_file, prefiltered, write_result

__all__ = ["MigrateResult", "migrate"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MigrateResult:
    """Every file's disposition, the config changes, and whether they were written."""

    roots: tuple[str, ...]
    files: tuple[FileResult, ...]
    configs: tuple[ConfigChange, ...]
    written: bool
    elapsed: float

    @property
    def changed(self) -> bool:
        return any(f.disposition is Disposition.REWRITTEN for f in self.files) or any(
            c.changed for c in self.configs)

    def count(self, disposition: Disposition) -> int:
        return sum(1 for f in self.files if f.disposition is disposition)

    @property
    def rewritten_sites(self) -> int:
        return sum(f.rewritten for f in self.files)

    @property
    def skipped_sites(self) -> int:
        return sum(f.skipped for f in self.files)


def _job(item: tuple[str, Candidate], annotate: bool, policy_map: Mapping[str, str],
         naming: str, disambiguate: Mapping[str, Disambiguation]) -> FileResult:
    root, candidate = item
    return migrate_file(candidate, annotate=annotate, policy_map=policy_map, root=root,
                        naming=naming, disambiguate=disambiguate.get(root, frozenset()))


def _purpose_conflicts(results: Sequence[FileResult], target_of: Callable[[str], Path]
                       ) -> dict[str, Disambiguation]:
    """Per root, the (purpose, slot, algorithm) sites that cannot take the plain purpose name:
    another site, or the existing config, pins that slot of the policy to another algorithm.
    The algorithm the config already pins keeps the name; every other one gets its own."""
    found: dict[tuple[Path, str, str], set[str]] = {}
    purposes: dict[tuple[Path, str, str], tuple[str, set[str]]] = {}
    for result in results:
        target = target_of(result.root)
        for site in result.sites:
            if site.rewritten and site.purpose is not None:
                key = (target, str(site.policy), str(site.slot))
                found.setdefault(key, set()).add(str(site.algorithm))
                purposes.setdefault(key, (site.purpose, set()))[1].add(result.root)
    pins = {target: existing_pins(target) for target, _, _ in found}
    out: dict[str, set[tuple[str, str, str]]] = {}
    for (target, policy, slot), algs in found.items():
        owner = pins[target].get(policy, {}).get(slot)
        if algs <= {owner} or (owner is None and len(algs) == 1):
            continue
        purpose, roots = purposes[(target, policy, slot)]
        for root in roots:
            out.setdefault(root, set()).update((purpose, slot, a) for a in algs if a != owner)
    return {root: frozenset(triples) for root, triples in out.items()}


def _excluded(report: FileReport, root: str) -> FileResult:
    return FileResult(report.path, Disposition.EXCLUDED if str(report.status) == "excluded"
                      else Disposition.FAILED, report.reason, root=root)


def migrate(paths: Sequence[str], *, write: bool = True, jobs: int = 1, annotate: bool = False,
            policy_map: Mapping[str, str] | None = None, naming: str = "purpose",
            excludes: Sequence[str] = (),
            gitignore: bool = True, config: Path | None = None,
            progress: Progress | None = None) -> MigrateResult:
    """Migrate every Python file under ``paths`` (each a repository root or a file).

    Each root's generated policies go into its own config (``config`` overrides the target for
    all roots). Policies are named after each call's purpose where the code makes it clear
    (``naming="algorithm"``: always after the algorithm); when one purpose would pin a slot to
    two algorithms, the files concerned are rewritten again with ``<purpose>-<algorithm>``
    names for all but the algorithm the config already pins. Nothing is written unless every
    file was processed and every merged config validates; with ``write=False`` nothing is
    written at all.
    """
    start = time.perf_counter()
    mapping = dict(policy_map or {})
    results: list[FileResult] = []
    work: list[tuple[str, Candidate]] = []
    for root in paths:
        for entry in walk([root], excludes=excludes, gitignore=gitignore):
            if isinstance(entry, Candidate):
                work.append((root, entry))
            else:
                results.append(_excluded(entry, root))
    job = functools.partial(_job, annotate=annotate, policy_map=mapping, naming=naming,
                            disambiguate={})
    total = len(work)
    done = 0
    # The pre-filter is cheap (a regex over the bytes): run it here, so that only the few files
    # worth parsing are spread over the workers, one at a time (their cost varies a lot).
    to_parse = []
    for root, candidate in work:
        quick = prefiltered(candidate, root)
        if quick is None:
            to_parse.append((root, candidate))
            continue
        results.append(quick)
        done += 1
        if progress is not None and done % 256 == 0:
            progress(done, total)
    if jobs > 1 and len(to_parse) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(to_parse))) as pool:
            for result in pool.map(job, to_parse, chunksize=1):
                results.append(result)
                done += 1
                if progress is not None:
                    progress(done, total)
    else:
        for item in to_parse:
            results.append(job(item))
            done += 1
            if progress is not None:
                progress(done, total)
    results.sort(key=lambda r: (r.root, r.path))

    def target_of(root: str) -> Path:
        return config or find_target(Path(root))

    conflicts = _purpose_conflicts(results, target_of)
    if conflicts:
        candidates = {(root, c.rel): c for root, c in to_parse}
        again = functools.partial(_job, annotate=annotate, policy_map=mapping, naming=naming,
                                  disambiguate=conflicts)
        for i, result in enumerate(results):
            if result.root in conflicts and any(
                    (s.purpose, s.slot, s.algorithm) in conflicts[result.root]
                    for s in result.sites if s.rewritten):
                results[i] = again((result.root, candidates[(result.root, result.path)]))

    targets: dict[Path, dict[str, list[FileResult]]] = {}
    for result in results:
        if result.sites:
            target = target_of(result.root)
            targets.setdefault(target, {}).setdefault(result.root, []).append(result)
    changes = []
    for target, by_root in targets.items():
        sites = {}
        for root, files in by_root.items():
            base = _relative_to(Path(root), target.parent)
            for f in files:
                sites[f"{base}{f.path}"] = f.sites
        changes.append(merge(target, PolicyPlan.from_sites(sites)))
    if write:
        # configs first: code that names a policy must never exist without it
        for change in changes:
            if change.changed:
                mode = change.path.stat().st_mode & 0o7777 if change.old else 0o644
                write_atomic(change.path, change.text.encode("utf-8"), mode=mode)
        for result in results:
            if result.disposition is Disposition.REWRITTEN:
                write_result(result)
    return MigrateResult(tuple(paths), tuple(results), tuple(changes), write,
                         time.perf_counter() - start)


def _relative_to(root: Path, folder: Path) -> str:
    """The prefix that makes a root-relative path relative to the config's folder."""
    base = root if root.is_dir() else root.parent
    try:
        rel = base.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        rel = base.resolve().as_posix()
    return "" if rel == "." else rel + "/"
