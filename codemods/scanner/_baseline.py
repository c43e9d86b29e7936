"""``--baseline FILE``: report only findings a previous JSON result does not already have.

Findings are matched by their stable id (:func:`~._findings.finding_ids`: file, kind,
algorithm, API and the normalised source line, not the line number), so code moving up or down
keeps its findings known, while a new call, a changed call or a second identical call is new.

>>> new = apply_baseline(scan(["src"]), load_baseline("main.json"))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from agile.errors import InvalidArgument

from ._engine import ScanResult
from ._findings import Finding
from ._merge import read_input
from ._out_json import SCHEMA, fingerprints

__all__ = ["Baseline", "apply_baseline", "load_baseline"]


@dataclass(frozen=True, slots=True)
class Baseline:
    source: str
    ids: frozenset[str]


def load_baseline(path: str | Path) -> Baseline:
    """The finding ids of an ``agile scan --format json`` result."""
    record = read_input(path)
    if record.get("schema") != SCHEMA or not isinstance(record.get("findings"), list):
        raise InvalidArgument(f"{path}: a baseline must be an agile scan JSON result "
                              "(agile scan --format json -o FILE)")
    try:
        ids = frozenset(str(f["id"]) for f in record["findings"])
    except (KeyError, TypeError):
        raise InvalidArgument(f"{path}: a finding without an \"id\"; is it an agile scan "
                              "JSON result?") from None
    return Baseline(str(path), ids)


def apply_baseline(result: ScanResult, baseline: Baseline) -> ScanResult:
    """``result`` without the findings ``baseline`` knows; file dispositions stay."""
    ids = fingerprints(result.items)
    kept = [replace(item, fingerprint=fp) for item, fp in zip(result.items, ids, strict=True)
            if fp not in baseline.ids]
    by_file: dict[str, list[Finding]] = {}
    for item in kept:
        by_file.setdefault(item.finding.file, []).append(item.finding)
    files = tuple(replace(f, findings=tuple(by_file.get(f.path, ()))) if f.findings else f
                  for f in result.files)
    return replace(result, files=files, items=tuple(kept),
                   baseline=(baseline.source, len(result.items) - len(kept)))
