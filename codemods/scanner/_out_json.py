"""JSON output: a stable, versioned schema (``"schema": "agile-scan", "version": 1``)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from agile import __version__

from ._engine import Item, ScanResult, status_counts

__all__ = ["SCHEMA", "SCHEMA_VERSION", "fingerprints", "to_json", "to_record"]

SCHEMA = "agile-scan"
SCHEMA_VERSION = 1


def fingerprints(items: tuple[Item, ...]) -> list[str]:
    """A stable id per finding: file, kind, algorithm, API and the normalised source line,
    plus the occurrence number among identical lines; independent of line numbers."""
    seen: Counter[str] = Counter()
    out = []
    for item in items:
        f = item.finding
        base = "\0".join((f.file, f.kind, f.algorithm, f.api, " ".join(f.snippet.split())))
        seen[base] += 1
        out.append(hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()[:32])
    return out


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
        "settings": result.settings.to_dict(),
        "summary": {
            "files": status_counts(result),
            "findings": len(result.items),
            "weak": weak,
            "by_risk": result.by_risk(),
            "by_priority": result.by_priority(),
            "priority": result.priority(),
            "elapsed_seconds": round(result.elapsed, 3),
        },
        "files": [f.to_dict() for f in result.files],
        "findings": findings,
    }


def to_json(result: ScanResult) -> str:
    return json.dumps(to_record(result), indent=2, sort_keys=False) + "\n"
