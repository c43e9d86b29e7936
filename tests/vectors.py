"""Small loaders for the public test vectors the tests run.

Vectors are data files kept outside the repository (never copied into it): in the directory named
by the ``AGILE_VECTORS`` environment variable, else in ``<repo root>/../shared/vectors``. That
directory holds one sub-directory per source (``wycheproof/``, ``xwing/``, ...), as described by
its ``SOURCES.md``. A test whose file is missing skips, saying where the file was expected and how
to point ``AGILE_VECTORS`` at the vectors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ENV_VAR = "AGILE_VECTORS"
REPO_ROOT = Path(__file__).resolve().parent.parent
_START_DIR = Path.cwd()  # a relative AGILE_VECTORS means relative to where pytest was started


def vectors_dir() -> Path:
    """The vectors directory: ``$AGILE_VECTORS``, else ``<repo root>/../shared/vectors``."""
    configured = os.environ.get(ENV_VAR)
    if not configured:
        return REPO_ROOT.parent / "shared" / "vectors"
    return _START_DIR / Path(configured).expanduser()


def missing_reason(missing: Path) -> str:
    """The skip reason for a vector file that is not there."""
    return (f"test vectors not found: expected {missing} under the vectors directory "
            f"{vectors_dir()}; set {ENV_VAR}=/path/to/vectors (the directory holding wycheproof/ "
            f"etc.) to run these tests")


def path(relative: str) -> Path:
    """The vector file ``relative`` (e.g. ``wycheproof/aes_gcm_test.json``); skips if missing."""
    found = vectors_dir() / relative
    if not found.is_file():
        pytest.skip(missing_reason(found))
    return found


def load_json(relative: str) -> Any:
    """The parsed JSON file ``relative`` under the vectors directory; skips if missing."""
    with path(relative).open(encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class WycheproofCase:
    """One Wycheproof test with its group; ``result`` is "valid", "invalid" or "acceptable"."""

    file: str
    group: Mapping[str, Any]
    test: Mapping[str, Any]

    @property
    def tc_id(self) -> int:
        return int(self.test["tcId"])

    @property
    def result(self) -> str:
        return str(self.test["result"])

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(self.test.get("flags", ()))

    @property
    def name(self) -> str:
        """``<file> tcId <n> (<comment>)``, for failure messages."""
        comment = self.test.get("comment") or ""
        return f"{self.file} tcId {self.tc_id}" + (f" ({comment})" if comment else "")

    def has(self, field: str) -> bool:
        return field in self.test

    def raw(self, field: str) -> bytes:
        """The hex-encoded test field ``field`` as bytes."""
        return bytes.fromhex(self.test[field])

    def raw_or_none(self, field: str) -> bytes | None:
        """Like :meth:`raw`, but None when the test has no such field."""
        return bytes.fromhex(self.test[field]) if field in self.test else None

    def group_raw(self, field: str) -> bytes:
        """The hex-encoded group field ``field`` (dotted for nesting: ``publicKey.pk``)."""
        value: Any = self.group
        for part in field.split("."):
            value = value[part]
        return bytes.fromhex(value)


def wycheproof(filename: str) -> Iterator[WycheproofCase]:
    """Every test of ``wycheproof/<filename>`` in file order; skips if the file is missing."""
    data = load_json(f"wycheproof/{filename}")
    for group in data["testGroups"]:
        for test in group["tests"]:
            yield WycheproofCase(filename, group, test)
