"""The keyring model: per policy, keys with a status; one primary key per family.

Statuses move one way, except that an active key can be promoted and a primary key is demoted
to active when another key is promoted::

    active --promote--> primary --(another promoted)--> active --retire--> retired --destroy-->
    destroyed

A destroyed key keeps its entry (kid, algorithm, dates) without material, so reading data sealed
under it fails with a clear :class:`~agile.errors.KeyDestroyed` instead of "unknown key".

>>> from agile.keys import SecretKey
>>> ring = Keyring("archive")
>>> entry = ring.rotate(SecretKey.generate("AES-256-GCM"))
>>> ring.primary("aead") is entry, entry.status
(True, <KeyStatus.PRIMARY: 'primary'>)
"""

from __future__ import annotations

import base64
import binascii
import builtins
import datetime as _dt
import enum
from collections.abc import Iterator, Mapping
from typing import Any

from ..algorithms import Family
from ..errors import InvalidArgument, KeyDestroyed, KeyNotFound, KeyringCorrupted, KeyringError
from ..keys import PrivateKey, PublicKey, SecretKey

__all__ = ["KeyEntry", "KeyStatus", "Keyring", "KeyringSet"]


class KeyStatus(enum.StrEnum):
    PRIMARY = "primary"  # used for new operations of its family (one per family)
    ACTIVE = "active"  # reads; distributed ahead of promotion (two-phase rotation)
    RETIRED = "retired"  # reads only if the policy allows (read_retired); never written
    DESTROYED = "destroyed"  # material erased; only the entry remains

    def __str__(self) -> str:
        return self.value


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


