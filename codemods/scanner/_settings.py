"""Scan settings from the agile configuration: ``[scan]`` in agile.toml (or the file named by
``AGILE_CONFIG``), or ``[tool.agile.scan]`` in pyproject.toml. Read directly with tomllib.

.. code-block:: toml

    [scan]
    crqc_year = 2035               # Mosca's z: when a cryptographically relevant QC is expected
    migration_years = 5            # Mosca's y: how long moving one system takes
    default_retention_years = 2    # Mosca's x unless a glob or policy says otherwise
    rules = "scan-rules.toml"      # replaces the built-in rules (path relative to this file)
    exclude = ["tests/fixtures/*"]
    max_file_bytes = 2000000

    [scan.retention]               # path glob -> years the data must stay secret (first match)
    "archive/*" = 25

    [scan.retention_by_policy]     # agile policy name -> years
    archive = 30
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agile.errors import ConfigError

from ._classify import Rules
from ._files import MAX_FILE_BYTES

__all__ = ["ScanSettings", "find_scan_config", "load_settings"]

_KEYS = {"crqc_year", "migration_years", "default_retention_years", "rules", "exclude",
         "max_file_bytes", "retention", "retention_by_policy"}


@dataclass(frozen=True, slots=True)
class ScanSettings:
    crqc_year: int = 2035
    migration_years: float = 5
    default_retention_years: float = 2
    retention: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    retention_by_policy: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = MAX_FILE_BYTES
    rules: Rules = field(default_factory=Rules.default)
    origin: str = "built-in defaults"
    today: _dt.date = field(default_factory=_dt.date.today)

    @property
    def years_to_crqc(self) -> float:
        return self.crqc_year - self.today.year

    def retention_for(self, path: str, policy: str | None = None) -> tuple[float, str]:
        """(years, where the number came from) for a file and, for agile calls, a policy."""
        if policy is not None and policy in self.retention_by_policy:
            return self.retention_by_policy[policy], f"policy {policy!r}"
        for glob, years in self.retention.items():
            if fnmatch.fnmatchcase(path, glob):
                return years, f"path {glob!r}"
        return self.default_retention_years, "default"

    def to_dict(self) -> dict[str, Any]:
        return {"crqc_year": self.crqc_year, "migration_years": self.migration_years,
                "default_retention_years": self.default_retention_years,
                "retention": dict(self.retention),
                "retention_by_policy": dict(self.retention_by_policy),
                "rules": self.rules.origin, "config": self.origin}


def find_scan_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """$AGILE_CONFIG, else the nearest agile.toml or pyproject.toml with [tool.agile] above
    ``start`` (default: the working directory)."""
    env = os.environ.get("AGILE_CONFIG")
    if env:
        return Path(env)
    here = Path(start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        if (directory / "agile.toml").is_file():
            return directory / "agile.toml"
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "agile" in data.get("tool", {}):
                return pyproject
    return None


def _number(table: Mapping[str, Any], key: str, default: Any, origin: str) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{origin}: [scan] {key} must be a non-negative number, not {value!r}")
    return value


def load_settings(path: str | os.PathLike[str] | None = None, *,
                  today: _dt.date | None = None) -> ScanSettings:
    """Settings from ``path`` (agile.toml or pyproject.toml); the defaults when None."""
    today = today or _dt.date.today()
    if path is None:
        return ScanSettings(today=today)
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get("agile", {}) if path.name == "pyproject.toml" else data
    scan = table.get("scan", {})
    where = f"{path} [{'tool.agile.' if path.name == 'pyproject.toml' else ''}scan]"
    if not isinstance(scan, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = sorted(set(scan) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_KEYS))}")
    rules = Rules.default()
    if "rules" in scan:
        rules = Rules.load(path.parent / str(scan["rules"]))
    retention = {str(k): _number(scan["retention"], k, 0, where) for k in scan.get("retention", {})}
    by_policy = {str(k): _number(scan["retention_by_policy"], k, 0, where)
                 for k in scan.get("retention_by_policy", {})}
    exclude = scan.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise ConfigError(f"{where}: exclude must be a list of glob strings")
    return ScanSettings(
        crqc_year=int(_number(scan, "crqc_year", 2035, where)),
        migration_years=_number(scan, "migration_years", 5, where),
        default_retention_years=_number(scan, "default_retention_years", 2, where),
        retention=MappingProxyType(retention), retention_by_policy=MappingProxyType(by_policy),
        exclude=tuple(exclude), max_file_bytes=int(_number(scan, "max_file_bytes",
                                                             MAX_FILE_BYTES, where)),
        rules=rules, origin=str(path), today=today)
