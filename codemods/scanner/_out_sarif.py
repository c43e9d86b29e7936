"""SARIF 2.1.0 for GitHub code scanning: one rule per finding kind (ids never contain paths),
URIs relative to the scanned root (``%SRCROOT%``), ``partialFingerprints`` from the finding id."""

from __future__ import annotations

import json
from typing import Any

from agile import __version__

from ._engine import ScanResult
from ._findings import Status
from ._out_json import fingerprints

__all__ = ["SARIF_SCHEMA", "to_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"now": "error", "next": "warning", "later": "note"}
_SECURITY_SEVERITY = {"now": "8.0", "next": "5.0", "later": "2.0"}
_INFO_URI = "https://github.com/agile-crypto/agile#agile-scan"


def _rule(kind: str, library_apis: set[str]) -> dict[str, Any]:
    words = kind.replace("-", " ")
    return {
        "id": kind,
        "name": "".join(w.capitalize() for w in kind.split("-")),
        "shortDescription": {"text": f"Cryptographic use: {words}"},
        "fullDescription": {"text": f"A call site performing {words}. The result names the "
                                    "algorithm, its quantum risk and the migration priority."},
        "helpUri": _INFO_URI,
        "properties": {"tags": ["security", "cryptography", "crypto-inventory"],
                       "apis": sorted(library_apis)[:20]},
    }


def to_record(result: ScanResult) -> dict[str, Any]:
    kinds: dict[str, set[str]] = {}
    for item in result.items:
        kinds.setdefault(item.finding.kind, set()).add(item.finding.api)
    rule_ids = sorted(kinds)
    rules = [_rule(k, kinds[k]) for k in rule_ids]
    index = {k: n for n, k in enumerate(rule_ids)}
    results = []
    for item, fp in zip(result.items, fingerprints(result.items), strict=True):
        f, v, r = item.finding, item.verdict, item.ranked
        weak = f" Weak: {', '.join(w.id for w in v.weaknesses)}." if v.weaknesses else ""
        results.append({
            "ruleId": f.kind,
            "ruleIndex": index[f.kind],
            "level": _LEVEL[str(r.priority)],
            "message": {"text": f"{f.algorithm} via {f.api} ({v.risk}).{weak} "
                                f"Priority {r.priority}: {r.reason}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": f.line, "startColumn": f.column},
            }}],
            "partialFingerprints": {"agileFinding/v1": fp},
            "properties": {"algorithm": f.algorithm, "quantumRisk": v.risk,
                           "weak": [w.id for w in v.weaknesses], "priority": str(r.priority),
                           "security-severity": _SECURITY_SEVERITY[str(r.priority)],
                           "confidence": str(f.confidence), "parameters": dict(f.parameters)},
        })
    notifications = [{
        "level": "warning",
        "message": {"text": f"not scanned: {f.reason}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path,
                                                                 "uriBaseId": "%SRCROOT%"}}}],
    } for f in result.files if f.status is Status.PARSE_FAILED]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "agile-scan", "semanticVersion": __version__,
                                "informationUri": _INFO_URI, "rules": rules}},
            "automationDetails": {"id": "agile-scan/"},
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def to_sarif(result: ScanResult) -> str:
    return json.dumps(to_record(result), indent=2) + "\n"
