"""The keyring file format (version 1): a small authenticated header, then the sealed body.

Layout (integers big-endian)::

    magic "AGILEKR\\x00" (8) | version u16 | header_len u32 | body_len u32
    | header (JSON, header_len bytes) | body (AEAD ciphertext, body_len bytes)
    | SHA-256 of everything before it (32)

The header names the KDF and its parameters, the salt, the AEAD, the nonce and a 16-byte key
check value; everything before the body is the AEAD's associated data, so none of it can be
changed without detection. The key-encryption key (KEK) comes from a passphrase through
Argon2id (parameters in the header), or from 32 raw key bytes through HKDF; HKDF then splits
it into the body key and the check value. Loading checks, in order, so each failure has its
own error: length and magic (:class:`~agile.errors.KeyringTruncated` /
:class:`~agile.errors.KeyringCorrupted`), version (:class:`~agile.errors.UnsupportedKeyringVersion`),
the checksum (corrupted: a flipped byte), the check value (:class:`~agile.errors.WrongPassphrase`),
then the AEAD tag (corrupted: tampered with and the checksum recomputed).

The primitives run through agile's provider layer (Argon2id, HKDF-SHA256, the AEAD).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from dataclasses import dataclass
from typing import Any

from .. import providers
from ..errors import (
    DecryptionFailed,
    InvalidArgument,
    KeyringCorrupted,
    KeyringTruncated,
    UnsupportedKeyringVersion,
    WrongPassphrase,
)
from ._model import KeyringSet

__all__ = ["FORMAT_VERSION", "MAGIC", "KdfParams", "Secret", "decode", "encode"]

MAGIC = b"AGILEKR\x00"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">8sHII")
_DIGEST = 32
_MAX_HEADER = 1 << 16
_AEADS = ("AES-256-GCM", "ChaCha20-Poly1305")
_INFO_KEY = b"agile-keyring-v1 body key"
_INFO_CHECK = b"agile-keyring-v1 key check"


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id parameters for passphrases. The defaults are strong (64 MiB, 3 passes)."""

    memory_cost_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def __post_init__(self) -> None:
        if not 8 * self.lanes <= self.memory_cost_kib <= 1 << 22 or not 1 <= self.iterations <= 64 \
                or not 1 <= self.lanes <= 64:
            raise InvalidArgument("Argon2id parameters out of range (memory 8*lanes..4 GiB in KiB, "
                                  "iterations 1..64, lanes 1..64)")


class Secret:
    """Where the key-encryption key comes from: a passphrase or 32 raw key bytes. No repr leak."""

    __slots__ = ("_value", "kind", "origin")

    def __init__(self, value: bytes, kind: str, origin: str) -> None:
        if kind not in ("passphrase", "key"):
            raise InvalidArgument("kind must be 'passphrase' or 'key'")
        if kind == "key" and len(value) != 32:
            raise InvalidArgument(f"a keyring key must be 32 bytes, got {len(value)} (from {origin})")
        if kind == "passphrase" and not value:
            raise InvalidArgument(f"empty passphrase (from {origin})")
        self._value = value
        self.kind = kind
        self.origin = origin

    @classmethod
    def passphrase(cls, value: str | bytes, origin: str = "argument") -> Secret:
        return cls(value.encode() if isinstance(value, str) else bytes(value), "passphrase", origin)

    @classmethod
    def raw_key(cls, value: bytes, origin: str = "argument") -> Secret:
        return cls(bytes(value), "key", origin)

    def __repr__(self) -> str:
        return f"<Secret {self.kind} from {self.origin}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("Secret cannot be pickled")


