"""Classification: the registry's facts plus a swappable rules file turn findings into risks.

Order: a call into agile is ``agile-managed``; an algorithm the registry knows takes the
registry's quantum risk (and legacy flag); a key type the registry knows (``RSA``, ``EC-P256``)
takes the risk all its algorithms share; other names are matched against the rules file's
``[quantum]`` globs; anything left is ``unknown`` (never safe). Classical weaknesses come from the
rules file's ``[[weak]]`` entries.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from agile.errors import ConfigError

from ._findings import AGILE_MANAGED, UNKNOWN, Finding
from ._registry import descriptor, key_type_risk

__all__ = ["RISKS", "Classification", "Rules", "Weakness", "classify"]

VULNERABLE, GROVER, RESISTANT = "quantum-vulnerable", "weakened-by-grover", "quantum-resistant"
#: Every risk value, worst first.
RISKS = (VULNERABLE, UNKNOWN, GROVER, RESISTANT, AGILE_MANAGED)


@dataclass(frozen=True, slots=True)
class Weakness:
    id: str
    message: str


@dataclass(frozen=True, slots=True)
class Classification:
    """The verdict on one finding and where it came from."""

    risk: str
    weaknesses: tuple[Weakness, ...] = ()
    legacy: bool = False
    source: str = "unresolved"  # registry | registry-key-type | rules | agile | unresolved

    def to_dict(self) -> dict[str, Any]:
        return {"quantum_risk": self.risk, "weak": [w.id for w in self.weaknesses],
                "weak_reasons": [w.message for w in self.weaknesses], "legacy": self.legacy,
                "classified_by": self.source}


@dataclass(frozen=True, slots=True)
class _WeakRule:
    id: str
    message: str
    algorithms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    param: str | None = None
    below: float | None = None
    equals: Any = None
    within: tuple[Any, ...] | None = None

    def matches(self, finding: Finding) -> bool:
        if self.algorithms and not _any_glob(finding.algorithm, self.algorithms):
            return False
        if self.kinds and not _any_glob(finding.kind, self.kinds):
            return False
        if self.param is None:
            return True
        if self.param not in finding.parameters:
            return False
        value = finding.parameters[self.param]
        if self.below is not None:
            return isinstance(value, int | float) and not isinstance(value, bool) \
                and value < self.below
        if self.within is not None:
            return value in self.within
        return value == self.equals and type(value) is type(self.equals)


def _any_glob(name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) for g in globs)


@dataclass(frozen=True, slots=True)
class Rules:
    """A parsed rules file: quantum risks for unregistered names, and weakness rules."""

    quantum: tuple[tuple[str, str], ...]
    weak: tuple[_WeakRule, ...]
    origin: str = "built-in"

    @classmethod
    def default(cls) -> Rules:
        text = resources.files(__package__).joinpath("rules.toml").read_text(encoding="utf-8")
        return cls.parse(text, "built-in")

    @classmethod
    def load(cls, path: str | Path) -> Rules:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the scan rules file ({exc.strerror})") from exc
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, origin: str) -> Rules:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{origin}: invalid TOML in the scan rules file: {exc}") from exc
        quantum = data.get("quantum", {})
        bad = {k: v for k, v in quantum.items() if v not in (VULNERABLE, GROVER, RESISTANT)}
        if bad:
            name = next(iter(bad))
            raise ConfigError(f"{origin}: [quantum] {name!r} = {bad[name]!r}: use one of "
                              f"{VULNERABLE!r}, {GROVER!r}, {RESISTANT!r}")
        weak = []
        for entry in data.get("weak", []):
            if "id" not in entry or "message" not in entry:
                raise ConfigError(f"{origin}: every [[weak]] rule needs an id and a message")
            weak.append(_WeakRule(
                id=entry["id"], message=entry["message"],
                algorithms=tuple(entry.get("algorithms", ())), kinds=tuple(entry.get("kinds", ())),
                param=entry.get("param"), below=entry.get("below"), equals=entry.get("equals"),
                within=tuple(entry["in"]) if "in" in entry else None))
        return cls(tuple(quantum.items()), tuple(weak), origin)

    def quantum_risk(self, name: str) -> str | None:
        for glob, risk in self.quantum:
            if fnmatch.fnmatchcase(name, glob):
                return risk
        return None


def classify(finding: Finding, rules: Rules) -> Classification:
    """Quantum risk, classical weaknesses and legacy flag of ``finding``."""
    if finding.algorithm == AGILE_MANAGED:
        return Classification(AGILE_MANAGED, source="agile")
    weaknesses = tuple(Weakness(r.id, r.message) for r in rules.weak if r.matches(finding))
    # de-duplicate ids (two rules may say the same thing about one finding)
    seen: dict[str, Weakness] = {}
    for w in weaknesses:
        seen.setdefault(w.id, w)
    weak = tuple(seen.values())
    if finding.algorithm == UNKNOWN:
        return Classification(UNKNOWN, weak, source="unresolved")
    found = descriptor(finding.algorithm)
    if found is not None:
        return Classification(str(found.quantum_risk), weak, found.legacy, "registry")
    by_key = key_type_risk(finding.algorithm)
    if by_key is not None:
        return Classification(str(by_key), weak, source="registry-key-type")
    risk = rules.quantum_risk(finding.algorithm)
    if risk is not None:
        return Classification(risk, weak, source="rules")
    return Classification(UNKNOWN, weak, source="unresolved")


def worst(risks: Mapping[str, int]) -> str | None:
    """The worst risk with a non-zero count."""
    return next((r for r in RISKS if risks.get(r)), None)
