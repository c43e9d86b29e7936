"""Shared helpers for the scanner tests: fixture expectations and a scanned fixture tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"# expect: ([^#]+)")
RISKS = frozenset({"quantum-vulnerable", "weakened-by-grover", "quantum-resistant", "unknown",
                   "agile-managed"})


@dataclass(frozen=True)
class Expected:
    """One ``# expect:`` comment: KIND ALGORITHM [PARAM=VALUE | VALUE ...] RISK [weak:ID,...]."""

    file: str
    line: int
    kind: str
    algorithm: str
    risk: str
    params: tuple[str, ...]
    weak: frozenset[str]

    @classmethod
    def parse(cls, file: str, line: int, text: str) -> Expected:
        tokens = text.split()
        weak = frozenset(w for t in tokens if t.startswith("weak:") for w in t[5:].split(","))
        rest = [t for t in tokens[2:] if not t.startswith("weak:")]
        risks = [t for t in rest if t in RISKS]
        assert len(risks) == 1, f"{file}:{line}: one risk per expectation: {text!r}"
        return cls(file, line, tokens[0], tokens[1], risks[0],
                   tuple(t for t in rest if t not in RISKS), weak)


def expectations(path: Path) -> list[Expected]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        out.extend(Expected.parse(path.name, n, m.group(1)) for m in _EXPECT.finditer(line))
    return out


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.py"))


@pytest.fixture(scope="session")
def fixture_scan() -> object:
    """The whole fixture directory scanned once with the default settings."""
    from codemods.scanner import scan

    return scan([str(FIXTURES)])


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep `agile scan`'s default cache (under $XDG_CACHE_HOME) out of the user's home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
