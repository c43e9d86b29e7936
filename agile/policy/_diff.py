"""What flipping from one configuration to another changes: per policy and family, per key.

>>> from agile.policy import diff_configs, load_config
>>> old = load_config(text='[policies.a]\\naead = "AES-256-GCM"')
>>> new = load_config(text='[policies.a]\\naead = "ChaCha20-Poly1305"')
>>> d = diff_configs(old, new).policy("a").family("aead")
>>> sorted(d.stops_writing), sorted(d.stops_reading), sorted(d.starts_reading)
(['AES-256-GCM'], ['AES-256-GCM'], ['ChaCha20-Poly1305'])

A policy name that one configuration defines and the other does not is compared with what
applications asking for that name get there: the ``default_policy``, or nothing (every algorithm
stops being written and read). Keys are compared only for the keyrings passed in (``keyrings``:
policy name -> :class:`~agile.keyring.Keyring` snapshot, see
:func:`agile.keyring.load_policy_keyrings`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..algorithms import Family
from ._loader import Config
from ._model import Policy

if TYPE_CHECKING:
    from ..keyring import Keyring

__all__ = ["ConfigDiff", "FamilyDiff", "KeyChange", "KeyImpact", "PolicyDiff", "SettingChange",
           "diff_configs"]

OTHER_NAMES = "*"  # the pseudo-policy: names neither configuration defines (default_policy)


class KeyImpact(enum.StrEnum):
    UNREADABLE = "unreadable"  # data under the key can no longer be opened/verified/decrypted
    CANNOT_BE_PRIMARY = "cannot-be-primary"  # readable, but its algorithm is no longer written

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class FamilyDiff:
    """One family of one policy: the algorithm written before and after, and the accept-lists."""

    family: Family
    old_algorithm: str | None
    new_algorithm: str | None
    stops_writing: frozenset[str]
    starts_writing: frozenset[str]
    stops_reading: frozenset[str]  # on the old accept-list, not on the new one
    starts_reading: frozenset[str]  # on the new accept-list only
    still_reading: frozenset[str]

    @property
    def changed(self) -> bool:
        return bool(self.stops_writing or self.starts_writing or self.stops_reading
                    or self.starts_reading)

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family.value, "old_algorithm": self.old_algorithm,
                "new_algorithm": self.new_algorithm, "stops_writing": sorted(self.stops_writing),
                "starts_writing": sorted(self.starts_writing),
                "stops_reading": sorted(self.stops_reading),
                "starts_reading": sorted(self.starts_reading),
                "still_reading": sorted(self.still_reading)}


@dataclass(frozen=True, slots=True)
class SettingChange:
    """A changed constraint or setting: ``require``, ``zone.min_category``, ``keyring``, ..."""

    setting: str
    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"setting": self.setting, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class KeyChange:
    """A keyring key the flip affects (metadata only; never material)."""

    kid: str
    family: str
    algorithm: str
    status: str
    impact: KeyImpact
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kid": self.kid, "family": self.family, "algorithm": self.algorithm,
                "status": self.status, "impact": self.impact.value, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    """One policy name: ``change`` is "added", "removed", "changed" or "unchanged".

    ``old_resolves_to``/``new_resolves_to`` name the policy applications asking for ``name``
    get on each side (itself, the default_policy, or None when the name is an error there).
    ``keys_checked`` says whether a keyring snapshot was compared.
    """

    name: str
    change: str
    old_resolves_to: str | None
    new_resolves_to: str | None
    families: tuple[FamilyDiff, ...]
    settings: tuple[SettingChange, ...]
    keys: tuple[KeyChange, ...]
    keys_checked: bool

    def family(self, family: Family | str) -> FamilyDiff:
        fam = Family(family)
        for found in self.families:
            if found.family is fam:
                return found
        raise KeyError(f"policy {self.name!r}: no change in {fam}")

    def _collect(self, attr: str) -> dict[str, frozenset[str]]:
        return {f.family.value: getattr(f, attr) for f in self.families if getattr(f, attr)}

    @property
    def stops_writing(self) -> dict[str, frozenset[str]]:
        return self._collect("stops_writing")

    @property
    def stops_reading(self) -> dict[str, frozenset[str]]:
        return self._collect("stops_reading")

    @property
    def starts_reading(self) -> dict[str, frozenset[str]]:
        return self._collect("starts_reading")

    def keys_with(self, impact: KeyImpact | str) -> frozenset[str]:
        """The kids (hex) of keys with ``impact``."""
        return frozenset(k.kid for k in self.keys if k.impact == impact)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "change": self.change,
                "old_resolves_to": self.old_resolves_to, "new_resolves_to": self.new_resolves_to,
                "families": [f.to_dict() for f in self.families],
                "settings": [s.to_dict() for s in self.settings],
                "keys_checked": self.keys_checked, "keys": [k.to_dict() for k in self.keys]}


@dataclass(frozen=True, slots=True)
class ConfigDiff:
    """Every policy name of either configuration (sorted), plus ``*`` for all other names
    when the default_policy changes (when it does not, its own entry says what they get)."""

    old_source: str
    new_source: str
    policies: tuple[PolicyDiff, ...]
    default_policy: SettingChange | None

    def policy(self, name: str) -> PolicyDiff:
        for found in self.policies:
            if found.name == name:
                return found
        raise KeyError(f"no policy {name!r} in either configuration")

    @property
    def changed(self) -> bool:
        return self.default_policy is not None or any(p.change != "unchanged"
                                                      for p in self.policies)

    @property
    def unusable_keys(self) -> dict[str, frozenset[str]]:
        """Per policy, the kids (hex) of keys that become unreadable."""
        out = {p.name: p.keys_with(KeyImpact.UNREADABLE) for p in self.policies}
        return {name: kids for name, kids in out.items() if kids}

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old_source, "new": self.new_source, "changed": self.changed,
                "default_policy": None if self.default_policy is None
                else self.default_policy.to_dict(),
                "policies": {p.name: p.to_dict() for p in self.policies}}


def _resolve(config: Config, name: str) -> Policy | None:
    found = config.policies.get(name)
    if found is None and config.default_policy is not None:
        found = config.policies[config.default_policy]
    return found


def _families(old: Policy | None, new: Policy | None) -> list[FamilyDiff]:
    out = []
    for fam in Family:
        old_cur = old.algorithms.get(fam) if old else None
        new_cur = new.algorithms.get(fam) if new else None
        old_acc = old.accept.get(fam, frozenset()) if old else frozenset()
        new_acc = new.accept.get(fam, frozenset()) if new else frozenset()
        if old_cur is None and new_cur is None and not old_acc and not new_acc:
            continue
        old_name = old_cur.name if old_cur else None
        new_name = new_cur.name if new_cur else None
        moved = old_name != new_name
        out.append(FamilyDiff(
            family=fam, old_algorithm=old_name, new_algorithm=new_name,
            stops_writing=frozenset({old_name} if moved and old_name else ()),
            starts_writing=frozenset({new_name} if moved and new_name else ()),
            stops_reading=frozenset(old_acc - new_acc),
            starts_reading=frozenset(new_acc - old_acc),
            still_reading=frozenset(old_acc & new_acc)))
    return out


def _settings(old_cfg: Config, old: Policy | None, new_cfg: Config,
              new: Policy | None) -> list[SettingChange]:
    def values(cfg: Config, pol: Policy | None) -> dict[str, str | None]:
        if pol is None:
            return {}
        zone = cfg.zones.get(pol.zone) if pol.zone else None

        def text(value: object) -> str | None:
            return None if value is None else str(value).lower() if isinstance(value, bool) \
                else str(value)

        keyring = cfg.keyrings.get(pol.keyring) if pol.keyring else None
        return {
            "require": text(pol.constraints.require),
            "min_category": text(pol.constraints.min_category),
            "zone": pol.zone,
            "zone.require": text(zone.constraints.require) if zone else None,
            "zone.min_category": text(zone.constraints.min_category) if zone else None,
            "zone.allow_legacy": text(zone.allow_legacy) if zone else None,
            "allow_legacy": text(pol.allow_legacy),
            "read_retired": text(pol.read_retired),
            "keyring": pol.keyring,
            "keyring.path": keyring.path if keyring else None,
            "providers": ", ".join(pol.providers) or None,
            "rsa_bits": text(pol.rsa_bits),
            "min_iterations": text(pol.min_iterations),
            "qkd.link": pol.qkd.link if pol.qkd else None,
            "qkd.mode": pol.qkd.mode if pol.qkd else None,
            "qkd.kme_url": cfg.qkd_links[pol.qkd.link].kme_url if pol.qkd else None,
        }

    before, after = values(old_cfg, old), values(new_cfg, new)
    if not before or not after:
        return []  # added or removed: the families say it all
    return [SettingChange(k, before[k], after[k]) for k in before if before[k] != after[k]]


def _key_changes(name: str, old_cfg: Config, old: Policy, new_cfg: Config, new: Policy | None,
                 ring: Keyring) -> list[KeyChange]:
    old_path = old_cfg.keyrings[old.keyring].path if old.keyring else None
    if new is None:
        moved = f"policy {name!r} is no longer defined (and there is no default_policy)"
    elif new.name != name:
        moved = (f"policy {name!r} is no longer defined; the name now resolves to "
                 f"{new.name!r}, whose keyring holds other keys")
    elif (new_cfg.keyrings[new.keyring].path if new.keyring else None) != old_path:
        moved = f"policy {name!r} now uses keyring {new.keyring!r}, another file"
    else:
        moved = ""
    out = []
    for entry in ring:
        status = str(entry.status)
        try:
            fam = Family(entry.family)
        except ValueError:
            continue
        readable_before = (status != "destroyed" and entry.algorithm in old.accept.get(fam, ())
                           and (status != "retired" or old.read_retired))
        if not readable_before:
            continue
        reason = moved
        if not reason and new is not None:
            if entry.algorithm not in new.accept.get(fam, ()):
                reason = f"{entry.algorithm} is no longer on the {fam} accept-list"
            elif status == "retired" and not new.read_retired:
                reason = "retired keys are no longer read (read_retired = false)"
        common = {"kid": entry.kid.hex(), "family": entry.family, "algorithm": entry.algorithm,
                  "status": status}
        if reason:
            out.append(KeyChange(**common, impact=KeyImpact.UNREADABLE, reason=reason))
            continue
        assert new is not None
        old_cur, new_cur = old.algorithms.get(fam), new.algorithms.get(fam)
        if (status in ("primary", "active") and old_cur is not None
                and entry.algorithm == old_cur.name
                and (new_cur is None or new_cur.name != entry.algorithm)):
            writes = new_cur.name if new_cur else "nothing"
            hint = (f"; new {fam.value} operations fail until `agile keys rotate {name} "
                    f"--family {fam.value}`" if status == "primary" and new_cur else "")
            out.append(KeyChange(**common, impact=KeyImpact.CANNOT_BE_PRIMARY,
                                 reason=f"the policy now writes {fam} with {writes}{hint}"))
    return out


def _diff_one(name: str, old_cfg: Config, new_cfg: Config,
              keyrings: Mapping[str, Keyring] | None) -> PolicyDiff:
    old, new = _resolve(old_cfg, name), _resolve(new_cfg, name)
    families = _families(old, new)
    settings = _settings(old_cfg, old, new_cfg, new)
    if name == OTHER_NAMES:
        change = "changed"
    elif name not in old_cfg.policies:
        change = "added"
    elif name not in new_cfg.policies:
        change = "removed"
    else:
        change = "changed"
    if change == "changed" and not settings and not any(f.changed for f in families) \
            and (old.name if old else None) == (new.name if new else None):
        change = "unchanged"
    ring = keyrings.get(name) if keyrings is not None and name != OTHER_NAMES else None
    keys: list[KeyChange] = []
    if ring is not None and old is not None and old.name == name:
        keys = _key_changes(name, old_cfg, old, new_cfg, new, ring)
    return PolicyDiff(name=name, change=change,
                      old_resolves_to=old.name if old else None,
                      new_resolves_to=new.name if new else None,
                      families=tuple(f for f in families if f.changed), settings=tuple(settings),
                      keys=tuple(keys), keys_checked=ring is not None)


def diff_configs(old: Config, new: Config, keyrings: Mapping[str, Keyring] | None = None
                 ) -> ConfigDiff:
    """What switching from ``old`` to ``new`` changes, per policy name and family; with
    ``keyrings`` (policy name -> keyring snapshot), which keys become unreadable or can no
    longer be primary."""
    names = sorted(set(old.policies) | set(new.policies))
    if old.default_policy != new.default_policy:
        names.append(OTHER_NAMES)
    default = None if old.default_policy == new.default_policy else SettingChange(
        "default_policy", old.default_policy, new.default_policy)
    return ConfigDiff(old.source, new.source,
                      tuple(_diff_one(n, old, new, keyrings) for n in names), default)
