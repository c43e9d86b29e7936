"""Risk ranking: Mosca's inequality (retention x + migration y > time to a CRQC z) and classical
weaknesses give each finding a priority (now / next / later) and the reason for it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ._classify import GROVER, RESISTANT, VULNERABLE, Classification
from ._findings import AGILE_MANAGED, UNKNOWN, Finding
from ._settings import ScanSettings

__all__ = ["Priority", "Ranked", "rank"]


class Priority(enum.StrEnum):
    NOW = "now"
    NEXT = "next"
    LATER = "later"

    def __str__(self) -> str:
        return self.value


PRIORITY_ORDER = (Priority.NOW, Priority.NEXT, Priority.LATER)


@dataclass(frozen=True, slots=True)
class Ranked:
    priority: Priority
    reason: str
    retention_years: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"level": str(self.priority), "reason": self.reason,
                "retention_years": self.retention_years}


def _years(x: float) -> str:
    return f"{x:g} y"


def rank(finding: Finding, verdict: Classification, settings: ScanSettings) -> Ranked:
    """The priority of one finding, with a one-line reason a reviewer can check."""
    if verdict.risk == AGILE_MANAGED:
        policy = finding.parameters.get("policy")
        return Ranked(Priority.LATER, f"agile-managed: policy {policy!r} chooses the algorithm "
                                      "and migrates by configuration")
    policy = None
    x, source = settings.retention_for(finding.file, policy)
    if verdict.weaknesses:
        return Ranked(Priority.NOW, "classically weak: "
                      + "; ".join(w.message for w in verdict.weaknesses), x)
    if verdict.risk == VULNERABLE:
        y, z = settings.migration_years, settings.years_to_crqc
        mosca = (f"retention {_years(x)} ({source}) + migration {_years(y)} "
                 f"{'>' if x + y > z else '<='} {_years(z)} until a CRQC ({settings.crqc_year})")
        if x + y > z:
            return Ranked(Priority.NOW, f"quantum-vulnerable, Mosca: {mosca}", x)
        return Ranked(Priority.NEXT, f"quantum-vulnerable; Mosca holds for now: {mosca}", x)
    if verdict.risk == UNKNOWN:
        return Ranked(Priority.NEXT, "algorithm not resolved statically: review by hand", x)
    if verdict.risk == GROVER:
        return Ranked(Priority.LATER, "Grover halves the key or output strength: prefer "
                      "256-bit keys / SHA-384+ when next touched", x)
    if verdict.risk == RESISTANT:
        return Ranked(Priority.LATER, "quantum-resistant", x)
    return Ranked(Priority.NEXT, f"unclassified risk {verdict.risk!r}", x)
