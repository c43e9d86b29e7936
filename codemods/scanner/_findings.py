"""What the scanner observed: findings (facts only) and one disposition per file."""

from __future__ import annotations

import enum
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The algorithm of a finding whose algorithm could not be resolved statically.
UNKNOWN = "unknown"
#: The algorithm of a call into agile itself: the policy in the configuration decides.
AGILE_MANAGED = "agile-managed"


class Confidence(enum.StrEnum):
    """How directly the facts were read from the source."""

    HIGH = "high"  # literal arguments and direct imports
    MEDIUM = "medium"  # through aliases, constants or objects built in the same scope
    LOW = "low"  # the algorithm (or a defining parameter) could not be resolved

    def __str__(self) -> str:
        return self.value


class Status(enum.StrEnum):
    """What happened to one file."""

    SCANNED = "scanned"
    EXCLUDED = "excluded"
    PRE_FILTERED = "pre-filtered"  # mentions no cryptographic module: not parsed
    PARSE_FAILED = "parse-failed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Finding:
    """One cryptographic call site. Facts only; classification happens later.

    ``file`` is relative to the scanned root (POSIX separators); ``line`` and ``column`` are
    1-based; ``api`` is the fully-qualified name of the called API (methods as
    ``package.Class.method``); ``algorithm`` is the registry's canonical name where the registry
    knows the algorithm, the scanner's spelling (``"RSA"``, ``"DSA"``) where it does not, or
    ``"unknown"``.
    """

    file: str
    line: int
    column: int
    kind: str
    api: str
    library: str
    algorithm: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    confidence: Confidence = Confidence.HIGH
    snippet: str = ""  # the stripped source line, for readers and fingerprints

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "kind": self.kind,
            "api": self.api, "library": self.library, "algorithm": self.algorithm,
            "parameters": dict(self.parameters), "confidence": str(self.confidence), "snippet": self.snippet,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(file=data["file"], line=data["line"], column=data["column"], kind=data["kind"],
                   api=data["api"], library=data["library"], algorithm=data["algorithm"],
                   parameters=dict(data.get("parameters", {})),
                   confidence=Confidence(data.get("confidence", "high")),
                   snippet=data.get("snippet", ""))


@dataclass(frozen=True, slots=True)
class FileReport:
    """The disposition of one file and, when scanned, its findings."""

    path: str
    status: Status
    reason: str = ""
    findings: tuple[Finding, ...] = ()
    cached: bool = field(default=False, compare=False)  # came from the content-hash cache

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "status": str(self.status), "reason": self.reason,
                "findings": len(self.findings)}


def finding_ids(findings: Iterable[Finding]) -> list[str]:
    """A stable id per finding: file, kind, algorithm, API and the normalised source line, plus
    the occurrence number among identical lines; independent of line numbers, so it survives
    edits above the finding (the SARIF ``partialFingerprints`` and ``--baseline`` use it)."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        base = "\0".join((f.file, f.kind, f.algorithm, f.api, " ".join(f.snippet.split())))
        seen[base] += 1
        out.append(hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()[:32])
    return out
