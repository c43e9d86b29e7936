"""Generated policies, merged into the project's agile config with tomlkit.

tomlkit keeps the user's entries, comments and layout; each generated policy carries a comment
naming the call sites it pins. The merged text is validated with agile's own policy loader
before anything is written.

>>> plan = PolicyPlan.from_sites({"src/app.py": sites})  # doctest: +SKIP
>>> merge(Path("agile.toml"), plan).text  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from agile import algorithms
from agile.errors import AgileError
from agile.policy import load_config
from agile.policy._defaults import DEFAULT_TOML

from ..commands import Site

__all__ = ["ConfigChange", "MigrateConfigError", "PolicyPlan", "existing_pins", "find_target",
           "merge"]

_SHOWN_SITES = 8


class MigrateConfigError(AgileError):
    """The generated policies cannot be merged into the project's config (the message says why)."""


@dataclass
class PlannedPin:
    """One slot of a generated policy: the algorithm it pins and the call sites needing it."""

    slot: str
    algorithm: str
    sites: list[str] = field(default_factory=list)


@dataclass
class PlannedPolicy:
    name: str
    pins: dict[str, PlannedPin] = field(default_factory=dict)  # slot -> pin
    #: floors (``min_iterations``) -> (the lowest value a call site uses, that site); None when
    #: some call site's value is not visible (then no floor is generated)
    settings: dict[str, tuple[int | None, str]] = field(default_factory=dict)


@dataclass
class PolicyPlan:
    """The policies one root's rewritten sites need: name -> slot -> (algorithm, call sites).
    A purpose-named policy may pin several slots (``session``: mac and aead)."""

    policies: dict[str, PlannedPolicy] = field(default_factory=dict)

    @classmethod
    def from_sites(cls, by_file: Mapping[str, Iterable[Site]]) -> PolicyPlan:
        plan = cls()
        for path in sorted(by_file):
            for site in by_file[path]:
                if not site.rewritten or site.policy is None:
                    continue
                assert site.slot is not None and site.algorithm is not None
                policy = plan.policies.setdefault(site.policy, PlannedPolicy(site.policy))
                pin = policy.pins.setdefault(site.slot, PlannedPin(site.slot, site.algorithm))
                if pin.algorithm != site.algorithm:
                    raise MigrateConfigError(
                        f"policy {site.policy!r} would pin {site.slot} to both "
                        f"{pin.algorithm} and {site.algorithm} ({path}:{site.line}); give "
                        "them different names in --policy-map")
                where = f"{path}:{site.line}"
                if where not in pin.sites:
                    pin.sites.append(where)
                for key, value in site.settings:  # a floor must admit every call site
                    if key not in policy.settings:
                        policy.settings[key] = (value, where)
                        continue
                    known = policy.settings[key][0]
                    if known is not None and (value is None or value < known):
                        policy.settings[key] = (value, where)  # None: unknown, no floor
        return plan


