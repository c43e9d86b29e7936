"""pyca ``cryptography`` schemes for AEADs, Fernet, hashes, MACs, KDFs and password hashes."""

from __future__ import annotations

import binascii

from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import aead as _aead
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .._types import Buffer
from ..errors import DecryptionFailed, InvalidArgument, InvalidKey, InvalidSignature

_AEAD_CLASSES: dict[str, tuple[type[_aead.AESGCM] | type[_aead.AESGCMSIV]
                               | type[_aead.ChaCha20Poly1305], int]] = {
    "AES-128-GCM": (_aead.AESGCM, 16),
    "AES-256-GCM": (_aead.AESGCM, 32),
    "AES-256-GCM-SIV": (_aead.AESGCMSIV, 32),
    "ChaCha20-Poly1305": (_aead.ChaCha20Poly1305, 32),
}

HASH_CLASSES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA-256": hashes.SHA256, "SHA-384": hashes.SHA384, "SHA-512": hashes.SHA512,
    "SHA3-256": hashes.SHA3_256, "SHA3-384": hashes.SHA3_384, "SHA3-512": hashes.SHA3_512,
    "SHA-1": hashes.SHA1, "MD5": hashes.MD5,
}
_XOFS: dict[str, tuple[type[hashes.SHAKE128] | type[hashes.SHAKE256], int]] = {
    "SHAKE128": (hashes.SHAKE128, 32), "SHAKE256": (hashes.SHAKE256, 64),
}


class PycaAEADCipher:
    """A keyed pyca AEAD that raises :class:`DecryptionFailed` instead of ``InvalidTag``.

    ``unchecked_encrypt`` is pyca's own method, for callers that generate a valid 12-byte nonce
    themselves (agile's ``seal`` hot path).
    """

    __slots__ = ("_cipher", "unchecked_decrypt", "unchecked_encrypt")

    decrypt_errors = (InvalidTag, ValueError)  # what unchecked_decrypt raises on bad input

    def __init__(self, cipher: _aead.AESGCM | _aead.AESGCMSIV | _aead.ChaCha20Poly1305) -> None:
        self._cipher = cipher
        self.unchecked_encrypt = cipher.encrypt
        self.unchecked_decrypt = cipher.decrypt

    def __repr__(self) -> str:
        return f"<PycaAEADCipher {type(self._cipher).__name__}>"

    def encrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None) -> bytes:
        if len(nonce) != 12:
            raise InvalidArgument("nonce must be 12 bytes")
        return self._cipher.encrypt(nonce, data, aad)

    def decrypt(self, nonce: Buffer, data: Buffer, aad: Buffer | None) -> bytes:
        try:
            return self._cipher.decrypt(nonce, data, aad)
        except (InvalidTag, ValueError):
            raise DecryptionFailed() from None


class PycaAEAD:
    def __init__(self, name: str) -> None:
        self._cls, self._key_size = _AEAD_CLASSES[name]
        self._name = name

    def new(self, key: Buffer) -> PycaAEADCipher:
        if len(memoryview(key)) != self._key_size:
            raise InvalidArgument(f"{self._name} key must be {self._key_size} bytes")
        return PycaAEADCipher(self._cls(bytes(key)))


class PycaHash:
    def __init__(self, name: str) -> None:
        self._name = name

    def digest(self, data: Buffer, *, length: int | None = None) -> bytes:
        if self._name in _XOFS:
            cls, default = _XOFS[self._name]
            size = default if length is None else length
            if size < 1:
                raise InvalidArgument("length must be at least 1")
            h = hashes.Hash(cls(digest_size=size))
        else:
            if length is not None:
                raise InvalidArgument(f"{self._name} has a fixed output size; omit length")
            h = hashes.Hash(HASH_CLASSES[self._name]())
        h.update(data)
        return h.finalize()


class PycaHMAC:
    def __init__(self, hash_name: str) -> None:
        self._hash = HASH_CLASSES[hash_name]

    def mac(self, key: Buffer, data: Buffer) -> bytes:
        h = hmac.HMAC(bytes(key), self._hash())
        h.update(data)
        return h.finalize()

    def verify(self, key: Buffer, data: Buffer, tag: Buffer) -> None:
        h = hmac.HMAC(bytes(key), self._hash())
        h.update(data)
        try:
            h.verify(bytes(tag))  # constant-time comparison inside pyca
        except _PycaInvalidSignature:
            raise InvalidSignature() from None


class PycaHKDF:
    def __init__(self, hash_name: str) -> None:
        self._hash = HASH_CLASSES[hash_name]

    def derive(self, ikm: Buffer, *, length: int, salt: Buffer | None, info: Buffer) -> bytes:
        limit = 255 * self._hash().digest_size
        if not 1 <= length <= limit:
            raise InvalidArgument(f"length must be between 1 and {limit} bytes")
        return HKDF(self._hash(), length, None if salt is None else bytes(salt),
                    bytes(info)).derive(bytes(ikm))


class PycaPasswordHash:
    def __init__(self, name: str, hash_name: str | None = None) -> None:
        self._name = name
        self._hash = HASH_CLASSES[hash_name] if hash_name else hashes.SHA256

    def derive(self, password: Buffer, salt: Buffer, *, length: int,
               params: dict[str, int]) -> bytes:
        pw, salt_b = bytes(password), bytes(salt)
        try:
            if self._name == "Argon2id":
                return Argon2id(salt=salt_b, length=length, iterations=params["iterations"],
                                lanes=params["lanes"],
                                memory_cost=params["memory_cost_kib"]).derive(pw)
            if self._name == "scrypt":
                return Scrypt(salt=salt_b, length=length, n=params["n"], r=params["r"],
                              p=params["p"]).derive(pw)
            return PBKDF2HMAC(self._hash(), length, salt_b, params["iterations"]).derive(pw)
        except (ValueError, TypeError, OverflowError) as exc:
            raise InvalidArgument(f"invalid {self._name} parameters: {exc}") from None


class PycaFernet:
    """Fernet tokens exactly as ``cryptography.fernet.Fernet`` makes and reads them; the key is
    the url-safe base64 text Fernet takes."""

    @staticmethod
    def _fernet(key: str | Buffer) -> Fernet:
        try:
            return Fernet(key if isinstance(key, str | bytes) else bytes(key))
        except (ValueError, TypeError, binascii.Error):
            raise InvalidKey("a Fernet key is 32 bytes in url-safe base64 (44 characters)"
                             ) from None

    def generate_key(self) -> bytes:
        return Fernet.generate_key()

    def encrypt(self, key: str | Buffer, data: Buffer, current_time: int | None) -> bytes:
        fernet = self._fernet(key)
        if current_time is None:
            return fernet.encrypt(bytes(data))
        return fernet.encrypt_at_time(bytes(data), current_time)

    def decrypt(self, key: str | Buffer, token: str | Buffer, ttl: int | None,
                current_time: int | None) -> bytes:
        fernet = self._fernet(key)
        raw = token if isinstance(token, str | bytes) else bytes(token)
        try:
            if current_time is None:
                return fernet.decrypt(raw, ttl)
            if ttl is None:
                raise InvalidArgument("decrypting at a given time needs a ttl (as "
                                      "Fernet.decrypt_at_time does)")
            return fernet.decrypt_at_time(raw, ttl, current_time)
        except (InvalidToken, TypeError):
            raise DecryptionFailed() from None
