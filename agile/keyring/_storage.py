"""Where keyrings live: a small backend protocol and the default encrypted file.

:class:`FileStorage` writes atomically (temp file in the same directory, fsync, ``os.replace``,
fsync of the directory), with 0600 permissions, and holds an exclusive ``flock`` on a sidecar
``<file>.lock`` across read-modify-write, so concurrent writers never lose an update and a
killed writer leaves either the old or the new file. A file that fails to load is never
overwritten.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .._atomic import write_atomic
from ..errors import KeyringExists, KeyringLocked, KeyringNotFound
from ._format import KdfParams, Secret, decode, derive, encode, new_header, read_header
from ._model import KeyringSet

__all__ = ["FileStorage", "StorageBackend"]


@runtime_checkable
class StorageBackend(Protocol):
    """What a keyring store offers (the file here; an HSM or KMS backend later)."""

    @property
    def name(self) -> str:
        """A label for messages and audit events (never a secret)."""
        ...

    def exists(self) -> bool: ...

    def create(self) -> KeyringSet:
        """Create an empty store; KeyringExists if there is one."""
        ...

    def load(self) -> KeyringSet:
        """A consistent snapshot of every policy's keyring."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[KeyringSet]:
        """Lock, load, yield for changes, and save them if the block ends without error."""
        ...


class FileStorage:
    """Keyrings in one encrypted file (see :mod:`agile.keyring._format`).

    >>> store = FileStorage("keys.agile", secret=Secret.passphrase("correct horse"))
    ... # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], *, secret: Secret,
                 kdf: KdfParams | None = None, aead: str = "AES-256-GCM",
                 lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._secret = secret
        self._kdf = kdf
        self._aead = aead
        self._lock_timeout = lock_timeout
        self._derived: dict[str, tuple[bytes, bytes]] = {}  # KDF inputs -> derived keys

    @property
    def name(self) -> str:
        return f"file:{self.path}"

    def __repr__(self) -> str:
        return f"<FileStorage {self.path} {self._secret!r}>"

    def exists(self) -> bool:
        return self.path.exists()

    # -- reading -------------------------------------------------------------------------------
    def _read(self) -> tuple[KeyringSet, dict[str, Any]]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise KeyringNotFound(f"keyring file {self.path} does not exist; create it with "
                                  "`agile keys init`") from None
        header, _, _ = read_header(data)
        cache_key = "|".join(str(header.get(k)) for k in ("kdf", "kdf_params", "salt"))
        keyrings, header, keys = decode(data, self._secret, keys=self._derived.get(cache_key))
        self._derived[cache_key] = keys
        return keyrings, header

    def load(self) -> KeyringSet:
        return self._read()[0]

    # -- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + self._lock_timeout
            delay = 0.001
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise KeyringLocked(f"keyring {self.path} is locked by another process "
                                            f"(waited {self._lock_timeout:g} s)") from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.05)
            try:
                self._remove_stale_temps()
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _temp_prefix(self) -> str:
        return f".{self.path.name}."

    def _remove_stale_temps(self) -> None:
        """Temp files left by a killed writer (we hold the lock, so none is in use)."""
        folder = self.path.parent
        prefix = self._temp_prefix()
        with contextlib.suppress(OSError):
            for name in os.listdir(folder):
                if name.startswith(prefix) and name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        os.unlink(folder / name)

    def _write(self, keyrings: KeyringSet, header: dict[str, Any]) -> None:
        cache_key = "|".join(str(header.get(k)) for k in ("kdf", "kdf_params", "salt"))
        keys = self._derived.get(cache_key)
        if keys is None:
            keys = self._derived[cache_key] = derive(self._secret, header)
        data = encode(keyrings, header, keys)
        write_atomic(self.path, data, mode=0o600, prefix=self._temp_prefix())

    def create(self) -> KeyringSet:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if self.path.exists():
                raise KeyringExists(f"keyring file {self.path} already exists; it was left "
                                    "unchanged")
            keyrings = KeyringSet()
            self._write(keyrings, new_header(self._secret, kdf=self._kdf, aead=self._aead))
            return keyrings

    @contextlib.contextmanager
    def transaction(self) -> Iterator[KeyringSet]:
        with self._locked():
            keyrings, header = self._read()  # raises (and writes nothing) if it cannot load
            yield keyrings
            keyrings.generation += 1
            self._write(keyrings, header)