def existing_pins(path: Path, text: str | None = None) -> dict[str, dict[str, str]]:
    """policy -> slot -> algorithm, as the config at ``path`` (or ``text``) resolves them today,
    suites included (empty when there is none or it does not load: :func:`merge` reports that)."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
        except (OSError, UnicodeDecodeError):
            return {}
    if not text.strip():
        return {}
    try:
        config = load_config(path, text=text)
    except AgileError:
        return {}
    return {name: {fam.value: alg.name for fam, alg in pol.algorithms.items()}
            for name, pol in config.policies.items()}


@dataclass(frozen=True)
class ConfigChange:
    """The config file to write: its path, old text ('' if new) and merged text."""

    path: Path
    old: str
    text: str
    added: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.text


def find_target(root: Path) -> Path:
    """Where a root's policies go: its agile.toml, else its pyproject.toml when that has
    [tool.agile], else a new agile.toml."""
    folder = root if root.is_dir() else root.parent
    agile_toml = folder / "agile.toml"
    if agile_toml.is_file():
        return agile_toml
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and re.search(r"^\[tool\.agile[\].]",
                                         pyproject.read_text(encoding="utf-8", errors="replace"),
                                         re.MULTILINE):
        return pyproject
    return agile_toml


def _site_comment(policy: PlannedPin) -> list[str]:
    shown = policy.sites[:_SHOWN_SITES]
    more = len(policy.sites) - len(shown)
    lines = [f"generated by agile migrate: pins {policy.slot} = {policy.algorithm} as found at"]
    lines += [f"  {site}" for site in shown]
    if more:
        lines.append(f"  ... and {more} more (see the migrate report)")
    return lines


def _policies_table(doc: Any, pyproject: bool) -> Any:
    base = doc
    if pyproject:
        base = doc.setdefault("tool", tomlkit.table(is_super_table=True))
        base = base.setdefault("agile", tomlkit.table(is_super_table=True))
    if "policies" not in base:
        base.add("policies", tomlkit.table(is_super_table=True))
    return base["policies"]


def merge(path: Path, plan: PolicyPlan) -> ConfigChange:
    """The config at ``path`` with ``plan``'s policies merged in, validated by agile's loader.

    Existing policies are kept as they are; a policy that already pins the same algorithm is
    reused, one that pins another raises :class:`MigrateConfigError`.
    """
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    pyproject = path.name == "pyproject.toml"
    try:
        doc = tomlkit.parse(old if old else DEFAULT_TOML.lstrip())
    except tomlkit.exceptions.ParseError as exc:
        raise MigrateConfigError(f"{path}: invalid TOML: {exc}") from None
    if not plan.policies:
        return ConfigChange(path, old, old, ())
    table = _policies_table(doc, pyproject)
    resolved = existing_pins(path, old) if old else {}
    added = []
    for name in sorted(plan.policies):
        existing = table.get(name)
        entry: Table = existing if existing is not None else tomlkit.table()
        changed = False
        for slot in sorted(plan.policies[name].pins):
            pin = plan.policies[name].pins[slot]
            # what the policy uses today, written on it or coming from its suite
            current = entry.get(slot) or (resolved.get(name, {}).get(slot)
                                          if existing is not None else None)
            if current is not None and algorithms.get(str(current)).name != pin.algorithm:
                raise MigrateConfigError(
                    f"{path}: policy {name!r} already sets {slot} = {current!r}, but the "
                    f"rewritten code needs {pin.algorithm} ({pin.sites[0]}); map the generated "
                    "name to a new one with --policy-map")
            if current is not None:
                continue
            for line in _site_comment(pin):
                entry.add(tomlkit.comment(line))
            entry.add(slot, pin.algorithm)
            # a user's own policy is theirs to open to legacy algorithms; the loader says so
            if existing is None and algorithms.get(pin.algorithm).legacy \
                    and "allow_legacy" not in entry:
                entry.add("allow_legacy", True)
            changed = True
        for key in sorted(plan.policies[name].settings):
            value, where = plan.policies[name].settings[key]
            if value is None:
                continue
            current = entry.get(key)
            if isinstance(current, int) and current > value:
                raise MigrateConfigError(
                    f"{path}: policy {name!r} sets {key} = {current}, but the rewritten code at "
                    f"{where} uses {value}; map the generated name to a new one with "
                    "--policy-map")
            if current is None:
                entry.add(tomlkit.comment(f"generated by agile migrate: the lowest value the "
                                          f"call sites use ({where})"))
                entry.add(key, value)
                changed = True
        if existing is None:
            table.add(name, entry)
        if changed:
            added.append(name)
    text = tomlkit.dumps(doc)
    try:
        load_config(path, text=text)
    except AgileError as exc:
        raise MigrateConfigError(f"{path}: the merged config does not validate: {exc}") from None
    return ConfigChange(path, old, text, tuple(added))
