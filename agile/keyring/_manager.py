"""A policy's keyring bound to a Context: generate under the policy, store, audit.

Obtain one with ``Context.keyring(policy)`` (or ``agile.keyring_for(policy)``). Every change is
one locked read-modify-write of the store and emits an audit event (operation ``keyring.*``;
kid and algorithm only, never material).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import audit
from ..algorithms import Family
from ..errors import AgileError, InvalidArgument, KeyringError
from ..keys import PrivateKey, PublicKey, SecretKey
from ..policy import Config, KeyringSpec, Policy
from ._format import KdfParams, Secret
from ._model import KeyEntry, Keyring, KeyringSet
from ._storage import FileStorage, StorageBackend

if TYPE_CHECKING:
    from .._context import Context

__all__ = ["KeyringManager", "load_policy_keyrings", "secret_from_spec", "storage_from_spec"]

_KEY_FAMILIES = (Family.AEAD, Family.SIGNATURE, Family.HPKE, Family.KEM, Family.MAC)


def _decode_key_text(data: bytes, origin: str) -> bytes:
    """32 raw bytes, or 64 hex digits, or base64 of 32 bytes (surrounding whitespace ignored)."""
    if len(data) == 32:
        return data
    text = data.strip()
    if len(text) == 64:
        try:
            return bytes.fromhex(text.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            pass
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 32:
        return raw
    raise KeyringError(f"{origin} must hold a 32-byte key (raw, 64 hex digits or base64)")


def secret_from_spec(spec: KeyringSpec) -> Secret:
    """The key-encryption secret a ``[keyrings.NAME]`` table names (read now, never logged)."""
    if spec.key_env or spec.passphrase_env:
        var = spec.key_env or spec.passphrase_env
        assert var is not None
        value = os.environ.get(var)
        if not value:
            raise KeyringError(f"keyring {spec.name!r}: environment variable {var} is not set",
                               )
        if spec.key_env:
            return Secret.raw_key(_decode_key_text(value.encode(), f"${var}"), f"${var}")
        return Secret.passphrase(value, f"${var}")
    file = spec.key_file or spec.passphrase_file
    assert file is not None
    try:
        content = Path(file).read_bytes()
    except OSError as exc:
        raise KeyringError(f"keyring {spec.name!r}: cannot read {file}: {exc.strerror}") from None
    if spec.key_file:
        return Secret.raw_key(_decode_key_text(content, file), file)
    return Secret.passphrase(content.rstrip(b"\r\n"), file)


def storage_from_spec(spec: KeyringSpec, *, kdf: KdfParams | None = None) -> FileStorage:
    return FileStorage(spec.path, secret=secret_from_spec(spec), kdf=kdf)


def load_policy_keyrings(*configs: Config, names: Iterable[str] | None = None
                         ) -> tuple[dict[str, Keyring], dict[str, str]]:
    """Read-only snapshots of policies' keyrings, e.g. for :func:`agile.policy.diff_configs`.

    For each policy name (default: every policy of every config), the file is the one the
    first config defining that policy with ``keyring = "NAME"`` names; its key-encryption key
    comes from that ``[keyrings.NAME]`` table. Returns ``(rings, problems)``: ``rings`` maps
    policy name -> :class:`Keyring` (empty when the file holds no keys for it); ``problems``
    maps keyring name -> why it could not be opened (no passphrase, wrong passphrase, missing
    or damaged file). Nothing is written.
    """
    wanted = list(dict.fromkeys(names if names is not None
                                else (n for cfg in configs for n in cfg.policies)))
    loaded: dict[str, KeyringSet] = {}
    problems: dict[str, str] = {}
    rings: dict[str, Keyring] = {}
    for name in wanted:
        spec = next((cfg.keyrings[pol.keyring] for cfg in configs
                     if (pol := cfg.policies.get(name)) is not None and pol.keyring), None)
        if spec is None:
            continue
        label = f"{spec.name} ({spec.path})"
        if label in problems:
            continue
        found = loaded.get(label)
        if found is None:
            try:
                found = loaded[label] = storage_from_spec(spec).load()
            except AgileError as exc:
                problems[label] = str(exc)
                continue
        rings[name] = found.get(name) or Keyring(name)
    return rings, problems


def _family(value: Family | str) -> Family:
    try:
        fam = Family(value)
    except ValueError:
        raise InvalidArgument(f"unknown family {value!r}; one of: "
                              + ", ".join(f.value for f in _KEY_FAMILIES)) from None
    if fam not in _KEY_FAMILIES:
        raise InvalidArgument(f"{fam} has no keys; one of: "
                              + ", ".join(f.value for f in _KEY_FAMILIES))
    return fam


class KeyringManager:
    """The keyring of one policy in one store; changes are atomic and audited.

    >>> ring = ctx.keyring("archive")          # doctest: +SKIP
    >>> new = ring.generate()                  # phase 1: distribute (active)
    >>> ring.promote(new.kid)                  # phase 2: write with it (primary)
    """

    def __init__(self, context: Context, policy: Policy, storage: StorageBackend) -> None:
        self._context = context
        self.policy = policy
        self.storage = storage

    def __repr__(self) -> str:
        return f"<KeyringManager policy={self.policy.name!r} {self.storage.name}>"

    def _new_key(self, family: Family) -> tuple[SecretKey | PrivateKey, str]:
        alg = self.policy.algorithm(family)
        if family in (Family.AEAD, Family.MAC):
            return self._context.generate_key(policy=self.policy.name, family=family), alg.name
        return self._context.generate_keypair(policy=self.policy.name, family=family), alg.name

    def _audit(self, operation: str, entry: KeyEntry, outcome: str = "ok") -> None:
        audit.emit(f"keyring.{operation}", self.policy.name, entry.algorithm, self.storage.name,
                   entry.kid, outcome, f"status={entry.status}")

    def _change(self, operation: str, change: object) -> KeyEntry:
        """Run ``change(ring) -> entry`` inside one store transaction; audit the outcome."""
        try:
            with self.storage.transaction() as keyrings:
                ring = keyrings.for_policy(self.policy.name)
                entry: KeyEntry = change(ring)  # type: ignore[operator]
        except AgileError as exc:
            audit.emit(f"keyring.{operation}", self.policy.name, "-", self.storage.name, None,
                       "error", type(exc).__name__)
            raise
        self._context._keyring_changed(self.policy.name, ring)
        self._audit(operation, entry)
        return entry

    # -- operations ----------------------------------------------------------------------------
    def add(self, key: SecretKey | PrivateKey, *, family: Family | str | None = None) -> KeyEntry:
        """Add an existing key as active; private keys are added for ``family`` (signature)."""
        if isinstance(key, SecretKey):
            self.policy.check_accepts(key.algorithm)
            return self._change("add", lambda ring: ring.add(key))
        fam = _family(family or Family.SIGNATURE)
        alg = self.policy.algorithm(fam)
        if alg.key_type != key.key_type:
            raise InvalidArgument(f"policy {self.policy.name!r} uses {alg.name} for {fam}, but "
                                  f"the key is {key.key_type}")
        return self._change("add", lambda ring: ring.add(key, algorithm=alg.name,
                                                         family=fam.value))

    def generate(self, *, family: Family | str = Family.AEAD) -> KeyEntry:
        """Generate a key under the policy's current ``family`` algorithm and add it as active
        (phase 1 of a two-phase rotation: distribute before writing with it)."""
        fam = _family(family)
        key, alg = self._new_key(fam)
        return self._change("generate", lambda ring: ring.add(key, algorithm=alg,
                                                              family=fam.value))

    def rotate(self, *, family: Family | str = Family.AEAD) -> KeyEntry:
        """Generate a key under the policy's current algorithm and make it primary at once."""
        fam = _family(family)
        key, alg = self._new_key(fam)
        return self._change("rotate", lambda ring: ring.rotate(key, algorithm=alg,
                                                               family=fam.value))

    def promote(self, kid: bytes | str) -> KeyEntry:
        """Phase 2: make an active key the primary of its family."""
        return self._change("promote", lambda ring: ring.promote(kid))

    def retire(self, kid: bytes | str) -> KeyEntry:
        return self._change("retire", lambda ring: ring.retire(kid))

    def destroy(self, kid: bytes | str) -> KeyEntry:
        """Erase a retired key's material for good (its data becomes unreadable)."""
        return self._change("destroy", lambda ring: ring.destroy(kid))

    def load(self) -> Keyring:
        """A fresh snapshot of this policy's keyring from the store."""
        ring = self.storage.load().get(self.policy.name) or Keyring(self.policy.name)
        self._context._keyring_changed(self.policy.name, ring)
        return ring

    def list(self, *, family: Family | str | None = None) -> list[KeyEntry]:
        fam = None if family is None else _family(family).value
        return self.load().list(family=fam)

    def primary(self, family: Family | str = Family.AEAD) -> KeyEntry | None:
        return self.load().primary(_family(family))

    def public_key(self, kid: bytes | str | None = None, *,
                   family: Family | str = Family.SIGNATURE) -> PublicKey:
        """The public key of ``kid`` (default: the family's primary)."""
        ring = self.load()
        entry = ring.get(kid) if kid is not None else ring.primary(_family(family))
        if entry is None:
            raise KeyringError(f"policy {self.policy.name!r} has no primary {family} key; run "
                               f"`agile keys rotate {self.policy.name} --family {family}`")
        public = entry.public_key()
        audit.emit("keyring.export_public", self.policy.name, entry.algorithm, self.storage.name,
                   entry.kid)
        return public
