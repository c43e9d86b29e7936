"""The encrypted file: permissions, atomic replace, distinct errors, never overwriting bad files."""

from __future__ import annotations

import json
import stat
import struct
from pathlib import Path

import pytest

from agile.errors import (
    AgileError,
    KeyringCorrupted,
    KeyringExists,
    KeyringLocked,
    KeyringNotFound,
    KeyringTruncated,
    UnsupportedKeyringVersion,
    WrongPassphrase,
)
from agile.keyring import FORMAT_VERSION, FileStorage, KdfParams, Secret
from agile.keyring._format import MAGIC
from agile.keys import SecretKey

from .conftest import FAST, PASSPHRASE

ERRORS = (WrongPassphrase, KeyringTruncated, KeyringCorrupted, UnsupportedKeyringVersion)


def _filled(store: FileStorage) -> list[bytes]:
    with store.transaction() as keyrings:
        ring = keyrings.for_policy("p")
        keys = [SecretKey.generate("AES-256-GCM") for _ in range(3)]
        for key in keys:
            ring.rotate(key)
    return [k.export() for k in keys]


def _load(path: Path, passphrase: str = PASSPHRASE) -> object:
    return FileStorage(path, secret=Secret.passphrase(passphrase)).load()


def test_create_load_and_permissions(store: FileStorage) -> None:
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.load().generation == 0
    secrets = _filled(store)
    data = store.path.read_bytes()
    assert data.startswith(MAGIC)
    assert not any(s in data or s.hex().encode() in data for s in secrets)  # encrypted at rest
    keyrings = FileStorage(store.path, secret=Secret.passphrase(PASSPHRASE)).load()
    assert keyrings.generation == 1 and len(keyrings.rings["p"]) == 3
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert sorted(p.name for p in store.path.parent.iterdir() if "keys" in p.name) == [
        "keys.agilekeys", "keys.agilekeys.lock"]


def test_create_never_overwrites(store: FileStorage) -> None:
    _filled(store)
    before = store.path.read_bytes()
    with pytest.raises(KeyringExists):
        store.create()
    assert store.path.read_bytes() == before


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyringNotFound, match="agile keys init"):
        _load(tmp_path / "nope")


def test_default_kdf_is_strong(tmp_path: Path) -> None:
    assert KdfParams() == KdfParams(65536, 3, 4)
    with pytest.raises(AgileError):
        KdfParams(memory_cost_kib=4, iterations=1, lanes=1)


def test_wrong_passphrase(store: FileStorage) -> None:
    _filled(store)
    with pytest.raises(WrongPassphrase) as info:
        _load(store.path, "not the passphrase")
    assert type(info.value) is WrongPassphrase and "passphrase" in str(info.value)
    with pytest.raises(WrongPassphrase, match="raw key"):
        FileStorage(store.path, secret=Secret.raw_key(b"k" * 32)).load()


def test_raw_key_keyring(tmp_path: Path) -> None:
    path = tmp_path / "raw.agilekeys"
    storage = FileStorage(path, secret=Secret.raw_key(b"\x01" * 32), aead="ChaCha20-Poly1305")
    storage.create()
    with storage.transaction() as keyrings:
        keyrings.for_policy("p").rotate(SecretKey.generate("AES-256-GCM"))
    assert len(FileStorage(path, secret=Secret.raw_key(b"\x01" * 32)).load().rings["p"]) == 1
    with pytest.raises(WrongPassphrase):
        FileStorage(path, secret=Secret.raw_key(b"\x02" * 32)).load()
    with pytest.raises(WrongPassphrase, match="passphrase"):
        FileStorage(path, secret=Secret.passphrase("x")).load()


@pytest.mark.parametrize("keep", [0, 5, 8, 17, 100, -33, -1])
def test_truncated(store: FileStorage, keep: int) -> None:
    _filled(store)
    data = store.path.read_bytes()
    store.path.write_bytes(data[:keep])
    with pytest.raises(KeyringCorrupted) as info:
        _load(store.path)
    if keep not in (0,):
        assert type(info.value) is KeyringTruncated, info.value
        assert "truncated" in str(info.value)