def _hkdf(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    scheme: Any = providers.for_algorithm("HKDF-SHA256").scheme("HKDF-SHA256")
    out: bytes = scheme.derive(ikm, length=length, salt=salt, info=info)
    return out


def derive(secret: Secret, header: dict[str, Any]) -> tuple[bytes, bytes]:
    """(body_key, check_value) for ``secret`` under the header's KDF."""
    salt = bytes.fromhex(header["salt"])
    kdf = header["kdf"]
    if kdf == "argon2id":
        if secret.kind != "passphrase":
            raise WrongPassphrase("this keyring is protected by a passphrase, but a raw key was "
                                  "given")
        p = header["kdf_params"]
        params = KdfParams(int(p["m"]), int(p["t"]), int(p["p"]))
        scheme: Any = providers.for_algorithm("Argon2id").scheme("Argon2id")
        master: bytes = scheme.derive(secret._value, salt, length=32, params={
            "memory_cost_kib": params.memory_cost_kib, "iterations": params.iterations,
            "lanes": params.lanes})
    elif kdf == "hkdf-sha256":
        if secret.kind != "key":
            raise WrongPassphrase("this keyring is protected by a raw key (key_env/key_file), but "
                                  "a passphrase was given")
        master = secret._value
    else:
        raise KeyringCorrupted(f"keyring header names an unknown KDF {kdf!r}")
    return _hkdf(master, salt, _INFO_KEY, 32), _hkdf(master, salt, _INFO_CHECK, 16)


def new_header(secret: Secret, *, kdf: KdfParams | None = None, aead: str = "AES-256-GCM"
               ) -> dict[str, Any]:
    """A fresh header (new salt) for ``secret``; the nonce and check are filled by ``encode``."""
    if aead not in _AEADS:
        raise InvalidArgument(f"aead must be one of {', '.join(_AEADS)}")
    header: dict[str, Any] = {"aead": aead, "salt": os.urandom(16).hex()}
    if secret.kind == "passphrase":
        params = kdf or KdfParams()
        header["kdf"] = "argon2id"
        header["kdf_params"] = {"m": params.memory_cost_kib, "t": params.iterations,
                                "p": params.lanes}
    else:
        header["kdf"] = "hkdf-sha256"
    return header


def _cipher(aead: str, key: bytes) -> Any:
    return providers.for_algorithm(aead).scheme(aead).new(key)  # type: ignore[attr-defined]


def encode(keyrings: KeyringSet, header: dict[str, Any], keys: tuple[bytes, bytes]) -> bytes:
    """The file bytes for ``keyrings`` under ``header`` (a fresh nonce each time)."""
    body_key, check = keys
    header = {**header, "nonce": os.urandom(12).hex(), "check": check.hex()}
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    plaintext = json.dumps(keyrings.to_dict(), separators=(",", ":")).encode()
    body_len = len(plaintext) + 16
    aad = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(head), body_len) + head
    body: bytes = _cipher(header["aead"], body_key).encrypt(bytes.fromhex(header["nonce"]), plaintext, aad)
    assert len(body) == body_len
    data = aad + body
    return data + hashlib.sha256(data).digest()


def read_header(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """(header, aad, body) after the structural checks (no secret needed)."""
    if len(data) < _PREFIX.size:
        if MAGIC.startswith(data[:8]) and data:
            raise KeyringTruncated(f"keyring file is truncated ({len(data)} bytes)")
        raise KeyringCorrupted("not an agile keyring file (too short)" if data else
                               "keyring file is empty")
    magic, version, head_len, body_len = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise KeyringCorrupted("not an agile keyring file (bad magic)")
    if version != FORMAT_VERSION:
        raise UnsupportedKeyringVersion(
            f"keyring file format version {version} is not supported (this agile reads version "
            f"{FORMAT_VERSION}); it was written by a newer agile, or is damaged", version)
    if head_len > _MAX_HEADER:
        raise KeyringCorrupted("keyring header length is implausible")
    expected = _PREFIX.size + head_len + body_len + _DIGEST
    if len(data) < expected:
        raise KeyringTruncated(f"keyring file is truncated: {len(data)} of {expected} bytes")
    if len(data) > expected:
        raise KeyringCorrupted(f"keyring file has {len(data) - expected} unexpected trailing bytes")
    if not hmac.compare_digest(hashlib.sha256(data[:-_DIGEST]).digest(), data[-_DIGEST:]):
        raise KeyringCorrupted("keyring file is damaged (checksum mismatch); restore it from a "
                               "backup")
    aad_end = _PREFIX.size + head_len
    try:
        header = json.loads(data[_PREFIX.size:aad_end])
        if not isinstance(header, dict) or header.get("aead") not in _AEADS or \
                len(bytes.fromhex(header["nonce"])) != 12 or \
                len(bytes.fromhex(header["check"])) != 16 or not bytes.fromhex(header["salt"]):
            raise ValueError("header fields")
        if header["kdf"] == "argon2id":
            p = header["kdf_params"]
            KdfParams(int(p["m"]), int(p["t"]), int(p["p"]))
    except (ValueError, KeyError, TypeError, InvalidArgument):
        raise KeyringCorrupted("keyring header is malformed") from None
    return header, data[:aad_end], data[aad_end:-_DIGEST]


def decode(data: bytes, secret: Secret, *, keys: tuple[bytes, bytes] | None = None
           ) -> tuple[KeyringSet, dict[str, Any], tuple[bytes, bytes]]:
    """(keyrings, header, derived keys) from file bytes; ``keys`` skips the KDF when known."""
    header, aad, body = read_header(data)
    body_key, check = keys if keys is not None else derive(secret, header)
    if not hmac.compare_digest(check, bytes.fromhex(header["check"])):
        raise WrongPassphrase("wrong passphrase or key for this keyring")
    try:
        plaintext = _cipher(header["aead"], body_key).decrypt(
            bytes.fromhex(header["nonce"]), body, aad)
    except DecryptionFailed:
        raise KeyringCorrupted("keyring failed authentication: it was modified; restore it from "
                               "a backup") from None
    try:
        content = json.loads(plaintext)
    except ValueError:
        raise KeyringCorrupted("keyring body is not valid JSON") from None
    return KeyringSet.from_dict(content), header, (body_key, check)