class KeyEntry:
    """One key of a keyring: kid, algorithm, family, status, creation time. Never shows material."""

    __slots__ = ("_key", "_material", "algorithm", "created", "family", "key_type", "kid",
                 "provider", "status")

    def __init__(self, *, kid: bytes, algorithm: str, family: str, status: KeyStatus,
                 created: str, material: bytes | None, key_type: str | None = None,
                 provider: str | None = None, key: SecretKey | PrivateKey | None = None) -> None:
        self.kid = kid
        self.algorithm = algorithm
        self.family = family
        self.status = status
        self.created = created
        self.key_type = key_type
        self.provider = provider
        self._material = material
        self._key = key

    @classmethod
    def from_key(cls, key: SecretKey | PrivateKey, *, algorithm: str | None = None,
                 family: str | None = None, status: KeyStatus = KeyStatus.ACTIVE) -> KeyEntry:
        """An entry for ``key``; private keys need ``algorithm`` and ``family``."""
        if isinstance(key, SecretKey):
            return cls(kid=key.kid, algorithm=key.algorithm.name,
                       family=family or key.algorithm.family.value, status=status,
                       created=_now(), material=key.export(), key=key)
        if isinstance(key, PrivateKey):
            if algorithm is None or family is None:
                raise InvalidArgument("a private key entry needs algorithm= and family=")
            return cls(kid=key.kid, algorithm=algorithm, family=family, status=status,
                       created=_now(), material=key.private_bytes(), key_type=key.key_type,
                       provider=key.provider, key=key)
        raise InvalidArgument(f"key must be a SecretKey or PrivateKey, not {type(key).__name__}")

    @property
    def usable(self) -> bool:
        return self.status is not KeyStatus.DESTROYED

    def key(self) -> SecretKey | PrivateKey:
        """The key object (built once); KeyDestroyed for a destroyed entry."""
        found = self._key
        if found is None:
            material = self._material
            if material is None:
                raise KeyDestroyed(f"key {self.kid.hex()} ({self.algorithm}) was destroyed on "
                                   "this keyring; data protected only by it cannot be read")
            if self.key_type is None:
                found = SecretKey.from_bytes(material, self.algorithm)
            else:
                found = PrivateKey.from_bytes(material, self.key_type, provider=self.provider)
            if found.kid != self.kid:
                raise KeyringCorrupted(f"key {self.kid.hex()}: material does not match its kid")
            self._key = found
        return found

    def public_key(self) -> PublicKey:
        key = self.key()
        if not isinstance(key, PrivateKey):
            raise InvalidArgument(f"{self.algorithm} is a symmetric key: it has no public key")
        return key.public_key()

    def to_dict(self) -> dict[str, Any]:
        """The stored form (includes the secret material: only for the encrypted file)."""
        return {"kid": self.kid.hex(), "algorithm": self.algorithm, "family": self.family,
                "status": self.status.value, "created": self.created, "key_type": self.key_type,
                "provider": self.provider,
                "material": None if self._material is None
                else base64.b64encode(self._material).decode()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KeyEntry:
        try:
            material = data["material"]
            return cls(kid=bytes.fromhex(data["kid"]), algorithm=str(data["algorithm"]),
                       family=str(data["family"]), status=KeyStatus(data["status"]),
                       created=str(data["created"]),
                       material=None if material is None
                       else base64.b64decode(material, validate=True),
                       key_type=data.get("key_type"), provider=data.get("provider"))
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise KeyringCorrupted(f"malformed key entry in keyring ({type(exc).__name__})") \
                from None

    def describe(self) -> dict[str, str | None]:
        """Public metadata (no material): for listings, JSON and audit."""
        return {"kid": self.kid.hex(), "algorithm": self.algorithm, "family": self.family,
                "status": self.status.value, "created": self.created}

    def __repr__(self) -> str:
        return (f"<KeyEntry {self.algorithm} kid={self.kid.hex()} status={self.status} "
                f"created={self.created}>")

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("KeyEntry cannot be pickled")


class Keyring:
    """The keys of one policy. Lookup by kid is a dict access (O(1))."""

    __slots__ = ("_entries", "policy")

    def __init__(self, policy: str, entries: list[KeyEntry] | None = None) -> None:
        self.policy = policy
        self._entries: dict[bytes, KeyEntry] = {}
        for entry in entries or ():
            if entry.kid in self._entries:
                raise KeyringCorrupted(f"keyring {policy!r} lists key {entry.kid.hex()} twice")
            self._entries[entry.kid] = entry

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[KeyEntry]:
        return iter(self._entries.values())

    def __repr__(self) -> str:
        return f"<Keyring {self.policy!r} keys={len(self._entries)}>"

    def list(self, *, family: str | None = None) -> list[KeyEntry]:
        """Entries, oldest first (optionally of one family)."""
        return [e for e in self._entries.values() if family is None or e.family == family]

    def find(self, kid: bytes) -> KeyEntry | None:
        return self._entries.get(kid)

    def get(self, kid: bytes | str) -> KeyEntry:
        """The entry with ``kid`` (bytes or hex; a unique hex prefix works too)."""
        found = self._entries.get(kid) if isinstance(kid, bytes) else self._by_hex(kid)
        if found is None:
            shown = kid.hex() if isinstance(kid, bytes) else kid
            raise KeyNotFound(f"no key {shown} in the keyring of policy {self.policy!r}; see "
                              "`agile keys list`")
        return found

    def _by_hex(self, text: str) -> KeyEntry | None:
        text = text.strip().lower()
        try:
            exact = self._entries.get(bytes.fromhex(text)) if len(text) == 32 else None
        except ValueError:
            return None
        if exact is not None:
            return exact
        matches = [e for e in self._entries.values() if e.kid.hex().startswith(text)]
        if len(matches) > 1:
            raise KeyNotFound(f"key id prefix {text!r} is ambiguous in policy {self.policy!r}")
        return matches[0] if matches and len(text) >= 4 else None

    def primary(self, family: Family | str) -> KeyEntry | None:
        fam = str(family.value if isinstance(family, Family) else family)
        for entry in self._entries.values():
            if entry.status is KeyStatus.PRIMARY and entry.family == fam:
                return entry
        return None

    # -- operations ----------------------------------------------------------------------------
    def add(self, key: SecretKey | PrivateKey, *, algorithm: str | None = None,
            family: str | None = None) -> KeyEntry:
        """Add ``key`` as active (distributed, readable, not yet used for new operations)."""
        entry = KeyEntry.from_key(key, algorithm=algorithm, family=family)
        if entry.kid in self._entries:
            raise KeyringError(f"key {entry.kid.hex()} is already in the keyring of policy "
                               f"{self.policy!r}")
        self._entries[entry.kid] = entry
        return entry

    def promote(self, kid: bytes | str) -> KeyEntry:
        """Make an active key the primary of its family; the former primary becomes active."""
        entry = self.get(kid)
        if entry.status is KeyStatus.PRIMARY:
            return entry
        if entry.status is not KeyStatus.ACTIVE:
            raise KeyringError(f"key {entry.kid.hex()} is {entry.status}; only an active key can "
                               "be promoted (add a new key instead)")
        old = self.primary(entry.family)
        if old is not None:
            old.status = KeyStatus.ACTIVE
        entry.status = KeyStatus.PRIMARY
        return entry

    def retire(self, kid: bytes | str) -> KeyEntry:
        """Stop reading with a key unless the policy reads retired keys; never written again."""
        entry = self.get(kid)
        if entry.status is KeyStatus.PRIMARY:
            raise KeyringError(f"key {entry.kid.hex()} is the primary {entry.family} key of "
                               f"policy {self.policy!r}; promote or rotate to another key first")
        if entry.status is KeyStatus.DESTROYED:
            raise KeyringError(f"key {entry.kid.hex()} is already destroyed")
        entry.status = KeyStatus.RETIRED
        return entry

    def destroy(self, kid: bytes | str) -> KeyEntry:
        """Erase a retired key's material; its entry stays so reads fail clearly."""
        entry = self.get(kid)
        if entry.status is KeyStatus.DESTROYED:
            return entry
        if entry.status is not KeyStatus.RETIRED:
            raise KeyringError(f"key {entry.kid.hex()} is {entry.status}; retire it before "
                               "destroying it")
        entry.status = KeyStatus.DESTROYED
        entry._material = None
        entry._key = None
        return entry

    def rotate(self, key: SecretKey | PrivateKey, *, algorithm: str | None = None,
               family: str | None = None) -> KeyEntry:
        """Add ``key`` and promote it (one step; the two-phase way is add, then promote)."""
        entry = self.add(key, algorithm=algorithm, family=family)
        return self.promote(entry.kid)

    def to_list(self) -> builtins.list[dict[str, Any]]:
        return [e.to_dict() for e in self._entries.values()]


class KeyringSet:
    """Every policy's keyring in one store, with a generation counter bumped on each save."""

    __slots__ = ("generation", "rings")

    def __init__(self, rings: dict[str, Keyring] | None = None, generation: int = 0) -> None:
        self.rings: dict[str, Keyring] = rings or {}
        self.generation = generation

    def __repr__(self) -> str:
        return f"<KeyringSet generation={self.generation} policies={sorted(self.rings)}>"

    def get(self, policy: str) -> Keyring | None:
        return self.rings.get(policy)

    def for_policy(self, policy: str) -> Keyring:
        """The keyring of ``policy``, created empty if it has none yet."""
        found = self.rings.get(policy)
        if found is None:
            found = self.rings[policy] = Keyring(policy)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {"generation": self.generation,
                "keyrings": {name: ring.to_list() for name, ring in sorted(self.rings.items())}}

    @classmethod
    def from_dict(cls, data: Any) -> KeyringSet:
        if not isinstance(data, dict) or not isinstance(data.get("keyrings"), dict) or \
                not isinstance(data.get("generation"), int):
            raise KeyringCorrupted("keyring body has an unexpected shape")
        rings = {}
        for name, entries in data["keyrings"].items():
            if not isinstance(entries, list):
                raise KeyringCorrupted(f"keyring {name!r} is not a list of keys")
            rings[str(name)] = Keyring(str(name), [KeyEntry.from_dict(e) for e in entries])
        return cls(rings, data["generation"])