def test_flipped_bytes_everywhere_after_the_version(store: FileStorage) -> None:
    _filled(store)
    data = store.path.read_bytes()
    for pos in [*range(10, len(data), max(1, len(data) // 150)), len(data) - 1]:
        damaged = bytearray(data)
        damaged[pos] ^= 0x40
        store.path.write_bytes(bytes(damaged))
        with pytest.raises(KeyringCorrupted) as info:
            _load(store.path)
        assert type(info.value) in (KeyringCorrupted, KeyringTruncated), (pos, info.value)
        if pos >= 18:  # past the length fields: the checksum catches it
            assert type(info.value) is KeyringCorrupted and "damaged" in str(info.value)


def test_tampering_with_a_recomputed_checksum_fails_authentication(store: FileStorage) -> None:
    import hashlib

    _filled(store)
    data = bytearray(store.path.read_bytes())
    data[-40] ^= 1  # inside the AEAD body
    data[-32:] = hashlib.sha256(bytes(data[:-32])).digest()
    store.path.write_bytes(bytes(data))
    with pytest.raises(KeyringCorrupted, match="authentication"):
        _load(store.path)


def test_header_is_authenticated(store: FileStorage) -> None:
    import hashlib

    _filled(store)
    data = store.path.read_bytes()
    magic, version, head_len, body_len = struct.unpack_from(">8sHII", data)
    header = json.loads(data[18:18 + head_len])
    header["aead"] = "ChaCha20-Poly1305" if header["aead"] == "AES-256-GCM" else "AES-256-GCM"
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    body = data[18 + head_len:-32]
    forged = struct.pack(">8sHII", magic, version, len(head), body_len) + head + body
    store.path.write_bytes(forged + hashlib.sha256(forged).digest())
    with pytest.raises(KeyringCorrupted, match="authentication"):
        _load(store.path)


def test_unknown_version(store: FileStorage) -> None:
    _filled(store)
    data = bytearray(store.path.read_bytes())
    data[8:10] = (FORMAT_VERSION + 1).to_bytes(2, "big")
    store.path.write_bytes(bytes(data))
    with pytest.raises(UnsupportedKeyringVersion) as info:
        _load(store.path)
    assert info.value.version == FORMAT_VERSION + 1 and "newer agile" in str(info.value)


def test_not_a_keyring(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"[policies.x]\naead = 'AES-256-GCM'\n" * 3)
    with pytest.raises(KeyringCorrupted, match="not an agile keyring"):
        _load(path)


def test_the_four_failures_are_distinct_classes(store: FileStorage) -> None:
    _filled(store)
    data = store.path.read_bytes()
    seen = []
    for damage in (lambda d: d, lambda d: d[:-10], lambda d: d[:60] + bytes([d[60] ^ 1]) + d[61:],
                   lambda d: d[:8] + b"\x00\x63" + d[10:]):
        store.path.write_bytes(damage(data))
        passphrase = "wrong" if not seen else PASSPHRASE
        with pytest.raises(AgileError) as info:
            _load(store.path, passphrase)
        seen.append(type(info.value))
    assert seen == [WrongPassphrase, KeyringTruncated, KeyringCorrupted, UnsupportedKeyringVersion]


@pytest.mark.parametrize("damage", ["truncate", "flip", "version", "passphrase"])
def test_a_failed_load_never_overwrites_the_file(store: FileStorage, damage: str) -> None:
    _filled(store)
    data = store.path.read_bytes()
    damaged = {"truncate": data[:-7], "flip": data[:50] + bytes([data[50] ^ 4]) + data[51:],
               "version": data[:8] + b"\x00\x09" + data[10:], "passphrase": data}[damage]
    store.path.write_bytes(damaged)
    secret = Secret.passphrase("wrong" if damage == "passphrase" else PASSPHRASE)
    writer = FileStorage(store.path, secret=secret)
    with pytest.raises(ERRORS), writer.transaction() as keyrings:
        keyrings.for_policy("p").rotate(SecretKey.generate("AES-256-GCM"))
    assert store.path.read_bytes() == damaged


def test_a_failing_change_writes_nothing(store: FileStorage) -> None:
    _filled(store)
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as keyrings:
        keyrings.for_policy("p").rotate(SecretKey.generate("AES-256-GCM"))
        raise RuntimeError("change failed half way")
    assert store.path.read_bytes() == before


def test_lock_timeout(store: FileStorage) -> None:
    import fcntl
    import os

    fd = os.open(str(store.path) + ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        slow = FileStorage(store.path, secret=Secret.passphrase(PASSPHRASE), lock_timeout=0.2)
        with pytest.raises(KeyringLocked), slow.transaction():
            pass
        assert slow.load().generation == 0  # readers never need the lock
    finally:
        os.close(fd)


def test_secret_never_shown(store: FileStorage) -> None:
    text = repr(store) + str(store._secret)
    assert PASSPHRASE not in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(store._secret)
    _ = FAST
