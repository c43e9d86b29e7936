"""JSON output: a stable, versioned schema (``"schema": "agile-scan", "version": 1``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agile import __version__

from ._engine import Item, ScanResult, status_counts
from ._findings import finding_ids

__all__ = ["SCHEMA", "SCHEMA_VERSION", "fingerprints", "to_json", "to_record"]

SCHEMA = "agile-scan"
SCHEMA_VERSION = 1


def fingerprints(items: Sequence[Item]) -> list[str]:
    """Each item's stable id (:func:`~._findings.finding_ids`), as assigned by the scan."""
    if all(item.fingerprint for item in items):
        return [item.fingerprint for item in items]
    computed = finding_ids(item.finding for item in items)
    return [item.fingerprint or fp for item, fp in zip(items, computed, strict=True)]


def to_record(result: ScanResult) -> dict[str, Any]:
    findings = []
    for item, fp in zip(result.items, fingerprints(result.items), strict=True):
        findings.append({"id": fp, **item.finding.to_dict(),
                         "classification": item.verdict.to_dict(),
                         "priority": item.ranked.to_dict()})
    weak = sum(1 for i in result.items if i.verdict.weaknesses)
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "tool": {"name": "agile scan", "version": __version__},
        "generated": result.generated,
        "roots": list(result.roots),
        "shard": result.shard,
        "baseline": {"file": result.baseline[0], "known": result.baseline[1]}
        if result.baseline else None,
        "settings": result.settings.to_dict(),
        "summary": {
            "files": status_counts(result),
            "findings": len(result.items),
            "weak": weak,
            "by_risk": result.by_risk(),
            "by_priority": result.by_priority(),
            "priority": result.priority(),
            "elapsed_seconds": round(result.elapsed, 3),
            "cache": {"hits": result.cache[0], "misses": result.cache[1]}
            if result.cache else None,
        },
        "files": [f.to_dict() for f in result.files],
        "findings": findings,
    }


def to_json(result: ScanResult) -> str:
    return json.dumps(to_record(result), indent=2, sort_keys=False) + "\n"
